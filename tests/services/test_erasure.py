"""The right to erasure: nothing personal left, only a tombstone and cancelled cards."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Connection
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import NotFound, PermissionDenied
from carerdesk.models import AuditEvent, Card, CardEvent, CaredFor, Carer, ContactLog
from carerdesk.models.enums import CardStatus, ContactKind, Role
from carerdesk.services import cards, carer_details, carers, erasure, search

TODAY = date(2026, 3, 2)
FIRST, LAST, PREFERRED = "Erasmo", "Quixotefake", "Razzle"
POSTCODE, PHONE, EMAIL, TOWN = "SG9 9ZZ", "07700 900456", "erasmo@example.org", "Testborough"
CARED_FOR, CONTACT = "Mumsy Quixotefake", "Plumtree Testperson"
# Every personal value, and the forms the search index keeps them in.
NEEDLES = (
    FIRST,
    LAST,
    PREFERRED,
    POSTCODE,
    "SG99ZZ",
    "07700900456",
    "7700900456",
    EMAIL,
    TOWN,
    "Mumsy",
    "Plumtree",
    "Secret note",
    "Dr Testwell",
)
JPEG = b"\xff\xd8\xff\xe0PHOTO-OF-ERASMO\xff\xd9"


def _at(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@pytest.fixture
def desk(desk: Desk) -> Desk:
    desk.clock = _at(TODAY)
    return desk


@pytest.fixture
def carer_id(desk: Desk) -> uuid.UUID:
    """A carer with everything: cared-for person, plan, photo, contact, cards."""
    with desk.transaction() as tx:
        carer = carers.register(
            tx,
            carers.CarerFields(
                first_name=FIRST,
                last_name=LAST,
                preferred_name=PREFERRED,
                postcode=POSTCODE,
                phone=PHONE,
                phone_other="07700 900457",
                email=EMAIL,
                town=TOWN,
                address_line1="1 Secret note Lane",
                gp_practice="Dr Testwell's Surgery",
                date_of_birth=date(1966, 6, 6),
                consent_keep_record=True,
                notes="Secret note",
            ),
        )
        cid = carer.id
        carer_details.add_cared_for(
            tx, cid, carer_details.CaredForFields(name=CARED_FOR, notes="Secret note")
        )
        carer_details.set_emergency_plan(
            tx,
            cid,
            carer_details.EmergencyPlanFields(
                contact_name=CONTACT, contact_phone="07700 900458", needs_to_know="Secret note"
            ),
        )
        carer_details.set_photo(tx, cid, JPEG)
        tx.session.add(
            ContactLog(
                carer_id=cid,
                at=tx.now(),
                kind=ContactKind.PHONE,
                minutes=10,
                what_was_done="Secret note",
                referred_to="Dr Testwell",
            )
        )
        card = cards.queue_card(tx, cid)
    with desk.transaction() as tx:
        cards.mark_printed(tx, [card.id])
    with desk.transaction() as tx:
        cards.mark_issued(tx, [card.id])
    return cid


def _erase(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        erasure.erase_carer(tx, carer_id)


def _leftovers(conn: Connection, tables: list[str]) -> list[str]:
    """Where any personal value is still stored: 'table: value' for each find."""
    found = []
    for table in tables:
        for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"').all():
            for cell in row:
                if isinstance(cell, str):
                    blob = cell.casefold().encode()
                elif isinstance(cell, bytes):
                    blob = cell.lower()
                else:
                    continue
                for needle in (*NEEDLES, "PHOTO-OF-ERASMO"):
                    if needle.casefold().encode() in blob:
                        found.append(f"{table}: {needle}")
    return found


def _tables(conn: Connection) -> list[str]:
    rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    return [r[0] for r in rows]


def test_erased_carer_is_gone_from_search_and_lookups(desk: Desk, carer_id: uuid.UUID) -> None:
    _erase(desk, carer_id)
    with desk.read() as tx:
        with pytest.raises(NotFound):
            carers.get_carer(tx, carer_id)
        with pytest.raises(NotFound):
            carer_details.list_cared_for(tx, carer_id)
        for query in (FIRST, LAST, PREFERRED, POSTCODE, PHONE, TOWN, "erasm"):
            assert search.find_carers(tx, query).hits == []


def test_no_table_keeps_any_personal_value(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.read() as tx:
        conn = tx.session.connection()
        tables = [t for t in _tables(conn) if not t.startswith("carer_search")]
        # The check itself works: before erasure the values are found.
        before = _leftovers(conn, tables)
    assert {
        "carer: Quixotefake",
        "cared_for: Mumsy",
        "emergency_plan: Plumtree",
        "carer_photo: PHOTO-OF-ERASMO",
        "contact_log: Secret note",
    } <= set(before)
    _erase(desk, carer_id)
    with desk.read() as tx:
        assert _leftovers(tx.session.connection(), tables) == []


def test_full_text_index_no_longer_matches_the_carer(desk: Desk, carer_id: uuid.UUID) -> None:
    _erase(desk, carer_id)
    with desk.read() as tx:
        conn = tx.session.connection()
        for term in ("erasmo", "quixotefake", "razzle", "sg99zz", "7700900456", "testborough"):
            hits = conn.exec_driver_sql(
                f"SELECT rowid FROM carer_search WHERE carer_search MATCH '{term}'"
            ).all()
            assert hits == [], term


def test_full_text_index_pages_keep_no_personal_value(desk: Desk, carer_id: uuid.UUID) -> None:
    _erase(desk, carer_id)
    with desk.read() as tx:
        conn = tx.session.connection()
        shadow = [t for t in _tables(conn) if t.startswith("carer_search_")]
        assert _leftovers(conn, shadow) == []


def test_cards_stay_as_cancelled_numbers(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.read() as tx:
        (number,) = [c.number for c in cards.list_cards(tx, carer_id)]
    _erase(desk, carer_id)
    with desk.read() as tx:
        card = cards.find_card(tx, number)
        assert card.status is CardStatus.REVOKED
        assert card.carer_id == carer_id and not card.deleted
        history = tx.session.exec(select(CardEvent).where(CardEvent.card_id == card.id)).all()
        assert history[-1].to_status is CardStatus.REVOKED
        result = search.find_carers(tx, number)
    assert result.direct is None
    assert result.message is not None


def test_a_tombstone_with_the_same_id_remains(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.read() as tx:
        version = tx.session.get(Carer, carer_id).version  # type: ignore[union-attr]
    _erase(desk, carer_id)
    with desk.read() as tx:
        tomb = tx.session.get(Carer, carer_id)
        assert tomb is not None and tomb.deleted
        assert tomb.version > version
        assert (tomb.first_name, tomb.last_name, tomb.postcode, tomb.phone) == (None,) * 4
        assert (tomb.date_of_birth, tomb.notes, tomb.consent_recorded_by) == (None,) * 3
        cared = tx.session.exec(select(CaredFor).where(CaredFor.carer_id == carer_id)).all()
        assert [c.deleted for c in cared] == [True]
        assert (
            tx.session.exec(
                select(AuditEvent).where(
                    AuditEvent.record_id == carer_id, AuditEvent.action == "carer.erase"
                )
            )
            .one()
            .username
            == "admin"
        )


def test_erasing_twice_says_not_found(desk: Desk, carer_id: uuid.UUID) -> None:
    _erase(desk, carer_id)
    with pytest.raises(NotFound):
        _erase(desk, carer_id)


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.STAFF])
def test_only_coordinators_can_erase(
    desk: Desk, desk_as: Callable[[Role], Desk], carer_id: uuid.UUID, role: Role
) -> None:
    other = desk_as(role)
    with pytest.raises(PermissionDenied) as caught, other.transaction() as tx:
        erasure.erase_carer(tx, carer_id)
    assert "erase" in caught.value.message
    with desk.read() as tx:
        assert carers.get_carer(tx, carer_id).last_name == LAST
        assert tx.session.exec(select(Card).where(Card.carer_id == carer_id)).one().status is (
            CardStatus.ISSUED
        )


def test_erasure_drops_exchange_conflicts_holding_the_carers_values(desk: Desk) -> None:
    from sqlmodel import select

    from carerdesk.models.exchange import ExchangeConflict

    with desk.transaction() as tx:
        carer = carers.register(tx, carers.CarerFields(first_name="Testy", last_name="Clash"))
        tx.session.add(
            ExchangeConflict(record_type="carer", record_id=carer.id, peer_site="OTH",
                             local_values={"last_name": "Clash"},
                             remote_values={"last_name": "Klash"})
        )  # fmt: skip
    with desk.transaction() as tx:
        erasure.erase_carer(tx, carer.id)
    with desk.read() as tx:
        assert tx.session.exec(select(ExchangeConflict)).all() == []
