"""Merging a likely match: one person registered at two sites before they met."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, NotFound, PermissionDenied
from carerdesk.exchange import (
    export_file,
    import_file,
    list_conflicts,
    list_possible_duplicates,
    merge_carers,
    merge_preview,
    resolve_conflict,
    waiting_counts,
)
from carerdesk.models import (
    ActivityEvent,
    Card,
    CaredFor,
    Carer,
    ContactLog,
    EmergencyPlan,
    ExchangeConflict,
)
from carerdesk.models.enums import ContactKind, Gender, Role
from carerdesk.services import cards, carer_details, carer_merge, carers, contacts, erasure, search
from tests.sheets.test_exchange import exchange, join, register, snapshot

DOB = "1950-04-03"


@pytest.fixture
def pair(desk: Desk, tmp_path: Path):
    """Sites A and B, each with its own record of one person, and A's likely match."""
    site_b = join(desk, tmp_path / "b")
    outbox = tmp_path / "files"
    outbox.mkdir()
    mine = register(desk, "Dupli", "Testcate", date_of_birth=DOB, phone="07700 900111")
    theirs = register(site_b, "Duply", "Testcate", date_of_birth=DOB, postcode="SG1 1AA",
                      gender=Gender.WOMAN)  # fmt: skip
    with site_b.transaction() as tx:
        carer_details.add_cared_for(tx, theirs, carer_details.CaredForFields(name="Mum Testcate"))
        contacts.log_contact(tx, theirs, contacts.ContactFields(
            kind=ContactKind.PHONE, what_was_done="Rang about a card"))  # fmt: skip
        cards.queue_card(tx, theirs)
    exchange(site_b, desk, outbox)
    with desk.read() as tx:
        [dup] = list_possible_duplicates(tx)
    yield desk, site_b, outbox, mine, theirs, dup.duplicate_id
    site_b.close()


def live_children(desk: Desk, carer_id: uuid.UUID) -> dict[str, int]:
    with desk.read() as tx:
        return {
            model.__name__: len(tx.session.exec(select(model).where(
                model.carer_id == carer_id, model.deleted == False)).all())  # noqa: E712
            for model in (CaredFor, ContactLog, Card)
        }  # fmt: skip


def test_the_preview_lists_differing_fields_gaps_filled_and_what_moves(pair):
    site_a, _b, _out, mine, theirs, dup = pair
    with site_a.read() as tx:
        preview = merge_preview(tx, dup)
    assert (preview.local_id, preview.remote_id) == (mine, theirs)
    by_name = {f.name: f for f in preview.fields}
    assert (by_name["first_name"].local, by_name["first_name"].remote) == ("Dupli", "Duply")
    assert {"postcode", "phone", "gender"} <= set(preview.filled)
    assert "last_name" not in by_name and "date_of_birth" not in by_name
    gone = max(mine, theirs, key=lambda i: i.bytes)
    if gone == theirs:
        assert preview.moves == {"cared-for people": 1, "cards": 1, "contacts": 1}
    else:
        assert preview.moves == {}


def test_merging_keeps_one_record_with_the_chosen_values_and_everything_moved(pair):
    site_a, _b, _out, mine, theirs, dup = pair
    with site_a.read() as tx:
        assert waiting_counts(tx) == (0, 1)
    with site_a.transaction() as tx:
        kept = merge_carers(tx, dup, {"first_name": "remote"})
    with site_a.read() as tx:
        assert waiting_counts(tx) == (0, 0)
    assert kept == min(mine, theirs, key=lambda i: i.bytes)
    gone = theirs if kept == mine else mine
    with site_a.read() as tx:
        person = tx.session.get(Carer, kept)
        assert (person.first_name, person.last_name) == ("Duply", "Testcate")
        assert person.phone == "07700 900111" and person.postcode == "SG1 1AA"
        assert person.gender is Gender.WOMAN
        tomb = tx.session.get(Carer, gone)
        assert tomb.deleted and tomb.merged_into == kept and tomb.first_name is None
        assert list_possible_duplicates(tx) == []
        hits = search.find_carers(tx, "Testcate").hits
        assert [h.carer_id for h in hits] == [kept]
    assert live_children(site_a, kept) == {"CaredFor": 1, "ContactLog": 1, "Card": 1}
    assert live_children(site_a, gone) == {"CaredFor": 0, "ContactLog": 0, "Card": 0}


def test_a_merge_reaches_the_other_site_with_what_only_it_holds(pair):
    site_a, site_b, outbox, mine, theirs, dup = pair
    with site_a.transaction() as tx:
        kept = merge_carers(tx, dup, {})
    gone = theirs if kept == mine else mine
    with site_b.transaction() as tx:  # B logs a contact for its record before hearing
        contacts.log_contact(tx, theirs, contacts.ContactFields(
            kind=ContactKind.DROP_IN, what_was_done="Dropped in"))  # fmt: skip
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        assert tx.session.get(Carer, gone).merged_into == kept
        assert not tx.session.get(Carer, kept).deleted
    assert live_children(site_b, kept) == {"CaredFor": 1, "ContactLog": 2, "Card": 1}
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)
    assert live_children(site_a, kept)["ContactLog"] == 2


def test_two_sites_merging_the_same_pair_end_with_the_same_record(pair):
    site_a, site_b, outbox, _mine, _theirs, dup = pair
    exchange(site_a, site_b, outbox)  # B now has A's record and its own match
    with site_b.read() as tx:
        [b_dup] = list_possible_duplicates(tx)
    with site_a.transaction() as tx:
        kept_at_a = merge_carers(tx, dup, {"first_name": "local"})
    with site_b.transaction() as tx:
        kept_at_b = merge_carers(tx, b_dup.duplicate_id, {"first_name": "local"})
    assert kept_at_a == kept_at_b
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        waiting = list_conflicts(tx)
    for conflict in waiting:  # each site chose its own spelling: someone settles it
        with site_b.transaction() as tx:
            resolve_conflict(tx, conflict.conflict_id, {f.name: "local" for f in conflict.fields})
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)
    with site_a.read() as tx:
        assert len(tx.session.exec(select(Carer).where(Carer.deleted == False)).all()) == 1  # noqa: E712


def test_two_emergency_plans_one_is_chosen_and_the_other_kept_out_of_sight(pair):
    site_a, site_b, outbox, mine, theirs, dup = pair
    with site_a.transaction() as tx:
        for carer_id, name in ((mine, "Ann Testplan"), (theirs, "Ben Testplan")):
            carer_details.set_emergency_plan(
                tx, carer_id, carer_details.EmergencyPlanFields(contact_name=name))
    with site_a.read() as tx:
        assert "emergency_plan" in {f.name for f in merge_preview(tx, dup).fields}
    with site_a.transaction() as tx:
        kept = merge_carers(tx, dup, {"emergency_plan": "remote"})
    with site_a.read() as tx:
        plans = tx.session.exec(select(EmergencyPlan).where(EmergencyPlan.deleted == False)).all()  # noqa: E712
    assert [(p.carer_id, p.contact_name) for p in plans] == [(kept, "Ben Testplan")]
    exchange(site_a, site_b, outbox)
    exchange(site_b, site_a, outbox)
    assert snapshot(site_a) == snapshot(site_b)


def test_a_plan_made_at_the_other_site_meanwhile_waits_as_a_conflict(pair):
    site_a, site_b, outbox, mine, theirs, dup = pair
    with site_a.transaction() as tx:
        carer_details.set_emergency_plan(
            tx, mine, carer_details.EmergencyPlanFields(contact_name="Ann Testplan"))
        carer_details.set_emergency_plan(
            tx, theirs, carer_details.EmergencyPlanFields(contact_name="Ann Testplan"))
        kept = merge_carers(tx, dup, {})
    with site_b.transaction() as tx:  # B makes its own plan for its record, unaware
        carer_details.set_emergency_plan(
            tx, theirs, carer_details.EmergencyPlanFields(contact_name="Cat Testplan"))
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        plans = tx.session.exec(select(EmergencyPlan).where(EmergencyPlan.deleted == False)).all()  # noqa: E712
        assert [p.carer_id for p in plans] == [kept]
        waiting = [c for c in list_conflicts(tx) if c.record_type == "emergency_plan"]
    assert waiting, "B's own plan must not vanish without a trace"
    names = {(f.local, f.remote) for c in waiting for f in c.fields if f.name == "contact_name"}
    assert ("Ann Testplan", "Cat Testplan") in names or ("Cat Testplan", "Ann Testplan") in names


def test_merging_is_not_counted_as_an_erasure_in_the_return(pair):
    site_a, *_rest, dup = pair
    with site_a.transaction() as tx:
        merge_carers(tx, dup, {})
    with site_a.read() as tx:
        kinds = tx.session.exec(select(ActivityEvent.kind)).all()
    assert "carer.erased" not in kinds


def test_an_export_from_before_merges_existed_still_imports(pair, tmp_path):
    site_a, site_b, outbox, *_rest = pair
    register(site_b, "Oldy", "Testformat")
    path = outbox / "old.xlsx"
    export_file(site_b, path, password=None)
    book = openpyxl.load_workbook(path)
    sheet = book["carers"]
    header = [c.value for c in sheet[1]]
    sheet.delete_cols(header.index("merged_into") + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    result = import_file(site_a, path, password=None)
    assert result.to_json()["inserted"] >= 1
    with site_a.read() as tx:
        assert search.find_carers(tx, "Testformat").hits


def test_bad_merges_are_refused_and_change_nothing(pair, desk_as):
    site_a, _b, _out, mine, theirs, dup = pair
    before = snapshot(site_a)
    with pytest.raises(InvalidValue), site_a.transaction() as tx:
        merge_carers(tx, dup, {"first_name": "both"})
    with pytest.raises(InvalidValue), site_a.transaction() as tx:
        carer_merge.merge_carers(tx, mine, theirs, {"search_key"})
    with pytest.raises(carer_merge.NotMergeable), site_a.transaction() as tx:
        carer_merge.merge_carers(tx, mine, mine, set())
    with pytest.raises(NotFound), site_a.transaction() as tx:
        merge_carers(tx, dup + 100, {})
    with site_a.transaction() as tx:
        erasure.erase_carer(tx, theirs)
    with pytest.raises(NotFound), site_a.transaction() as tx:  # the match went with the erasure
        merge_carers(tx, dup, {})
    with pytest.raises(NotFound), site_a.transaction() as tx:
        carer_merge.merge_carers(tx, mine, theirs, set())
    assert snapshot(site_a)["carers"][str(mine)] == before["carers"][str(mine)]


def test_only_a_coordinator_merges_likely_matches(desk_as):
    volunteer = desk_as(Role.VOLUNTEER)
    with pytest.raises(PermissionDenied), volunteer.transaction() as tx:
        merge_carers(tx, 1, {})


def test_only_a_coordinator_merges_two_records_through_the_service_too(desk, desk_as):
    ids = [register(desk, name, "Testrole") for name in ("Rob", "Robin")]
    for role in (Role.VOLUNTEER, Role.STAFF):  # both may change carers' details
        user = desk_as(role)
        with pytest.raises(PermissionDenied), user.read() as tx:
            carer_merge.plan_merge(tx, *ids)
        with pytest.raises(PermissionDenied), user.transaction() as tx:
            carer_merge.merge_carers(tx, *ids, set())
    with desk.read() as tx:
        assert not any(tx.session.get(Carer, i).deleted for i in ids)


def test_who_recorded_the_consent_goes_with_the_consent_date_kept(desk):
    with desk.transaction() as tx:
        ids = [carers.register(tx, carers.CarerFields(first_name=name, last_name="Testconsent"),
                               allow_duplicate=True).id for name in ("Ann", "Anne")]  # fmt: skip
    smaller, larger = sorted(ids, key=lambda i: i.bytes)
    with desk.transaction() as tx:  # only the record that goes has a consent recorded
        carers.update(tx, larger, carers.CarerFields(consent_contact=True))
        recorder = tx.actor.user_id
    with desk.transaction() as tx:
        kept = carer_merge.merge_carers(tx, smaller, larger, set())
    assert kept == smaller
    with desk.read() as tx:
        person = tx.session.get(Carer, kept)
        assert person.consent_given_on is not None
        assert person.consent_recorded_by == recorder


def test_a_contact_edited_at_the_other_site_stays_with_the_record_kept(pair):
    site_a, site_b, outbox, mine, theirs, dup = pair
    with site_a.transaction() as tx:
        contacts.log_contact(tx, mine, contacts.ContactFields(
            kind=ContactKind.PHONE, what_was_done="Rang at A"))  # fmt: skip
    exchange(site_a, site_b, outbox)  # both sites now hold both records and their contacts
    with site_a.transaction() as tx:
        kept = merge_carers(tx, dup, {})
    gone = theirs if kept == mine else mine
    with site_b.read() as tx:
        [moved] = tx.session.exec(select(ContactLog).where(ContactLog.carer_id == gone)).all()
    with site_b.transaction() as tx:  # B corrects the contact before it hears of the merge
        contacts.update_contact(tx, moved.id, contacts.ContactFields(what_was_done="Fixed at B"))
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    for desk in (site_a, site_b):
        with desk.read() as tx:
            waiting = [c for c in list_conflicts(tx) if c.record_id == moved.id]
        # Which carer it belongs to is no question: the merge settled that.
        assert [[f.name for f in c.fields] for c in waiting] == [["what_was_done"]]
        with desk.transaction() as tx:
            choice = {"what_was_done": "local" if desk is site_b else "remote"}
            resolve_conflict(tx, waiting[0].conflict_id, choice)
        with desk.read() as tx:
            row = tx.session.get(ContactLog, moved.id)
            assert (row.carer_id, row.deleted, row.what_was_done) == (kept, False, "Fixed at B")
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)


def test_settling_a_conflict_never_moves_a_record_back_onto_a_merged_one(pair):
    site_a, site_b, outbox, mine, theirs, dup = pair
    with site_a.transaction() as tx:
        contacts.log_contact(tx, mine, contacts.ContactFields(
            kind=ContactKind.PHONE, what_was_done="Rang at A"))  # fmt: skip
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        rows = tx.session.exec(select(ContactLog)).all()
    with site_b.transaction() as tx:  # a conflict stored before anyone merged
        for row in rows:
            contacts.update_contact(tx, row.id, contacts.ContactFields(what_was_done="At B"))
    with site_a.transaction() as tx:
        for row in rows:
            contacts.update_contact(tx, row.id, contacts.ContactFields(what_was_done="At A"))
    exchange(site_b, site_a, outbox)
    with site_a.transaction() as tx:
        kept = merge_carers(tx, dup, {})
    with site_a.read() as tx:
        waiting = [c for c in list_conflicts(tx) if c.record_type == "contact_log"]
        assert len(waiting) == len(rows)
        conflict = waiting[0]
    gone = theirs if kept == mine else mine
    with site_a.transaction() as tx:  # as stored by a version that kept the carer a question
        stored = tx.session.get(ExchangeConflict, conflict.conflict_id)
        stored.local_values = {**stored.local_values, "carer_id": str(gone)}
        stored.remote_values = {**stored.remote_values, "carer_id": str(kept)}
    with site_a.transaction() as tx:
        resolve_conflict(tx, conflict.conflict_id, {"carer_id": "local", "what_was_done": "local"})
    with site_a.read() as tx:
        assert tx.session.get(ContactLog, conflict.record_id).carer_id == kept


def test_details_changed_at_the_other_site_before_it_heard_of_the_merge_wait_as_a_conflict(pair):
    site_a, site_b, outbox, mine, theirs, dup = pair
    exchange(site_a, site_b, outbox)  # B holds both records
    with site_a.transaction() as tx:
        kept = merge_carers(tx, dup, {})
    gone = theirs if kept == mine else mine
    with site_b.transaction() as tx:  # B, unaware, notes the person's new phone number
        carers.update(tx, gone, carers.CarerFields(phone="07700 900999"))
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        assert tx.session.get(Carer, gone).deleted
        waiting = [c for c in list_conflicts(tx) if c.record_id == kept]
    assert waiting, "B's new phone number must not vanish without a trace"
    [phone] = [f for c in waiting for f in c.fields if f.name == "phone"]
    assert phone.local == "07700 900999"  # the value here is B's own
    with site_b.transaction() as tx:
        for conflict in waiting:
            resolve_conflict(tx, conflict.conflict_id,
                             {f.name: "local" if f.name == "phone" else "remote"
                              for f in conflict.fields})  # fmt: skip
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)
    with site_a.read() as tx:
        assert tx.session.get(Carer, kept).phone == "07700 900999"
        assert list_conflicts(tx) == []


def test_the_preview_warns_when_the_merged_record_would_hold_two_cards_in_use(pair):
    site_a, _b, _out, mine, _theirs, dup = pair
    with site_a.read() as tx:
        assert merge_preview(tx, dup).warnings == ()  # only their card so far
    with site_a.transaction() as tx:
        cards.queue_card(tx, mine)
    with site_a.read() as tx:
        [warning] = merge_preview(tx, dup).warnings
    assert "2 cards in use" in warning and "Cards tab" in warning
