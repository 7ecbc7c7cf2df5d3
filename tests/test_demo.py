"""The demo scheme: realistic, complete, repeatable, and searchable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from carerdesk.cardnumbers import parse_card_number
from carerdesk.demo import DEMO_PASSWORD, DEMO_USERNAME, SITE_CODE, DemoInfo, build_demo
from carerdesk.desk import Desk, open_desk
from carerdesk.models import (
    Business,
    Card,
    CardEvent,
    CaredFor,
    Carer,
    ContactLog,
    EmergencyPlan,
    Offer,
    Site,
    utcnow,
)
from carerdesk.models.enums import CardKind, CardStatus, CarerStatus, CarerType, Role
from carerdesk.services.search import find_carers
from carerdesk.validation import age_on, normalise_phone, normalise_postcode

CARERS = 300
SEED = 7


@pytest.fixture(scope="module")
def fast_argon2() -> Iterator[None]:
    # The conftest fixture is per test; a module-wide demo needs its own.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("carerdesk.store.keyfile.ARGON2_MEMORY_KIB", 19456)
        mp.setattr("carerdesk.store.keyfile.ARGON2_TIME", 2)
        mp.setattr("carerdesk.store.keyfile.ARGON2_LANES", 1)
        yield


@pytest.fixture(scope="module")
def steps() -> list[tuple]:
    """What the demo build reported through its progress callback."""
    return []


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, fast_argon2: None, steps: list[tuple]
) -> DemoInfo:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return build_demo(
        path, carers=CARERS, seed=SEED, progress=lambda *step: steps.append(step)
    )


@pytest.fixture(scope="module")
def demo_desk(demo: DemoInfo) -> Iterator[Desk]:
    desk = open_desk(demo.path, DEMO_USERNAME, DEMO_PASSWORD)
    yield desk
    desk.close()


def _names(path: Path) -> list[tuple[str, str]]:
    desk = open_desk(path, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        with desk.read() as tx:
            rows = tx.session.exec(
                select(Carer.first_name, Carer.last_name).order_by(Carer.search_key)
            ).all()
    finally:
        desk.close()
    return [(r[0], r[1]) for r in rows]


def test_same_seed_builds_the_same_people_and_another_seed_does_not(
    demo: DemoInfo, tmp_path: Path, fast_argon2: None
) -> None:
    again = build_demo(tmp_path / "again.db", carers=CARERS, seed=SEED, with_history=False)
    other = build_demo(tmp_path / "other.db", carers=CARERS, seed=SEED + 1, with_history=False)
    first = _names(demo.path)
    assert len(first) == CARERS
    assert _names(again.path) == first
    assert sorted(_names(other.path)) != sorted(first)


def test_demo_signs_in_with_the_published_login_and_has_each_role(demo: DemoInfo) -> None:
    assert (demo.username, demo.password, demo.carers) == (DEMO_USERNAME, DEMO_PASSWORD, CARERS)
    assert demo.recovery_key
    for username, role in (("demo", Role.COORDINATOR), ("volunteer", Role.VOLUNTEER),
                           ("staff", Role.STAFF)):
        desk = open_desk(demo.path, username, DEMO_PASSWORD)
        assert desk.actor.role is role
        assert desk.site_code == SITE_CODE
        desk.close()


def test_progress_is_reported_to_the_end(demo: DemoInfo, steps: list[tuple]) -> None:
    assert steps[0][0] == 0
    done, total, _ = steps[-1]
    assert done == total
    assert all(isinstance(s[2], str) and s[2] for s in steps)


def test_every_card_number_is_valid_and_the_serials_run_on(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        numbers = tx.session.exec(select(Card.number)).all()
        site = tx.session.exec(select(Site).where(Site.code == SITE_CODE)).one()
    assert numbers
    assert all(parse_card_number(n) == n for n in numbers)
    serials = sorted(int(n.split("-")[1]) for n in numbers)
    assert serials == list(range(1, len(numbers) + 1))
    assert site.next_card_serial == len(numbers) + 1


def test_cards_are_in_every_state_with_replacements_linked(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        cards = {c.id: c for c in tx.session.exec(select(Card)).all()}
        events = tx.session.exec(select(CardEvent)).all()
    assert {c.status for c in cards.values()} == set(CardStatus)
    for card in cards.values():
        if card.status in (CardStatus.LOST, CardStatus.STOLEN, CardStatus.REPLACED):
            assert cards[card.replaced_by_id].replaces_id == card.id
        if card.status is CardStatus.ISSUED:
            assert card.expires_on is not None and card.expires_on > utcnow().date()
            assert (card.expires_on - card.issued_on).days in (1096, 1097)
        if card.status is CardStatus.EXPIRED:
            assert card.expires_on <= utcnow().date()
    latest = {e.card_id: e.to_status for e in events}
    assert latest == {c.id: c.status for c in cards.values()}
    assert {CardKind.YOUNG_CARER, CardKind.EMERGENCY, CardKind.STANDARD} <= {
        c.kind for c in cards.values()
    }


def test_about_85_percent_of_active_carers_have_a_card(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        active = tx.session.exec(select(Carer.id).where(Carer.status == "active")).all()
        holders = set(tx.session.exec(select(Card.carer_id)).all())
    share = len(holders & set(active)) / len(active)
    assert 0.75 < share < 0.95


def test_carers_span_every_age_and_kind(demo_desk: Desk) -> None:
    today = utcnow().date()
    with demo_desk.read() as tx:
        carers = tx.session.exec(select(Carer)).all()
    kinds = {c.carer_type for c in carers}
    assert kinds == set(CarerType)
    young = [c for c in carers if c.carer_type is CarerType.YOUNG_CARER]
    assert 0.04 < len(young) / len(carers) < 0.13
    assert all(c.date_of_birth and age_on(c.date_of_birth, today) < 18 for c in young)
    ages = [age_on(c.date_of_birth, today) for c in carers if c.date_of_birth]
    assert sum(a >= 65 for a in ages) > len(ages) / 5
    assert 0.1 < sum(c.date_of_birth is None for c in carers) / len(carers) < 0.3
    assert {c.status for c in carers} == set(CarerStatus)
    assert all(c.closed_on and c.closed_reason for c in carers if c.status != "active")
    assert all(c.consent_keep_record and c.consent_given_on for c in carers)
    spread = max(c.registered_on for c in carers) - min(c.registered_on for c in carers)
    assert spread.days > 3 * 365


def test_contact_details_are_valid_and_obviously_fake(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        carers = tx.session.exec(select(Carer)).all()
    for c in carers:
        assert normalise_postcode(c.postcode) == c.postcode
        for phone in (c.phone, c.phone_other):
            if phone:
                assert normalise_phone(phone) == phone
                assert phone.startswith(("07700 900", "01632 960"))
        assert c.email is None or c.email.endswith("@example.org")
    assert {"Hertfordshire", "Bedford", "Luton"} <= {c.area for c in carers}


def test_some_cared_for_people_live_in_another_area(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        rows = tx.session.execute(
            select(CaredFor.area, Carer.area, CaredFor.carer_id).join(
                Carer, Carer.id == CaredFor.carer_id
            )
        ).all()
        plans = tx.session.exec(select(func.count()).select_from(EmergencyPlan)).one()
    elsewhere = sum(1 for cf_area, carer_area, _ in rows if cf_area != carer_area)
    assert 0.1 < elsewhere / len(rows) < 0.3
    assert 0.6 < len({r[2] for r in rows}) / CARERS < 0.9
    assert 0.05 < plans / CARERS < 0.2


def test_businesses_and_offers_make_a_full_directory(demo_desk: Desk) -> None:
    today = utcnow().date()
    with demo_desk.read() as tx:
        businesses = tx.session.exec(select(Business)).all()
        offers = tx.session.exec(select(Offer)).all()
    assert len(businesses) == 150
    assert len(offers) == 350
    assert len({b.name for b in businesses}) == 150
    assert len({b.category for b in businesses}) == 8
    assert any(o.review_due_on < today for o in offers)
    assert any(o.eligible == ["young_carer"] for o in offers)
    assert any(o.areas for o in offers)
    assert any(o.ends_on and o.ends_on < today for o in offers)
    assert 0.04 < sum(o.retired_on is not None for o in offers) / len(offers) < 0.2


def test_contact_history_covers_18_months(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        logs = tx.session.exec(select(ContactLog)).all()
    assert 1.0 < len(logs) / CARERS < 2.0
    days = (max(c.at for c in logs) - min(c.at for c in logs)).days
    assert 300 < days <= 548
    assert all(5 <= c.minutes <= 90 and c.by_user and c.what_was_done for c in logs)


def test_search_finds_a_carer_by_postcode_and_by_card_number(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        card = tx.session.exec(
            select(Card).where(Card.status == CardStatus.ISSUED).order_by(Card.number)
        ).first()
        carer = tx.session.get(Carer, card.carer_id)
        by_postcode = find_carers(tx, carer.postcode.replace(" ", "").lower(), limit=500)
        by_card = find_carers(tx, card.number)
        by_name = find_carers(tx, f"{carer.first_name} {carer.last_name}", limit=500)
    assert carer.id in {h.carer_id for h in by_postcode.hits}
    assert by_card.direct is not None and by_card.direct.carer_id == carer.id
    assert by_card.card_status is CardStatus.ISSUED
    assert carer.id in {h.carer_id for h in by_name.hits}


def test_demo_database_passes_integrity_checks(demo_desk: Desk) -> None:
    with demo_desk.read() as tx:
        assert tx.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert tx.session.execute(text("PRAGMA foreign_key_check")).all() == []
        indexed = tx.session.execute(text("SELECT count(*) FROM carer_search")).scalar()
    assert indexed == CARERS
