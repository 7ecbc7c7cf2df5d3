"""A month's figures for the monthly return, counted from anonymous events.

Everything about carers is counted from ``ActivityEvent`` rows, never from
carers' records, so a month's figures stay the same when a carer is erased
later. Figures come for the month and for the financial year to date (from
1 April). Offers and businesses are counted from their own records, as at
the end of the month (or today, for the month under way).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlmodel import col

from carerdesk.errors import InvalidValue
from carerdesk.models import ActivityEvent, Business, Offer, Site
from carerdesk.models.enums import CarerType, CaringHours, ContactKind, Gender, MainNeed
from carerdesk.models.enums import ReferralSource as Referral
from carerdesk.returns.dims import (
    AGE_BANDS,
    AGE_LABELS,
    ETHNIC_GROUP_LABELS,
    ETHNIC_GROUPS,
    NOT_KNOWN,
    add_months,
    month_of,
)
from carerdesk.services.permissions import Permission

if TYPE_CHECKING:
    from carerdesk.desk import Tx

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_BAD_MONTH = "Give the month as YYYY-MM, for example 2026-05"
TREND_MONTHS = 12
FLOW = "Carers on the register"
CARDS = ("card.issued", "card.renewed", "card.replaced")


@dataclass(frozen=True)
class FigureRow:
    """One line of the return. ``kind`` is "count" (people or events: small counts
    are suppressed), "minutes" or "share" (a fraction from 0 to 1)."""

    label: str
    month: int | float | None
    year_to_date: int | float | None
    kind: str = "count"


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[FigureRow, ...]
    note: str | None = None


@dataclass(frozen=True)
class TrendPoint:
    """One month of the 12-month trend."""

    month: str
    new_registrations: int
    closed: int
    open_at_end: int
    contacts: int
    cards_issued: int


@dataclass(frozen=True)
class ReturnFigures:
    """The exact figures of one month's return (suppression is applied when shown)."""

    month: str
    year_start: date
    period_end: date
    scheme_name: str
    site_code: str
    site_name: str
    generated_at: datetime
    threshold: int
    sections: tuple[Section, ...]
    trend: tuple[TrendPoint, ...]

    def section(self, title: str) -> Section:
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)

    def row(self, title: str, label: str) -> FigureRow:
        """The line ``label`` of section ``title``."""
        for row in self.section(title).rows:
            if row.label == label:
                return row
        raise KeyError(label)


# -- months ---------------------------------------------------------------------


def parse_month(text: str | None) -> str:
    """'YYYY-MM' from what was typed, or ``InvalidValue`` with a plain message."""
    found = _MONTH.match(text or "")
    if not found or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2999:
        raise InvalidValue({"month": _BAD_MONTH})
    return f"{int(found[1]):04d}-{int(found[2]):02d}"


def year_start(month: str) -> str:
    """The first month (April) of the financial year ``month`` is in."""
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year if mon >= 4 else year - 1:04d}-04"


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    return first_day(add_months(month, 1)) - timedelta(days=1)


def months_between(first: str, last: str) -> list[str]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def month_label(month: str) -> str:
    return first_day(month).strftime("%B %Y")


# -- counting -----------------------------------------------------------------


class _Totals:
    """Summed weights (and minutes) of events, by month, kind, carer type and contact kind."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.count: Counter[tuple[str, str, str | None, str | None]] = Counter()
        self.minutes: Counter[tuple[str, str, str | None, str | None]] = Counter()
        for month, kind, carer_type, contact_kind, n, minutes in rows:
            key = (month, kind, carer_type, contact_kind)
            self.count[key] += int(n or 0)
            self.minutes[key] += int(minutes or 0)

    def total(self, months: Iterable[str], kinds: Iterable[str], *, carer_type: str | None = None,
              contact_kind: str | None = None, minutes: bool = False) -> int:  # fmt: skip
        months, kinds = set(months), set(kinds)
        source = self.minutes if minutes else self.count
        return sum(
            n for (m, k, ct, ck), n in source.items()
            if m in months and k in kinds and carer_type in (None, ct)
            and contact_kind in (None, ck)
        )  # fmt: skip

    def open_at_end(self, month: str) -> int:
        up_to = {m for (m, *_rest) in self.count if m <= month}
        return self.total(up_to, ("carer.registered", "carer.reopened")) - self.total(
            up_to, ("carer.closed", "carer.erased")
        )


def _event_totals(tx: Tx, last: str) -> _Totals:
    e = ActivityEvent
    weight = col(e.weight)
    query = (
        select(e.month, e.kind, e.carer_type, e.contact_kind, func.sum(weight),
               func.sum(weight * func.coalesce(e.minutes, 0)))
        .where(e.month <= last, weight != 0)
        .group_by(e.month, e.kind, e.carer_type, e.contact_kind)
    )  # fmt: skip
    return _Totals(tx.session.execute(query).all())


def _registrations(tx: Tx, first: str, last: str) -> list[ActivityEvent]:
    e = ActivityEvent
    query = select(e).where(e.kind == "carer.registered", e.month >= first, e.month <= last)
    return list(tx.session.scalars(query.where(col(e.weight) != 0)).all())


Keys = Callable[[ActivityEvent], Iterable[str]]


def _breakdown(
    regs: list[ActivityEvent], month: str, keys: Keys, order: Iterable[tuple[str, str]]
) -> tuple[FigureRow, ...]:
    """Rows counting registrations under each (key, label) of ``order``; a carer
    with several keys counts once under each."""
    in_month: Counter[str] = Counter()
    in_year: Counter[str] = Counter()
    for reg in regs:
        for key in set(keys(reg)):
            in_year[key] += reg.weight
            if reg.month == month:
                in_month[key] += reg.weight
    return tuple(FigureRow(label, in_month[key], in_year[key]) for key, label in order)


def _choices(enum: Any, not_known: str = "not_stated") -> list[tuple[str, str]]:
    """Every value of a choice with its label, 'not stated' last."""
    values = [(m.value, m.label) for m in enum if m.value != not_known]
    return [*values, (not_known, "Not stated")]


def _areas(values: Iterable[str | None]) -> list[tuple[str, str]]:
    return [(a, a) for a in sorted({v for v in values if v}, key=str.casefold)] + [
        (NOT_KNOWN, "Not known")
    ]


def _share(regs: list[ActivityEvent], unknown: Callable[[ActivityEvent], bool]) -> float | None:
    total = sum(r.weight for r in regs)
    return None if total <= 0 else round(sum(r.weight for r in regs if unknown(r)) / total, 4)


# -- the figures --------------------------------------------------------------


def month_figures(tx: Tx, month: str) -> ReturnFigures:
    """Every figure of the return for ``month`` ('YYYY-MM'), exactly (not suppressed)."""
    tx.require(Permission.RETURNS)
    month = parse_month(month)
    if month > month_of(tx.today()):
        raise InvalidValue({"month": "That month has not started yet: choose this month "
                                     "or an earlier one"})  # fmt: skip
    start = year_start(month)
    ytd = months_between(start, month)
    totals = _event_totals(tx, month)
    regs = _registrations(tx, start, month)
    this = [r for r in regs if r.month == month]
    as_at = min(last_day(month), tx.today())
    scheme = tx.scheme()
    site = tx.session.scalars(select(Site).where(Site.code == tx.site_code)).first()

    def row(label: str, kinds: Iterable[str], **kw: Any) -> FigureRow:
        kinds = tuple(kinds)
        kind = "minutes" if kw.get("minutes") else "count"
        return FigureRow(label, totals.total([month], kinds, **kw),
                         totals.total(ytd, kinds, **kw), kind)  # fmt: skip

    opened_year = totals.open_at_end(add_months(start, -1))
    flow = Section(FLOW, (
        FigureRow("Open at the start", totals.open_at_end(add_months(month, -1)), opened_year),
        row("New registrations", ["carer.registered"]),
        row("Reopened", ["carer.reopened"]),
        row("Closed (moved, died or withdrawn)", ["carer.closed"]),
        row("Erased on request while open", ["carer.erased"]),
        FigureRow("Open at the end", totals.open_at_end(month), totals.open_at_end(month)),
    ))  # fmt: skip
    new = "New carers by "
    who = (
        Section(new + "age", _breakdown(regs, month, lambda r: [r.age_band or NOT_KNOWN],
                                         [*((b, AGE_LABELS[b]) for b in AGE_BANDS),
                                          (NOT_KNOWN, "Not known")])),
        Section(new + "gender", _breakdown(regs, month, lambda r: [r.gender or "not_stated"],
                                            _choices(Gender))),
        Section(new + "ethnic group", _breakdown(
            regs, month, lambda r: [r.ethnicity_group or "not_stated"],
            [(g, ETHNIC_GROUP_LABELS[g]) for g in ETHNIC_GROUPS])),
        Section(new + "hours of care a week", _breakdown(
            regs, month, lambda r: [r.caring_hours or "not_stated"], _choices(CaringHours))),
        Section(new + "the area they live in", _breakdown(
            regs, month, lambda r: [r.area or NOT_KNOWN], _areas(r.area for r in regs))),
        Section(new + "the area of the person they care for", _breakdown(
            regs, month, lambda r: r.cared_for_areas or [NOT_KNOWN],
            _areas(a for r in regs for a in r.cared_for_areas)),
            "A carer who cares for people in more than one area is counted in each."),
        Section(new + "the main need of the person they care for", _breakdown(
            regs, month, lambda r: r.main_needs or ["not_stated"], _choices(MainNeed)),
            "A carer who cares for people with different main needs is counted under each."),
        Section(new + "referral source", _breakdown(
            regs, month, lambda r: [r.referral_source or "not_stated"], _choices(Referral))),
    )  # fmt: skip
    young, yac = CarerType.YOUNG_CARER.value, CarerType.YOUNG_ADULT_CARER.value
    young_rows = Section("Young and young adult carers", (
        row("New young carers (under 18)", ["carer.registered"], carer_type=young),
        row("New young adult carers (18 to 25)", ["carer.registered"], carer_type=yac),
        row("Contacts with young carers", ["contact.logged"], carer_type=young),
        row("Contacts with young adult carers", ["contact.logged"], carer_type=yac),
        row("Cards issued to young carers", CARDS, carer_type=young),
        row("Cards issued to young adult carers", CARDS, carer_type=yac),
    ))  # fmt: skip
    kinds = list(ContactKind)
    activity = Section("Activity", (
        row("Contacts", ["contact.logged"]),
        *(row(f"Contacts: {k.label}", ["contact.logged"], contact_kind=k.value) for k in kinds),
        row("Minutes of contact", ["contact.logged"], minutes=True),
        *(row(f"Minutes: {k.label}", ["contact.logged"], contact_kind=k.value, minutes=True)
          for k in kinds),
        row("Carers' assessments offered", ["assessment.offered"]),
        row("Carers' assessments completed", ["assessment.completed"]),
        row("Referrals to other services", ["referral.out"]),
        row("Cards issued (a carer's first card)", ["card.issued"]),
        row("Cards renewed", ["card.renewed"]),
        row("Cards replaced (lost or stolen)", ["card.replaced"]),
    ))  # fmt: skip
    quality = Section(
        "Data quality: new carers with a detail not known",
        tuple(FigureRow(label, _share(this, test), _share(regs, test), "share") for label, test in (
            ("Date of birth", lambda r: (r.age_band or NOT_KNOWN) == NOT_KNOWN),
            ("Gender", lambda r: (r.gender or "not_stated") == "not_stated"),
            ("Ethnic group", lambda r: (r.ethnicity_group or "not_stated") == "not_stated"),
            ("Hours of care", lambda r: (r.caring_hours or "not_stated") == "not_stated"),
            ("Area they live in", lambda r: not r.area),
            ("Area of the person they care for", lambda r: not r.cared_for_areas),
            ("Main need of the person they care for", lambda r: not r.main_needs),
            ("Referral source", lambda r: (r.referral_source or "not_stated") == "not_stated"),
        )),
        "The share of the carers newly registered for whom the detail was not given.",
    )  # fmt: skip
    offers = _offers_section(tx, as_at)
    trend = tuple(
        TrendPoint(
            m,
            totals.total([m], ["carer.registered"]),
            totals.total([m], ["carer.closed", "carer.erased"]),
            totals.open_at_end(m),
            totals.total([m], ["contact.logged"]),
            totals.total([m], CARDS),
        )
        for m in months_between(add_months(month, 1 - TREND_MONTHS), month)
    )
    return ReturnFigures(
        month=month, year_start=first_day(start), period_end=as_at, scheme_name=scheme.name,
        site_code=tx.site_code, site_name=site.name if site is not None else tx.site_code,
        generated_at=tx.now(), threshold=max(0, scheme.small_count_threshold),
        sections=(flow, *who, young_rows, activity, offers, quality), trend=trend,
    )  # fmt: skip


def _offers_section(tx: Tx, as_at: date) -> Section:
    """Businesses and offers in the scheme on ``as_at``, from their own records."""
    until = datetime.combine(as_at + timedelta(days=1), time.min, UTC)
    b, o = Business, Offer
    business_live = (col(b.deleted).is_(False), col(b.created_at) < until,
                     or_(col(b.retired_on).is_(None), col(b.retired_on) > as_at))  # fmt: skip
    businesses = tx.session.scalar(select(func.count()).select_from(b).where(*business_live))
    running = (
        select(func.count()).select_from(o).join(b, col(b.id) == o.business_id)
        .where(*business_live, col(o.deleted).is_(False), col(o.created_at) < until,
               or_(col(o.starts_on).is_(None), col(o.starts_on) <= as_at),
               or_(col(o.ends_on).is_(None), col(o.ends_on) >= as_at),
               or_(col(o.retired_on).is_(None), col(o.retired_on) > as_at))
    )  # fmt: skip
    offers = tx.session.scalar(running) or 0
    overdue = tx.session.scalar(running.where(col(o.review_due_on) < as_at)) or 0
    rows = (("Businesses taking part", businesses or 0), ("Offers running", offers),
            ("Offers overdue for review", overdue))  # fmt: skip
    return Section(
        "Offers and businesses (at the end of the month)",
        tuple(FigureRow(label, n, n) for label, n in rows),
        "Counted from the offer records as they are now, as at the month's last day.",
    )
