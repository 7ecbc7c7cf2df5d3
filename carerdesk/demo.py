"""A realistic, obviously fake demo scheme, for trying carerdesk out and for benchmarks.

``build_demo`` makes "Demoshire Carer Passport" (site DEM): carers of every
age and kind with cared-for people, emergency plans, cards in every state,
businesses and offers, and 18 months of contact history. Every value is fake:
names from Faker, postcodes made up on real outward codes, phone numbers from
Ofcom's drama ranges, email and web addresses on reserved domains. The same
``seed`` always gives the same people in the same order.

Rows go in by bulk insert (100,000 carers build in seconds), which skips the
session hooks, so this module fills the sync columns and search keys itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import select

from carerdesk.demo_generator import SITE_CODE, DemoGenerator, Row
from carerdesk.desk import Tx, create_database, open_desk
from carerdesk.models import (
    Business,
    Card,
    CardEvent,
    CaredFor,
    Carer,
    ContactLog,
    EmergencyPlan,
    Offer,
    PrintBatch,
    SchemeSettings,
    Site,
    User,
)
from carerdesk.models.enums import (
    Role,
)
from carerdesk.services import search_index, users

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-carers"  # fixed on purpose: the demo holds no real data
DEMO_USERS = (("volunteer", Role.VOLUNTEER, "Val Volunteer"), ("staff", Role.STAFF, "Sam Staff"))
SCHEME_NAME = "Demoshire Carer Passport"
CHUNK = 5000
BUILD_CACHE_KIB = 131072  # 128 MiB, only while building

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoInfo:
    """Where the demo was built and how to sign in to it."""

    path: Path
    username: str
    password: str
    carers: int
    recovery_key: str


_STEPS = (
    "Creating the database",
    "Adding users",
    "Making carers",
    "Saving carers",
    "Saving cards",
    "Saving businesses and offers",
    "Saving contact history",
    "Building the search index",
)


def build_demo(
    path: Path,
    *,
    carers: int = 2000,
    seed: int = 1,
    progress: Progress | None = None,
    with_history: bool = True,
    with_events: bool = True,
    today: date | None = None,
) -> DemoInfo:
    """Create a demo database at ``path`` holding ``carers`` fake carers.

    Sign in as ``DEMO_USERNAME`` (coordinator), "volunteer" or "staff", all with
    ``DEMO_PASSWORD``. ``progress(done, total, text)`` hears of each step.
    ``today`` pretends the demo was built on another day (dates are relative to it).
    """

    def step(n: int) -> None:
        if progress is not None:
            progress(n, len(_STEPS), _STEPS[n] if n < len(_STEPS) else "Done")

    step(0)
    recovery = create_database(
        path,
        scheme_name=SCHEME_NAME,
        site_code=SITE_CODE,
        admin_username=DEMO_USERNAME,
        admin_password=DEMO_PASSWORD,
        admin_display_name="Demo Coordinator",
        site_name="Demoshire Carers Centre",
    )
    desk = open_desk(path, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        step(1)
        with desk.transaction() as tx:
            for name, role, shown in DEMO_USERS:
                users.add_user(
                    tx, username=name, role=role, password=DEMO_PASSWORD, display_name=shown
                )
        with desk.transaction() as tx:
            # A big page cache for the bulk load: random UUID keys touch pages all over.
            tx.session.execute(text(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}"))
            others = tx.session.exec(
                select(User.id)
                .where(User.username.in_([u[0] for u in DEMO_USERS]))
                .order_by(User.username)
            ).all()
            # Coordinator, staff, volunteer: the order DemoGenerator expects.
            now = desk.clock() if today is None else datetime.combine(today, time(17), UTC)
            gen = DemoGenerator(seed, now, [desk.actor.user_id, *others])
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
            if with_events:
                # The monthly return counts anonymous events; make them for the history.
                from carerdesk.returns.backfill import backfill

                backfill(tx.session, site=SITE_CODE, today=now.date())
            tx.audit("demo.build")
    finally:
        desk.close()
    step(len(_STEPS))
    return DemoInfo(path, DEMO_USERNAME, DEMO_PASSWORD, carers, recovery)


def _bulk(tx: Tx, model: Any, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (dicts with the same keys) by executemany, in chunks.

    The values go through SQLAlchemy's own bind processors, so they are stored
    exactly as the ORM would store them, without its per-row overhead.
    """
    if not rows:
        return
    conn = tx.session.connection()
    table = model.__table__
    keys = [c.key for c in table.columns if c.key in rows[0]]
    sql = str(insert(table).compile(dialect=conn.dialect, column_keys=keys))
    dialect = conn.dialect
    convert = [(k, table.c[k].type.dialect_impl(dialect).bind_processor(dialect)) for k in keys]
    for start in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(
            sql,
            [
                tuple(f(r[k]) if f else r[k] for k, f in convert)
                for r in rows[start : start + CHUNK]
            ],
        )
