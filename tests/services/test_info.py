"""Facts about the database and its health check."""

from __future__ import annotations

from collections.abc import Callable

from carerdesk.desk import Desk
from carerdesk.models.enums import Role
from carerdesk.services import carer_details, carers, info
from carerdesk.store import migrate


def test_fresh_database_info(desk: Desk) -> None:
    with desk.read() as tx:
        facts = info.database_info(tx)
    assert facts.site == "TST"
    assert facts.scheme == "Testshire Carer Passport"
    assert facts.schema_version == migrate.head_revision()
    assert facts.counts["carers"] == 0
    assert (facts.counts["users"], facts.counts["sites"]) == (1, 1)
    assert all(n == 0 for n in facts.deleted.values())
    assert facts.audit_events >= 2  # created, then signed in
    assert facts.path == str(desk.path)
    assert facts.to_json()["counts"] == facts.counts


def test_info_counts_live_and_removed_rows(desk: Desk) -> None:
    with desk.transaction() as tx:
        for last in ("McTestface", "Testington", "Exampleton"):
            carer_id = carers.register(
                tx, carers.CarerFields(first_name="Testy", last_name=last)
            ).id
        row = carer_details.add_cared_for(tx, carer_id, carer_details.CaredForFields(name="Mum"))
    with desk.transaction() as tx:
        carer_details.remove_cared_for(tx, row.id)
    with desk.read() as tx:
        facts = info.database_info(tx)
    assert facts.counts["carers"] == 3
    assert (facts.counts["cared_for"], facts.deleted["cared_for"]) == (0, 1)


def test_any_user_may_read_the_info(desk_as: Callable[[Role], Desk]) -> None:
    with desk_as(Role.VOLUNTEER).read() as tx:
        assert info.database_info(tx).counts["users"] == 2


def test_check_database_is_ok_on_a_fresh_database(desk: Desk) -> None:
    with desk.read() as tx:
        report = info.check_database(tx)
    assert report.ok, report.problems
    assert report.problems == []


def test_check_database_is_ok_after_everyday_work_and_a_rebuild(desk: Desk) -> None:
    with desk.transaction() as tx:
        carer = carers.register(
            tx, carers.CarerFields(first_name="Siân", last_name="O'Brien", postcode="SG1 1AA")
        )
    with desk.transaction() as tx:
        carers.update(tx, carer.id, carers.CarerFields(last_name="Testington"))
    with desk.transaction() as tx:
        info.rebuild_search(tx)
    with desk.read() as tx:
        assert info.check_database(tx).ok
