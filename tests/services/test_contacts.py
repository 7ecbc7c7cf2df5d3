"""Logging contacts with carers, listing them, and totalling them for returns."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, NotFound
from carerdesk.models import AuditEvent, ContactLog
from carerdesk.models.enums import ContactKind, Role
from carerdesk.services import carers, contacts
from carerdesk.services.carers import CarerFields
from carerdesk.services.contacts import ContactFields

NOW = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(desk: Desk) -> None:
    desk.clock = lambda: NOW


@pytest.fixture
def carer_id(desk: Desk) -> uuid.UUID:
    with desk.transaction() as tx:
        return carers.register(tx, CarerFields(first_name="Testy", last_name="McTestface")).id


def log(desk: Desk, carer_id: uuid.UUID, **kw: object) -> uuid.UUID:
    with desk.transaction() as tx:
        return contacts.log_contact(tx, carer_id, ContactFields(**kw)).id


def test_contact_is_logged_now_by_the_signed_in_user(desk: Desk, carer_id: uuid.UUID) -> None:
    contact_id = log(desk, carer_id, kind=ContactKind.PHONE, minutes=20,
                     what_was_done="  Talked through  respite options ")  # fmt: skip
    with desk.read() as tx:
        [row] = contacts.list_contacts(tx, carer_id)
        assert row.contact_id == contact_id
        assert row.at == NOW
        assert (row.kind, row.minutes) == (ContactKind.PHONE, 20)
        assert row.what_was_done == "Talked through  respite options"
        assert row.by_user == desk.actor.user_id
        assert row.by_name == "Test Coordinator"


def test_contact_defaults_to_a_drop_in_of_no_minutes(desk: Desk, carer_id: uuid.UUID) -> None:
    log(desk, carer_id)
    with desk.read() as tx:
        [row] = contacts.list_contacts(tx, carer_id)
        assert (row.kind, row.minutes, row.referred_to) == (ContactKind.DROP_IN, 0, None)


def test_contacts_are_listed_newest_first(desk: Desk, carer_id: uuid.UUID) -> None:
    for days_ago in (3, 1, 2):
        log(desk, carer_id, at=NOW - timedelta(days=days_ago), what_was_done=f"{days_ago}")
    with desk.read() as tx:
        assert [r.what_was_done for r in contacts.list_contacts(tx, carer_id)] == ["1", "2", "3"]
        assert [r.what_was_done for r in contacts.list_contacts(tx, carer_id, limit=2)] == [
            "1", "2"
        ]  # fmt: skip


def test_contacts_list_only_that_carers_contacts(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        other = carers.register(tx, CarerFields(first_name="Mock", last_name="Person")).id
    log(desk, carer_id)
    log(desk, other)
    with desk.read() as tx:
        assert len(contacts.list_contacts(tx, carer_id)) == 1


@pytest.mark.parametrize("minutes", [-1, 1441])
def test_bad_minutes_are_refused_with_a_field_message(
    desk: Desk, carer_id: uuid.UUID, minutes: int
) -> None:
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        contacts.log_contact(tx, carer_id, ContactFields(minutes=minutes))
    assert list(caught.value.errors) == ["minutes"]
    assert "0 to 1440" in caught.value.errors["minutes"]
    with desk.read() as tx:
        assert contacts.list_contacts(tx, carer_id) == []


def test_contact_in_the_future_is_refused(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        contacts.log_contact(tx, carer_id, ContactFields(at=NOW + timedelta(hours=1)))
    assert list(caught.value.errors) == ["at"]


def test_contact_for_an_unknown_carer_is_not_found(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(NotFound):
        contacts.log_contact(tx, uuid.uuid4(), ContactFields())


def test_editing_a_contact_changes_only_what_was_given(desk: Desk, carer_id: uuid.UUID) -> None:
    contact_id = log(desk, carer_id, kind=ContactKind.HOME_VISIT, minutes=60)
    with desk.transaction() as tx:
        contacts.update_contact(tx, contact_id, ContactFields(minutes=45, referred_to="Test Hub"))
    with desk.read() as tx:
        [row] = contacts.list_contacts(tx, carer_id)
        assert (row.kind, row.minutes, row.referred_to) == (ContactKind.HOME_VISIT, 45, "Test Hub")
    with desk.transaction() as tx, pytest.raises(InvalidValue):
        contacts.update_contact(tx, contact_id, ContactFields(minutes=5000))


def test_removed_contact_is_hidden_and_its_notes_cleared(desk: Desk, carer_id: uuid.UUID) -> None:
    contact_id = log(desk, carer_id, what_was_done="Notes to forget", referred_to="Test Hub")
    with desk.transaction() as tx:
        contacts.remove_contact(tx, contact_id)
    with desk.read() as tx:
        assert contacts.list_contacts(tx, carer_id) == []
        row = tx.session.get(ContactLog, contact_id)
        assert row is not None and row.deleted
        assert (row.what_was_done, row.referred_to) == (None, None)
    with desk.transaction() as tx, pytest.raises(NotFound):
        contacts.remove_contact(tx, contact_id)


def test_every_change_to_a_contact_is_audited(desk: Desk, carer_id: uuid.UUID) -> None:
    contact_id = log(desk, carer_id)
    with desk.transaction() as tx:
        contacts.update_contact(tx, contact_id, ContactFields(minutes=5))
    with desk.transaction() as tx:
        contacts.remove_contact(tx, contact_id)
    with desk.read() as tx:
        events = tx.session.exec(
            select(AuditEvent).where(AuditEvent.record_id == contact_id).order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["contact.log", "contact.update", "contact.remove"]
        assert {e.record_type for e in events} == {"contact_log"}


def test_contact_totals_count_each_kind_in_the_date_range(
    desk: Desk, carer_id: uuid.UUID
) -> None:
    log(desk, carer_id, kind=ContactKind.PHONE, minutes=10, at=datetime(2025, 2, 1, tzinfo=UTC))
    log(desk, carer_id, kind=ContactKind.PHONE, minutes=15,
        at=datetime(2025, 2, 28, 23, 59, tzinfo=UTC))  # fmt: skip
    log(desk, carer_id, kind=ContactKind.DROP_IN, minutes=30, at=datetime(2025, 2, 14, tzinfo=UTC))
    log(desk, carer_id, kind=ContactKind.PHONE, minutes=99, at=datetime(2025, 3, 1, tzinfo=UTC))
    removed = log(desk, carer_id, kind=ContactKind.DROP_IN, at=datetime(2025, 2, 2, tzinfo=UTC))
    with desk.transaction() as tx:
        contacts.remove_contact(tx, removed)
    with desk.read() as tx:
        totals = contacts.contact_totals(tx, start=date(2025, 2, 1), end=date(2025, 2, 28))
        with pytest.raises(InvalidValue):
            contacts.contact_totals(tx, start=date(2025, 2, 28), end=date(2025, 2, 1))
    assert totals[ContactKind.PHONE] == (2, 25)
    assert totals[ContactKind.DROP_IN] == (1, 30)
    assert totals[ContactKind.HOME_VISIT] == (0, 0)
    assert set(totals) == set(ContactKind)


def test_volunteer_can_log_contacts(
    desk: Desk, desk_as: Callable[[Role], Desk], carer_id: uuid.UUID
) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    log(volunteer, carer_id, kind=ContactKind.MEDIATED_HELP, minutes=25)
    with desk.read() as tx:
        [row] = contacts.list_contacts(tx, carer_id)
        assert row.by_user == volunteer.actor.user_id
        assert row.by_name == volunteer.actor.display_name

