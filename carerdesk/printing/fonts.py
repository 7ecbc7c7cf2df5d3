"""Fonts that can print any carer's name: Latin (with Welsh and Vietnamese),
Arabic (shaped and right-to-left) and Chinese, Japanese or Korean.

reportlab draws each string in one font, so text is cut into runs, each in the
first font that has its glyphs. The fonts ship in ``resources/fonts`` and are
embedded (subset) in every PDF.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from carerdesk.resources import resource

# (name, bold name, regular file, bold file), in order of preference.
_FACES = (
    ("NotoSans", "NotoSans-Bold", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("NotoSansArabic", "NotoSansArabic-Bold", "NotoSansArabic-Regular.ttf",
     "NotoSansArabic-Bold.ttf"),
    ("DroidSansFallback", "DroidSansFallback", "DroidSansFallbackFull.ttf",
     "DroidSansFallbackFull.ttf"),
)  # fmt: skip
BODY = "NotoSans"
BOLD = "NotoSans-Bold"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, ...]:
    """Register the bundled fonts with reportlab (once); return their names."""
    names = []
    for regular, bold, regular_file, bold_file in _FACES:
        for name, file in ((regular, regular_file), (bold, bold_file)):
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file))))
            names.append(name)
        addMapping(regular, 0, 0, regular)
        addMapping(regular, 1, 0, bold)
        addMapping(regular, 0, 1, regular)
        addMapping(regular, 1, 1, bold)
    return tuple(names)


@lru_cache(maxsize=8)
def _charmap(name: str) -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def font_for_char(ch: str, bold: bool = False) -> str | None:
    """The first bundled font that can draw ``ch`` (None if none can)."""
    code = ord(ch)
    for regular, bold_name, _, _ in _FACES:
        if code in _charmap(regular):
            return bold_name if bold else regular
    return None


def missing_glyphs(text: str) -> str:
    """Characters no bundled font can draw (empty if every one can)."""
    return "".join(
        sorted({ch for ch in text if not ch.isspace() and font_for_char(ch) is None})
    )


def _is_arabic(font: str) -> bool:
    return font.startswith("NotoSansArabic")


@lru_cache(maxsize=4096)
def runs(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """``text`` cut into (piece, font) runs in visual order, ready to draw left to right."""
    register_fonts()
    text = unicodedata.normalize("NFC", text)
    if any(_is_arabic(font_for_char(ch) or "") for ch in text):
        # Join Arabic letters into their shaped forms and put right-to-left text in
        # display order; the shaped forms are in Noto Sans Arabic too.
        text = get_display(arabic_reshaper.reshape(text))
    default = BOLD if bold else BODY
    out: list[list[str]] = []
    for ch in text:
        font = default if ch.isspace() else (font_for_char(ch, bold) or default)
        if out and (out[-1][1] == font or ch.isspace()):
            out[-1][0] += ch
        else:
            out.append([ch, font])
    return tuple((piece, font) for piece, font in out)


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(stringWidth(piece, font, size) for piece, font in runs(text, bold))


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False,
    align: str = "left",
) -> float:
    """Draw ``text`` with its baseline at ``y``; return the width drawn."""
    width = text_width(text, size, bold)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    for piece, font in runs(text, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, font, size)
    return width


def fit_size(
    text: str, max_width: float, max_size: float, min_size: float, bold: bool = False
) -> tuple[float, bool]:
    """The largest size (in 0.25 pt steps) at which ``text`` fits, and whether it fits."""
    size = max_size
    while size > min_size and text_width(text, size, bold) > max_width:
        size -= 0.25
    return size, text_width(text, size, bold) <= max_width


def markup(text: str, bold: bool = False) -> str:
    """``text`` as Paragraph markup, each run in a font that has its glyphs."""
    out = []
    for piece, font in runs(text, bold):
        out.append(f'<font name="{font}">{escape(piece)}</font>')
    return "".join(out)
