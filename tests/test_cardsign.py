"""Signed card codes: checked offline, tamper-evident, scanner-proof."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carerdesk import cardsign
from carerdesk.cardsign import CardCheck
from carerdesk.models.enums import CardKind
from carerdesk.services import cards, carers, erasure, search


def _card(desk, **fields):  # type: ignore[no-untyped-def]
    values = {"first_name": "Testy", "last_name": "Signer", "consent_keep_record": True}
    values.update(fields)
    with desk.transaction() as tx:
        carer = carers.register(tx, carers.CarerFields(**values), allow_duplicate=True)
        card = cards.queue_card(tx, carer.id)
        return carer, card, cardsign.sign_card(tx, card)


def _check(desk, payload):  # type: ignore[no-untyped-def]
    with desk.read() as tx:
        return cardsign.verify(tx, payload)


def test_payload_uses_only_the_qr_alphanumeric_set(desk):
    _, card, payload = _card(desk)
    allowed = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    assert set(payload) <= allowed
    assert len(payload) < 150
    result = _check(desk, payload)
    assert result.result is CardCheck.VALID
    assert (result.card_number, result.expires_on, result.kind) == (
        card.number, card.expires_on, CardKind.STANDARD)  # fmt: skip


def test_scanner_quirks_do_not_matter(desk):
    _, _, payload = _card(desk)
    # Caps Lock flips case; the scanner ends with Enter or Tab.
    assert _check(desk, payload.lower() + "\r\n").result is CardCheck.VALID
    assert _check(desk, payload + "\t").result is CardCheck.VALID


@pytest.mark.parametrize("position", [5, 20, 60, -3])
def test_one_changed_character_is_forged(desk, position):
    _, _, payload = _card(desk)
    chars = list(payload)
    chars[position] = "B" if chars[position] != "B" else "C"
    assert _check(desk, "".join(chars)).result is CardCheck.FORGED


def test_nonsense_is_forged_not_an_error(desk):
    assert _check(desk, "CD:AAAAAAAAAAAAAAAAAAAAAAAA").result is CardCheck.FORGED
    assert _check(desk, "hello").result is CardCheck.FORGED


def test_lost_card_verifies_as_lost_and_replacement_as_valid(desk):
    _, card, payload = _card(desk)
    with desk.transaction() as tx:
        cards.mark_printed(tx, [card.id])
        cards.mark_issued(tx, [card.id])
        new = cards.report_lost(tx, card.id)
        new_payload = cardsign.sign_card(tx, new)
    assert _check(desk, payload).result is CardCheck.LOST
    assert _check(desk, new_payload).result is CardCheck.VALID


def test_revoked_and_erased_cards_verify_as_revoked(desk):
    carer, _, payload = _card(desk)
    with desk.transaction() as tx:
        erasure.erase_carer(tx, carer.id)
    assert _check(desk, payload).result is CardCheck.REVOKED


def test_an_old_card_verifies_as_expired(desk):
    _, _, payload = _card(desk)
    desk.clock = lambda: datetime(2040, 1, 1, tzinfo=UTC)
    assert _check(desk, payload).result is CardCheck.EXPIRED


def test_cards_signed_before_a_key_rotation_still_verify(desk):
    _, _, before = _card(desk)
    with desk.transaction() as tx:
        new_key = cardsign.rotate_key(tx)
    assert new_key.key_no == 2
    _, _, after = _card(desk, last_name="Rotated")
    assert _check(desk, before).result is CardCheck.VALID
    assert _check(desk, after).result is CardCheck.VALID


def test_a_code_from_a_site_we_have_no_key_for_is_unknown(desk):
    from sqlmodel import select

    from carerdesk.models import SigningKey

    _, _, payload = _card(desk)
    with desk.transaction() as tx:
        for key in tx.session.exec(select(SigningKey)).all():
            tx.session.delete(key)
    assert _check(desk, payload).result is CardCheck.UNKNOWN


def test_scanning_a_code_into_the_search_box_opens_the_carer(desk):
    carer, _, payload = _card(desk)
    with desk.read() as tx:
        result = search.find_carers(tx, payload.lower())
    assert result.direct is not None and result.direct.carer_id == carer.id
    assert result.message is None


def test_scanning_a_forged_code_finds_nobody_and_says_so(desk):
    _, _, payload = _card(desk)
    forged = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    with desk.read() as tx:
        result = search.find_carers(tx, forged)
    assert result.hits == [] and "not genuine" in (result.message or "")


def test_a_code_with_a_garbled_site_is_forged_not_a_crash(desk):
    import base64
    import struct

    body = struct.pack(">BBB", 1, 1, 3) + b"T@T" + struct.pack(">IHB", 1, 9000, 0)
    payload = "CD:" + base64.b32encode(body + bytes(64)).decode().rstrip("=")
    assert _check(desk, payload).result is CardCheck.FORGED
