"""The rest of a carer's record: cared-for people, emergency plan, photo."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, NotFound
from carerdesk.models import AuditEvent, CaredFor, CarerPhoto, EmergencyPlan
from carerdesk.models.enums import AgeGroup, MainNeed, Relationship, Role
from carerdesk.services import carer_details as details
from carerdesk.services import carers
from carerdesk.services.carer_details import CaredForFields, EmergencyPlanFields

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 1000 + b"\xff\xd9"


@pytest.fixture
def carer_id(desk: Desk) -> uuid.UUID:
    with desk.transaction() as tx:
        fields = carers.CarerFields(first_name="Testy", last_name="McTestface")
        return carers.register(tx, fields).id


def _actions(desk: Desk, record_id: uuid.UUID) -> list[str]:
    with desk.read() as tx:
        rows = tx.session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.record_id == record_id)
            .order_by(AuditEvent.id)
        ).all()
    return list(rows)


# -- cared-for people ----------------------------------------------------------------


def test_cared_for_people_can_be_added_changed_and_listed(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        mum = details.add_cared_for(
            tx,
            carer_id,
            CaredForFields(
                name="  Mumsy   McTestface ",
                relationship=Relationship.PARENT,
                age_group=AgeGroup.A85_PLUS,
                main_need=MainNeed.DEMENTIA,
                notes="  Needs help with meals.\nLikes crosswords.  ",
            ),
        )
        son = details.add_cared_for(
            tx, carer_id, CaredForFields(name="Sonny McTestface", relationship=Relationship.CHILD)
        )
    with desk.transaction() as tx:
        details.update_cared_for(tx, mum.id, CaredForFields(main_need=MainNeed.FRAILTY))
    with desk.read() as tx:
        listed = details.list_cared_for(tx, carer_id)
    assert [c.id for c in listed] == [mum.id, son.id]
    first = listed[0]
    assert first.name == "Mumsy McTestface"
    assert first.notes == "Needs help with meals.\nLikes crosswords."
    assert (first.relationship, first.age_group, first.main_need) == (
        Relationship.PARENT,
        AgeGroup.A85_PLUS,
        MainNeed.FRAILTY,
    )
    assert first.version == 2
    assert listed[1].age_group is AgeGroup.NOT_STATED
    assert _actions(desk, mum.id) == ["cared_for.add", "cared_for.update"]


def test_removing_a_cared_for_person_leaves_a_blank_tombstone(
    desk: Desk, carer_id: uuid.UUID
) -> None:
    with desk.transaction() as tx:
        row = details.add_cared_for(
            tx,
            carer_id,
            CaredForFields(name="Mumsy McTestface", area="Testville", notes="Private note"),
        )
    with desk.transaction() as tx:
        details.remove_cared_for(tx, row.id)
    with desk.read() as tx:
        assert details.list_cared_for(tx, carer_id) == []
        with pytest.raises(NotFound):
            details.update_cared_for(tx, row.id, CaredForFields(name="Again"))
        tomb = tx.session.get(CaredFor, row.id)
        assert tomb is not None and tomb.deleted
        assert (tomb.name, tomb.area, tomb.notes) == (None, None, None)
        assert tomb.carer_id == carer_id
    assert _actions(desk, row.id) == ["cared_for.add", "cared_for.remove"]


def test_cared_for_person_needs_a_real_carer(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(NotFound):
        details.add_cared_for(tx, uuid.uuid4(), CaredForFields(name="Nobody"))


# -- emergency plan -------------------------------------------------------------------


def test_emergency_plan_set_twice_updates_the_same_row(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.read() as tx:
        assert details.get_emergency_plan(tx, carer_id) is None
    with desk.transaction() as tx:
        first = details.set_emergency_plan(
            tx,
            carer_id,
            EmergencyPlanFields(
                contact_name="Backup McTestface",
                contact_phone="7700900123",
                needs_to_know="  Medication at 8am.\nKey under the mat.  ",
            ),
        )
    with desk.transaction() as tx:
        second = details.set_emergency_plan(
            tx,
            carer_id,
            EmergencyPlanFields(backup_name="Spare Testperson", backup_phone="07700 900 124"),
        )
    assert second.id == first.id
    with desk.read() as tx:
        plan = details.get_emergency_plan(tx, carer_id)
        rows = tx.session.exec(select(EmergencyPlan).where(EmergencyPlan.carer_id == carer_id))
        assert len(rows.all()) == 1
    assert plan is not None
    assert plan.contact_name == "Backup McTestface"
    assert plan.contact_phone == "07700 900123"
    assert plan.backup_phone == "07700 900124"
    assert plan.needs_to_know == "Medication at 8am.\nKey under the mat."
    assert plan.version == 2
    assert _actions(desk, plan.id) == ["emergency_plan.set", "emergency_plan.set"]


def test_emergency_plan_phones_are_checked(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue) as caught:
            details.set_emergency_plan(
                tx,
                carer_id,
                EmergencyPlanFields(
                    contact_name="Backup McTestface", contact_phone="12", backup_phone="call me"
                ),
            )
        assert set(caught.value.errors) == {"contact_phone", "backup_phone"}
        assert "12" not in caught.value.message
    with desk.read() as tx:
        assert details.get_emergency_plan(tx, carer_id) is None


def test_volunteer_can_keep_the_emergency_plan(
    desk_as: Callable[[Role], Desk], carer_id: uuid.UUID
) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    with volunteer.transaction() as tx:
        details.set_emergency_plan(tx, carer_id, EmergencyPlanFields(contact_name="Backup"))
    with volunteer.read() as tx:
        plan = details.get_emergency_plan(tx, carer_id)
    assert plan is not None and plan.contact_name == "Backup"


# -- photo --------------------------------------------------------------------------------


def test_photo_is_stored_replaced_and_removed(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, JPEG)
    with desk.read() as tx:
        assert details.get_photo(tx, carer_id) == JPEG
    newer = JPEG + b"\x00"
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, newer)
    with desk.read() as tx:
        assert details.get_photo(tx, carer_id) == newer
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, None)
    with desk.read() as tx:
        assert details.get_photo(tx, carer_id) is None
        (row,) = tx.session.exec(select(CarerPhoto).where(CarerPhoto.carer_id == carer_id)).all()
        assert row.deleted and row.jpeg is None
    assert _actions(desk, row.id) == ["carer.photo"] * 3


def test_photo_can_be_added_back_after_removal(desk: Desk, carer_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, JPEG)
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, None)
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, JPEG)
    with desk.read() as tx:
        assert details.get_photo(tx, carer_id) == JPEG


def test_removing_a_photo_that_was_never_there_does_nothing(
    desk: Desk, carer_id: uuid.UUID
) -> None:
    with desk.transaction() as tx:
        details.set_photo(tx, carer_id, None)
    with desk.read() as tx:
        assert tx.session.exec(select(CarerPhoto)).all() == []


def test_photo_must_be_a_jpeg_of_at_most_300_kb(desk: Desk, carer_id: uuid.UUID) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    limit = details.MAX_PHOTO_BYTES
    assert limit == 300 * 1024
    biggest = JPEG[:4] + b"\x00" * (limit - 4)
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue) as wrong_kind:
            details.set_photo(tx, carer_id, png)
        assert "JPEG" in wrong_kind.value.errors["photo"]
        with pytest.raises(InvalidValue) as too_big:
            details.set_photo(tx, carer_id, biggest + b"\x00")
        assert "300 KB" in too_big.value.errors["photo"]
        with pytest.raises(InvalidValue):
            details.set_photo(tx, carer_id, b"")
        details.set_photo(tx, carer_id, biggest)
    with desk.read() as tx:
        assert details.get_photo(tx, carer_id) == biggest
