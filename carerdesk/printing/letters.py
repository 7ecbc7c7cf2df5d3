"""Renewal letters for DL window envelopes, and address labels on label sheets.

A letter is one A4 page. The address sits in the window field of a DL
envelope (20 mm from the left, 45 to 90 mm from the top, 85 mm wide; DIN 5008,
the common UK convention too), with fold marks at 99 and 198 mm for folding in
three. Addresses follow Royal Mail's convention: no commas, POST TOWN in
capitals, postcode alone on the last line. Address blocks shrink, and wrap if
they must, so no word is ever cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph

from carerdesk.printing import fonts
from carerdesk.printing.page_style import (
    INK,
    SOFT_INK,
    SchemeInfo,
    draw_lines,
    draw_logo,
    fit_lines,
    long_date,
)
from carerdesk.printing.presets import LabelSheet, card_positions, nudge_for, to_points
from carerdesk.printing.report import RenderReport

# The DL window field, in mm from the page's top-left corner.
WINDOW_LEFT, WINDOW_TOP, WINDOW_W, WINDOW_H = 20.0, 45.0, 85.0, 45.0
ADDRESS_TOP = 50.0  # the first line starts here, inside the field
FOLDS = (99.0, 198.0)
LETTER_NUDGE = "dl-letter"  # presets.set_nudge(LETTER_NUDGE, dx, dy) moves the address
BODY_SIZE = 12.0
LABEL_PAD_X, LABEL_PAD_Y = 5.0, 3.0  # mm inside each label


@dataclass(frozen=True)
class PostalAddress:
    """Who and where to post to; ``lines`` are the street and locality lines."""

    name: str
    lines: tuple[str, ...]
    town: str | None
    postcode: str | None

    def block(self) -> list[str]:
        """The address as printed: name, lines, POST TOWN, postcode on its own line."""
        out = [self.name, *self.lines]
        if self.town:
            out.append(self.town.upper())
        if self.postcode:
            out.append(self.postcode.upper())
        return [line for line in out if line and line.strip()]


@dataclass(frozen=True)
class CardDue:
    """A card running out: its number, expiry date and kind (e.g. "Standard")."""

    number: str
    expires_on: date
    kind: str


@dataclass(frozen=True)
class RenewalLetter:
    """One carer's letter: "Dear ``greeting``", their address and their cards."""

    greeting: str
    address: PostalAddress
    cards: tuple[CardDue, ...]


def _page_point(x_mm: float, y_mm: float) -> tuple[float, float]:
    """reportlab points for a place given in mm from the page's top-left."""
    return x_mm * mm, A4[1] - y_mm * mm


def _styles(scheme: SchemeInfo) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=fonts.BODY, fontSize=BODY_SIZE,
                          leading=BODY_SIZE * 1.35, textColor=INK, spaceAfter=7,
                          bulletFontName=fonts.BODY, bulletFontSize=BODY_SIZE)  # fmt: skip
    return {
        "body": body,
        "heading": ParagraphStyle("heading", parent=body, fontName=fonts.BOLD, fontSize=15,
                                  leading=19, textColor=scheme.primary, spaceAfter=10),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=6 * mm, bulletIndent=1 * mm,
                                 spaceAfter=4),
    }  # fmt: skip


def _m(text: str, bold: bool = False) -> str:
    return fonts.markup(text, bold)


def _letter_body(letter: RenewalLetter, scheme: SchemeInfo, today: date,
                 st: dict[str, ParagraphStyle]) -> list[Flowable]:  # fmt: skip
    def ends(card: CardDue) -> str:
        verb = "ran out" if card.expires_on < today else "runs out"
        return f"{verb} on {long_date(card.expires_on)}"

    one = len(letter.cards) == 1
    story: list[Flowable] = [
        Paragraph(_m("Time to renew your card" if one else "Time to renew your cards", True),
                  st["heading"]),
        Paragraph(_m(f"Dear {letter.greeting},"), st["body"]),
    ]  # fmt: skip
    if one:
        card = letter.cards[0]
        story.append(Paragraph(
            _m(f"Your {scheme.name} card, number ") + _m(card.number, True)
            + _m(f", {ends(card)}. Please renew it so that you can keep using it, "
                 "and the offers for carers that come with it."), st["body"]))  # fmt: skip
    else:
        story.append(Paragraph(_m(f"These {scheme.name} cards of yours need renewing:"),
                               st["body"]))  # fmt: skip
        for card in letter.cards:
            text = _m(f"{card.kind} card, number ") + _m(card.number, True) + _m(f", {ends(card)}")
            story.append(Paragraph(text, st["bullet"], bulletText="•"))
    it = "it" if one else "them"
    story.append(Paragraph(_m("How to renew", True), st["body"]))
    steps = [f"Come to one of our drop-in sessions and bring your card{'' if one else 's'} "
             "with you."]  # fmt: skip
    if scheme.photos_required:
        steps.append("Bring a recent photo of yourself, or we can take one for you there.")
    contacts = ", ".join(f"{what.lower()} {value}" for what, value in scheme.contacts())
    if contacts:
        steps.append(f"Or contact us and we will help you renew {it}: {contacts}.")
    else:
        steps.append(f"Or contact the carers centre and we will help you renew {it}.")
    for step in steps:
        story.append(Paragraph(_m(step), st["bullet"], bulletText="•"))
    story += [
        Paragraph(_m("If you no longer need a card, or your details have changed, please let "
                     "us know."), st["body"]),
        Paragraph(_m("Yours sincerely,"), st["body"]),
        Paragraph(_m(f"The {scheme.name} team"), st["body"]),
    ]  # fmt: skip
    return story


def _letterhead(canvas: Canvas, scheme: SchemeInfo) -> None:
    x, top = 20 * mm, A4[1] - 15 * mm
    logo = scheme.logo()
    if logo is not None:
        x += draw_logo(canvas, logo, x, top - 18 * mm, 40 * mm, 18 * mm) + 5 * mm
    size, _ = fonts.fit_size(scheme.name, 190 * mm - x - 60 * mm, 18, 10, bold=True)
    canvas.setFillColor(scheme.primary)
    fonts.draw_text(canvas, x, top - size, scheme.name, size, bold=True)
    canvas.setFillColor(SOFT_INK)
    baseline = top - 9
    for what, value in scheme.contacts():
        fonts.draw_text(canvas, 190 * mm, baseline, f"{what}: {value}", 9, align="right")
        baseline -= 12
    canvas.setStrokeColor(scheme.accent)
    canvas.setLineWidth(1.5)
    canvas.line(20 * mm, top - 24 * mm, 190 * mm, top - 24 * mm)


def _fold_marks(canvas: Canvas) -> None:
    canvas.setStrokeColor(HexColor("#888888"))
    canvas.setLineWidth(0.5)
    for y_mm in FOLDS:
        _, y = _page_point(0, y_mm)
        canvas.line(4 * mm, y, 9 * mm, y)


def build_renewal_letters(
    out: IO[bytes], letters: Sequence[RenewalLetter], scheme: SchemeInfo, *, today: date
) -> RenderReport:
    """One A4 letter per carer, addressed for a DL window envelope."""
    fonts.register_fonts()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Card renewal letters - {scheme.name}")
    st = _styles(scheme)
    dx, dy = nudge_for(LETTER_NUDGE)
    report = RenderReport()
    squeezed = 0
    for letter in letters:
        _letterhead(canvas, scheme)
        _fold_marks(canvas)
        block = fit_lines(letter.address.block(), (WINDOW_W - 2) * mm,
                          (WINDOW_TOP + WINDOW_H - ADDRESS_TOP) * mm, 12, 7)  # fmt: skip
        x, top = _page_point(WINDOW_LEFT + dx, ADDRESS_TOP + dy)
        canvas.setFillColor(INK)
        draw_lines(canvas, x, top, block)
        _, baseline = _page_point(0, ADDRESS_TOP)
        fonts.draw_text(canvas, 190 * mm, baseline - BODY_SIZE, long_date(today), BODY_SIZE,
                        align="right")  # fmt: skip
        left, body_top = _page_point(20, 100)
        _, body_bottom = _page_point(0, 272)
        frame = Frame(left, body_bottom, 170 * mm, body_top - body_bottom, leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
        story = _letter_body(letter, scheme, today, st)
        frame.addFromList(story, canvas)
        squeezed += bool(story) or not block.fits  # story keeps whatever did not fit
        canvas.setFillColor(SOFT_INK)
        fonts.draw_text(canvas, 105 * mm, 12 * mm, scheme.contact_line(), 9, align="centre")
        canvas.showPage()
        report.pages += 1
        report.items += 1
    if not letters:
        report.warnings.append("There were no letters to print.")
    if squeezed:
        report.warnings.append(f"{squeezed} letter(s) did not fit; check them before posting.")
    canvas.save()
    return report


def build_labels(
    out: IO[bytes], addresses: Sequence[PostalAddress], sheet: LabelSheet
) -> RenderReport:
    """Address labels in ``sheet``'s geometry, each address shrunk to fit its label."""
    fonts.register_fonts()
    canvas = Canvas(out, pagesize=(sheet.page_w * mm, sheet.page_h * mm), pageCompression=1)
    canvas.setTitle("Address labels")
    nudge = nudge_for(sheet.name)
    width = (sheet.label_w - 2 * LABEL_PAD_X) * mm
    height = (sheet.label_h - 2 * LABEL_PAD_Y) * mm
    report = RenderReport(items=len(addresses))
    squeezed = 0
    for index, address in enumerate(addresses):
        if index and index % sheet.per_page == 0:
            canvas.showPage()
        x, y = to_points(sheet, *card_positions(sheet, index), nudge)
        block = fit_lines(address.block(), width, height, 12, 6)
        squeezed += not block.fits
        top = y + sheet.label_h * mm / 2 + block.height / 2
        canvas.setFillColor(INK)
        draw_lines(canvas, x + LABEL_PAD_X * mm, top, block)
    if addresses:
        canvas.showPage()
    else:
        report.warnings.append("There were no addresses to print.")
    report.pages = -(-len(addresses) // sheet.per_page)
    if squeezed:
        report.warnings.append(f"{squeezed} address(es) are too long for a label; "
                               "check them before posting.")  # fmt: skip
    canvas.save()
    return report
