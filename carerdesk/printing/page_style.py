"""Page furniture shared by leaflets, letters, labels, posters and stickers.

The scheme's look and contact details (``SchemeInfo``), dates as people write
them, address blocks that shrink (and wrap) to fit a box, and a canvas that
can print "Page N of M".
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from carerdesk.printing import fonts

DEFAULT_PRIMARY = "#1d4f91"
DEFAULT_ACCENT = "#f2a900"
INK = colors.HexColor("#1a1a1a")
SOFT_INK = colors.HexColor("#444444")
LEADING = 1.25  # line height as a multiple of the font size
ASCENT = 0.93  # from the top of a line box to the baseline, per point of size


def long_date(day: date) -> str:
    """A date as people write it in letters: "3 March 2025"."""
    return f"{day.day} {day:%B %Y}"


def colour(text: str | None, fallback: str) -> Color:
    """A reportlab colour from "#rrggbb"; the fallback if the text is not one."""
    if text and re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return colors.HexColor(text)
    return colors.HexColor(fallback)


def ink_on(background: Color) -> Color:
    """Black or white, whichever reads better on ``background``."""
    luminance = 0.2126 * background.red + 0.7152 * background.green + 0.0722 * background.blue
    return colors.white if luminance < 0.55 else INK


def web_address(website: str) -> str:
    """A website as a phone's camera app opens it (with https:// in front)."""
    return website if website.lower().startswith(("http://", "https://")) else f"https://{website}"


def slug(text: str) -> str:
    """``text`` as a web anchor: "Caffè Nero (Hitchin)" -> "caffe-nero-hitchin"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@dataclass(frozen=True)
class SchemeInfo:
    """What print-outs show of the scheme: its name, look and contact details."""

    name: str
    primary: Color
    accent: Color
    logo_png: bytes | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    photos_required: bool = False

    @classmethod
    def from_settings(cls, settings: Any) -> SchemeInfo:
        """From a ``SchemeSettings`` row."""
        return cls(
            name=settings.name or "Carer Passport",
            primary=colour(settings.primary_colour, DEFAULT_PRIMARY),
            accent=colour(settings.accent_colour, DEFAULT_ACCENT),
            logo_png=settings.logo_png or None,
            phone=settings.contact_phone or None,
            email=settings.contact_email or None,
            website=settings.website or None,
            photos_required=bool(settings.photos_required),
        )

    def contacts(self) -> list[tuple[str, str]]:
        """(what, value) pairs for each contact detail that is set."""
        pairs = (("Phone", self.phone), ("Email", self.email), ("Website", self.website))
        return [(what, value) for what, value in pairs if value]

    def contact_line(self, sep: str = "   ") -> str:
        return sep.join(f"{what} {value}" for what, value in self.contacts())

    def logo(self) -> ImageReader | None:
        """The logo ready to draw, or None (no logo, or one that cannot be read)."""
        if not self.logo_png:
            return None
        try:
            reader = ImageReader(io.BytesIO(self.logo_png))
            reader.getSize()
        except Exception:  # a damaged picture must not stop the print-out
            return None
        return reader


def draw_logo(canvas: Canvas, logo: ImageReader, x: float, y: float, w: float, h: float) -> float:
    """Draw ``logo`` inside the box (bottom-left x, y), keeping its shape; return its width."""
    iw, ih = logo.getSize()
    scale = min(w / iw, h / ih)
    canvas.drawImage(logo, x, y + (h - ih * scale) / 2, iw * scale, ih * scale, mask="auto")
    return iw * scale


# -- blocks of lines that must fit a box -------------------------------------------


@dataclass(frozen=True)
class FittedLines:
    """Lines and the one font size at which they fit a box (``fits`` False if they do not)."""

    lines: tuple[str, ...]
    size: float
    fits: bool

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def _wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken at spaces (or anywhere, for a very long word) to fit ``width``."""
    out: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if fonts.text_width(trial, size) <= width:
            line = trial
            continue
        if line:
            out.append(line)
        line = word
        while fonts.text_width(line, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and fonts.text_width(line[:cut], size) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
    if line:
        out.append(line)
    return out


def fit_lines(
    lines: Sequence[str], width: float, height: float, max_size: float, min_size: float
) -> FittedLines:
    """The largest size at which every line fits ``width`` and all fit ``height``.

    Shrinking is tried first; only if that is not enough are long lines wrapped,
    so an address never loses a word.
    """
    lines = [line for line in lines if line]
    sizes = []
    size = max_size
    while size >= min_size:
        sizes.append(size)
        size -= 0.5
    for size in sizes:
        if size * LEADING * len(lines) <= height and all(
            fonts.text_width(line, size) <= width for line in lines
        ):
            return FittedLines(tuple(lines), size, True)
    for size in sizes:
        wrapped = [piece for line in lines for piece in _wrap(line, width, size)]
        if size * LEADING * len(wrapped) <= height:
            return FittedLines(tuple(wrapped), size, True)
    wrapped = [piece for line in lines for piece in _wrap(line, width, min_size)]
    return FittedLines(tuple(wrapped), min_size, False)


def draw_lines(canvas: Canvas, x: float, top: float, block: FittedLines) -> None:
    """Draw the block left-aligned, its first line box starting at ``top``."""
    baseline = top - block.size * ASCENT
    for line in block.lines:
        fonts.draw_text(canvas, x, baseline, line, block.size)
        baseline -= block.size * LEADING


# -- page numbers ---------------------------------------------------------------------


def numbered_canvas(draw: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas class that calls ``draw(canvas, page, pages)`` on every page once the
    number of pages is known (for "Page N of M")."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas
