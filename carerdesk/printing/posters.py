"""A poster about the scheme (A4 or A3) and a window sticker for businesses.

The poster says what the card is, who can get one and how to join. The
sticker is a 150 mm square or circle in the scheme's colours saying "Carers
welcome here", with the business's name and, optionally, a QR code to its
entry in the online offer list; it is printed on A4 sticker paper and cut out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import IO

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer

from carerdesk.printing import fonts, qr
from carerdesk.printing.page_style import INK, SchemeInfo, draw_logo, ink_on, web_address
from carerdesk.printing.report import RenderReport

PAGE_SIZES = {"A4": A4, "A3": A3}
SHAPES = ("square", "circle")
STICKER_MM = 150.0


def _m(text: str, bold: bool = False) -> str:
    return fonts.markup(text, bold)


# -- poster ----------------------------------------------------------------------------


def _poster_story(scheme: SchemeInfo, k: float) -> list[Flowable]:
    """The poster's words, with every size scaled by ``k`` (1 for A4)."""
    body = ParagraphStyle("body", fontName=fonts.BODY, fontSize=17 * k, leading=23 * k,
                          textColor=INK, alignment=TA_CENTER, spaceAfter=6 * k)  # fmt: skip
    heading = ParagraphStyle("heading", parent=body, fontName=fonts.BOLD, fontSize=22 * k,
                             leading=28 * k, textColor=scheme.primary, spaceBefore=12 * k,
                             spaceAfter=4 * k)  # fmt: skip
    lead = ParagraphStyle("lead", parent=body, fontName=fonts.BOLD, fontSize=26 * k,
                          leading=32 * k, spaceAfter=8 * k)  # fmt: skip
    contact = ParagraphStyle("contact", parent=body, fontName=fonts.BOLD, fontSize=22 * k,
                             leading=30 * k, spaceAfter=0)  # fmt: skip
    story: list[Flowable] = [
        Paragraph(_m("Do you look after someone?", True), lead),
        Paragraph(_m("What is the card?", True), heading),
        Paragraph(_m(
            "A card that shows you are an unpaid carer, so you do not have to explain in "
            "front of the person you look after. It also gets you offers and discounts from "
            "local businesses."), body),
        Paragraph(_m("Who can get one?", True), heading),
        Paragraph(_m(
            "Anyone who looks after a family member, partner or friend who could not manage "
            "without their help, and is not paid for it. Young carers can have one too."), body),
        Paragraph(_m("How to join", True), heading),
        Paragraph(_m("Ask us: we will register you and give you your card."), body),
        Spacer(1, 4 * k),
    ]  # fmt: skip
    for what, value in scheme.contacts():
        story.append(Paragraph(_m(f"{what}: ") + _m(value, True), contact))
    return story


def _height(story: list[Flowable], width: float) -> float:
    total = 0.0
    for flowable in story:
        total += flowable.wrap(width, 1e6)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def build_poster(out: IO[bytes], scheme: SchemeInfo, *, size: str = "A4") -> RenderReport:
    """A poster explaining the scheme, on A4 or A3 (everything scales with the page)."""
    fonts.register_fonts()
    page_w, page_h = PAGE_SIZES[size]
    k = page_w / A4[0]
    margin = 18 * mm * k
    canvas = Canvas(out, pagesize=(page_w, page_h), pageCompression=1)
    canvas.setTitle(f"Poster - {scheme.name}")
    # A band of the scheme's colours across the top and bottom.
    canvas.setFillColor(scheme.primary)
    canvas.rect(0, page_h - 14 * mm * k, page_w, 14 * mm * k, stroke=0, fill=1)
    canvas.rect(0, 0, page_w, 22 * mm * k, stroke=0, fill=1)
    canvas.setFillColor(scheme.accent)
    canvas.rect(0, page_h - 17 * mm * k, page_w, 3 * mm * k, stroke=0, fill=1)
    canvas.rect(0, 22 * mm * k, page_w, 3 * mm * k, stroke=0, fill=1)
    top = page_h - 24 * mm * k
    logo = scheme.logo()
    if logo is not None:
        iw, ih = logo.getSize()
        h = 30 * mm * k
        w = min(page_w - 2 * margin, iw * h / ih)
        draw_logo(canvas, logo, (page_w - w) / 2, top - h, w, h)
        top -= h + 6 * mm * k
    name_size, _ = fonts.fit_size(scheme.name, page_w - 2 * margin, 54 * k, 20 * k, bold=True)
    canvas.setFillColor(scheme.primary)
    fonts.draw_text(canvas, page_w / 2, top - name_size, scheme.name, name_size, bold=True,
                    align="centre")  # fmt: skip
    top -= name_size * 1.5
    canvas.setFillColor(ink_on(scheme.primary))
    fonts.draw_text(canvas, page_w / 2, 8 * mm * k, "Carers welcome here", 24 * k, bold=True,
                    align="centre")  # fmt: skip
    bottom = 32 * mm * k
    if scheme.website:
        side = 34 * mm * k
        x = page_w - margin - side
        qr.draw(canvas, qr.encode(web_address(scheme.website)), x, bottom, side)
        canvas.setFillColor(INK)
        fonts.draw_text(canvas, x + side / 2, bottom - 11 * k, "Scan to find out more", 10 * k,
                        align="centre")  # fmt: skip
        bottom += side + 2 * mm * k
    width, height = page_w - 2 * margin, top - bottom
    # As big as fits: the words should be readable from across a waiting room.
    for grow in (1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7):
        story = _poster_story(scheme, k * grow)
        if _height(story, width) <= height:
            break
    frame = Frame(margin, bottom, width, height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)  # fmt: skip
    frame.addFromList(story, canvas)
    report = RenderReport(pages=1, items=1)
    if story:
        report.warnings.append("Some of the poster's text did not fit; check the printout.")
    canvas.showPage()
    canvas.save()
    return report


# -- sticker -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    max_size: float
    bold: bool
    gap_after: float  # points below this line's box


def _room(shape: str, radius: float, low: float, high: float, pad: float) -> float:
    """How wide a line may be between heights ``low`` and ``high`` from the centre."""
    if shape == "square":
        return 2 * (radius - pad)
    far = max(abs(low), abs(high))
    if far >= radius - pad:
        return 0.0
    return 2 * math.sqrt((radius - pad) ** 2 - far**2)


def _lines(scheme: SchemeInfo, business: str | None, qr: bool) -> list[_Line]:
    k = 1.0 if business or qr else 1.25  # the words alone can be bigger
    lines = [
        _Line(scheme.name, 22 * k, True, 14 * k),
        _Line("Carers", 48 * k, True, 2 * k),
        _Line("welcome here", 40 * k, True, 12),
    ]
    if business:
        lines.append(_Line(business, 18, False, 6))
    return lines


def build_sticker(
    out: IO[bytes],
    scheme: SchemeInfo,
    *,
    business: str | None = None,
    qr_url: str | None = None,
    shape: str = "square",
) -> RenderReport:
    """A 150 mm ``shape`` ("square" or "circle") decal centred on an A4 page."""
    fonts.register_fonts()
    page_w, page_h = A4
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Window sticker - {scheme.name}")
    radius = STICKER_MM * mm / 2
    cx, cy = page_w / 2, page_h / 2
    ink: Color = ink_on(scheme.primary)
    canvas.setFillColor(scheme.primary)
    canvas.setStrokeColor(scheme.accent)
    canvas.setLineWidth(2.5 * mm)
    ring = radius - 5 * mm
    if shape == "circle":
        canvas.circle(cx, cy, radius, stroke=0, fill=1)
        canvas.circle(cx, cy, ring, stroke=1, fill=0)
    else:
        canvas.rect(cx - radius, cy - radius, 2 * radius, 2 * radius, stroke=0, fill=1)
        canvas.rect(cx - ring, cy - ring, 2 * ring, 2 * ring, stroke=1, fill=0)
    lines = _lines(scheme, business, bool(qr_url))
    qr_side = 32 * mm if qr_url else 0.0
    height = sum(line.max_size * 1.1 + line.gap_after for line in lines) + qr_side
    if not qr_url:
        height -= lines[-1].gap_after
    y = cy + height / 2  # top of the next line's box, from the top down
    report = RenderReport(pages=1, items=1)
    pad = 12 * mm
    for line in lines:
        box = line.max_size * 1.1
        room = _room(shape, radius, y - box - cy, y - cy, pad)
        size, fits = fonts.fit_size(line.text, room, line.max_size, 7, bold=line.bold)
        if not fits:
            report.warnings.append("Some of the sticker's text is too long to fit.")
        canvas.setFillColor(ink)
        fonts.draw_text(canvas, cx, y - box + (box - size) / 2 + size * 0.2, line.text, size,
                        bold=line.bold, align="centre")  # fmt: skip
        y -= box + line.gap_after
    if qr_url:
        qr.draw(canvas, qr.encode(qr_url), cx - qr_side / 2, y - qr_side, qr_side)
    canvas.setFillColor(INK)
    fonts.draw_text(canvas, cx, cy - radius - 8 * mm, "Cut along the edge of the coloured "
                    f"{shape}.", 9, align="centre")  # fmt: skip
    canvas.showPage()
    canvas.save()
    return report
