"""Card lifecycle: queue, print, issue, lost or stolen, renew, expire."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from carerdesk.cardnumbers import format_card_number, parse_card_number
from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue, NotFound, PermissionDenied
from carerdesk.models import AuditEvent, Card, Site
from carerdesk.models.enums import CardKind, CardStatus, CarerStatus, CarerType, Role
from carerdesk.services import cards, carers, search

TODAY = date(2026, 3, 2)


def _at(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@pytest.fixture
def desk(desk: Desk) -> Desk:
    desk.clock = _at(TODAY)
    return desk


def _register(
    desk: Desk, last: str = "McTestface", *, dob: date = date(1970, 5, 1), consent: bool = True
) -> uuid.UUID:
    with desk.transaction() as tx:
        carer = carers.register(
            tx,
            carers.CarerFields(
                first_name="Testy", last_name=last, consent_keep_record=consent, date_of_birth=dob
            ),
            allow_duplicate=True,
        )
        return carer.id


def _queue(desk: Desk, carer_id: uuid.UUID, kind: CardKind | None = None) -> Card:
    with desk.transaction() as tx:
        return cards.queue_card(tx, carer_id, kind=kind)


def _issue(desk: Desk, card_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        cards.mark_printed(tx, [card_id])
    with desk.transaction() as tx:
        cards.mark_issued(tx, [card_id])


def _card(desk: Desk, card_id: uuid.UUID) -> Card:
    """A detached copy, safe to read after the transaction ends."""
    with desk.read() as tx:
        return Card(**tx.get(Card, card_id, "card").model_dump())


def test_queued_card_has_a_valid_number_and_history(desk: Desk) -> None:
    carer_id = _register(desk)
    card = _queue(desk, carer_id)
    assert card.number == format_card_number("TST", 1)
    assert parse_card_number(card.number) == card.number
    assert card.status is CardStatus.QUEUED and card.kind is CardKind.STANDARD
    assert card.queued_on == TODAY
    assert card.expires_on == date(2029, 3, 2)
    with desk.read() as tx:
        history = cards.card_history(tx, card.id)
        assert [(e.from_status, e.to_status) for e in history] == [(None, CardStatus.QUEUED)]
        assert history[0].by_user == desk.actor.user_id
        assert [c.id for c in cards.queued_cards(tx)] == [card.id]
        assert cards.find_card(tx, card.number.lower().replace("-", "")).id == card.id
        assert cards.live_card(tx, carer_id).id == card.id  # type: ignore[union-attr]


def test_printing_and_issuing_record_each_step(desk: Desk) -> None:
    card = _queue(desk, _register(desk))
    print_day = date(2026, 4, 10)
    desk.clock = _at(print_day)
    with desk.transaction() as tx:
        batch = cards.mark_printed(tx, [card.id, str(card.id)], layout="cr80")
    assert batch.card_count == 1 and batch.layout == "cr80"
    printed = _card(desk, card.id)
    assert printed.status is CardStatus.PRINTED and printed.batch_id == batch.id
    assert printed.expires_on == date(2029, 4, 10)  # validity runs from printing
    with desk.transaction() as tx:
        cards.mark_issued(tx, [card.id])
    issued = _card(desk, card.id)
    assert issued.status is CardStatus.ISSUED and issued.issued_on == print_day
    with desk.read() as tx:
        steps = [e.to_status for e in cards.card_history(tx, card.id)]
    assert steps == [CardStatus.QUEUED, CardStatus.PRINTED, CardStatus.ISSUED]


def test_reprint_moves_a_printed_card_to_the_new_batch(desk: Desk) -> None:
    card = _queue(desk, _register(desk))
    with desk.transaction() as tx:
        first = cards.mark_printed(tx, [card.id])
    with desk.transaction() as tx:
        second = cards.mark_printed(tx, [card.id])
    assert first.id != second.id
    assert _card(desk, card.id).batch_id == second.id


def test_a_batch_with_one_wrong_card_changes_nothing(desk: Desk) -> None:
    good = _queue(desk, _register(desk, "Alpha"))
    issued = _queue(desk, _register(desk, "Beta"))
    _issue(desk, issued.id)
    with (
        pytest.raises(CarerdeskError, match="1 of the 2 chosen cards cannot be printed"),
        desk.transaction() as tx,
    ):
        cards.mark_printed(tx, [good.id, issued.id])
    assert _card(desk, good.id).status is CardStatus.QUEUED
    with pytest.raises(CarerdeskError, match="only printed cards"), desk.transaction() as tx:
        cards.mark_issued(tx, [good.id])


def test_second_live_card_of_the_same_kind_is_refused(desk: Desk) -> None:
    carer_id = _register(desk)
    _queue(desk, carer_id)
    with pytest.raises(CarerdeskError, match="Renew it, or report it lost") as err:
        _queue(desk, carer_id)
    assert "McTestface" not in err.value.message
    emergency = _queue(desk, carer_id, CardKind.EMERGENCY)
    assert emergency.kind is CardKind.EMERGENCY


def test_carer_without_consent_cannot_have_a_card(desk: Desk) -> None:
    carer_id = _register(desk, consent=False)
    with pytest.raises(CarerdeskError, match="consent"):
        _queue(desk, carer_id)


def test_carer_whose_record_is_closed_cannot_have_a_card(desk: Desk) -> None:
    carer_id = _register(desk)
    with desk.transaction() as tx:
        carers.close_record(tx, carer_id, CarerStatus.MOVED)
    with pytest.raises(CarerdeskError, match="marked moved"):
        _queue(desk, carer_id)


@pytest.mark.parametrize("stolen", [False, True])
def test_lost_card_is_replaced_with_a_new_number_and_stops_being_live(
    desk: Desk, stolen: bool
) -> None:
    carer_id = _register(desk)
    old = _queue(desk, carer_id)
    _issue(desk, old.id)
    with desk.transaction() as tx:
        new = cards.report_lost(tx, old.id, stolen=stolen, note="Left on a bus")
    gone = _card(desk, old.id)
    assert gone.status is (CardStatus.STOLEN if stolen else CardStatus.LOST)
    assert new.number != old.number and new.status is CardStatus.QUEUED
    assert new.kind is old.kind
    assert gone.replaced_by_id == new.id and new.replaces_id == old.id
    with desk.read() as tx:
        assert cards.live_card(tx, carer_id).id == new.id  # type: ignore[union-attr]
        assert cards.card_history(tx, old.id)[-1].note == "Left on a bus"
        shown = search.find_carers(tx, old.number)
    assert shown.card_status is gone.status
    assert shown.message and "no longer valid" in shown.message


def test_lost_card_with_a_renewal_on_its_way_does_not_queue_a_third(desk: Desk) -> None:
    carer_id = _register(desk)
    old = _queue(desk, carer_id)
    _issue(desk, old.id)
    with desk.transaction() as tx:
        renewal = cards.renew(tx, old.id)
    with desk.transaction() as tx:
        replacement = cards.report_lost(tx, old.id)
    assert replacement.id == renewal.id
    with desk.read() as tx:
        assert len(cards.list_cards(tx, carer_id)) == 2


def test_a_card_still_in_the_queue_cannot_be_reported_lost(desk: Desk) -> None:
    card = _queue(desk, _register(desk))
    with (
        pytest.raises(CarerdeskError, match="Remove it from the queue"),
        desk.transaction() as tx,
    ):
        cards.report_lost(tx, card.id)


def test_renewal_replaces_the_old_card_when_issued(desk: Desk) -> None:
    carer_id = _register(desk)
    old = _queue(desk, carer_id)
    _issue(desk, old.id)
    with desk.transaction() as tx:
        new = cards.renew(tx, old.id)
    assert new.replaces_id == old.id and new.number != old.number
    assert _card(desk, old.id).status is CardStatus.ISSUED  # still valid until then
    with pytest.raises(CarerdeskError, match="already on its way"), desk.transaction() as tx:
        cards.renew(tx, old.id)
    _issue(desk, new.id)
    replaced = _card(desk, old.id)
    assert replaced.status is CardStatus.REPLACED and replaced.replaced_by_id == new.id
    with desk.read() as tx:
        assert cards.live_card(tx, carer_id).id == new.id  # type: ignore[union-attr]
        assert [c.id for c in cards.list_cards(tx, carer_id)] == [new.id, old.id]
    with (
        pytest.raises(CarerdeskError, match="renew that card instead"),
        desk.transaction() as tx,
    ):
        cards.renew(tx, old.id)


def test_renewal_lost_in_the_post_is_replaced_and_still_retires_the_old_card(
    desk: Desk,
) -> None:
    carer_id = _register(desk)
    old = _queue(desk, carer_id)
    _issue(desk, old.id)
    with desk.transaction() as tx:
        renewal = cards.renew(tx, old.id)
    with desk.transaction() as tx:
        cards.mark_printed(tx, [renewal.id])
    with desk.transaction() as tx:
        replacement = cards.report_lost(tx, renewal.id)
    assert _card(desk, old.id).status is CardStatus.ISSUED  # the carer's card still works
    with (
        pytest.raises(CarerdeskError, match="already on its way"),
        desk.transaction() as tx,
    ):
        cards.renew(tx, old.id)
    _issue(desk, replacement.id)
    assert _card(desk, old.id).status is CardStatus.REPLACED
    assert _card(desk, renewal.id).status is CardStatus.LOST


def test_cancelled_renewal_lets_the_card_be_renewed_again(desk: Desk) -> None:
    old = _queue(desk, _register(desk))
    _issue(desk, old.id)
    with desk.transaction() as tx:
        first = cards.renew(tx, old.id)
    with desk.transaction() as tx:
        cards.cancel_queued(tx, first.id)
    with desk.transaction() as tx:
        second = cards.renew(tx, old.id)
    assert second.replaces_id == old.id
    assert _card(desk, old.id).replaced_by_id == second.id


def test_lost_card_cannot_be_renewed(desk: Desk) -> None:
    old = _queue(desk, _register(desk))
    _issue(desk, old.id)
    with desk.transaction() as tx:
        cards.report_lost(tx, old.id)
    with (
        pytest.raises(CarerdeskError, match="reported lost, so it cannot be renewed"),
        desk.transaction() as tx,
    ):
        cards.renew(tx, old.id)


def test_cards_expire_by_date(desk: Desk) -> None:
    carer_id = _register(desk)
    card = _queue(desk, carer_id)
    _issue(desk, card.id)
    with desk.transaction() as tx:
        assert cards.expire_due(tx) == 0
    desk.clock = lambda: datetime(2030, 1, 1, tzinfo=UTC)
    with desk.read() as tx:
        assert cards.live_card(tx, carer_id) is None  # past its date even before the sweep
    with desk.transaction() as tx:
        assert cards.expire_due(tx) == 1
    assert _card(desk, card.id).status is CardStatus.EXPIRED
    with desk.transaction() as tx:
        assert cards.expire_due(tx) == 0
    renewed = _queue(desk, carer_id)  # an expired card no longer blocks a new one
    assert renewed.expires_on == date(2033, 1, 1)


def test_volunteer_can_queue_and_report_lost_but_not_print_or_issue(
    desk: Desk, desk_as: Callable[[Role], Desk]
) -> None:
    carer_id = _register(desk)
    volunteer = desk_as(Role.VOLUNTEER)
    volunteer.clock = desk.clock
    card = _queue(volunteer, carer_id)
    for action in (cards.mark_printed, cards.mark_issued):
        with pytest.raises(PermissionDenied), volunteer.transaction() as tx:
            action(tx, [card.id])
    with pytest.raises(PermissionDenied), volunteer.transaction() as tx:
        cards.revoke(tx, card.id)
    _issue(desk, card.id)
    with volunteer.transaction() as tx:
        replacement = cards.report_lost(tx, card.id)
    assert replacement.status is CardStatus.QUEUED


def test_young_carer_gets_a_young_carer_card(desk: Desk) -> None:
    young = _register(desk, "Junior", dob=date(2014, 6, 1))
    assert _queue(desk, young).kind is CardKind.YOUNG_CARER
    adult = _register(desk, "Senior")
    with pytest.raises(InvalidValue) as err:
        _queue(desk, adult, CardKind.YOUNG_CARER)
    assert "kind" in err.value.errors


def test_numbers_are_sequential_per_site_and_unique(desk: Desk) -> None:
    made = [_queue(desk, _register(desk, f"Number{n}")) for n in range(3)]
    assert [c.number for c in made] == [format_card_number("TST", n) for n in (1, 2, 3)]
    _issue(desk, made[0].id)
    with desk.transaction() as tx:
        replacement = cards.report_lost(tx, made[0].id)
    assert replacement.number == format_card_number("TST", 4)
    with desk.read() as tx:
        site = tx.session.exec(select(Site).where(Site.code == "TST")).one()
        assert site.next_card_serial == 5
        numbers = tx.session.exec(select(Card.number)).all()
    assert len(numbers) == len(set(numbers)) == 4


def test_card_number_finds_its_carer_in_search(desk: Desk) -> None:
    carer_id = _register(desk)
    card = _queue(desk, carer_id)
    with desk.read() as tx:
        result = search.find_carers(tx, card.number)
    assert result.direct is not None and result.direct.carer_id == carer_id
    assert result.card_number == card.number


def test_card_number_with_one_digit_changed_is_rejected(desk: Desk) -> None:
    card = _queue(desk, _register(desk))
    wrong = card.number.replace("000001", "000007")
    with desk.read() as tx:
        with pytest.raises(InvalidValue) as err:
            cards.find_card(tx, wrong)
        assert "mistyped" in err.value.errors["number"]
        assert search.find_carers(tx, wrong).hits == []
        with pytest.raises(NotFound):
            cards.find_card(tx, format_card_number("TST", 99))


def test_cancelled_queued_card_stays_on_record_as_revoked(desk: Desk) -> None:
    carer_id = _register(desk)
    card = _queue(desk, carer_id)
    with desk.transaction() as tx:
        cards.cancel_queued(tx, card.id)
    assert _card(desk, card.id).status is CardStatus.REVOKED
    with desk.read() as tx:
        assert cards.queued_cards(tx) == []
        assert cards.card_history(tx, card.id)[-1].note == "Removed from the print queue"
    assert _queue(desk, carer_id).status is CardStatus.QUEUED


def test_revoked_card_is_no_longer_live(desk: Desk) -> None:
    carer_id = _register(desk)
    card = _queue(desk, carer_id)
    _issue(desk, card.id)
    with desk.transaction() as tx:
        cards.revoke(tx, card.id, note="Issued in error")
    with desk.read() as tx:
        assert cards.live_card(tx, carer_id) is None
    with pytest.raises(CarerdeskError, match="nothing to revoke"), desk.transaction() as tx:
        cards.revoke(tx, card.id)


def test_every_write_leaves_an_audit_event(desk: Desk) -> None:
    carer_id = _register(desk)
    card = _queue(desk, carer_id)
    _issue(desk, card.id)
    with desk.transaction() as tx:
        renewal = cards.renew(tx, card.id)
        cards.cancel_queued(tx, renewal.id)
        replacement = cards.report_lost(tx, card.id, stolen=True)
        cards.revoke(tx, replacement.id)
    desk.clock = lambda: datetime(2040, 1, 1, tzinfo=UTC)
    other = _queue(desk, _register(desk, "Other"))
    desk.clock = lambda: datetime(2045, 1, 1, tzinfo=UTC)
    with desk.transaction() as tx:
        cards.expire_due(tx)
    with desk.read() as tx:
        rows = tx.session.exec(select(AuditEvent.action, AuditEvent.record_id)).all()
    done = {(action, record) for action, record in rows}
    for expected in [
        ("card.queue", card.id), ("card.print", card.id), ("card.issue", card.id),
        ("card.renew", card.id), ("card.queue", renewal.id), ("card.cancel", renewal.id),
        ("card.report_stolen", card.id), ("card.queue", replacement.id),
        ("card.revoke", replacement.id), ("card.expire", other.id),
    ]:  # fmt: skip
        assert expected in done
    assert any(action == "print_batch.create" for action, _ in rows)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2028, 2, 29), 3, date(2031, 2, 28)),
        (date(2028, 2, 29), 4, date(2032, 2, 29)),
        (date(2026, 3, 2), 2, date(2028, 3, 2)),
    ],
)
def test_add_years_moves_29_february_to_the_28th(start: date, years: int, expected: date) -> None:
    assert cards.add_years(start, years) == expected


def test_card_kind_given_as_plain_text_is_understood(desk):
    with desk.transaction() as tx:
        carer = carers.register(
            tx,
            carers.CarerFields(first_name="Testy", last_name="Kindson", consent_keep_record=True),
        )
        card = cards.queue_card(tx, carer.id, kind="emergency")  # type: ignore[arg-type]
    assert card.kind is CardKind.EMERGENCY


def test_enum_labels_do_not_bleed_between_enums():
    assert CardKind.YOUNG_CARER.label == "Young carer"
    assert CarerType.YOUNG_CARER.label == "Young carer (under 18)"


def test_printed_cards_lists_those_waiting_to_be_handed_over(desk):
    with desk.transaction() as tx:
        carer = carers.register(
            tx,
            carers.CarerFields(first_name="Testy", last_name="Printson", consent_keep_record=True),
        )
        card = cards.queue_card(tx, carer.id)
        assert cards.printed_cards(tx) == []
        cards.mark_printed(tx, [card.id])
        assert [c.id for c in cards.printed_cards(tx)] == [card.id]
        cards.mark_issued(tx, [card.id])
        assert cards.printed_cards(tx) == []
