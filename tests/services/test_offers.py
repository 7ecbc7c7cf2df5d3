"""Businesses, offers, reviews, and which offers suit a carer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue, NotFound, PermissionDenied
from carerdesk.models import AuditEvent, CaredFor
from carerdesk.models.enums import CarerType, Role
from carerdesk.services import carers, offers
from carerdesk.services.carers import CarerFields
from carerdesk.services.offers import REVIEW_INTERVAL_DAYS, BusinessFields, OfferFields

TODAY = date(2025, 3, 3)


def set_today(desk: Desk, day: date) -> None:
    desk.clock = lambda: datetime(day.year, day.month, day.day, 11, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(desk: Desk) -> None:
    set_today(desk, TODAY)


def add_business(desk: Desk, name: str = "Testy Teashop", **kw: object) -> uuid.UUID:
    with desk.transaction() as tx:
        return offers.add_business(tx, BusinessFields(name=name, **kw)).id


def add_offer(
    desk: Desk, business_id: uuid.UUID, text: str = "10% off tea", **kw: object
) -> uuid.UUID:
    with desk.transaction() as tx:
        return offers.add_offer(tx, OfferFields(business_id=business_id, text=text, **kw)).id


def add_carer(desk: Desk, first: str, *, area: str | None, dob: date | None = None) -> uuid.UUID:
    fields = CarerFields(first_name=first, last_name="McTestface", area=area, date_of_birth=dob)
    with desk.transaction() as tx:
        return carers.register(tx, fields).id


def audit_actions(desk: Desk, record_id: uuid.UUID) -> list[str]:
    with desk.read() as tx:
        rows = tx.session.exec(select(AuditEvent).where(AuditEvent.record_id == record_id))
        return [e.action for e in rows]


# -- businesses ---------------------------------------------------------------------


def test_business_is_added_with_tidied_details(desk: Desk) -> None:
    business_id = add_business(
        desk, "  Testy   Teashop ", town="Stevenage", postcode="sg1 1aa",
        phone="07700900123", website="www.example.org", category="Cafés",
    )  # fmt: skip
    with desk.read() as tx:
        business = offers.get_business(tx, business_id)
        assert business.name == "Testy Teashop"
        assert business.postcode == "SG1 1AA"
        assert business.phone == "07700 900123"
    assert audit_actions(desk, business_id) == ["business.add"]


def test_business_with_bad_details_is_refused_field_by_field(desk: Desk) -> None:
    fields = BusinessFields(
        name="Testy Teashop", postcode="not a postcode", phone="12", email="nobody",
        website="example dot org", sticker_given_on=TODAY + timedelta(days=1),
    )  # fmt: skip
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_business(tx, fields)
    assert set(caught.value.errors) == {
        "postcode", "phone", "email", "website", "sticker_given_on"
    }  # fmt: skip
    assert "not a postcode" not in caught.value.message
    assert "http://" in caught.value.errors["website"]


def test_business_needs_a_name(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_business(tx, BusinessFields(name="   ", town="Stevenage"))
    assert list(caught.value.errors) == ["name"]


def test_business_name_that_is_too_long_is_refused(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_business(tx, BusinessFields(name="T" * 121))
    assert "120" in caught.value.errors["name"]


def test_editing_a_business_leaves_unset_fields_alone(desk: Desk) -> None:
    business_id = add_business(desk, town="Stevenage", category="Cafés")
    with desk.transaction() as tx:
        offers.update_business(tx, business_id, BusinessFields(town="Hitchin"))
    with desk.read() as tx:
        business = offers.get_business(tx, business_id)
        assert (business.name, business.town, business.category) == (
            "Testy Teashop", "Hitchin", "Cafés"
        )  # fmt: skip
    with desk.transaction() as tx, pytest.raises(InvalidValue):
        offers.update_business(tx, business_id, BusinessFields(name=""))


def test_retiring_a_business_retires_its_live_offers(desk: Desk) -> None:
    business_id = add_business(desk)
    offer_id = add_offer(desk, business_id)
    with desk.transaction() as tx:
        business = offers.retire_business(tx, business_id)
        assert business.retired_on == TODAY
    with desk.read() as tx:
        assert offers.get_offer(tx, offer_id).retired_on == TODAY
        assert offers.list_offers(tx) == []
        assert [r.offer_id for r in offers.list_offers(tx, include_retired=True)] == [offer_id]
        assert offers.list_businesses(tx) == []
        assert len(offers.list_businesses(tx, include_retired=True)) == 1
    assert audit_actions(desk, offer_id) == ["offer.add", "offer.retire"]


def test_businesses_are_listed_by_name_and_found_by_text(desk: Desk) -> None:
    add_business(desk, "Zebra Testing Garage", town="Hitchin", category="Motoring")
    add_business(desk, "Acme Test Café", town="Stevenage", category="Cafés")
    add_business(desk, "Mock Hairdresser", town="Stevenage", category="Beauty")
    with desk.read() as tx:
        names = [b.name for b in offers.list_businesses(tx)]
        assert names == ["Acme Test Café", "Mock Hairdresser", "Zebra Testing Garage"]
        stevenage = offers.list_businesses(tx, town="stevenage")
        assert [b.name for b in stevenage] == ["Acme Test Café", "Mock Hairdresser"]
        assert [b.name for b in offers.list_businesses(tx, text="cafe")] == ["Acme Test Café"]
        assert [b.name for b in offers.list_businesses(tx, category="motoring")] == [
            "Zebra Testing Garage"
        ]


# -- offers -------------------------------------------------------------------------


def test_new_offer_is_due_for_review_after_the_interval(desk: Desk) -> None:
    offer_id = add_offer(desk, add_business(desk))
    with desk.read() as tx:
        offer = offers.get_offer(tx, offer_id)
        assert offer.last_checked_on == TODAY
        assert offer.review_due_on == TODAY + timedelta(days=REVIEW_INTERVAL_DAYS)


def test_offer_review_date_follows_the_date_it_was_last_checked(desk: Desk) -> None:
    checked = TODAY - timedelta(days=30)
    offer_id = add_offer(desk, add_business(desk), last_checked_on=checked)
    with desk.read() as tx:
        assert offers.get_offer(tx, offer_id).review_due_on == checked + timedelta(days=180)


def test_offer_needs_text_and_a_business_in_the_scheme(desk: Desk) -> None:
    business_id = add_business(desk)
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_offer(tx, OfferFields(business_id=business_id, text=" "))
    assert list(caught.value.errors) == ["text"]
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_offer(tx, OfferFields(text="Free coffee"))
    assert list(caught.value.errors) == ["business_id"]
    with desk.transaction() as tx, pytest.raises(NotFound):
        offers.add_offer(tx, OfferFields(business_id=uuid.uuid4(), text="Free coffee"))
    with desk.transaction() as tx:
        offers.retire_business(tx, business_id)
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_offer(tx, OfferFields(business_id=business_id, text="Free coffee"))
    assert "left the scheme" in caught.value.errors["business_id"]


def test_offer_cannot_end_before_it_starts(desk: Desk) -> None:
    business_id = add_business(desk)
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        offers.add_offer(
            tx,
            OfferFields(business_id=business_id, text="Free coffee",
                        starts_on=date(2025, 5, 1), ends_on=date(2025, 4, 1)),
        )  # fmt: skip
    assert list(caught.value.errors) == ["ends_on"]
    offer_id = add_offer(desk, business_id, starts_on=date(2025, 5, 1))
    with desk.transaction() as tx, pytest.raises(InvalidValue):
        offers.update_offer(tx, offer_id, OfferFields(ends_on=date(2025, 4, 1)))


def test_offer_lists_are_tidied_and_eligibility_stored_as_values(desk: Desk) -> None:
    offer_id = add_offer(
        desk, add_business(desk), categories=[" Food  and drink", "food and drink", ""],
        areas=["North Herts", " "], eligible=[CarerType.YOUNG_CARER, "young_carer"],
    )  # fmt: skip
    with desk.read() as tx:
        offer = offers.get_offer(tx, offer_id)
        assert offer.categories == ["Food and drink"]
        assert offer.areas == ["North Herts"]
        assert offer.eligible == ["young_carer"]


def test_editing_an_offer_changes_only_what_was_given(desk: Desk) -> None:
    offer_id = add_offer(desk, add_business(desk), terms="Show your card", areas=["Stevenage"])
    checked = TODAY - timedelta(days=10)
    with desk.transaction() as tx:
        offers.update_offer(tx, offer_id, OfferFields(text="15% off tea", last_checked_on=checked))
    with desk.read() as tx:
        offer = offers.get_offer(tx, offer_id)
        assert (offer.text, offer.terms) == ("15% off tea", "Show your card")
        assert offer.areas == ["Stevenage"]
        assert offer.review_due_on == checked + timedelta(days=REVIEW_INTERVAL_DAYS)
    assert audit_actions(desk, offer_id) == ["offer.add", "offer.update"]


def test_retired_offer_leaves_the_lists(desk: Desk) -> None:
    business_id = add_business(desk)
    kept = add_offer(desk, business_id, "Free biscuit")
    gone = add_offer(desk, business_id, "Free cake")
    with desk.transaction() as tx:
        assert offers.retire_offer(tx, gone).retired_on == TODAY
    with desk.read() as tx:
        assert [r.offer_id for r in offers.list_offers(tx)] == [kept]


def test_offers_come_up_for_review_as_time_passes(desk: Desk) -> None:
    business_id = add_business(desk)
    old = add_offer(desk, business_id, "Old offer", last_checked_on=TODAY - timedelta(days=100))
    add_offer(desk, business_id, "New offer")
    with desk.read() as tx:
        assert offers.review_due_count(tx) == 0
        assert offers.offers_due_for_review(tx) == []
    set_today(desk, TODAY + timedelta(days=80))
    with desk.read() as tx:
        assert offers.review_due_count(tx) == 1
        assert [r.offer_id for r in offers.offers_due_for_review(tx)] == [old]
    set_today(desk, TODAY + timedelta(days=REVIEW_INTERVAL_DAYS))
    with desk.read() as tx:
        assert offers.review_due_count(tx) == 2
        assert len(offers.list_offers(tx, review_due=True)) == 2


def test_retired_offers_are_not_due_for_review(desk: Desk) -> None:
    offer_id = add_offer(desk, add_business(desk), last_checked_on=TODAY - timedelta(days=200))
    with desk.read() as tx:
        assert offers.review_due_count(tx) == 1
    with desk.transaction() as tx:
        offers.retire_offer(tx, offer_id)
    with desk.read() as tx:
        assert offers.review_due_count(tx) == 0


def test_marking_an_offer_checked_moves_its_review_date_on(desk: Desk) -> None:
    offer_id = add_offer(desk, add_business(desk), last_checked_on=TODAY - timedelta(days=200))
    later = TODAY + timedelta(days=3)
    set_today(desk, later)
    with desk.transaction() as tx:
        offer = offers.mark_checked(tx, offer_id)
    assert offer.last_checked_on == later
    assert offer.review_due_on == later + timedelta(days=REVIEW_INTERVAL_DAYS)
    with desk.read() as tx:
        assert offers.review_due_count(tx) == 0
    assert audit_actions(desk, offer_id)[-1] == "offer.check"
    with desk.transaction() as tx:
        offers.retire_offer(tx, offer_id)
    with desk.transaction() as tx, pytest.raises(CarerdeskError):
        offers.mark_checked(tx, offer_id)


def test_offers_are_listed_by_category_then_business(desk: Desk) -> None:
    cafe = add_business(desk, "Testy Teashop", town="Stevenage")
    garage = add_business(desk, "Acme Test Garage", town="Hitchin", category="Motoring")
    add_offer(desk, cafe, "Free biscuit", categories=["Food"])
    add_offer(desk, garage, "Free MOT check")
    add_offer(desk, add_business(desk, "Aardvark Bakery"), "Free bun", categories=["Food"])
    add_offer(desk, cafe, "Uncategorised freebie")
    with desk.read() as tx:
        rows = offers.list_offers(tx)
        assert [(r.category, r.business_name) for r in rows] == [
            ("Food", "Aardvark Bakery"), ("Food", "Testy Teashop"),
            ("Motoring", "Acme Test Garage"), (None, "Testy Teashop"),
        ]  # fmt: skip
        assert [r.text for r in offers.list_offers(tx, category="motoring")] == ["Free MOT check"]
        assert [r.text for r in offers.list_offers(tx, town="hitchin")] == ["Free MOT check"]


def test_current_offers_have_started_and_not_ended(desk: Desk) -> None:
    business_id = add_business(desk)
    add_offer(desk, business_id, "Running", starts_on=TODAY, ends_on=TODAY)
    add_offer(desk, business_id, "Not yet", starts_on=TODAY + timedelta(days=1))
    add_offer(desk, business_id, "Over", ends_on=TODAY - timedelta(days=1))
    with desk.read() as tx:
        assert [r.text for r in offers.list_offers(tx, current_only=True)] == ["Running"]
        assert len(offers.list_offers(tx)) == 3


def test_area_filter_keeps_offers_valid_anywhere(desk: Desk) -> None:
    business_id = add_business(desk)
    add_offer(desk, business_id, "Anywhere")
    add_offer(desk, business_id, "North only", areas=["North Herts"])
    add_offer(desk, business_id, "South only", areas=["South Herts"])
    with desk.read() as tx:
        texts = {r.text for r in offers.list_offers(tx, area="north herts")}
    assert texts == {"Anywhere", "North only"}


# -- offers for a carer -------------------------------------------------------------


def _offers_for(desk: Desk, carer_id: uuid.UUID) -> set[str]:
    with desk.read() as tx:
        return {r.text for r in offers.offers_for_carer(tx, carer_id)}


def test_carer_sees_offers_where_they_live_and_anywhere(desk: Desk) -> None:
    business_id = add_business(desk)
    add_offer(desk, business_id, "Anywhere")
    add_offer(desk, business_id, "North only", areas=["North Herts"])
    add_offer(desk, business_id, "South only", areas=["South Herts"])
    add_offer(desk, business_id, "North, expired", areas=["North Herts"],
              ends_on=TODAY - timedelta(days=1))  # fmt: skip
    carer_id = add_carer(desk, "Testy", area="north HERTS")
    assert _offers_for(desk, carer_id) == {"Anywhere", "North only"}


def test_carer_also_sees_offers_where_the_cared_for_person_lives(desk: Desk) -> None:
    business_id = add_business(desk)
    add_offer(desk, business_id, "North only", areas=["North Herts"])
    add_offer(desk, business_id, "South only", areas=["South Herts"])
    add_offer(desk, business_id, "East only", areas=["East Herts"])
    carer_id = add_carer(desk, "Testy", area="North Herts")
    with desk.transaction() as tx:
        tx.session.add(CaredFor(carer_id=carer_id, area="South Herts"))
        tx.session.add(CaredFor(carer_id=carer_id, area="East Herts", deleted=True))
    assert _offers_for(desk, carer_id) == {"North only", "South only"}


def test_carer_without_an_area_sees_only_offers_valid_anywhere(desk: Desk) -> None:
    business_id = add_business(desk)
    add_offer(desk, business_id, "Anywhere")
    add_offer(desk, business_id, "North only", areas=["North Herts"])
    assert _offers_for(desk, add_carer(desk, "Testy", area=None)) == {"Anywhere"}


def test_young_carer_only_offer_is_not_shown_to_adults(desk: Desk) -> None:
    business_id = add_business(desk)
    add_offer(desk, business_id, "For everyone")
    add_offer(desk, business_id, "Young carers only", eligible=[CarerType.YOUNG_CARER])
    adult = add_carer(desk, "Testy", area=None, dob=date(1970, 1, 1))
    young = add_carer(desk, "Tiny", area=None, dob=date(2012, 6, 1))
    assert _offers_for(desk, adult) == {"For everyone"}
    assert _offers_for(desk, young) == {"For everyone", "Young carers only"}


def test_young_carer_stops_seeing_young_carer_offers_on_turning_18(desk: Desk) -> None:
    add_offer(desk, add_business(desk), "Young carers only", eligible=[CarerType.YOUNG_CARER])
    young = add_carer(desk, "Tiny", area=None, dob=date(2007, 6, 1))
    assert _offers_for(desk, young) == {"Young carers only"}
    set_today(desk, date(2025, 6, 1))
    assert _offers_for(desk, young) == set()


# -- who may do what ----------------------------------------------------------------


def test_volunteer_can_list_offers_but_not_change_them(
    desk: Desk, desk_as: Callable[[Role], Desk]
) -> None:
    business_id = add_business(desk)
    offer_id = add_offer(desk, business_id)
    volunteer = desk_as(Role.VOLUNTEER)
    set_today(volunteer, TODAY)
    with volunteer.read() as tx:
        assert [r.offer_id for r in offers.list_offers(tx)] == [offer_id]
        assert offers.review_due_count(tx) == 0
    attempts = [
        lambda tx: offers.add_business(tx, BusinessFields(name="Mock Shop")),
        lambda tx: offers.update_business(tx, business_id, BusinessFields(town="Hitchin")),
        lambda tx: offers.retire_business(tx, business_id),
        lambda tx: offers.add_offer(tx, OfferFields(business_id=business_id, text="Free")),
        lambda tx: offers.update_offer(tx, offer_id, OfferFields(text="Free")),
        lambda tx: offers.retire_offer(tx, offer_id),
        lambda tx: offers.mark_checked(tx, offer_id),
    ]
    for attempt in attempts:
        with volunteer.transaction() as tx, pytest.raises(PermissionDenied):
            attempt(tx)


def test_staff_can_change_offers(desk: Desk, desk_as: Callable[[Role], Desk]) -> None:
    staff = desk_as(Role.STAFF)
    with staff.transaction() as tx:
        business = offers.add_business(tx, BusinessFields(name="Mock Shop"))
        offers.add_offer(tx, OfferFields(business_id=business.id, text="Free bag"))
    with desk.read() as tx:
        assert [r.text for r in offers.list_offers(tx)] == ["Free bag"]
