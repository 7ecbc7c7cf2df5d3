"""Offers leaflets, renewal letters and labels, posters and window stickers."""

from __future__ import annotations

import io
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, PermissionDenied
from carerdesk.models import AuditEvent
from carerdesk.models.enums import Role
from carerdesk.printing import fonts
from carerdesk.printing.presets import label_sheet
from carerdesk.services import cards, carer_details, carers, offers, print_docs, settings
from carerdesk.services.carer_details import CaredForFields
from carerdesk.services.carers import CarerFields
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.services.settings import SchemeFields

TODAY = date(2025, 3, 3)
MM = 72 / 25.4
A4_H = 297 * MM


def set_today(desk: Desk, day: date) -> None:
    desk.clock = lambda: datetime(day.year, day.month, day.day, 11, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _scheme(desk: Desk) -> None:
    set_today(desk, TODAY)
    with desk.transaction() as tx:
        settings.update_scheme(tx, SchemeFields(
            contact_phone="01632 960000", contact_email="cards@testshire.example",
            website="www.testshire.example",
        ))  # fmt: skip


def add_offer(desk: Desk, business: str, text: str, **kw: object) -> uuid.UUID:
    with desk.transaction() as tx:
        found = offers.list_businesses(tx, text=business)
        b = (
            found[0]
            if found
            else offers.add_business(
                tx, BusinessFields(name=business, town="Stevenage", postcode="SG1 1AA")
            )
        )
        return offers.add_offer(tx, OfferFields(business_id=b.id, text=text, **kw)).id


def add_carer(desk: Desk, first: str = "Testy", last: str = "McTestface", *,
              contact: bool = True, **kw: object) -> uuid.UUID:  # fmt: skip
    fields = CarerFields(first_name=first, last_name=last, consent_keep_record=True,
                         consent_contact=contact, **kw)  # fmt: skip
    with desk.transaction() as tx:
        return carers.register(tx, fields, allow_duplicate=True).id


def posted_to(desk: Desk, first: str, n: int = 1, **kw: object) -> uuid.UUID:
    """A carer with an address and an issued card."""
    address = {"address_line1": f"{n} Fake Lane", "town": "Stevenage", "postcode": "SG1 1AA"}
    carer_id = add_carer(desk, first, **{**address, **kw})
    with desk.transaction() as tx:
        card = cards.queue_card(tx, carer_id)
        cards.mark_printed(tx, [card.id])
        cards.mark_issued(tx, [card.id])
    return carer_id


@contextmanager
def rendered(desk: Desk, render: str, **kw: object) -> Iterator[tuple[pdfium.PdfDocument, object]]:
    out = io.BytesIO()
    with desk.transaction() as tx:
        report = getattr(print_docs, render)(tx, out, **kw)
    pdf = pdfium.PdfDocument(out.getvalue())
    try:
        yield pdf, report
    finally:
        pdf.close()


def page_text(pdf: pdfium.PdfDocument) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdf]


def chars(page: pdfium.PdfPage) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """(character, box as left/bottom/right/top in points, font size) for every glyph."""
    text = page.get_textpage()
    out = []
    for i in range(text.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(text.raw, i))
        if not ch.isspace():
            out.append((ch, text.get_charbox(i), pdfium_c.FPDFText_GetFontSize(text.raw, i)))
    return out


def boxes_of(
    page: pdfium.PdfPage, word: str, after: str = ""
) -> list[tuple[float, float, float, float]]:
    """Character boxes of the first place ``word`` is printed on ``page`` (after ``after``)."""
    text = page.get_textpage()
    whole = text.get_text_range()
    start = whole.index(word, whole.index(after))
    return [text.get_charbox(i) for i in range(start, start + len(word)) if not whole[i].isspace()]


# -- leaflets -----------------------------------------------------------------------------


def test_leaflet_lists_current_offers_only_and_says_when_it_was_correct(desk: Desk) -> None:
    add_offer(desk, "Testy Teashop", "Ten percent off tea")
    add_offer(desk, "Testy Teashop", "Old winter deal", starts_on=date(2024, 1, 1),
              ends_on=date(2025, 2, 1))  # fmt: skip
    add_offer(desk, "Testy Teashop", "Summer deal", starts_on=date(2025, 6, 1))
    retired = add_offer(desk, "Fakeville Gym", "Free swim")
    with desk.transaction() as tx:
        offers.retire_offer(tx, retired)
    with rendered(desk, "render_leaflet") as (pdf, report):
        text = "\n".join(page_text(pdf))
    assert "Ten percent off tea" in text
    for gone in ("Old winter deal", "Summer deal", "Free swim", "Fakeville Gym"):
        assert gone not in text
    assert "Correct as of 3 March 2025" in text
    assert "01632 960000" in text and "Page 1 of 1" in text
    assert report.items == 1 and report.pages == 1  # type: ignore[attr-defined]


def test_carer_leaflet_covers_where_the_cared_for_person_lives(desk: Desk) -> None:
    add_offer(desk, "Hitchin Bakery", "Free bun in Hitchin", areas=["Hitchin"])
    add_offer(desk, "Watford Cafe", "Free tea in Watford", areas=["Watford"])
    add_offer(desk, "Testy Teashop", "Cake anywhere")
    carer_id = add_carer(desk, area="Stevenage")
    with desk.transaction() as tx:
        carer_details.add_cared_for(tx, carer_id, CaredForFields(name="Mum", area="Hitchin"))
    with rendered(desk, "render_leaflet", carer_id=carer_id) as (pdf, _):
        text = " ".join(" ".join(page_text(pdf)).split())
    assert "Free bun in Hitchin" in text and "Cake anywhere" in text
    assert "Free tea in Watford" not in text
    assert "Hitchin, Stevenage" in text  # the places it covers
    with desk.read() as tx:
        actions = [e.action for e in tx.session.exec(select(AuditEvent))]
    assert "print.leaflet" in actions


def test_area_leaflet_keeps_offers_for_those_areas_and_anywhere(desk: Desk) -> None:
    add_offer(desk, "Hitchin Bakery", "Free bun in Hitchin", areas=["Hitchin"])
    add_offer(desk, "Watford Cafe", "Free tea in Watford", areas=["Watford"])
    add_offer(desk, "Testy Teashop", "Cake anywhere")
    with rendered(desk, "render_leaflet", areas=["hitchin "]) as (pdf, _):
        text = "\n".join(page_text(pdf))
    assert "Free bun in Hitchin" in text and "Cake anywhere" in text
    assert "Free tea in Watford" not in text
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        print_docs.render_leaflet(tx, io.BytesIO(), areas=["Atlantis"])
    assert "Atlantis" not in caught.value.message and "areas" in caught.value.errors


def test_large_print_leaflet_uses_16_point_text_or_bigger(desk: Desk) -> None:
    for n in range(12):
        add_offer(desk, f"Testy Shop {n}", "Ten percent off everything",
                  terms="Show your card at the till.")  # fmt: skip
    with rendered(desk, "render_leaflet", large=True) as (pdf, report):
        sizes = [size for page in pdf for _, _, size in chars(page)]
        assert len(pdf) == report.pages > 1  # type: ignore[attr-defined]
        second = " ".join(page_text(pdf)[1].split())
    assert min(sizes) >= 16
    # A page that carries on a list says which list it is.
    assert "Other offers: Stevenage (continued) Testy Shop" in second
    with rendered(desk, "render_leaflet") as (pdf, _):
        page = pdf[0]
        width = page.get_size()[0]
        lefts = [box[0] for ch, box, _ in chars(page) if ch == "T"]
    # Normal print flows into a second column.
    assert any(x < width / 2 for x in lefts) and any(x > width / 2 for x in lefts)


HARD_NAMES = ("Caffi Siôn ap Rhys", "Phở Nguyễn Thị Ánh", "مطعم مريم", "王记茶馆")


def test_leaflet_prints_welsh_vietnamese_arabic_and_chinese_names(desk: Desk) -> None:
    for name in HARD_NAMES:
        assert fonts.missing_glyphs(name) == ""
        add_offer(desk, name, "Ten percent off")
    with rendered(desk, "render_leaflet") as (pdf, report):
        text = unicodedata.normalize("NFKC", "\n".join(page_text(pdf)))
    assert report.warnings == []  # type: ignore[attr-defined]
    for name in HARD_NAMES:  # Arabic is printed shaped, yet its text still reads right
        assert unicodedata.normalize("NFKC", name) in text


# -- renewal letters and labels --------------------------------------------------------------


def test_renewal_letters_go_one_per_carer_with_the_address_in_the_window(desk: Desk) -> None:
    set_today(desk, date(2022, 1, 10))  # these cards ran out on 10 January 2025
    posted_to(desk, "Testy", 1)
    posted_to(desk, "Siôn", 2, address_line2="Testington")
    posted_to(desk, "Quiet", 3, contact=False)  # did not agree to be contacted
    no_address = add_carer(desk, "Nowhere")
    with desk.transaction() as tx:
        card = cards.queue_card(tx, no_address)
        cards.mark_printed(tx, [card.id])
        cards.mark_issued(tx, [card.id])
    set_today(desk, TODAY)
    posted_to(desk, "Later", 4)  # expires in 2028
    with rendered(desk, "render_renewal_letters", expiring_before=TODAY) as (pdf, report):
        assert len(pdf) == 2 and report.pages == 2  # type: ignore[attr-defined]
        assert report.warnings == [  # type: ignore[attr-defined]
            "1 carer(s) have no postal address on record, so nothing was printed for them."
        ]
        texts = page_text(pdf)
        assert "Siôn McTestface" in texts[0]  # sorted by surname, then name
        page = pdf[1]
        window = (20 * MM, A4_H - 90 * MM, 105 * MM, A4_H - 45 * MM)
        for word in ("Testy McTestface", "1 Fake Lane", "STEVENAGE", "SG1 1AA"):
            for left, bottom, right, top in boxes_of(page, word):
                assert window[0] <= left and right <= window[2]
                assert window[1] <= bottom and top <= window[3]
    lines = [line.strip() for line in texts[1].splitlines()]
    assert lines[lines.index("Testy McTestface"):][:4] == [
        "Testy McTestface", "1 Fake Lane", "STEVENAGE", "SG1 1AA"
    ]  # fmt: skip
    letter = " ".join(texts[1].split())
    assert "Dear Testy McTestface," in letter and "ran out on 10 January 2025" in letter
    assert "Testington" in texts[0]


def test_renewal_skips_cards_already_being_renewed(desk: Desk) -> None:
    renewed = posted_to(desk, "Renewed")
    posted_to(desk, "Waiting", 2)
    with desk.transaction() as tx:
        live = cards.live_card(tx, renewed)
        assert live is not None
        cards.renew(tx, live.id)
    later = TODAY + timedelta(days=5 * 365)
    with desk.read() as tx:
        names = [c.name for c in print_docs.renewal_candidates(tx, expiring_before=later)]
        none_yet = print_docs.renewal_candidates(tx, expiring_before=TODAY)
    assert names == ["Waiting McTestface"] and none_yet == []


def test_labels_come_14_to_a_page_in_the_l7163_layout(desk: Desk) -> None:
    for n in range(15):
        posted_to(desk, f"Testy{n:02d}", n + 1)
    sheet = label_sheet("l7163")
    expiry = TODAY + timedelta(days=5 * 365)
    with rendered(desk, "render_labels", expiring_before=expiry) as (pdf, report):
        assert len(pdf) == 2 and report.items == 15  # type: ignore[attr-defined]
        assert pdf[0].get_size() == pytest.approx((210 * MM, 297 * MM), abs=0.1)
        first, second = pdf[0], pdf[1]
        assert page_text(pdf)[1].count("SG1 1AA") == 1
        assert page_text(pdf)[0].count("SG1 1AA") == 14
        # Label 2 (top right) holds the second carer, wholly inside the label.
        left = sheet.left + sheet.col_pitch
        top = sheet.top
        for word in ("Testy01 McTestface", "2 Fake Lane", "SG1 1AA"):
            for x0, y0, x1, y1 in boxes_of(first, word, after="Testy01"):
                assert left * MM <= x0 and x1 <= (left + sheet.label_w) * MM
                assert A4_H - (top + sheet.label_h) * MM <= y0 and y1 <= A4_H - top * MM
        assert "Testy14" in second.get_textpage().get_text_range()


def test_long_address_shrinks_to_fit_its_label_and_is_never_cut(desk: Desk) -> None:
    street = "The Very Long Named Cottage at the End of the Old Mill Lane Near the Church"
    posted_to(desk, "Testy", address_line1=street, address_line2="Little Testington Under Fake")
    expiry = TODAY + timedelta(days=5 * 365)
    with rendered(desk, "render_labels", expiring_before=expiry) as (pdf, report):
        text = " ".join(page_text(pdf)[0].split())
        right_edge = max(box[2] for _, box, _ in chars(pdf[0]))
    assert street in text and report.warnings == []  # type: ignore[attr-defined]
    sheet = label_sheet("l7163")
    assert right_edge <= (sheet.left + sheet.label_w) * MM
    with desk.transaction() as tx, pytest.raises(InvalidValue):
        print_docs.render_labels(tx, io.BytesIO(), expiring_before=expiry, preset="l9999")


def test_volunteers_print_leaflets_but_not_renewal_letters(
    desk: Desk, desk_as: Callable[[Role], Desk]
) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    set_today(volunteer, TODAY)
    with volunteer.transaction() as tx:
        print_docs.render_leaflet(tx, io.BytesIO())
        with pytest.raises(PermissionDenied):
            print_docs.render_renewal_letters(tx, io.BytesIO(), expiring_before=TODAY)
        with pytest.raises(PermissionDenied):
            print_docs.render_sticker(tx, io.BytesIO())


# -- posters and stickers -----------------------------------------------------------------------


def test_poster_prints_on_a3_with_how_to_join(desk: Desk) -> None:
    with rendered(desk, "render_poster", size="a3") as (pdf, _):
        assert pdf[0].get_size() == pytest.approx((297 * MM, 420 * MM), abs=0.1)
        text = " ".join(page_text(pdf)[0].split())
    assert "Testshire Carer Passport" in text and "How to join" in text
    assert "01632 960000" in text
    with desk.transaction() as tx, pytest.raises(InvalidValue):
        print_docs.render_poster(tx, io.BytesIO(), size="A5")


def test_circle_sticker_has_a_qr_code_to_the_business_offer_entry(desk: Desk) -> None:
    add_offer(desk, "Caffi Siôn ap Rhys", "Ten percent off")
    with desk.read() as tx:
        business = offers.list_businesses(tx)[0]
    with rendered(desk, "render_sticker", business_id=business.id, shape="circle") as (pdf, _):
        text = page_text(pdf)[0]
        image = pdf[0].render(scale=3).to_pil()
    assert "Carers welcome here" in " ".join(text.split()) and "Caffi Siôn ap Rhys" in text
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == ["https://www.testshire.example#caffi-sion-ap-rhys"]
    with desk.transaction() as tx, pytest.raises(InvalidValue):
        print_docs.render_sticker(tx, io.BytesIO(), shape="triangle")


def test_sticker_without_a_business_has_no_qr_code(desk: Desk) -> None:
    with rendered(desk, "render_sticker", shape="square") as (pdf, _):
        image = pdf[0].render(scale=2).to_pil()
    assert zxingcpp.read_barcodes(image) == []
