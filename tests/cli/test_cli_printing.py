"""``carerdesk print ...`` and ``carerdesk verify``: PDFs on disk, card codes checked."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from carerdesk import cardsign
from carerdesk.desk import open_desk
from carerdesk.services import cards

from .helpers import ADMIN, ADMIN_PASSWORD, TESTY, fails, ok_json


def _queued_card(cli) -> str:  # type: ignore[no-untyped-def]
    carer = ok_json(cli("carer", "add", *TESTY, "--json"))
    return ok_json(cli("card", "queue", carer["id"], "--json"))["number"]


def _payload(db: Path, number: str) -> str:
    desk = open_desk(db, ADMIN, ADMIN_PASSWORD)
    try:
        with desk.transaction() as tx:
            return cardsign.sign_card(tx, cards.find_card(tx, number))
    finally:
        desk.close()


def _pages(path: Path) -> int:
    return len(pdfium.PdfDocument(str(path)))


def test_verify_says_valid_then_forged(cli, db, recovery_key):
    number = _queued_card(cli)
    payload = _payload(db, number)
    doc = ok_json(cli("verify", payload, "--json"))
    assert doc["result"] == "valid" and doc["card_number"] == number
    tampered = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    assert ok_json(cli("verify", tampered, "--json"))["result"] == "forged"


def test_print_queued_cards_to_a4_and_mark_them_printed(cli, db, tmp_path, recovery_key):
    pytest.importorskip("carerdesk.services.print_cards")
    number = _queued_card(cli)
    out = tmp_path / "cards.pdf"
    doc = ok_json(cli("print", "cards", "--queued", "--layout", "a4-10", "--out", str(out),
                      "--mark-printed", "--json"))  # fmt: skip
    assert doc["out"] == str(out) and _pages(out) == 2  # fronts, then backs
    shown = ok_json(cli("card", "show", number, "--json"))
    assert shown["card"]["status"] == "printed"


def test_print_one_card_for_a_card_printer(cli, tmp_path, recovery_key):
    pytest.importorskip("carerdesk.services.print_cards")
    number = _queued_card(cli)
    out = tmp_path / "cr80.pdf"
    ok_json(cli("print", "cards", "--card", number, "--layout", "cr80", "--out", str(out),
                "--json"))  # fmt: skip
    page = pdfium.PdfDocument(str(out))[0]
    width_mm, height_mm = (v / 72 * 25.4 for v in page.get_size())
    assert abs(width_mm - 85.6) < 0.2 and abs(height_mm - 53.98) < 0.2


def test_printing_an_empty_queue_says_so_and_writes_nothing(cli, tmp_path, recovery_key):
    pytest.importorskip("carerdesk.services.print_cards")
    out = tmp_path / "none.pdf"
    assert "no cards" in fails(cli("print", "cards", "--queued", "--out", str(out)))
    assert not out.exists()
    assert not list(tmp_path.glob(".carerdesk-*"))


def test_print_leaflet_letters_labels_poster(cli, tmp_path, recovery_key):
    pytest.importorskip("carerdesk.services.print_docs")
    for n, argv in enumerate((["leaflet"], ["leaflet", "--large"], ["poster", "--size", "A3"],
                 ["letters", "--expiring-before", "2099-01-01"],
                 ["labels", "--expiring-before", "01/01/2099"], ["sticker"])):  # fmt: skip
        out = tmp_path / f"{n}-{argv[0]}.pdf"
        doc = ok_json(cli("print", *argv, "--out", str(out), "--json"))
        assert out.exists() and doc["pages"] >= 0


def test_a_bad_date_is_a_plain_error(cli, tmp_path, recovery_key):
    message = fails(cli("print", "letters", "--expiring-before", "someday",
                        "--out", str(tmp_path / "x.pdf")))  # fmt: skip
    assert "date" in message


def test_an_unknown_layout_is_a_plain_error(cli, tmp_path, recovery_key):
    pytest.importorskip("carerdesk.services.print_cards")
    number = _queued_card(cli)
    message = fails(cli("print", "cards", "--card", number, "--layout", "nope",
                        "--out", str(tmp_path / "x.pdf")))  # fmt: skip
    assert "layout" in message.lower()


def test_printing_is_recorded_in_the_audit_trail(cli, db, tmp_path, recovery_key):
    pytest.importorskip("carerdesk.services.print_docs")
    from sqlmodel import select

    from carerdesk.models import AuditEvent

    ok_json(cli("print", "poster", "--out", str(tmp_path / "p.pdf"), "--json"))
    desk = open_desk(db, ADMIN, ADMIN_PASSWORD)
    try:
        with desk.read() as tx:
            actions = [e.action for e in tx.session.exec(select(AuditEvent)).all()]
    finally:
        desk.close()
    assert any(a.startswith("print.") for a in actions)
