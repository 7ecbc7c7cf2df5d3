"""A realistic, obviously fake demo scheme, for trying carerdesk out and for benchmarks.

``build_demo`` makes "Demoshire Carer Passport" (site DEM): carers of every
age and kind with cared-for people, emergency plans, cards in every state,
businesses and offers, and 18 months of contact history. Every value is fake:
names from Faker, postcodes made up from real outward codes, phone numbers
from Ofcom's drama ranges, email and web addresses on reserved domains. The
same ``seed`` always gives the same people in the same order.

Rows are written with bulk inserts (a 100,000-carer demo builds in seconds),
so this module fills the columns the session hooks would normally keep.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import insert
from sqlmodel import select

from carerdesk.cardnumbers import format_card_number
from carerdesk.desk import create_database, open_desk
from carerdesk.models import (
    Business, Card, CardEvent, CaredFor, Carer, ContactLog, EmergencyPlan, Offer, PrintBatch,
    SchemeSettings, Site,
)  # fmt: skip
from carerdesk.models.enums import (
    CardKind as CK, CardStatus as CS, CarerStatus, CarerType as CT, Role,
)  # fmt: skip
from carerdesk.services import search_index, users
from carerdesk.services.demo_data import (
    BUSINESS_NAMES, CARED_FOR, CARER_FIELDS, CLOSED_REASONS, EMERGENCY_NEEDS, EMPLOYMENT,
    OFFER_TERMS, OFFERS, OTHER_AREAS, REFERRED_TO, TOWNS, WORK_DONE, YOUNG_ALLOWANCES,
    YOUNG_OFFERS, Town, Weighted,
)  # fmt: skip

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-carers"  # fixed on purpose: the demo holds no real data
SCHEME_NAME = "Demoshire Carer Passport"
SITE_CODE = "DEM"
CHUNK = 5000
BUSINESSES = 150
OFFER_COUNT = 350
HISTORY_DAYS = 548  # 18 months
_YEARS3 = timedelta(days=3 * 365 + 1)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoInfo:
    """Where the demo was built and how to sign in to it."""

    path: Path
    username: str
    password: str
    carers: int
    recovery_key: str


_STEPS = ("Creating the database", "Adding users", "Making carers", "Saving carers",
          "Saving cards", "Saving businesses and offers", "Saving contact history",
          "Building the search index", "Finishing")  # fmt: skip


def build_demo(
    path: Path,
    *,
    carers: int = 2000,
    seed: int = 1,
    progress: Progress | None = None,
    with_history: bool = True,
    today: date | None = None,
) -> DemoInfo:
    """Create a demo database at ``path`` with ``carers`` fake carers.

    Sign in as ``DEMO_USERNAME`` (coordinator), "volunteer" or "staff", all
    with ``DEMO_PASSWORD``. ``progress(done, total, text)`` is told each step.
    """

    def step(n: int) -> None:
        if progress is not None:
            progress(n, len(_STEPS), _STEPS[min(n, len(_STEPS) - 1)])

    step(0)
    recovery = create_database(
        path, scheme_name=SCHEME_NAME, site_code=SITE_CODE, admin_username=DEMO_USERNAME,
        admin_password=DEMO_PASSWORD, admin_display_name="Demo Coordinator",
        site_name="Demoshire Carers Centre",
    )  # fmt: skip
    desk = open_desk(path, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        step(1)
        with desk.transaction() as tx:
            for name, role, shown in (("volunteer", Role.VOLUNTEER, "Val Volunteer"),
                                      ("staff", Role.STAFF, "Sam Staff")):  # fmt: skip
                users.add_user(tx, username=name, role=role, password=DEMO_PASSWORD,
                               display_name=shown)  # fmt: skip
        with desk.transaction() as tx:
            user_ids = [desk.actor.user_id, *(u for u in tx.session.exec(
                select(users.User.id).where(users.User.username.in_(("volunteer", "staff")))
                .order_by(users.User.username)))]  # fmt: skip
            gen = _Generator(seed, today or date.today(), user_ids)
            step(2)
            gen.make_carers(carers)
            step(3)
            _bulk(tx, Carer, gen.carers)
            _bulk(tx, CaredFor, gen.cared_for)
            _bulk(tx, EmergencyPlan, gen.plans)
            step(4)
            gen.make_cards()
            _bulk(tx, PrintBatch, gen.batches)
            _bulk(tx, Card, gen.cards)
            _bulk(tx, CardEvent, gen.card_events)
            site = tx.session.exec(select(Site).where(Site.code == SITE_CODE)).one()
            site.next_card_serial = len(gen.cards) + 1
            step(5)
            gen.make_businesses()
            _bulk(tx, Business, gen.businesses)
            _bulk(tx, Offer, gen.offers)
            scheme = tx.session.exec(select(SchemeSettings)).one()
            scheme.contact_phone = "01632 960000"
            scheme.contact_email = "cards@demoshire.example"
            scheme.website = "https://demoshire.example"
            step(6)
            if with_history:
                _bulk(tx, ContactLog, gen.make_contacts())
            step(7)
            search_index.rebuild(tx.session)
            tx.audit("demo.build")
        step(8)
        desk.checkpoint() if hasattr(desk, "checkpoint") else None
    finally:
        desk.close()
    step(len(_STEPS))
    return DemoInfo(path, DEMO_USERNAME, DEMO_PASSWORD, carers, recovery)


def _bulk(tx: Any, model: type, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        tx.session.execute(insert(model), rows[start : start + CHUNK])


def _at(day: date, rng: random.Random) -> datetime:
    """A moment in working hours on ``day``, in UTC."""
    return datetime.combine(day, time(rng.randint(9, 16), rng.randrange(60)), UTC)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


class _Generator:
    """Makes the rows, all from one seeded random stream."""

    def __init__(self, seed: int, today: date, user_ids: list[uuid.UUID]) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.today = today
        self.user_ids = user_ids
        self.carers: list[dict[str, Any]] = []
        self.cared_for: list[dict[str, Any]] = []
        self.plans: list[dict[str, Any]] = []
        self.cards: list[dict[str, Any]] = []
        self.card_events: list[dict[str, Any]] = []
        self.batches: list[dict[str, Any]] = []
        self.businesses: list[dict[str, Any]] = []
        self.offers: list[dict[str, Any]] = []
        self._batch_by_day: dict[date, dict[str, Any]] = {}
        self._emergency: set[uuid.UUID] = set()
        self._streets: dict[str, list[tuple[str, str]]] = {}
        self._surgeries: dict[str, list[str]] = {}

    # -- small helpers ---------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def row(self, at: datetime, updated: datetime | None = None) -> dict[str, Any]:
        return {"id": self.uuid(), "created_at": at, "updated_at": updated or at,
                "site_code": SITE_CODE, "version": 1, "deleted": False}  # fmt: skip

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def mobile(self) -> str:
        return f"07700 900{self.rng.randrange(1000):03d}"

    def landline(self) -> str:
        return f"01632 960{self.rng.randrange(1000):03d}"

    def person(self, gender: str | None = None) -> tuple[str, str]:
        g = gender or self.rng.choice("wm")
        first = self.fake.first_name_female() if g == "w" else self.fake.first_name_male()
        return first, self.fake.last_name()

    def place(self, town: Town) -> tuple[str, str]:
        """A street and postcode in ``town``; each street has one to three postcodes."""
        if town.name not in self._streets:
            self._streets[town.name] = self._make_streets(town)
        return self.rng.choice(self._streets[town.name])

    def _make_streets(self, town: Town) -> list[tuple[str, str]]:
        rng, out = self.rng, []
        suffixes = ("Road", "Close", "Avenue", "Way", "Lane", "Gardens", "Crescent", "Drive",
                    "Street", "Court", "Grove", "Walk", "Place", "Mews", "Rise", "View")  # fmt: skip
        stems = ("Oak", "Beech", "Meadow", "Church", "Mill", "Station", "Park", "Orchard",
                 "Willow", "Manor", "Highfield", "Chestnut", "Hawthorn", "Queens", "Kings")  # fmt: skip
        count = max(20, len(self.carers) * town.weight // 2000)
        for _ in range(count):
            stem = rng.choice(stems) if rng.random() < 0.3 else self.fake.last_name()
            street = f"{stem} {rng.choice(suffixes)}"
            outward = rng.choice(town.outward)
            for _ in range(rng.randint(1, 3)):
                inward = f"{rng.randint(1, 9)}{''.join(rng.choices('ABDEFGHJLNPQRSTUWXYZ', k=2))}"
                out.append((street, f"{outward} {inward}"))
        return out

    # -- carers ----------------------------------------------------------------

    def make_carers(self, count: int) -> None:
        rng = self.rng
        town_pick = Weighted({t: t.weight for t in TOWNS})
        self._count = count
        for _ in range(count):
            self.carers.append(self._carer(town_pick(rng)))
        self.carers.sort(key=lambda c: (c["registered_on"], c["created_at"]))
        for key, carer in enumerate(self.carers, start=1):
            carer["search_key"] = key
        for carer in self.carers:
            self._cared_for(carer)

    def _carer(self, town: Town) -> dict[str, Any]:
        rng, f, today = self.rng, CARER_FIELDS, self.today
        kind = f["carer_type"](rng)
        age = f["age"][kind](rng)
        gender = f["gender"](rng)
        first, last = self.person("w" if gender == "woman" else "m" if gender == "man" else None)
        dob = today - timedelta(days=int((age + rng.random() * 0.99) * 365.25))
        young = kind in (CT.YOUNG_CARER, CT.YOUNG_ADULT_CARER)
        # The scheme has grown: more carers registered recently than four years ago.
        back = min(int(4 * 365 * rng.random() ** 1.3), max(0, (today - dob).days - 7 * 365))
        registered = today - timedelta(days=back)
        created = _at(registered, rng)
        street, postcode = self.place(town)
        if rng.random() < 0.12:
            line1, line2 = f"Flat {rng.randint(1, 24)}", f"{self.fake.last_name()} Court, {street}"
        else:
            line1, line2 = f"{rng.randint(1, 180)} {street}", None
        mobile = self.mobile() if rng.random() < (0.95 if young else 0.8) else None
        home = self.landline() if rng.random() < (0.1 if young else 0.35) or not mobile else None
        email = None
        if rng.random() < (0.2 if age >= 75 else 0.55):
            email = f"{_slug(first)}.{_slug(last)}{rng.randint(1, 99)}@example.org"
        status = f["status"](rng)
        if young and status is CarerStatus.DECEASED:
            status = CarerStatus.WITHDRAWN
        closed = self.between(registered, today) if status is not CarerStatus.ACTIVE else None
        all_scopes = rng.random() < 0.7
        offered = registered + timedelta(days=rng.randint(0, 60))
        has_assessment = not young and rng.random() < 0.4 and offered <= today
        completed = offered + timedelta(days=rng.randint(30, 90))
        has_completed = has_assessment and rng.random() < 0.7 and completed <= today
        employment = EMPLOYMENT["young" if age < 18 else "yac" if age <= 25 else
                                "adult" if age < 65 else "older"](rng)  # fmt: skip
        gp = self._surgery(town) if rng.random() < 0.75 else None
        return {
            **self.row(created, _at(closed, rng) if closed else created),
            "title": None if young else f["title"][gender](rng),
            "first_name": first, "last_name": last,
            "preferred_name": self.fake.first_name() if rng.random() < 0.04 else None,
            "date_of_birth": None if not young and rng.random() < 0.23 else dob,
            "address_line1": line1, "address_line2": line2, "address_line3": None,
            "town": town.name, "postcode": postcode,
            "phone": mobile or home, "phone_other": home if mobile else None, "email": email,
            "preferred_contact": f["contact"](rng) if (email or rng.random() > 0.3) else
            f["contact_no_email"](rng),
            "carer_type": kind, "area": town.area,
            "consent_given_on": registered, "consent_recorded_by": rng.choice(self.user_ids),
            "consent_keep_record": True, "consent_contact": all_scopes or rng.random() < 0.85,
            "consent_share_gp": all_scopes or rng.random() < 0.5,
            "consent_share_partners": all_scopes or rng.random() < 0.4,
            "notes": rng.choice(f["notes"]) if rng.random() < 0.1 else None,
            "status": status, "registered_on": registered, "closed_on": closed,
            "closed_reason": rng.choice(CLOSED_REASONS[status]) if closed else None,
            "gender": gender, "ethnicity": f["ethnicity"](rng),
            "caring_hours": f["hours_young" if young else "hours"](rng),
            "lives_with_cared_for": f["lives_with"](rng), "own_disability": f["disability"](rng),
            "employment": employment, "referral_source": f["referral_young" if young else
                                                           "referral"](rng),
            "gp_practice": gp,
            "assessment_offered_on": offered if has_assessment else None,
            "assessment_completed_on": completed if has_completed else None,
            "assessment_review_on": completed + timedelta(days=365) if has_completed else None,
            "young_carer_allowances": rng.choice(YOUNG_ALLOWANCES)
            if kind is CT.YOUNG_CARER and rng.random() < 0.7 else None,
            "_age": age,
        }  # fmt: skip

    def _surgery(self, town: Town) -> str:
        if town.name not in self._surgeries:
            self._surgeries[town.name] = [
                f"{self.fake.last_name()} House Surgery", f"{town.name} Health Centre",
                f"{self.rng.choice(('Bridge', 'Park', 'Abbey', 'Lister'))} Medical Practice",
                f"The {self.fake.last_name()} Practice",
            ]  # fmt: skip
        return self.rng.choice(self._surgeries[town.name])

    def _cared_for(self, carer: dict[str, Any]) -> None:
        rng, kind = self.rng, carer["carer_type"]
        how_many = CARED_FOR["count"](rng)
        for _ in range(how_many):
            relationship = CARED_FOR["relationship"][kind](rng)
            first, last = self.person()
            if rng.random() < 0.8 and relationship.value not in ("friend", "neighbour"):
                last = carer["last_name"]
            area = carer["area"]
            if rng.random() < 0.2:
                area = rng.choice([a for a in OTHER_AREAS if a != area])
            self.cared_for.append({
                **self.row(carer["created_at"]), "carer_id": carer["id"],
                "name": f"{first} {last}", "relationship": relationship,
                "age_group": CARED_FOR["age_group"](relationship, carer["_age"], rng),
                "main_need": CARED_FOR["need_child" if relationship.value == "child"
                                       else "need"](rng),
                "area": area,
                "notes": rng.choice(CARED_FOR["notes"]) if rng.random() < 0.1 else None,
            })  # fmt: skip
        if how_many and rng.random() < 0.13:
            first, last = self.person()
            backup = self.person() if rng.random() < 0.5 else None
            self.plans.append({
                **self.row(carer["created_at"]), "carer_id": carer["id"],
                "contact_name": f"{first} {last}",
                "contact_relationship": rng.choice(EMERGENCY_NEEDS["relationship"]),
                "contact_phone": self.mobile(),
                "backup_name": f"{backup[0]} {backup[1]}" if backup else None,
                "backup_phone": self.landline() if backup else None,
                "needs_to_know": rng.choice(EMERGENCY_NEEDS["needs"]),
            })  # fmt: skip
            if rng.random() < 0.3:
                self._emergency.add(carer["id"])

    # -- cards -----------------------------------------------------------------

    def make_cards(self) -> None:
        """Cards, with their history, then numbered in the order they were queued."""
        rng, plan_pick = self.rng, Weighted(CARER_FIELDS["card_plan"])
        showcase = ["queued", "printed", "lost", "stolen", "replaced", "revoked", "expired",
                    "renewed"]  # fmt: skip
        for carer in self.carers:
            carer.pop("_age")
        for carer in self.carers:
            if carer["status"] is not CarerStatus.ACTIVE:
                if rng.random() < 0.6:
                    self._closed_card(carer)
                continue
            if rng.random() >= 0.85:
                continue
            plan = showcase.pop() if showcase else plan_pick(rng)
            if plan in ("expired", "renewed") and carer["registered_on"] > self.today - _YEARS3:
                plan = "issued"
            self._card_history(carer, plan)
        order = sorted(range(len(self.cards)), key=lambda i: (self.cards[i]["queued_on"], i))
        for serial, i in enumerate(order, start=1):
            self.cards[i]["number"] = format_card_number(SITE_CODE, serial)
        self.cards = [self.cards[i] for i in order]

    def _card_history(self, carer: dict[str, Any], plan: str) -> None:
        rng, today = self.rng, self.today
        queued = carer["registered_on"] + timedelta(days=rng.randint(0, 3))
        if plan == "queued":
            queued = max(queued, today - timedelta(days=rng.randint(0, 1)))
        elif plan == "printed":
            queued = max(queued, self._last_batch_day() - timedelta(days=rng.randint(0, 6)))
        previous = None
        while True:
            card = self._new_card(carer, min(queued, today), previous)
            printed = self._batch_day_after(card["queued_on"])
            issued = printed + timedelta(days=rng.randint(1, 14))
            if printed > today:
                self._set(card, CS.QUEUED, None, card["queued_on"])
                return
            self._print(card, printed)
            if plan == "printed" or issued > today:
                self._set(card, CS.PRINTED, CS.QUEUED, printed)
                return
            card["issued_on"], card["expires_on"] = issued, issued + _YEARS3
            if card["expires_on"] <= today:
                if plan == "expired":
                    self._set(card, CS.EXPIRED, CS.ISSUED, card["expires_on"])
                    return
                self._set(card, CS.REPLACED, CS.ISSUED, None, "Replaced by a renewed card")
                queued, previous = card["expires_on"] - timedelta(days=rng.randint(1, 45)), card
                continue
            if plan in ("lost", "stolen", "replaced", "revoked"):
                when = self.between(issued + timedelta(days=1), today)
                note = {"lost": "Reported lost by phone", "stolen": "Reported stolen",
                        "replaced": "Card damaged", "revoked": "Cancelled by the coordinator"}
                self._set(card, CS(plan), CS.ISSUED, when, note[plan])
                if plan == "revoked":
                    return
                queued, previous, plan = when, card, "issued"
                continue
            self._set(card, CS.ISSUED, CS.PRINTED, issued)
            return

    def _closed_card(self, carer: dict[str, Any]) -> None:
        queued = carer["registered_on"] + timedelta(days=self.rng.randint(0, 3))
        card = self._new_card(carer, queued, None)
        printed = self._batch_day_after(queued)
        closed = carer["closed_on"]
        if printed >= closed:
            self._set(card, CS.REVOKED, CS.QUEUED, closed, "Carer's record closed")
            return
        self._print(card, printed)
        card["issued_on"] = printed + timedelta(days=self.rng.randint(1, 14))
        card["expires_on"] = card["issued_on"] + _YEARS3
        if card["expires_on"] < closed:
            self._set(card, CS.EXPIRED, CS.ISSUED, card["expires_on"])
        else:
            self._set(card, CS.REVOKED, CS.ISSUED, closed, "Carer's record closed")

    def _new_card(self, carer: dict[str, Any], queued: date, previous: dict | None) -> dict:
        kind = (CK.YOUNG_CARER if carer["carer_type"] is CT.YOUNG_CARER
                else CK.EMERGENCY if carer["id"] in self._emergency else CK.STANDARD)  # fmt: skip
        card = {**self.row(_at(queued, self.rng)), "carer_id": carer["id"], "kind": kind,
                "status": CS.QUEUED, "queued_on": queued, "issued_on": None, "expires_on": None,
                "replaces_id": previous["id"] if previous else None, "replaced_by_id": None,
                "batch_id": None}  # fmt: skip
        if previous is not None:
            previous["replaced_by_id"] = card["id"]
        self.cards.append(card)
        return card

    def _set(self, card: dict, status: CS, before: CS | None, day: date | None,
             note: str | None = None) -> None:  # fmt: skip
        """Give ``card`` its current status and the event that led to it."""
        day = min(day or card["queued_on"], self.today)
        at = max(_at(day, self.rng), card["created_at"])
        card["status"], card["updated_at"] = status, at
        self.card_events.append({**self.row(at), "card_id": card["id"], "at": at,
                                 "from_status": before, "to_status": status,
                                 "by_user": self.rng.choice(self.user_ids), "note": note})

    def _last_batch_day(self) -> date:
        """Cards are printed every week, the last run two days ago."""
        return self.today - timedelta(days=2)

    def _batch_day_after(self, day: date) -> date:
        return self._last_batch_day() - timedelta(days=7 * ((self._last_batch_day() - day).days // 7))

    def _print(self, card: dict[str, Any], day: date) -> None:
        batch = self._batch_by_day.get(day)
        if batch is None:
            at = datetime.combine(day, time(10, 30), UTC)
            batch = {**self.row(at), "printed_at": at, "printed_by": self.user_ids[-1],
                     "layout": "a4-10", "card_count": 0}  # fmt: skip
            self._batch_by_day[day] = batch
            self.batches.append(batch)
        batch["card_count"] += 1
        card["batch_id"] = batch["id"]

    # -- businesses and offers -------------------------------------------------

    def make_businesses(self) -> None:
        rng, today, names = self.rng, self.today, set()
        town_pick = Weighted({t: t.weight for t in TOWNS})
        categories = list(BUSINESS_NAMES)
        for n in range(BUSINESSES):
            town, category = town_pick(rng), categories[n % len(categories)]
            first, last = self.person()
            name = rng.choice(BUSINESS_NAMES[category]).format(
                first=first, last=last, town=town.name,
                tree=rng.choice(("Oak", "Willow", "Cedar", "Apple", "Holly")),
                adj=rng.choice(("Green", "Bright", "Little", "Olde", "Corner", "Riverside")))
            if name in names:
                name = f"{name} ({town.name})"
            names.add(name)
            street, postcode = self.place(town)
            joined = self.days_ago(30, 4 * 365)
            self.businesses.append({
                **self.row(_at(joined, rng)), "name": name,
                "address_line1": f"{rng.randint(1, 120)} {street}", "address_line2": None,
                "town": town.name, "postcode": postcode, "contact_name": f"{first} {last}",
                "phone": self.landline(), "email": f"hello@{_slug(name)}.example",
                "website": f"https://{_slug(name)}.example" if rng.random() < 0.6 else None,
                "category": category, "sticker_given_on": joined,
                "retired_on": self.between(joined, today) if rng.random() < 0.04 else None,
                "notes": None, "_area": town.area,
            })  # fmt: skip
        owners = list(self.businesses) + rng.choices(self.businesses, k=OFFER_COUNT - BUSINESSES)
        for business in owners:
            self.offers.append(self._offer(business))
        for business in self.businesses:
            business.pop("_area")

    def _offer(self, business: dict[str, Any]) -> dict[str, Any]:
        rng, today = self.rng, self.today
        category = business["category"]
        young = rng.random() < 0.1
        text = rng.choice(YOUNG_OFFERS if young else OFFERS[category])
        starts = self.between(business["sticker_given_on"], today)
        checked = self.days_ago(366, 700) if rng.random() < 0.15 else self.days_ago(0, 364)
        checked = max(checked, starts)
        ends = None
        if rng.random() < 0.15:
            ends = self.days_ago(1, 300) if rng.random() < 0.5 else self.between(today, today +
                                                                                 timedelta(300))
        retired = business["retired_on"] or (self.between(starts, today)
                                             if rng.random() < 0.07 else None)  # fmt: skip
        return {
            **self.row(_at(starts, rng), _at(checked, rng)), "business_id": business["id"],
            "text": text, "terms": rng.choice(OFFER_TERMS), "categories": [category],
            "areas": [business["_area"]] if rng.random() < 0.2 else [],
            "eligible": (["young_carer"] if rng.random() < 0.7 else
                         ["young_carer", "young_adult_carer"]) if young else [],
            "starts_on": starts, "ends_on": ends, "last_checked_on": checked,
            "review_due_on": checked + timedelta(days=365), "retired_on": retired,
        }  # fmt: skip

    # -- contact history -------------------------------------------------------

    def make_contacts(self) -> list[dict[str, Any]]:
        """About 1.5 contacts per carer over the last 18 months."""
        rng, today, out = self.rng, self.today, []
        count_pick, kind_pick = Weighted(WORK_DONE["count"]), Weighted(WORK_DONE["kind"])
        start = today - timedelta(days=HISTORY_DAYS)
        for carer in self.carers:
            first = max(start, carer["registered_on"])
            last = carer["closed_on"] or today
            if first > last:
                continue
            for _ in range(count_pick(rng)):
                at = _at(self.between(first, last), rng)
                kind = kind_pick(rng)
                out.append({
                    **self.row(at), "carer_id": carer["id"], "at": at, "kind": kind,
                    "minutes": rng.choice((5, 10, 15, 20, 30, 30, 45, 60, 90)),
                    "by_user": rng.choice(self.user_ids),
                    "what_was_done": rng.choice(WORK_DONE[kind.value]),
                    "referred_to": rng.choice(REFERRED_TO) if rng.random() < 0.15 else None,
                })  # fmt: skip
        return out
