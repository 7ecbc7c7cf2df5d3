"""Printing cards: every QR code reads back as a genuine card, cards sit where the
sheet preset says, backs land behind their fronts, and hard names print in full."""

from __future__ import annotations

import ctypes
import io
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlmodel import select

from carerdesk import cardsign
from carerdesk.cardsign import CardCheck
from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue, PermissionDenied
from carerdesk.models import AuditEvent, Card
from carerdesk.models.enums import CardKind, CardStatus, Role
from carerdesk.printing import cards_pdf, fonts, presets
from carerdesk.printing.presets import MM, CardSheet
from carerdesk.services import cards, carer_details, carers, print_cards, settings

TODAY = date(2026, 3, 2)
HARD_NAMES = [
    ("Siân", "Ŵyn ap Gruffudd"),
    ("Nguyễn", "Thị Minh Khai"),
    ("محمد", "عبد الله"),
    ("王", "小明"),
    ("Testie", "Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh"),  # 60 characters
]


@pytest.fixture(autouse=True)
def _config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARERDESK_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def desk(desk: Desk) -> Desk:
    desk.clock = lambda: datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC)
    return desk


def _photo(shade: int) -> bytes:
    image = Image.new("RGB", (120, 150), (200, 205, 215))
    ImageDraw.Draw(image).ellipse((35, 25, 85, 85), fill=(shade, 150, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _queue(
    desk: Desk, first: str = "Testy", last: str = "McTestface", *, photo: bool = True,
    dob: date = date(1970, 5, 1), **extra: object,
) -> uuid.UUID:
    """Register a carer (with consent) and queue a card; the card's id."""
    with desk.transaction() as tx:
        fields = carers.CarerFields(first_name=first, last_name=last, date_of_birth=dob,
                                    consent_keep_record=True, **extra)  # fmt: skip
        carer = carers.register(tx, fields, allow_duplicate=True)
        if photo:
            carer_details.set_photo(tx, carer.id, _photo(len(last) * 7 % 255))
        return cards.queue_card(tx, carer.id).id


def _render(desk: Desk, ids: list[uuid.UUID], layout: str = "a4-10", **kw: object) -> tuple:
    out = io.BytesIO()
    with desk.transaction() as tx:
        report = print_cards.render_cards_pdf(tx, ids, out, layout=layout, **kw)  # type: ignore[arg-type]
        numbers = [tx.get(Card, i, "card").number for i in ids]
    return out.getvalue(), report, numbers


def _card_rects(page: pdfium.PdfPage, sheet: CardSheet) -> list[tuple[float, float, float, float]]:
    """Bounds (points) of the filled rectangles exactly the size of a card."""
    found = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        w, h = (right - left) / MM, (top - bottom) / MM
        if abs(w - sheet.card_w) < 0.2 and abs(h - sheet.card_h) < 0.2:
            found.append((left, bottom, right, top))
    return found


def _numbers_by_column(page: pdfium.PdfPage, sheet: CardSheet) -> dict[str, int]:
    """Card number -> column, from the text inside each card's rectangle."""
    text = page.get_textpage()
    out = {}
    for rect in _card_rects(page, sheet):
        inside = text.get_text_bounded(*rect)
        number = next(w for w in inside.split() if w.startswith("TST-"))
        out[number] = round((rect[0] / MM - sheet.left) / sheet.col_pitch)
    return out


def _embedded_fonts(page: pdfium.PdfPage) -> set[str]:
    """Base names of the fonts the page's text is drawn in, if embedded in the PDF."""
    names = set()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1):
        font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
        size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
        if pdfium_c.FPDFFont_GetIsEmbedded(font):
            names.add(buffer.value.decode())
    return names


@pytest.fixture
def ten_cards(desk: Desk) -> list[uuid.UUID]:
    return [_queue(desk, "Testy", f"McTestface{'x' * n}", photo=n % 3 != 0) for n in range(10)]


def test_every_card_qr_reads_back_as_a_valid_card(desk: Desk, ten_cards: list[uuid.UUID]) -> None:
    pdf_bytes, report, numbers = _render(desk, ten_cards, backs=False)
    assert report.pages == 1 and report.items == 10
    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=200 / 72).to_pil()
    payloads = {b.text for b in zxingcpp.read_barcodes(image)}
    assert len(payloads) == 10
    with desk.read() as tx:
        checks = [cardsign.verify(tx, p) for p in payloads]
    assert {c.result for c in checks} == {CardCheck.VALID}
    assert sorted(c.card_number for c in checks) == sorted(numbers)
    # The expiry signed is the one printed, and the one mark_printed records.
    with desk.transaction() as tx:
        cards.mark_printed(tx, ten_cards)
        assert all(tx.get(Card, i, "card").expires_on == checks[0].expires_on
                   for i in ten_cards)  # fmt: skip
    assert checks[0].expires_on == date(2029, 3, 2)

    forged = sorted(payloads)[0]
    i = len(forged) // 2
    forged = forged[:i] + ("A" if forged[i] != "A" else "B") + forged[i + 1 :]
    with desk.read() as tx:
        assert cardsign.verify(tx, forged).result is CardCheck.FORGED


def test_cards_sit_where_the_a4_preset_puts_them(desk: Desk, ten_cards: list[uuid.UUID]) -> None:
    pdf_bytes, _, numbers = _render(desk, ten_cards[:7])
    sheet = presets.card_sheet("a4-10")
    fronts, backs = pdfium.PdfDocument(pdf_bytes)
    rects = _card_rects(fronts, sheet)
    want = [presets.to_points(sheet, *presets.card_positions(sheet, i)) for i in range(7)]
    assert len(rects) == 7
    for (x, y), (left, bottom, _, _) in zip(sorted(want), sorted(rects), strict=True):
        assert abs(left - x) / MM <= 0.5 and abs(bottom - y) / MM <= 0.5
    # Backs: same rows, columns swapped, so duplex puts each behind its own front.
    front_cols, back_cols = _numbers_by_column(fronts, sheet), _numbers_by_column(backs, sheet)
    assert set(front_cols) == set(back_cols) == set(numbers)
    assert all(back_cols[n] == sheet.cols - 1 - front_cols[n] for n in numbers)
    assert {front_cols[numbers[0]], back_cols[numbers[0]]} == {0, 1}


def test_nudge_and_user_presets_move_the_cards(desk: Desk, ten_cards: list[uuid.UUID]) -> None:
    base = presets.card_sheet("a4-10")
    presets.save_user_preset(replace(base, left=16.0, top=12.0))
    presets.set_nudge("a4-10", 1.0, -0.5)
    assert presets.nudge_for("a4-10") == (1.0, -0.5)
    pdf_bytes, _, _ = _render(desk, ten_cards[:1], backs=False)
    (left, _, _, top), = _card_rects(pdfium.PdfDocument(pdf_bytes)[0], base)
    assert left / MM == pytest.approx(17.0, abs=0.05)
    assert (297 - top / MM) == pytest.approx(11.5, abs=0.05)
    with pytest.raises(InvalidValue):
        presets.save_user_preset(replace(base, name="too-wide", col_pitch=150.0))
    with pytest.raises(InvalidValue):
        presets.set_nudge("a4-10", 25.0, 0)
    presets.delete_user_preset("a4-10")
    assert presets.card_sheet("a4-10") == base
    assert "a4-10" in print_cards.layout_names() and "l7163" not in print_cards.layout_names()


def test_cr80_pages_are_exactly_id1_cards(desk: Desk) -> None:
    ids = [_queue(desk), _queue(desk, "Sample", "Testington", photo=False)]
    pdf_bytes, report, _ = _render(desk, ids, layout="cr80")
    pdf = pdfium.PdfDocument(pdf_bytes)
    assert report.pages == len(pdf) == 4  # front, back, front, back
    for page in pdf:
        w, h = page.get_size()
        assert (round(w / MM, 2), round(h / MM, 2)) == (85.60, 53.98)
    payloads = {b.text for b in zxingcpp.read_barcodes(pdf[2].render(scale=300 / 72).to_pil())}
    with desk.read() as tx:
        assert [cardsign.verify(tx, p).result for p in payloads] == [CardCheck.VALID]


def test_hard_names_print_in_full_with_embedded_fonts(desk: Desk) -> None:
    ids = [_queue(desk, first, last) for first, last in HARD_NAMES]
    names = [f"{first} {last}" for first, last in HARD_NAMES]
    assert len(names[-1]) == 60
    assert all(fonts.missing_glyphs(n) == "" for n in names)
    pdf_bytes, report, numbers = _render(desk, ids, backs=False)
    page = pdfium.PdfDocument(pdf_bytes)[0]
    assert {"NotoSans-Bold", "NotoSansArabic-Bold", "DroidSansFallback"} <= _embedded_fonts(page)
    text = page.get_textpage().get_text_range()
    for name in (names[0], names[1], names[3], names[4]):
        assert name in text.replace("\r\n", " ")  # the long name is squeezed, not cut
    # ...and every letter of it stays inside the card's safe area.
    sheet = presets.card_sheet("a4-10")
    first, last = page.get_textpage().search(names[-1]).get_next()
    boxes = [page.get_textpage().get_charbox(i) for i in range(first, first + last)]
    card = next(r for r in _card_rects(page, sheet) if r[0] <= boxes[0][0] <= r[2]
                and r[1] <= boxes[0][1] <= r[3])  # fmt: skip
    assert max(b[2] for b in boxes) <= card[2] - sheet.safe * MM
    squeezed = [w for w in report.warnings if "too long" in w]
    assert squeezed == [next(w for w in squeezed if numbers[-1] in w)]
    assert not any(part in w for w in report.warnings for part in ("Wolfe", "Siân", "Testie"))
    with desk.read() as tx:
        problems = print_cards.readiness(tx, ids)
    assert [(p.card_number, p.blocking) for p in problems if "too long" in p.message] == [
        (numbers[-1], False)
    ]
    assert cards_pdf.name_fits("Testy McTestface", sheet)
    assert not cards_pdf.name_fits(names[-1], sheet)


def test_backs_carry_allowances_and_emergency_contacts(desk: Desk) -> None:
    young = _queue(desk, "Testy", "Youngface", dob=date(2012, 1, 1),
                   young_carer_allowances="Keep my phone on in lessons.")  # fmt: skip
    with desk.transaction() as tx:
        carer = carers.register(tx, carers.CarerFields(
            first_name="Sample", last_name="Testington", consent_keep_record=True),
            allow_duplicate=True)  # fmt: skip
        carer_details.set_photo(tx, carer.id, _photo(90))
        carer_details.set_emergency_plan(tx, carer.id, carer_details.EmergencyPlanFields(
            contact_name="Dummy Testington", contact_relationship="Sister",
            contact_phone="07700 900123"))  # fmt: skip
        emergency = cards.queue_card(tx, carer.id, kind=CardKind.EMERGENCY).id
    pdf_bytes, _, _ = _render(desk, [young, emergency])
    back = pdfium.PdfDocument(pdf_bytes)[1].get_textpage().get_text_range().replace("\r\n", " ")
    assert "Keep my phone on in lessons." in back
    assert "Dummy Testington (Sister): 07700 900123" in back
    assert "young carer" in back and "If found" in back


def test_readiness_blocks_what_must_not_print(desk: Desk) -> None:
    no_consent, no_photo = _queue(desk), _queue(desk, "Sample", "Testington", photo=False)
    with desk.transaction() as tx:
        card = tx.get(Card, no_consent, "card")
        carers.update(tx, card.carer_id, carers.CarerFields(consent_keep_record=False))
    with desk.read() as tx:
        problems = print_cards.readiness(tx, [no_consent, no_photo])
    assert [(p.card_id, p.blocking) for p in problems] == [(no_consent, True), (no_photo, False)]
    assert "consent" in problems[0].message and "photo" in problems[1].message
    with pytest.raises(CarerdeskError, match="1 of the 2 chosen cards"):
        _render(desk, [no_consent, no_photo])

    with desk.transaction() as tx:
        settings.update_scheme(tx, settings.SchemeFields(photos_required=True))
    with desk.read() as tx:
        (problem,) = print_cards.readiness(tx, [no_photo])
    assert problem.blocking and "photo" in problem.message
    with pytest.raises(CarerdeskError, match="photo"):
        _render(desk, [no_photo])


def test_young_carer_now_18_is_a_warning_not_a_block(desk: Desk) -> None:
    card_id = _queue(desk, "Testy", "Youngface", dob=date(2008, 6, 1))
    desk.clock = lambda: datetime(2026, 7, 1, 10, tzinfo=UTC)
    with desk.read() as tx:
        problems = print_cards.readiness(tx, [card_id])
    assert [p.blocking for p in problems if "age limit" in p.message] == [False]


def test_printing_needs_permission_and_is_audited(
    desk: Desk, desk_as: object, ten_cards: list[uuid.UUID]
) -> None:
    volunteer = desk_as(Role.VOLUNTEER)  # type: ignore[operator]
    with volunteer.transaction() as tx, pytest.raises(PermissionDenied):
        print_cards.render_cards_pdf(tx, ten_cards[:1], io.BytesIO())
    _render(desk, ten_cards[:2])
    with desk.read() as tx:
        audited = tx.session.exec(select(AuditEvent).where(AuditEvent.action == "print.cards"))
        assert {e.record_id for e in audited} == set(ten_cards[:2])
        assert all(c.status is CardStatus.QUEUED for c in cards.queued_cards(tx))


def test_calibration_page_outlines_every_position() -> None:
    for name in ("a4-10", "cr80"):
        sheet = presets.card_sheet(name)
        out = io.BytesIO()
        report = cards_pdf.render_calibration(sheet, out, (0.5, 0.0))
        page = pdfium.PdfDocument(out.getvalue())[0]
        text = page.get_textpage().get_text_range()
        assert report.pages == 1 and "+0.5 mm across" in text
        assert f"{sheet.per_page}: " in text
