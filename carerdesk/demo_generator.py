"""The demo's fake people, cards, offers and history, made as rows ready to insert.

``DemoGenerator`` makes everything ``carerdesk.demo.build_demo`` puts in the
demo database: plain dicts in stored form, the same for the same seed. See
``carerdesk.demo`` for what the demo holds and why every value is fake.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from faker.providers.person.en_GB import Provider as GbNames

from carerdesk.cardnumbers import format_card_number
from carerdesk.demo_data import (
    _AGE,
    _ALLOWANCES,
    _BRANCHES,
    _BUSINESS_NAMES,
    _CARD_NOTES,
    _CARD_PLAN,
    _CARED_FOR_COUNT,
    _CARED_FOR_NOTES,
    _CARER_NOTES,
    _CARER_TYPE,
    _CLOSED_NOTE,
    _CLOSED_REASONS,
    _CONTACT,
    _CONTACT_COUNT,
    _CONTACT_EMAIL,
    _CONTACT_KIND,
    _DISABILITY,
    _EMPLOYMENT,
    _ETHNICITY,
    _GENDER,
    _HOURS,
    _HOURS_YOUNG,
    _INWARD_LETTERS,
    _LAST_NAME,
    _LIVES_WITH,
    _NAME_WORDS,
    _NEED,
    _NEED_CHILD,
    _OFFER_TERMS,
    _OFFERS,
    _OTHER_AREAS,
    _PLAN_NEEDS,
    _PLAN_RELATIONSHIPS,
    _REFERRAL,
    _REFERRAL_YOUNG,
    _REFERRED_TO,
    _RELATIONSHIP,
    _STATUS,
    _STREET_KINDS,
    _STREET_STEMS,
    _TITLES,
    _TOWN,
    _WORK_DONE,
    _YOUNG_OFFERS,
    Town,
    _age_group,
)
from carerdesk.models.enums import (
    CardKind,
    CardStatus,
    CarerStatus,
    CarerType,
    Gender,
    Relationship,
)

SITE_CODE = "DEM"
BUSINESSES = 150
OFFERS = 350
HISTORY_DAYS = 548  # 18 months
CARD_YEARS = timedelta(days=3 * 365 + 1)
_NINE_AM = time(9, tzinfo=UTC)

Row = dict[str, Any]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


class DemoGenerator:
    """Makes every row from one seeded random stream, so a seed gives one demo."""

    def __init__(self, seed: int, now: datetime, user_ids: list[uuid.UUID]) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        self.user_ids = user_ids
        self.carers: list[Row] = []
        self.cared_for: list[Row] = []
        self.plans: list[Row] = []
        self.cards: list[Row] = []
        self.card_events: list[Row] = []
        self.batches: list[Row] = []
        self.businesses: list[Row] = []
        self.offers: list[Row] = []
        self._batch_by_day: dict[date, Row] = {}
        self._emergency: set[uuid.UUID] = set()
        self._streets: dict[str, list[tuple[str, str]]] = {}
        self._surgeries: dict[str, list[str]] = {}
        self._count = 0

    # -- small helpers ---------------------------------------------------------

    def row(self, at: datetime, updated: datetime | None = None) -> Row:
        return {
            "id": uuid.UUID(int=self.rng.getrandbits(128), version=4),
            "created_at": at,
            "updated_at": updated or at,
            "site_code": SITE_CODE,
            "version": 1,
            "deleted": False,
        }

    def at(self, day: date) -> datetime:
        """A moment in working hours on ``day`` (UTC, to the minute), never in the future."""
        moment = datetime.combine(day, _NINE_AM) + timedelta(minutes=int(self.rng.random() * 480))
        return min(moment, self.now)

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def mobile(self) -> str:
        return f"07700 900{self.rng.randrange(1000):03d}"

    def landline(self) -> str:
        return f"01632 960{self.rng.randrange(1000):03d}"

    def person(self, gender: Gender | None = None) -> tuple[str, str]:
        """A first and last name from Faker's British lists (picked here: much faster)."""
        rng = self.rng
        woman = gender is Gender.WOMAN or (gender is not Gender.MAN and rng.random() < 0.5)
        first = rng.choice(GbNames.first_names_female if woman else GbNames.first_names_male)
        return first, _LAST_NAME(rng)

    def place(self, town: Town) -> tuple[str, str]:
        """A street and postcode in ``town``; each street has one to three postcodes."""
        if town.name not in self._streets:
            rng, streets = self.rng, []
            for _ in range(max(20, self._count * town.weight // 2500)):
                stem = rng.choice(_STREET_STEMS) if rng.random() < 0.3 else _LAST_NAME(rng)
                street, outward = f"{stem} {rng.choice(_STREET_KINDS)}", rng.choice(town.outward)
                for _ in range(rng.randint(1, 3)):
                    inward = f"{rng.randint(1, 9)}{''.join(rng.choices(_INWARD_LETTERS, k=2))}"
                    streets.append((street, f"{outward} {inward}"))
            self._streets[town.name] = streets
        return self.rng.choice(self._streets[town.name])

    # -- carers and the people they care for -----------------------------------

    def make_carers(self, count: int) -> None:
        self._count = count
        self.carers = [self._carer(_TOWN(self.rng)) for _ in range(count)]
        self.carers.sort(key=lambda c: c["created_at"])
        for key, carer in enumerate(self.carers, start=1):
            carer["search_key"] = key
            self._cared_for(carer)

    def _carer(self, town: Town) -> Row:
        rng, today = self.rng, self.today
        kind = _CARER_TYPE(rng)
        age = _AGE[kind](rng)
        young = kind in (CarerType.YOUNG_CARER, CarerType.YOUNG_ADULT_CARER)
        gender = _GENDER(rng)
        first, last = self.person(gender)
        dob = today - timedelta(days=int((age + rng.random() * 0.99) * 365.25))
        # The scheme has grown: more carers registered lately than four years ago.
        back = min(int(4 * 365 * rng.random() ** 1.3), max(0, (today - dob).days - 7 * 365))
        registered = today - timedelta(days=back)
        created = self.at(registered)
        street, postcode = self.place(town)
        if rng.random() < 0.12:
            line1, line2 = f"Flat {rng.randint(1, 24)}", f"{_LAST_NAME(rng)} Court, {street}"
        else:
            line1, line2 = f"{rng.randint(1, 180)} {street}", None
        mobile = self.mobile() if rng.random() < (0.95 if young else 0.8) else None
        home = self.landline() if not mobile or rng.random() < (0.1 if young else 0.35) else None
        email = None
        if rng.random() < (0.2 if age >= 75 else 0.55):
            email = f"{_slug(first)}.{_slug(last)}{rng.randint(1, 99)}@example.org"
        status = _STATUS(rng)
        if young and status is CarerStatus.DECEASED:
            status = CarerStatus.WITHDRAWN
        closed = self.between(registered, today) if status is not CarerStatus.ACTIVE else None
        all_scopes = rng.random() < 0.7
        offered = registered + timedelta(days=rng.randint(0, 60))
        assessed = not young and offered <= today and rng.random() < 0.4
        completed = offered + timedelta(days=rng.randint(30, 90))
        completed = completed if assessed and completed <= today and rng.random() < 0.7 else None
        band = "young" if age < 18 else "yac" if age <= 25 else "adult" if age < 65 else "older"
        return {
            **self.row(created, max(created, self.at(closed)) if closed else created),
            "title": None if young or rng.random() < 0.3 else rng.choice(_TITLES[gender]),
            "first_name": first,
            "last_name": last,
            "preferred_name": rng.choice(GbNames.first_names) if rng.random() < 0.04 else None,
            "date_of_birth": None if not young and rng.random() < 0.23 else dob,
            "address_line1": line1,
            "address_line2": line2,
            "address_line3": None,
            "town": town.name,
            "postcode": postcode,
            "area": town.area,
            "phone": mobile or home,
            "phone_other": home if mobile else None,
            "email": email,
            "preferred_contact": (_CONTACT_EMAIL if email else _CONTACT)(rng),
            "carer_type": kind,
            "consent_given_on": registered,
            "consent_recorded_by": rng.choice(self.user_ids),
            "consent_keep_record": True,
            "consent_contact": all_scopes or rng.random() < 0.85,
            "consent_share_gp": all_scopes or rng.random() < 0.5,
            "consent_share_partners": all_scopes or rng.random() < 0.4,
            "notes": rng.choice(_CARER_NOTES) if rng.random() < 0.1 else None,
            "status": status,
            "registered_on": registered,
            "closed_on": closed,
            "closed_reason": rng.choice(_CLOSED_REASONS[status]) if closed else None,
            "gender": gender,
            "ethnicity": _ETHNICITY(rng),
            "caring_hours": (_HOURS_YOUNG if young else _HOURS)(rng),
            "lives_with_cared_for": _LIVES_WITH(rng),
            "own_disability": _DISABILITY(rng),
            "employment": _EMPLOYMENT[band](rng),
            "referral_source": (_REFERRAL_YOUNG if young else _REFERRAL)(rng),
            "gp_practice": self._surgery(town) if rng.random() < 0.75 else None,
            "assessment_offered_on": offered if assessed else None,
            "assessment_completed_on": completed,
            "assessment_review_on": completed + timedelta(days=365) if completed else None,
            "young_carer_allowances": rng.choice(_ALLOWANCES)
            if kind is CarerType.YOUNG_CARER and rng.random() < 0.7
            else None,
        }

    def _surgery(self, town: Town) -> str:
        if town.name not in self._surgeries:
            rng = self.rng
            self._surgeries[town.name] = [
                f"{_LAST_NAME(rng)} House Surgery",
                f"{town.name} Health Centre",
                f"{rng.choice(('Bridge', 'Park', 'Abbey', 'Lister'))} Medical Practice",
                f"The {_LAST_NAME(rng)} Practice",
            ]
        return self.rng.choice(self._surgeries[town.name])

    def _cared_for(self, carer: Row) -> None:
        rng, kind = self.rng, carer["carer_type"]
        age = (self.today - carer["date_of_birth"]).days // 365 if carer["date_of_birth"] else 55
        how_many = _CARED_FOR_COUNT(rng)
        for _ in range(how_many):
            relationship = _RELATIONSHIP[kind](rng)
            first, last = self.person()
            if rng.random() < 0.8 and relationship not in (
                Relationship.FRIEND,
                Relationship.NEIGHBOUR,
            ):
                last = carer["last_name"]
            area = carer["area"]
            if rng.random() < 0.2:
                area = rng.choice([a for a in _OTHER_AREAS if a != area])
            child = relationship is Relationship.CHILD
            self.cared_for.append(
                {
                    **self.row(carer["created_at"]),
                    "carer_id": carer["id"],
                    "name": f"{first} {last}",
                    "relationship": relationship,
                    "age_group": _age_group(relationship, age, rng),
                    "main_need": (_NEED_CHILD if child else _NEED)(rng),
                    "area": area,
                    "notes": rng.choice(_CARED_FOR_NOTES) if rng.random() < 0.1 else None,
                }
            )
        if how_many and rng.random() < 0.13:
            first, last = self.person()
            backup = self.person() if rng.random() < 0.5 else None
            self.plans.append(
                {
                    **self.row(carer["created_at"]),
                    "carer_id": carer["id"],
                    "contact_name": f"{first} {last}",
                    "contact_relationship": rng.choice(_PLAN_RELATIONSHIPS),
                    "contact_phone": self.mobile(),
                    "backup_name": " ".join(backup) if backup else None,
                    "backup_phone": self.landline() if backup else None,
                    "needs_to_know": rng.choice(_PLAN_NEEDS),
                }
            )
            if rng.random() < 0.3:
                self._emergency.add(carer["id"])

    # -- cards -----------------------------------------------------------------

    def make_cards(self) -> None:
        """Cards and their history, numbered in the order they were queued."""
        rng = self.rng
        # The first card holders show every state, so even a tiny demo has them all.
        showcase = [
            "renewed",
            "expired",
            "revoked",
            "replaced",
            "stolen",
            "lost",
            "printed",
            "queued",
        ]
        for carer in self.carers:
            if carer["status"] is not CarerStatus.ACTIVE:
                if rng.random() < 0.6:
                    self._closed_card(carer)
                continue
            if rng.random() >= 0.85:
                continue
            old = carer["registered_on"] <= self.today - CARD_YEARS - timedelta(days=30)
            if showcase and (old or showcase[-1] not in ("renewed", "expired")):
                plan = showcase.pop()
            else:
                plan = _CARD_PLAN(rng)
            self._card_history(carer, plan)
        order = sorted(range(len(self.cards)), key=lambda i: (self.cards[i]["queued_on"], i))
        self.cards = [self.cards[i] for i in order]
        for serial, card in enumerate(self.cards, start=1):
            card["number"] = format_card_number(SITE_CODE, serial)

    def _card_history(self, carer: Row, plan: str) -> None:
        rng, today = self.rng, self.today
        queued = carer["registered_on"] + timedelta(days=rng.randint(0, 3))
        if plan == "queued":
            queued = max(queued, today - timedelta(days=rng.randint(0, 1)))
        elif plan == "printed":
            queued = max(queued, self._last_print_run() - timedelta(days=rng.randint(0, 6)))
        previous = None
        while True:
            card = self._new_card(carer, min(queued, today), previous)
            printed = self._print_run_after(card["queued_on"])
            if printed > today:
                return self._set(card, CardStatus.QUEUED, None, card["queued_on"])
            self._print(card, printed)
            issued = printed + timedelta(days=rng.randint(1, 14))
            if plan == "printed" or issued > today:
                return self._set(card, CardStatus.PRINTED, CardStatus.QUEUED, printed)
            card["issued_on"], card["expires_on"] = issued, issued + CARD_YEARS
            if card["expires_on"] <= today:
                if plan == "expired":
                    expired = card["expires_on"]
                    return self._set(card, CardStatus.EXPIRED, CardStatus.ISSUED, expired)
                renewed = card["expires_on"] - timedelta(days=rng.randint(1, 45))
                self._set(
                    card,
                    CardStatus.REPLACED,
                    CardStatus.ISSUED,
                    renewed,
                    "Replaced by a renewed card",
                )
                queued, previous = renewed, card
                continue
            if plan in ("lost", "stolen", "replaced", "revoked"):
                when = self.between(issued + timedelta(days=1), today)
                self._set(card, CardStatus(plan), CardStatus.ISSUED, when, _CARD_NOTES[plan])
                if plan == "revoked":
                    return None
                queued, previous, plan = when, card, "issued"
                continue
            return self._set(card, CardStatus.ISSUED, CardStatus.PRINTED, issued)

    def _closed_card(self, carer: Row) -> None:
        queued = carer["registered_on"] + timedelta(days=self.rng.randint(0, 3))
        card = self._new_card(carer, queued, None)
        printed, closed = self._print_run_after(queued), carer["closed_on"]
        if printed >= closed:
            return self._set(card, CardStatus.REVOKED, CardStatus.QUEUED, closed, _CLOSED_NOTE)
        self._print(card, printed)
        card["issued_on"] = printed + timedelta(days=self.rng.randint(1, 14))
        card["expires_on"] = card["issued_on"] + CARD_YEARS
        if card["expires_on"] < closed:
            return self._set(card, CardStatus.EXPIRED, CardStatus.ISSUED, card["expires_on"])
        return self._set(card, CardStatus.REVOKED, CardStatus.ISSUED, closed, _CLOSED_NOTE)

    def _new_card(self, carer: Row, queued: date, previous: Row | None) -> Row:
        kind = (
            CardKind.YOUNG_CARER
            if carer["carer_type"] is CarerType.YOUNG_CARER
            else CardKind.EMERGENCY
            if carer["id"] in self._emergency
            else CardKind.STANDARD
        )
        card = {
            **self.row(self.at(queued)),
            "carer_id": carer["id"],
            "kind": kind,
            "status": CardStatus.QUEUED,
            "queued_on": queued,
            "issued_on": None,
            "expires_on": None,
            "replaces_id": previous["id"] if previous else None,
            "replaced_by_id": None,
            "batch_id": None,
        }
        if previous is not None:
            previous["replaced_by_id"] = card["id"]
        self.cards.append(card)
        return card

    def _set(
        self,
        card: Row,
        status: CardStatus,
        before: CardStatus | None,
        day: date,
        note: str | None = None,
    ) -> None:
        """Give ``card`` its current status, and the event that brought it there."""
        at = max(self.at(min(day, self.today)), card["created_at"])
        card["status"], card["updated_at"] = status, at
        # Anyone may queue a card or report one lost; staff do the rest.
        anyone = status in (CardStatus.QUEUED, CardStatus.LOST, CardStatus.STOLEN)
        self.card_events.append(
            {
                **self.row(at),
                "card_id": card["id"],
                "at": at,
                "from_status": before,
                "to_status": status,
                "note": note,
                "by_user": self.rng.choice(self.user_ids if anyone else self.user_ids[:2]),
            }
        )

    def _last_print_run(self) -> date:
        """Cards are printed once a week, most recently two days ago."""
        return self.today - timedelta(days=2)

    def _print_run_after(self, day: date) -> date:
        last = self._last_print_run()
        return last - timedelta(days=7 * ((last - day).days // 7))

    def _print(self, card: Row, day: date) -> None:
        batch = self._batch_by_day.get(day)
        if batch is None:
            at = datetime.combine(day, time(10, 30), UTC)
            batch = {
                **self.row(at),
                "printed_at": at,
                "printed_by": self.user_ids[1],
                "layout": "a4-10",
                "card_count": 0,
            }
            self._batch_by_day[day] = batch
            self.batches.append(batch)
        batch["card_count"] += 1
        card["batch_id"] = batch["id"]

    # -- businesses and offers -------------------------------------------------

    def make_businesses(self) -> None:
        rng, names, areas = self.rng, set(), {}
        categories = list(_BUSINESS_NAMES)
        for n in range(BUSINESSES):
            town, category = _TOWN(rng), categories[n % len(categories)]
            first, last = self.person()
            name = rng.choice(_BUSINESS_NAMES[category]).format(
                first=first, last=last, town=town.name, word=rng.choice(_NAME_WORDS)
            )
            while name in names:  # a second branch of the same business
                name = f"{name} {rng.choice(_BRANCHES)}"
            names.add(name)
            street, postcode = self.place(town)
            joined = self.days_ago(30, 4 * 365)
            business = {
                **self.row(self.at(joined)),
                "name": name,
                "address_line1": f"{rng.randint(1, 120)} {street}",
                "address_line2": None,
                "town": town.name,
                "postcode": postcode,
                "contact_name": f"{first} {last}",
                "phone": self.landline(),
                "email": f"hello@{_slug(name)}.example",
                "website": f"https://{_slug(name)}.example" if rng.random() < 0.6 else None,
                "category": category,
                "sticker_given_on": joined,
                "notes": None,
                "retired_on": self.between(joined, self.today) if rng.random() < 0.04 else None,
            }
            areas[business["id"]] = town.area
            self.businesses.append(business)
        extra = rng.choices(self.businesses, k=OFFERS - BUSINESSES)
        self.offers = [self._offer(b, areas[b["id"]]) for b in [*self.businesses, *extra]]

    def _offer(self, business: Row, area: str) -> Row:
        rng, today = self.rng, self.today
        young = rng.random() < 0.1
        starts = self.between(business["sticker_given_on"], today)
        checked = max(starts, self.days_ago(*((366, 700) if rng.random() < 0.15 else (0, 364))))
        ends = None
        if rng.random() < 0.15:
            ends = self.days_ago(1, 300) if rng.random() < 0.5 else self.days_ago(-300, -1)
        retired = business["retired_on"]
        if retired is None and rng.random() < 0.07:
            retired = self.between(starts, today)
        return {
            **self.row(self.at(starts), self.at(checked)),
            "business_id": business["id"],
            "text": rng.choice(_YOUNG_OFFERS if young else _OFFERS[business["category"]]),
            "terms": rng.choice(_OFFER_TERMS),
            "categories": [business["category"]],
            "areas": [area] if rng.random() < 0.2 else [],
            "eligible": (
                ["young_carer"] if rng.random() < 0.7 else ["young_carer", "young_adult_carer"]
            )
            if young
            else [],
            "starts_on": starts,
            "ends_on": ends,
            "last_checked_on": checked,
            "review_due_on": checked + timedelta(days=365),
            "retired_on": retired,
        }

    # -- contact history -------------------------------------------------------

    def make_contacts(self) -> list[Row]:
        """About 1.5 contacts per carer over the last 18 months."""
        rng, out = self.rng, []
        start = self.today - timedelta(days=HISTORY_DAYS)
        for carer in self.carers:
            first, last = max(start, carer["registered_on"]), carer["closed_on"] or self.today
            for _ in range(_CONTACT_COUNT(rng) if first <= last else 0):
                at, kind = self.at(self.between(first, last)), _CONTACT_KIND(rng)
                out.append(
                    {
                        **self.row(at),
                        "carer_id": carer["id"],
                        "at": at,
                        "kind": kind,
                        "minutes": rng.choice((5, 10, 15, 20, 30, 30, 45, 60, 90)),
                        "by_user": rng.choice(self.user_ids),
                        "what_was_done": rng.choice(_WORK_DONE[kind]),
                        "referred_to": rng.choice(_REFERRED_TO) if rng.random() < 0.15 else None,
                    }
                )
        return out
