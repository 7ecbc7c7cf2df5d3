"""The printed offers list: current offers by category and town, on A4.

Normal print is two columns of 10.5 pt text; large print is one column with
body text of at least 16 pt. Every page says when the list was correct and
how to reach the scheme, and is numbered "Page N of M".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import IO, TYPE_CHECKING

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    SetTopFlowables,
    Spacer,
)

from carerdesk.printing import fonts
from carerdesk.printing.page_style import (
    INK,
    SOFT_INK,
    SchemeInfo,
    draw_logo,
    long_date,
    numbered_canvas,
)
from carerdesk.printing.report import RenderReport

if TYPE_CHECKING:
    from carerdesk.services.offers import OfferRow

MARGIN = 15 * mm
GUTTER = 8 * mm
NO_CATEGORY = "Other offers"
NO_TOWN = "Other places"
_WHO = {
    "adult": "adult carers", "young_carer": "young carers (under 18)",
    "young_adult_carer": "young adult carers", "parent_carer": "parent carers",
    "former_carer": "former carers",
}  # fmt: skip


@dataclass(frozen=True)
class LeafletSizes:
    """Font sizes (points) for one print size."""

    body: float
    name: float
    category: float
    town: float
    title: float
    furniture: float  # header and footer
    columns: int

    @property
    def header_h(self) -> float:
        return self.furniture * 1.6 + 4 * mm

    @property
    def footer_h(self) -> float:
        return self.furniture * 2.8 + 4 * mm


NORMAL = LeafletSizes(body=10.5, name=11.5, category=15, town=12, title=22, furniture=9,
                      columns=2)  # fmt: skip
LARGE = LeafletSizes(body=16, name=18, category=24, town=20, title=30, furniture=16, columns=1)


def _styles(sizes: LeafletSizes, scheme: SchemeInfo) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.BODY, fontSize=sizes.body,
                          leading=sizes.body * 1.3, textColor=INK, alignment=TA_LEFT,
                          bulletFontName=fonts.BODY, bulletFontSize=sizes.body)  # fmt: skip

    def style(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)  # type: ignore[arg-type]

    return {
        "body": base,
        "title": style("title", fontName=fonts.BOLD, fontSize=sizes.title,
                       leading=sizes.title * 1.2, textColor=scheme.primary, spaceAfter=4),
        "intro": style("intro", spaceAfter=3),
        "category": style("category", fontName=fonts.BOLD, fontSize=sizes.category,
                          leading=sizes.category * 1.2, textColor=scheme.primary,
                          spaceBefore=sizes.body * 0.9, spaceAfter=2, keepWithNext=1),
        "town": style("town", fontName=fonts.BOLD, fontSize=sizes.town,
                      leading=sizes.town * 1.25, textColor=SOFT_INK,
                      spaceBefore=sizes.body * 0.5, spaceAfter=1, keepWithNext=1),
        "continued": style("continued", fontName=fonts.BOLD, fontSize=sizes.town,
                           leading=sizes.town * 1.25, textColor=scheme.primary, spaceAfter=1),
        "name": style("name", fontName=fonts.BOLD, fontSize=sizes.name,
                      leading=sizes.name * 1.25, spaceBefore=sizes.body * 0.6),
        "item": style("item", leftIndent=sizes.body, bulletIndent=sizes.body * 0.15,
                      spaceBefore=sizes.body * 0.15),
        # Large print keeps every line full black, as large-print guidance asks.
        "detail": style("detail", textColor=INK if sizes.body >= 14 else SOFT_INK),
        "item_detail": style("item_detail", leftIndent=sizes.body,
                             textColor=INK if sizes.body >= 14 else SOFT_INK),
        "contact": style("contact", textColor=INK if sizes.body >= 14 else SOFT_INK,
                         spaceBefore=sizes.body * 0.2),
    }  # fmt: skip


def _m(text: str, bold: bool = False) -> str:
    """Paragraph markup for any text (lines kept)."""
    return "<br/>".join(fonts.markup(line, bold) for line in text.splitlines() if line.strip())


def _keep(text: str) -> str:
    """``text`` with no line breaks inside (for phone numbers and postcodes)."""
    return text.replace(" ", "\xa0")


def _offer_parts(offer: OfferRow, st: dict[str, ParagraphStyle], listed: bool) -> list[Flowable]:
    """The offer's text and small print; ``listed`` (one of several) as a bullet point."""
    detail = st["item_detail"] if listed else st["detail"]
    text = Paragraph(_m(offer.text), st["item"], bulletText="•") if listed else Paragraph(
        _m(offer.text), st["body"])  # fmt: skip
    parts: list[Flowable] = [text]
    notes = []
    if offer.eligible:
        who = [_WHO.get(str(t), str(t).replace("_", " ") + "s") for t in offer.eligible]
        notes.append(f"For {' and '.join(who)} only")
    if offer.areas:
        notes.append("Only in " + ", ".join(offer.areas))
    if offer.ends_on:
        notes.append(f"Until {long_date(offer.ends_on)}")
    if offer.terms:
        parts.append(Paragraph(_m(offer.terms), detail))
    if notes:
        parts.append(Paragraph(_m(". ".join(notes) + "."), detail))
    return parts


def _business_block(rows: Sequence[OfferRow], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One business: its name, each of its offers, then where to find it."""
    head = rows[0]
    parts: list[Flowable] = [Paragraph(_m(head.business_name, bold=True), st["name"])]
    for offer in rows:
        parts += _offer_parts(offer, st, listed=len(rows) > 1)
    where = ", ".join(p for p in (head.business_address, head.business_town,
                                  _keep(head.business_postcode or "")) if p)  # fmt: skip
    contact = [where] if where else []
    if head.business_phone:
        contact.append(_keep(f"Phone {head.business_phone}"))
    if head.business_website:
        contact.append(head.business_website)
    if contact:
        parts.append(Paragraph(_m(" · ".join(contact)), st["contact"]))
    # Chained with keepWithNext rather than KeepTogether, so that headings before
    # the business stay with it too (platypus will not chain onto a KeepTogether).
    for part in parts[:-1]:
        part.keepWithNext = 1
    return parts


def _by_business(rows: Sequence[OfferRow]) -> list[list[OfferRow]]:
    """Rows (sorted by business) cut into one run per business."""
    return [list(run) for _, run in groupby(rows, key=lambda r: r.business_id)]


def _last(other: str) -> Callable[[str], tuple[bool, str]]:
    """A sort key putting ``other`` after every real name."""
    return lambda name: (name == other, name.casefold())


def group_offers(offers: Sequence[OfferRow]) -> list[tuple[str, list[tuple[str, list[OfferRow]]]]]:
    """Offers as [(category, [(town, offers)])], each level sorted, "other" last."""
    tree: dict[str, dict[str, list[OfferRow]]] = {}
    for offer in offers:
        category = offer.category or NO_CATEGORY
        town = offer.business_town or NO_TOWN
        tree.setdefault(category, {}).setdefault(town, []).append(offer)
    grouped = []
    for category in sorted(tree, key=_last(NO_CATEGORY)):
        towns = tree[category]
        grouped.append((category, [
            (town, sorted(towns[town], key=lambda r: (r.business_name.casefold(),
                                                      str(r.business_id), r.text.casefold())))
            for town in sorted(towns, key=_last(NO_TOWN))
        ]))  # fmt: skip
    return grouped


def _intro(scheme: SchemeInfo, today: date, covering: str | None,
           st: dict[str, ParagraphStyle], count: int) -> list[Flowable]:  # fmt: skip
    story: list[Flowable] = [
        Paragraph(_m("Offers for carers", bold=True), st["title"]),
        Paragraph(_m(f"{scheme.name}. Correct as of {long_date(today)}.", bold=True), st["intro"]),
    ]
    if covering:
        story.append(Paragraph(_m(covering), st["intro"]))
    if count:
        story.append(Paragraph(_m(
            "Show your card when you ask for an offer. Offers can change, so please check "
            "with the business before you make a special trip."), st["intro"]))  # fmt: skip
    contacts = "   ".join(f"{what}: {value}" for what, value in scheme.contacts())
    if contacts:
        story.append(Paragraph(_m(f"Questions? {contacts}"), st["intro"]))
    return story


def _continued(text: str, st: dict[str, ParagraphStyle]) -> Flowable:
    """From here on, start each new column or page with this line."""
    return SetTopFlowables([Paragraph(_m(text, bold=True), st["continued"])])


def _height(story: Sequence[Flowable], width: float) -> float:
    total = 0.0
    for flowable in story:
        _, h = flowable.wrap(width, 10_000)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total + 6


def build_leaflet(
    out: IO[bytes],
    offers: Sequence[OfferRow],
    scheme: SchemeInfo,
    *,
    today: date,
    large: bool = False,
    covering: str | None = None,
) -> RenderReport:
    """Write the offers list to ``out``; ``covering`` says which places it is for."""
    fonts.register_fonts()
    sizes = LARGE if large else NORMAL
    st = _styles(sizes, scheme)
    page_w, page_h = A4
    width = page_w - 2 * MARGIN
    top = page_h - MARGIN - sizes.header_h
    bottom = MARGIN + sizes.footer_h
    intro = _intro(scheme, today, covering, st, len(offers))
    intro_h = _height(intro, width)

    def columns(height: float, prefix: str) -> list[Frame]:
        col_w = (width - GUTTER * (sizes.columns - 1)) / sizes.columns
        return [Frame(MARGIN + n * (col_w + GUTTER), bottom, col_w, height, id=f"{prefix}{n}",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
                for n in range(sizes.columns)]  # fmt: skip

    title = Frame(MARGIN, top - intro_h, width, intro_h, id="intro", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
    first_cols = columns(top - intro_h - bottom - 3 * mm, "first")
    furniture = _Furniture(scheme, today, sizes)
    doc = BaseDocTemplate(
        out, pagesize=A4, title=f"Offers for carers - {scheme.name}", author=scheme.name,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        pageTemplates=[
            PageTemplate("first", [title, *first_cols], onPage=furniture.draw),
            PageTemplate("later", columns(top - bottom, "later"), onPage=furniture.draw),
        ],
    )  # fmt: skip
    story: list[Flowable] = [*intro, NextPageTemplate("later"), FrameBreak()]
    report = RenderReport(items=len(offers))
    if not offers:
        story.append(Paragraph(_m(
            "There are no current offers for these places at the moment. Please ask us "
            "again soon."), st["body"]))  # fmt: skip
        report.warnings.append("There are no current offers to list.")
    for category, towns in group_offers(offers):
        story.append(SetTopFlowables([]))  # a new category needs no "continued" line
        story.append(Paragraph(_m(category, bold=True), st["category"]))
        for n, (town, rows) in enumerate(towns):
            if n:  # a town heading at the top of a column says which category it is in
                story.append(_continued(f"{category} (continued)", st))
            story.append(Paragraph(_m(town, bold=True), st["town"]))
            for i, business in enumerate(_by_business(rows)):
                story.extend(_business_block(business, st))
                if i == 0:  # from here, a new column starts by saying where we are
                    story.append(_continued(f"{category}: {town} (continued)", st))
        story.append(Spacer(1, sizes.body * 0.3))
    unprintable = sum(
        1 for o in offers
        if fonts.missing_glyphs(" ".join(filter(None, (o.business_name, o.text, o.terms))))
    )  # fmt: skip
    if unprintable:
        report.warnings.append(
            f"{unprintable} offer(s) contain characters no bundled font can print; "
            "check them in the printed list."
        )
    doc.build(story, canvasmaker=numbered_canvas(furniture.page_number))
    report.pages = doc.page
    return report


class _Furniture:
    """Header (scheme, date) and footer (contacts, page number) on every page."""

    def __init__(self, scheme: SchemeInfo, today: date, sizes: LeafletSizes) -> None:
        self.scheme, self.sizes = scheme, sizes
        self.dated = f"Correct as of {long_date(today)}"
        self.logo = scheme.logo()
        self.style = ParagraphStyle("footer", fontName=fonts.BODY, fontSize=sizes.furniture,
                                    leading=sizes.furniture * 1.25, textColor=SOFT_INK)  # fmt: skip

    def draw(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        size, scheme = self.sizes.furniture, self.scheme
        page_w, page_h = A4
        baseline = page_h - MARGIN - size
        canvas.saveState()
        x = MARGIN
        if self.logo is not None:
            x += draw_logo(canvas, self.logo, MARGIN, baseline - size * 0.3, 30 * mm,
                           size * 1.5) + 3 * mm  # fmt: skip
        canvas.setFillColor(scheme.primary)
        fonts.draw_text(canvas, x, baseline, scheme.name, size, bold=True)
        canvas.setFillColor(INK)
        fonts.draw_text(canvas, page_w - MARGIN, baseline, self.dated, size, align="right")
        canvas.setStrokeColor(scheme.primary)
        canvas.setLineWidth(1.2)
        rule = baseline - size * 0.6
        canvas.line(MARGIN, rule, page_w - MARGIN, rule)
        rule = MARGIN + self.sizes.footer_h - 2 * mm
        canvas.setStrokeColor(scheme.accent)
        canvas.line(MARGIN, rule, page_w - MARGIN, rule)
        contacts = scheme.contact_line()
        if contacts:
            text = Paragraph(_m(contacts), self.style)
            _, h = text.wrap(page_w - 2 * MARGIN - self._number_width(), 200)
            text.drawOn(canvas, MARGIN, rule - 2 * mm - h)
        canvas.restoreState()

    def _number_width(self) -> float:
        return fonts.text_width("Page 88 of 88", self.sizes.furniture) + 4 * mm

    def page_number(self, canvas: Canvas, page: int, pages: int) -> None:
        size = self.sizes.furniture
        baseline = MARGIN + self.sizes.footer_h - 4 * mm - size
        canvas.setFillColor(INK)
        fonts.draw_text(canvas, A4[0] - MARGIN, baseline, f"Page {page} of {pages}", size,
                        align="right")  # fmt: skip
