"""Registering and changing carers: clean-ups, plain errors, types, duplicates, audit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, LikelyDuplicate, NotFound
from carerdesk.models import AuditEvent, Carer
from carerdesk.models.enums import CarerStatus, CarerType, Gender, Role
from carerdesk.services import carers
from carerdesk.services.carers import CarerFields

TODAY = date(2026, 3, 2)
BORN = date(1970, 5, 1)
TESTY = {"first_name": "Testy", "last_name": "McTestface"}


def _at(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@pytest.fixture
def desk(desk: Desk) -> Desk:
    desk.clock = _at(TODAY)
    return desk


def _register(desk: Desk, *, allow_duplicate: bool = False, **fields: object) -> Carer:
    with desk.transaction() as tx:
        return carers.register(tx, CarerFields(**fields), allow_duplicate=allow_duplicate)


def _update(desk: Desk, carer_id: uuid.UUID, **changes: object) -> Carer:
    with desk.transaction() as tx:
        return carers.update(tx, carer_id, CarerFields(**changes))


def _get(desk: Desk, carer_id: uuid.UUID) -> Carer:
    with desk.read() as tx:
        return carers.get_carer(tx, carer_id)


def _count(desk: Desk, model: type) -> int:
    with desk.read() as tx:
        return tx.session.exec(select(func.count()).select_from(model)).one()


# -- clean-ups ---------------------------------------------------------------------


def test_registering_normalises_postcode_and_phone(desk: Desk) -> None:
    carer = _register(
        desk,
        first_name="  Testy ",
        last_name="McTestface",
        postcode="sg11aa",
        phone="7700900123",
        phone_other="07700 900 124",
    )
    stored = _get(desk, carer.id)
    assert stored.postcode == "SG1 1AA"
    assert stored.phone == "07700 900123"
    assert stored.phone_other == "07700 900124"
    assert stored.first_name == "Testy"


def test_names_keep_accents_and_apostrophes_exactly(desk: Desk) -> None:
    names = [("Siân", "O'Brien"), ("Thị", "Nguyễn"), ("Zoë", "Ffrench-Testington")]
    ids = [_register(desk, first_name=f, last_name=last).id for f, last in names]
    for carer_id, (first, last) in zip(ids, names, strict=True):
        stored = _get(desk, carer_id)
        assert (stored.first_name, stored.last_name) == (first, last)
        assert carers.display_name(stored) == f"{first} {last}"


def test_bad_values_give_one_plain_message_per_field(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        carers.register(
            tx,
            CarerFields(
                first_name="Testy",
                last_name="McTestface",
                postcode="XX1 NOPE",
                phone="12345",
                email="not-an-email",
                date_of_birth=date(2030, 1, 1),
            ),
        )
    errors = caught.value.errors
    assert set(errors) == {"postcode", "phone", "email", "date_of_birth"}
    assert "postcode" in errors["postcode"]
    assert "future" in errors["date_of_birth"]
    # The messages never repeat what was typed.
    for typed in ("XX1", "NOPE", "12345", "not-an-email", "2030"):
        assert typed not in caught.value.message


def test_first_and_last_name_are_required(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        carers.register(tx, CarerFields(first_name="   ", postcode="SG1 1AA"))
    assert set(caught.value.errors) == {"first_name", "last_name"}
    assert "first name" in caught.value.errors["first_name"]
    assert "last name" in caught.value.errors["last_name"]


def test_nothing_is_written_when_validation_fails(desk: Desk) -> None:
    carers_before, audit_before = _count(desk, Carer), _count(desk, AuditEvent)
    # Even if the caller swallows the error and lets the transaction commit.
    with desk.transaction() as tx:
        for bad in (
            CarerFields(**TESTY, postcode="nope"),
            CarerFields(**TESTY, phone="0"),
            CarerFields(**TESTY, date_of_birth=date(2027, 1, 1)),
            CarerFields(last_name="McTestface"),
        ):
            with pytest.raises(InvalidValue):
                carers.register(tx, bad)
    assert _count(desk, Carer) == carers_before
    assert _count(desk, AuditEvent) == audit_before


def test_update_rejects_bad_values_and_keeps_the_old_ones(desk: Desk) -> None:
    carer = _register(desk, **TESTY, postcode="SG1 1AA")
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue) as caught:
            carers.update(tx, carer.id, CarerFields(postcode="SG1", last_name=""))
        assert "postcode" in caught.value.errors
        with pytest.raises(InvalidValue) as blank:
            carers.update(tx, carer.id, CarerFields(last_name=""))
        assert set(blank.value.errors) == {"last_name"}
    stored = _get(desk, carer.id)
    assert (stored.postcode, stored.last_name, stored.version) == ("SG1 1AA", "McTestface", 1)


# -- carer type --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "chosen", "expected"),
    [
        (date(2010, 6, 1), None, CarerType.YOUNG_CARER),
        (date(2008, 3, 3), None, CarerType.YOUNG_CARER),  # 18 tomorrow
        (date(2008, 3, 2), None, CarerType.YOUNG_ADULT_CARER),  # 18 today
        (date(2004, 1, 1), None, CarerType.YOUNG_ADULT_CARER),
        (date(2000, 3, 2), None, CarerType.ADULT),  # 26 today
        (BORN, CarerType.YOUNG_CARER, CarerType.ADULT),  # age wins
        (date(1980, 5, 1), CarerType.PARENT_CARER, CarerType.PARENT_CARER),
        (date(1950, 5, 1), CarerType.FORMER_CARER, CarerType.FORMER_CARER),
        (None, None, CarerType.ADULT),
    ],
)
def test_carer_type_follows_date_of_birth_unless_parent_or_former(
    dob: date | None, chosen: CarerType | None, expected: CarerType
) -> None:
    assert carers.derive_carer_type(dob, chosen, TODAY) is expected


def test_registering_stores_the_derived_carer_type(desk: Desk) -> None:
    young = _register(
        desk,
        first_name="Testy",
        last_name="Youngtest",
        date_of_birth=date(2010, 6, 1),
        carer_type=CarerType.ADULT,
    )
    parent = _register(
        desk,
        first_name="Testy",
        last_name="Parenttest",
        date_of_birth=date(1980, 6, 1),
        carer_type=CarerType.PARENT_CARER,
    )
    assert _get(desk, young.id).carer_type is CarerType.YOUNG_CARER
    assert _get(desk, parent.id).carer_type is CarerType.PARENT_CARER


def test_current_carer_type_changes_as_the_carer_grows_up(desk: Desk) -> None:
    carer = _register(desk, **TESTY, date_of_birth=date(2008, 9, 1))
    assert carer.carer_type is CarerType.YOUNG_CARER
    for day, expected in (
        (date(2026, 8, 31), CarerType.YOUNG_CARER),
        (date(2026, 9, 1), CarerType.YOUNG_ADULT_CARER),
        (date(2034, 8, 31), CarerType.YOUNG_ADULT_CARER),
        (date(2034, 9, 1), CarerType.ADULT),
    ):
        desk.clock = _at(day)
        with desk.read() as tx:
            assert carers.current_carer_type(tx, carers.get_carer(tx, carer.id)) is expected


def test_parent_carer_stays_a_parent_carer_when_details_change(desk: Desk) -> None:
    carer = _register(
        desk, **TESTY, date_of_birth=date(1985, 1, 1), carer_type=CarerType.PARENT_CARER
    )
    _update(desk, carer.id, phone="07700 900123")
    assert _get(desk, carer.id).carer_type is CarerType.PARENT_CARER


# -- duplicates --------------------------------------------------------------------


def test_same_birthday_and_similar_name_is_a_likely_duplicate(desk: Desk) -> None:
    first = _register(desk, first_name="Siân", last_name="O'Brien", date_of_birth=BORN)
    with desk.transaction() as tx, pytest.raises(LikelyDuplicate) as caught:
        carers.register(tx, CarerFields(first_name="sian", last_name="OBrien", date_of_birth=BORN))
    (candidate,) = caught.value.candidates
    assert candidate.carer_id == first.id
    assert "date of birth" in candidate.reason
    assert "Si" not in caught.value.message and "Brien" not in caught.value.message


def test_same_postcode_and_similar_name_is_a_likely_duplicate(desk: Desk) -> None:
    first = _register(desk, **TESTY, postcode="SG1 1AA")
    with desk.transaction() as tx, pytest.raises(LikelyDuplicate) as caught:
        carers.register(
            tx, CarerFields(first_name="Testie", last_name="Mctestface", postcode="sg1 1aa")
        )
    assert [c.carer_id for c in caught.value.candidates] == [first.id]
    assert "postcode" in caught.value.candidates[0].reason


def test_preferred_name_counts_when_spotting_duplicates(desk: Desk) -> None:
    first = _register(
        desk,
        first_name="Bartholomew",
        last_name="Testcase",
        preferred_name="Bart",
        date_of_birth=date(1960, 2, 2),
    )
    with desk.read() as tx:
        found = carers.find_duplicates(
            tx, CarerFields(first_name="Bart", last_name="Testcase", date_of_birth=date(1960, 2, 2))
        )
    assert [c.carer_id for c in found] == [first.id]


def test_confirmed_duplicate_registers_anyway(desk: Desk) -> None:
    _register(desk, **TESTY, date_of_birth=BORN)
    second = _register(desk, allow_duplicate=True, **TESTY, date_of_birth=BORN)
    assert _get(desk, second.id).last_name == "McTestface"
    assert _count(desk, Carer) == 2


def test_different_person_at_the_same_address_is_not_a_duplicate(desk: Desk) -> None:
    _register(desk, **TESTY, postcode="SG1 1AA", date_of_birth=BORN)
    other = _register(
        desk, first_name="Zoë", last_name="Exampleton", postcode="SG1 1AA", date_of_birth=BORN
    )
    assert _get(desk, other.id).first_name == "Zoë"


def test_similar_name_elsewhere_with_another_birthday_is_not_a_duplicate(desk: Desk) -> None:
    _register(desk, **TESTY, postcode="SG1 1AA", date_of_birth=BORN)
    with desk.read() as tx:
        found = carers.find_duplicates(
            tx,
            CarerFields(
                first_name="Testy",
                last_name="McTestface",
                postcode="SG2 2BB",
                date_of_birth=date(1971, 5, 1),
            ),
        )
    assert found == []


def test_a_carer_is_not_a_duplicate_of_themself_when_editing(desk: Desk) -> None:
    carer = _register(desk, **TESTY, postcode="SG1 1AA")
    with desk.read() as tx:
        fields = CarerFields(**TESTY, postcode="SG1 1AA")
        assert carers.find_duplicates(tx, fields, exclude=carer.id) == []


# -- updating ----------------------------------------------------------------------


def test_update_bumps_version_and_keeps_unset_fields(desk: Desk) -> None:
    carer = _register(desk, **TESTY, postcode="SG1 1AA", phone="07700 900123", town="Testville")
    before = _get(desk, carer.id)
    assert before.version == 1
    _update(desk, carer.id, phone="07700900124", notes="  Likes tea.\nCall after 2pm.  ")
    after = _get(desk, carer.id)
    assert after.version == 2
    assert after.updated_at > before.updated_at
    assert after.phone == "07700 900124"
    assert after.notes == "Likes tea.\nCall after 2pm."
    assert (after.first_name, after.last_name) == ("Testy", "McTestface")
    assert (after.postcode, after.town) == ("SG1 1AA", "Testville")
    assert after.site_code == "TST"


def test_update_can_clear_an_optional_field(desk: Desk) -> None:
    carer = _register(desk, **TESTY, town="Testville")
    _update(desk, carer.id, town="  ")
    assert _get(desk, carer.id).town is None


def test_clearing_a_choice_sets_it_back_to_not_stated(desk: Desk) -> None:
    carer = _register(desk, **TESTY, gender=Gender.WOMAN)
    _update(desk, carer.id, gender=None)
    assert _get(desk, carer.id).gender is Gender.NOT_STATED


def test_unknown_carer_is_not_found(desk: Desk) -> None:
    with desk.transaction() as tx:
        with pytest.raises(NotFound):
            carers.update(tx, uuid.uuid4(), CarerFields(town="Testville"))
        with pytest.raises(NotFound):
            carers.get_carer(tx, "not-a-uuid")


def test_consent_records_who_and_when_only_when_it_changes(
    desk: Desk, desk_as: Callable[[Role], Desk]
) -> None:
    carer = _register(desk, **TESTY)
    assert (carer.consent_given_on, carer.consent_recorded_by) == (None, None)

    volunteer = desk_as(Role.VOLUNTEER)
    volunteer.clock = _at(date(2026, 3, 5))
    _update(volunteer, carer.id, consent_keep_record=True, consent_contact=True)
    stored = _get(desk, carer.id)
    assert stored.consent_keep_record and stored.consent_contact
    assert stored.consent_given_on == date(2026, 3, 5)
    assert stored.consent_recorded_by == volunteer.actor.user_id

    # Other edits (or re-saving the same consents) leave the record of consent alone.
    desk.clock = _at(date(2026, 4, 1))
    _update(desk, carer.id, phone="07700 900123", consent_keep_record=True)
    stored = _get(desk, carer.id)
    assert stored.consent_given_on == date(2026, 3, 5)
    assert stored.consent_recorded_by == volunteer.actor.user_id

    _update(desk, carer.id, consent_share_gp=True)
    stored = _get(desk, carer.id)
    assert stored.consent_given_on == date(2026, 4, 1)
    assert stored.consent_recorded_by == desk.actor.user_id


def test_consent_given_at_registration_is_recorded(desk: Desk) -> None:
    carer = _register(desk, **TESTY, consent_keep_record=True)
    assert carer.consent_given_on == TODAY
    assert carer.consent_recorded_by == desk.actor.user_id
    carers.require_consent(carer)


# -- closing -------------------------------------------------------------------------


def test_close_record_statuses_and_reopening(desk: Desk) -> None:
    carer = _register(desk, **TESTY)
    with desk.transaction() as tx:
        carers.close_record(tx, carer.id, CarerStatus.MOVED, reason="  Moved  out of area ")
    stored = _get(desk, carer.id)
    assert (stored.status, stored.closed_on) == (CarerStatus.MOVED, TODAY)
    assert stored.closed_reason == "Moved out of area"

    with desk.transaction() as tx:
        carers.close_record(tx, carer.id, CarerStatus.DECEASED, on=date(2026, 2, 1))
    stored = _get(desk, carer.id)
    assert (stored.status, stored.closed_on) == (CarerStatus.DECEASED, date(2026, 2, 1))

    with desk.transaction() as tx:
        carers.close_record(tx, carer.id, CarerStatus.ACTIVE)
    stored = _get(desk, carer.id)
    assert stored.status is CarerStatus.ACTIVE
    assert stored.closed_on is stored.closed_reason is None


def test_close_record_refuses_a_future_date(desk: Desk) -> None:
    carer = _register(desk, **TESTY)
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        carers.close_record(tx, carer.id, CarerStatus.WITHDRAWN, on=date(2026, 3, 3))
    assert set(caught.value.errors) == {"closed_on"}
    assert _get(desk, carer.id).status is CarerStatus.ACTIVE


# -- permissions and audit -----------------------------------------------------------


def test_volunteer_can_register_and_edit(desk_as: Callable[[Role], Desk]) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    carer = _register(volunteer, **TESTY)
    _update(volunteer, carer.id, town="Testville")
    assert _get(volunteer, carer.id).town == "Testville"


def test_every_write_is_audited_without_personal_values(desk: Desk) -> None:
    personal = ["Siân", "O'Brien", "SG1 1AA", "SG11AA", "07700 900123", "7700900123"]
    personal += ["sian@example.org", "Testville", BORN.isoformat()]
    carer = _register(
        desk,
        first_name="Siân",
        last_name="O'Brien",
        postcode="sg11aa",
        phone="07700900123",
        email="sian@example.org",
        town="Testville",
        date_of_birth=BORN,
    )
    _update(desk, carer.id, preferred_name="Siân", notes="Testville")
    with desk.transaction() as tx:
        carers.close_record(tx, carer.id, CarerStatus.MOVED, reason="Moved to Testville")

    with desk.read() as tx:
        events = tx.session.exec(
            select(AuditEvent).where(AuditEvent.record_id == carer.id).order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["carer.register", "carer.update", "carer.status"]
        assert all(e.record_type == "carer" and e.username == "admin" for e in events)
        rows = tx.session.execute(text("SELECT * FROM audit_event")).all()
    cells = " ".join(str(v) for row in rows for v in row)
    for value in personal:
        assert value not in cells
