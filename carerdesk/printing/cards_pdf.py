"""Carer Passport cards as a PDF: fronts, backs mirrored for duplex, a calibration page.

The design is drawn for an ID-1 card (85.6 x 53.98 mm) and scaled to the
preset's card size; text and the QR code stay ``sheet.safe`` mm inside the
edge, and colour runs ``sheet.bleed`` mm past it. Each card's background is a
filled rectangle exactly on the card, so a test can read positions back.

Nothing is cut off silently: a long name shrinks down to 7 pt, wraps onto up to
three lines, and only then is squeezed, with a warning naming the card number
(never the name). Long back text shrinks, and any cut is reported the same way.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import combinations, pairwise
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfutils import readJPEGInfo
from reportlab.pdfgen.canvas import Canvas

from carerdesk.models.enums import CardKind
from carerdesk.printing import fonts, qr
from carerdesk.printing.presets import (
    CR80,
    MM,
    CardSheet,
    Sheet,
    back_positions,
    card_positions,
    to_points,
)
from carerdesk.printing.report import RenderReport

NAME_MAX, NAME_MIN = 13.0, 7.0  # points; 7 pt is the smallest readable name
BODY_MAX, BODY_MIN, BODY_FLOOR = 7.5, 6.0, 5.0  # back text: shrinks to 6 pt, then 5 with a warning
QR_MM, QR_MIN_MM = 17.5, 16.0  # the symbol without its quiet zone: on ID-1, and at least
INK, GREY, PALE, SHADE = (HexColor(h) for h in ("#111111", "#4a5563", "#e6e9ef", "#c3c9d4"))
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#1d4f91", "#f2a900"
_TAGS = {CardKind.YOUNG_CARER: "YOUNG CARER", CardKind.EMERGENCY: "EMERGENCY"}


@dataclass(frozen=True)
class CardData:
    """What one card shows. ``name`` is the display name (preferred name if set)."""

    number: str
    name: str
    expires_on: date
    kind: CardKind
    token: str
    scheme_name: str
    primary_colour: str = DEFAULT_PRIMARY
    accent_colour: str = DEFAULT_ACCENT
    photo_jpeg: bytes | None = None
    allowances: str | None = None
    emergency_lines: Sequence[str] = ()
    logo_png: bytes | None = None
    contact_line: str = ""


# -- fitting text ------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """Lines at a size; ``squeeze`` < 1 means squeezed across to fit at the minimum."""

    lines: tuple[str, ...]
    size: float
    squeeze: float = 1.0

    @property
    def fits(self) -> bool:
        return self.squeeze >= 1.0


def _splits(words: list[str], n: int) -> Iterator[tuple[str, ...]]:
    for cuts in combinations(range(1, len(words)), n - 1):
        edges = (0, *cuts, len(words))
        yield tuple(" ".join(words[a:b]) for a, b in pairwise(edges))


def fit_lines(
    text: str, width: float, max_size: float, min_size: float, *, bold: bool = False,
    max_lines: int = 3,
) -> Fit:
    """The largest size (0.25 pt steps, each extra line capped smaller) at which ``text``
    fits ``width`` points on up to ``max_lines`` lines; squeezed at ``min_size`` if none."""
    words = text.split() or [""]
    best: Fit | None = None
    widest_of = {}
    for n in range(1, min(max_lines, len(words)) + 1):
        lines = min(_splits(words, n), key=lambda ls: max(fonts.text_width(s, 1, bold) for s in ls))
        widest = max(fonts.text_width(s, 1, bold) for s in lines) or 1.0
        widest_of[n] = (lines, widest)
        cap = max_size * (1.0, 0.77, 0.62)[min(n, 3) - 1]
        size = min(cap, int(width / widest * 4) / 4)
        if size >= min_size and (best is None or size > best.size + 1.0):
            best = Fit(lines, size)
    if best is not None:
        return best
    lines, widest = widest_of[max(widest_of)]
    return Fit(lines, min_size, width / (widest * min_size))


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points (long words are split)."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in para.split():
            trial = f"{line} {word}" if line else word
            if fonts.text_width(trial, size, bold) <= width:
                line = trial
                continue
            if line:
                out.append(line)
            while len(word) > 1 and fonts.text_width(word, size, bold) > width:
                cut = len(word) - 1
                while cut > 1 and fonts.text_width(word[:cut], size, bold) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return out


def _draw(c: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False,
          squeeze: float = 1.0, align: str = "left") -> None:  # fmt: skip
    if squeeze >= 1.0:
        fonts.draw_text(c, x, y, text, size, bold=bold, align=align)
        return
    c.saveState()
    c.translate(x, y)
    c.scale(squeeze, 1)
    fonts.draw_text(c, 0, 0, text, size, bold=bold, align=align)
    c.restoreState()


# -- geometry ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Geo:
    """Card-local geometry in mm, y measured down from the card's top edge."""

    w: float
    h: float
    k: float  # the design's scale: 1.0 on an ID-1 card
    safe: float
    bleed: float

    @classmethod
    def of(cls, sheet: CardSheet) -> _Geo:
        k = min(sheet.card_w / CR80[0], sheet.card_h / CR80[1])
        return cls(sheet.card_w, sheet.card_h, k, sheet.safe, sheet.bleed)

    def y(self, mm_from_top: float) -> float:
        """Card-local reportlab y (points) of a line ``mm_from_top`` below the top edge."""
        return (self.h - mm_from_top) * MM

    @property
    def photo(self) -> tuple[float, float, float, float]:
        """x, top, width, height (mm) of the 4:5 photo box."""
        return self.safe, 16.5 * self.k, 21 * self.k, 26.25 * self.k

    @property
    def text_x(self) -> float:
        return self.safe + 24 * self.k


def name_width(sheet: CardSheet) -> float:
    """The width in points a card's name may take on this layout."""
    geo = _Geo.of(sheet)
    return (geo.w - geo.safe - geo.text_x) * MM


def name_fits(name: str, sheet: CardSheet) -> bool:
    """Whether ``name`` fits on the card at 7 pt or more (on up to three lines)."""
    return fit_lines(name, name_width(sheet), NAME_MAX, NAME_MIN, bold=True).fits


def _colour(text: str | None, default: str) -> Color:
    try:
        return HexColor(text or default)
    except (ValueError, TypeError):
        return HexColor(default)


def _ink_on(colour: Color) -> Color:
    """Near-black or white, whichever reads better on ``colour``."""
    light = 0.2126 * colour.red + 0.7152 * colour.green + 0.0722 * colour.blue
    return INK if light > 0.6 else HexColor("#ffffff")


class _Jpeg(ImageReader):
    """A JPEG put into the PDF as it is (DCTDecode), never decoded: a plain
    ImageReader decodes every photo just to fingerprint it."""

    def __init__(self, data: bytes) -> None:
        readJPEGInfo(io.BytesIO(data))  # raises unless a PDF can carry it as it is
        super().__init__(io.BytesIO(data))
        if getattr(self._image, "format", None) != "JPEG":
            raise ValueError("not a JPEG")
        self._raw = data

    def getRGBData(self) -> bytes:
        self._dataA = None
        return self._raw


# -- drawing -----------------------------------------------------------------------


class _Renderer:
    """Draws one batch; each logo is drawn once as a reusable PDF form."""

    def __init__(self, canvas: Canvas, sheet: CardSheet, report: RenderReport) -> None:
        self.c, self.report, self.g = canvas, report, _Geo.of(sheet)
        self._logos: dict[bytes, tuple[str, float, float] | None] = {}
        self._told: set[str] = set()

    def warn(self, text: str) -> None:
        if text not in self._told:
            self._told.add(text)
            self.report.warnings.append(text)

    def _logo(self, png: bytes | None) -> tuple[str, float, float] | None:
        if not png:
            return None
        if png not in self._logos:
            try:
                image = ImageReader(io.BytesIO(png))
                iw, ih = image.getSize()
                name = f"logo{len(self._logos)}"
                self.c.beginForm(name, 0, 0, iw, ih)
                self.c.drawImage(image, 0, 0, iw, ih, mask="auto")
                self.c.endForm()
                self._logos[png] = (name, iw, ih)
            except Exception:  # a damaged logo must not stop the batch
                self._logos[png] = None
                self.warn("The scheme logo could not be read, so it was left off the cards.")
        return self._logos[png]

    def _background(self) -> None:
        self.c.setFillColorRGB(1, 1, 1)
        self.c.rect(0, 0, self.g.w * MM, self.g.h * MM, stroke=0, fill=1)

    def _band(self, card: CardData, height: float, size: float, tag: str | None) -> None:
        """The coloured band across the top, bleeding past the edges, with logo and title."""
        c, g = self.c, self.g
        primary = _colour(card.primary_colour, DEFAULT_PRIMARY)
        c.setFillColor(primary)
        c.rect(-g.bleed * MM, g.y(height), (g.w + 2 * g.bleed) * MM, (height + g.bleed) * MM,
               stroke=0, fill=1)  # fmt: skip
        inner = height - g.safe - 1.5 * g.k  # logo and text stay inside the safe margin
        mid = g.safe + inner / 2
        x, right = g.safe, g.w - g.safe
        logo = self._logo(card.logo_png)
        if logo is not None:
            name, iw, ih = logo
            lh = min(inner, 24 * g.k * ih / iw)
            lw = lh * iw / ih
            c.saveState()
            c.translate(x * MM, g.y(mid + lh / 2))
            c.scale(lw * MM / iw, lh * MM / ih)
            c.doForm(name)
            c.restoreState()
            x += lw + 2 * g.k
        if tag:
            right -= self._tag(card, tag, right, mid) + 2 * g.k
        c.setFillColor(_ink_on(primary))
        width = (right - x) * MM
        fit = fit_lines(card.scheme_name, width, size, 6, bold=True, max_lines=1)
        _draw(c, x * MM, g.y(mid) - fit.size * 0.36, fit.lines[0], fit.size, bold=True,
              squeeze=fit.squeeze)  # fmt: skip
        if not fit.fits:
            self.warn("The scheme name is too long for the top of the card, so it was printed "
                      "squeezed: a shorter name would read better.")  # fmt: skip

    def _tag(self, card: CardData, text: str, right: float, mid: float) -> float:
        """A rounded label in the accent colour ending at ``right``; its width in mm."""
        c, g = self.c, self.g
        size = 6.5 * g.k
        w, h = fonts.text_width(text, size, bold=True) / MM + 3.2 * g.k, 4.4 * g.k
        accent = _colour(card.accent_colour, DEFAULT_ACCENT)
        c.setFillColor(accent)
        c.roundRect((right - w) * MM, g.y(mid + h / 2), w * MM, h * MM, h * MM / 2,
                    stroke=0, fill=1)  # fmt: skip
        c.setFillColor(_ink_on(accent))
        fonts.draw_text(c, (right - w / 2) * MM, g.y(mid) - size * 0.36, text, size, bold=True,
                        align="centre")  # fmt: skip
        return w

    def _photo(self, card: CardData) -> None:
        c, g = self.c, self.g
        x, top, w, h = g.photo
        c.saveState()
        box = c.beginPath()
        box.roundRect(x * MM, g.y(top + h), w * MM, h * MM, 1.2 * g.k * MM)
        c.clipPath(box, stroke=0, fill=0)
        image = None
        if card.photo_jpeg:
            try:
                image = _Jpeg(card.photo_jpeg)
            except Exception:
                self.warn(f"Card {card.number}: the photo could not be read, so an empty photo "
                          "box was printed. Take or upload the photo again.")  # fmt: skip
        if image is not None:  # fill the box, cropping the overflow evenly
            iw, ih = image.getSize()
            scale = max(w / iw, h / ih)
            dw, dh = iw * scale, ih * scale
            c.drawImage(image, (x + (w - dw) / 2) * MM, g.y(top + (h + dh) / 2), dw * MM, dh * MM)
        else:  # a tidy head-and-shoulders outline
            c.setFillColor(PALE)
            c.rect(x * MM, g.y(top + h), w * MM, h * MM, stroke=0, fill=1)
            c.setFillColor(SHADE)
            cx = x + w / 2
            c.circle(cx * MM, g.y(top + h * 0.4), w * 0.2 * MM, stroke=0, fill=1)
            c.ellipse((cx - w * 0.36) * MM, g.y(top + h * 1.25), (cx + w * 0.36) * MM,
                      g.y(top + h * 0.66), stroke=0, fill=1)  # fmt: skip
        c.restoreState()

    def front(self, card: CardData, matrix: qr.Matrix, x: float, y: float) -> None:
        """One card's front with its bottom-left at (``x``, ``y``) points."""
        c, g = self.c, self.g
        c.saveState()
        c.translate(x, y)
        self._background()
        self._band(card, 12 * g.k, 10.5 * g.k, _TAGS.get(card.kind))
        c.setFillColor(_colour(card.accent_colour, DEFAULT_ACCENT))
        c.rect(-g.bleed * MM, g.y(13.3 * g.k), (g.w + 2 * g.bleed) * MM, 1.3 * g.k * MM,
               stroke=0, fill=1)  # fmt: skip
        self._photo(card)
        # The name, top-aligned with the photo.
        width = (g.w - g.safe - g.text_x) * MM
        fit = fit_lines(card.name, width, NAME_MAX * g.k, NAME_MIN, bold=True)
        if not fit.fits:
            self.warn(f"Card {card.number}: the name is too long to print at {NAME_MIN:g} pt, "
                      "so it was squeezed to fit. Check the card, or record a shorter "
                      "preferred name.")  # fmt: skip
        c.setFillColor(INK)
        base = g.y(g.photo[1]) - fit.size * 0.74
        for line in fit.lines:
            _draw(c, g.text_x * MM, base, line, fit.size, bold=True, squeeze=fit.squeeze)
            base -= fit.size * 1.18
        # The QR code, bottom right; card number and expiry beside it.
        n = len(matrix)
        symbol = max(QR_MIN_MM, QR_MM * g.k)
        area = symbol * (n + 2 * qr.QUIET) / n
        quiet = (area - symbol) / 2
        qr.draw(c, matrix, (g.w - g.safe - symbol - quiet) * MM, g.y(g.h - g.safe + quiet),
                area * MM)  # fmt: skip
        info_w = (g.w - g.safe - area - 1.0 * g.k - g.text_x) * MM
        rows = (("Card number", card.number, 35.2), ("Valid until",
                card.expires_on.strftime("%d/%m/%Y"), 44.2))  # fmt: skip
        if card.kind is CardKind.EMERGENCY:
            c.setFillColor(_colour(card.primary_colour, DEFAULT_PRIMARY))
            note = fit_lines("In an emergency, see the back", info_w, 6.5 * g.k, 5, max_lines=1)
            _draw(c, g.text_x * MM, g.y(31.0 * g.k), note.lines[0], note.size, bold=True,
                  squeeze=note.squeeze)  # fmt: skip
        for label, value, top in rows:
            c.setFillColor(GREY)
            fonts.draw_text(c, g.text_x * MM, g.y(top * g.k), label, 6 * g.k)
            c.setFillColor(INK)
            size, _ = fonts.fit_size(value, info_w, 9.5 * g.k, 6, bold=True)
            fonts.draw_text(c, g.text_x * MM, g.y((top + 3.9) * g.k), value, size, bold=True)
        c.restoreState()

    def _body(self, card: CardData) -> list[tuple[str, bool]]:
        scheme = card.scheme_name or "a Carer Passport scheme"
        if card.kind is CardKind.YOUNG_CARER:
            paras = [(f"This card shows that the holder is a young carer registered with "
                      f"{scheme}: they help to look after someone at home.", False)]  # fmt: skip
            if card.allowances:
                return [*paras, ("Agreed allowances", True), (card.allowances, False)]
            return [*paras, ("Please be understanding and supportive.", False)]
        if card.kind is CardKind.EMERGENCY:
            paras = [("I am an unpaid carer: someone depends on me. If I am taken ill or "
                      "have an accident, please contact:", False)]  # fmt: skip
            return paras + [(line, True) for line in card.emergency_lines]
        return [
            (f"This card shows that the holder is an unpaid carer registered with {scheme}.",
             False),
            ("It is personal to them. Please give them the offers and consideration your "
             "organisation gives carers.", False),
        ]  # fmt: skip

    def back(self, card: CardData, x: float, y: float) -> None:
        """One card's back with its bottom-left at (``x``, ``y``) points."""
        c, g = self.c, self.g
        c.saveState()
        c.translate(x, y)
        self._background()
        self._band(card, 8.5 * g.k, 8 * g.k, None)
        left, width = g.safe * MM, (g.w - 2 * g.safe) * MM
        # Footer, from the bottom up: card number, then the "if found" line.
        base = g.y(g.h - g.safe) + 1.5
        c.setFillColor(GREY)
        fonts.draw_text(c, left + width, base, f"Card {card.number}", 6 * g.k, align="right")
        contact = fit_lines(card.contact_line, width, 6.5 * g.k, 5, max_lines=2)
        lead = contact.size * 1.2
        base += lead * len(contact.lines)
        bottom = base + contact.size + 1.5
        c.setFillColor(INK)
        for line in contact.lines:
            _draw(c, left, base, line, contact.size, squeeze=contact.squeeze)
            base -= lead
        c.setStrokeColor(_colour(card.accent_colour, DEFAULT_ACCENT))
        c.setLineWidth(0.6)
        c.line(left, bottom, left + width, bottom)
        self._paragraphs(card, self._body(card), left, g.y(11.3 * g.k), width, bottom + 2)
        c.restoreState()

    def _paragraphs(self, card: CardData, paras: list[tuple[str, bool]], x: float, top: float,
                    width: float, bottom: float) -> None:  # fmt: skip
        """Wrap and draw ``paras`` between ``top`` and ``bottom`` (points), shrinking to fit."""
        size, laid = BODY_MAX * self.g.k, []
        while True:
            laid = [(line, bold, i > 0 and j == 0) for i, (text, bold) in enumerate(paras)
                    for j, line in enumerate(wrap(text, size, width, bold=bold))]  # fmt: skip
            height = size * (0.8 + 1.2 * (len(laid) - 1) + 0.35 * sum(g for *_, g in laid))
            if height <= top - bottom or size <= BODY_FLOOR:
                break
            size -= 0.25
        if size < BODY_MIN:
            self.warn(f"Card {card.number}: the text on the back is long, so it was printed "
                      "very small. Shorten it on the record if it is hard to read.")  # fmt: skip
        base = top - size * 0.8
        self.c.setFillColor(INK)
        for n, (line, bold, gap) in enumerate(laid):
            base -= size * 0.35 if gap else 0
            if base < bottom:
                self.warn(f"Card {card.number}: the text on the back is too long to fit, so "
                          f"{len(laid) - n} line(s) were left off. Shorten it on the carer's "
                          "record and print the card again.")  # fmt: skip
                break
            fonts.draw_text(self.c, x, base, line, size, bold=bold)
            base -= size * 1.2


_a85 = {"users": 0, "saved": rl_config.useA85}
_a85_lock = threading.Lock()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Write PDF streams as binary, not ASCII85 text, while inside: with 1,000 photos
    that halves the time (4.1 -> 1.9 s) and the PDF is a fifth smaller. reportlab
    keeps this in a global setting (counted, for overlapping renders); both are valid PDF."""
    with _a85_lock:
        if _a85["users"] == 0:
            _a85["saved"], rl_config.useA85 = rl_config.useA85, 0
        _a85["users"] += 1
    try:
        yield
    finally:
        with _a85_lock:
            _a85["users"] -= 1
            if _a85["users"] == 0:
                rl_config.useA85 = _a85["saved"]


def _canvas(out: BinaryIO, sheet: Sheet, title: str) -> Canvas:
    fonts.register_fonts()
    c = Canvas(out, pagesize=(sheet.page_w * MM, sheet.page_h * MM), pageCompression=1)
    c.setTitle(title)
    c.setCreator("carerdesk")
    return c


def render_cards(
    cards: Sequence[CardData], sheet: CardSheet, out: BinaryIO, *, backs: bool = True,
    nudge: tuple[float, float] = (0.0, 0.0),
) -> RenderReport:
    """Write ``cards`` as a PDF to ``out``: a page of fronts, then (with ``backs``) the
    same cards' backs, mirrored so that duplex printing puts each behind its front.

    ``nudge`` (mm right, mm down) moves everything to make up for a printer's offset.
    """
    report = RenderReport(items=len(cards))
    matrices = qr.encode_many([card.token for card in cards])
    with _binary_streams():
        c = _canvas(out, sheet, "Carer Passport cards")
        draw = _Renderer(c, sheet, report)
        for start in range(0, len(cards), sheet.per_page):
            chunk = cards[start : start + sheet.per_page]
            for i, card in enumerate(chunk):
                x, y = to_points(sheet, *card_positions(sheet, i), nudge)
                draw.front(card, matrices[start + i], x, y)
            c.showPage()
            if backs:
                for i, card in enumerate(chunk):
                    draw.back(card, *to_points(sheet, *back_positions(sheet, i), nudge))
                c.showPage()
        report.pages = c.getPageNumber() - 1
        c.save()
    return report


# -- calibration -------------------------------------------------------------------


def _rulers(c: Canvas, sheet: Sheet) -> None:
    """Millimetre rulers along the page's top and left edges (never nudged)."""
    top = sheet.page_h * MM
    c.setLineWidth(0.25)
    for mm in range(1, int(max(sheet.page_w, sheet.page_h)) + 1):
        tick = (4.0 if mm % 10 == 0 else 2.5 if mm % 5 == 0 else 1.5) * MM
        if mm < sheet.page_w:
            c.line(mm * MM, top, mm * MM, top - tick)
        if mm < sheet.page_h:
            c.line(0, top - mm * MM, tick, top - mm * MM)
        if mm % 10 == 0:
            fonts.draw_text(c, mm * MM, top - 6.5 * MM, str(mm), 5, align="centre")
            fonts.draw_text(c, 5 * MM, top - mm * MM - 1.8, str(mm), 5)


def render_calibration(
    sheet: Sheet, out: BinaryIO, nudge: tuple[float, float] = (0.0, 0.0)
) -> RenderReport:
    """A test page: every card (or label) outline where it will print, with rulers
    in mm and the nudge in force. Printed on plain paper and held to the light
    against a sheet of cards, the outlines should sit on the cut edges. On a card
    printer it prints borders 1, 2 and 3 mm in, which should look even all round."""
    c = _canvas(out, sheet, "Card layout calibration")
    c.setStrokeColor(HexColor(DEFAULT_PRIMARY))
    one = sheet.per_page == 1
    insets = (1.0, 2.0, 3.0) if one else (0.0,)
    for i in range(sheet.per_page):
        x_mm, y_mm = card_positions(sheet, i)
        x, y = to_points(sheet, x_mm, y_mm, nudge)
        c.setLineWidth(0.3)
        for d in insets:
            c.rect(x + d * MM, y + d * MM, (sheet.item_w - 2 * d) * MM,
                   (sheet.item_h - 2 * d) * MM)  # fmt: skip
        cx, cy = x + sheet.item_w * MM / 2, y + sheet.item_h * MM / 2
        c.line(cx - 3 * MM, cy, cx + 3 * MM, cy)
        c.line(cx, cy - 3 * MM, cx, cy + 3 * MM)
        c.setFillColor(GREY)
        where = f"{i + 1}: {x_mm:.1f} mm across, {y_mm:.1f} mm down"
        fonts.draw_text(c, cx, cy - 7 * MM, where, 6, align="centre")
    if not one:
        _rulers(c, sheet)
    dx, dy = nudge
    hint = ("Uneven borders? Take half of (left - right) off the across nudge, "
            "half of (top - bottom) off the down nudge." if one else
            "Outlines right of (or below) the cut edges? Take the gap off the nudge.")  # fmt: skip
    x, y = to_points(sheet, *card_positions(sheet, 0), nudge)
    c.setFillColor(INK)
    lines = (f"Layout: {sheet.label}", f"Nudge: {dx:+.1f} mm across, {dy:+.1f} mm down", hint)
    for n, line in enumerate(lines):
        size, _ = fonts.fit_size(line, (sheet.item_w - 10) * MM, 6.5, 3.5)
        fonts.draw_text(c, x + 5 * MM, y + (sheet.item_h - 8 - 3 * n) * MM, line, size)
    c.showPage()
    c.save()
    return RenderReport(pages=1, items=sheet.per_page)
