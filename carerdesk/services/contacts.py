"""The contact log: each time someone helped a carer, how, for how long, and by whom."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import SQLModel, select

from carerdesk.desk import Tx
from carerdesk.errors import InvalidValue
from carerdesk.models import Carer, ContactLog, User
from carerdesk.models.enums import ContactKind
from carerdesk.services.permissions import Permission
from carerdesk.validation import tidy

MAX_MINUTES = 24 * 60
# A form filled in a moment ago may round its time up: allow that much slack.
FUTURE_SLACK = timedelta(minutes=5)
_REFERRED_TO_MAX = 120


class ContactFields(SQLModel):
    """What is typed in about a contact. Unset means the default when logging
    (now, a drop-in, 0 minutes) and "leave as it is" when editing.

    A time without a time zone is taken as the computer's local time.
    """

    at: datetime | None = None
    kind: ContactKind | None = None
    minutes: int | None = None
    what_was_done: str | None = None
    referred_to: str | None = None


@dataclass(frozen=True)
class ContactRow:
    """One line of a carer's contact history."""

    contact_id: uuid.UUID
    carer_id: uuid.UUID
    at: datetime
    kind: ContactKind
    minutes: int
    what_was_done: str | None
    referred_to: str | None
    by_user: uuid.UUID | None
    # The display name of whoever logged it (None if unknown here).
    by_name: str | None


def _clean(tx: Tx, values: dict[str, Any]) -> dict[str, Any]:
    """Tidy and check typed values; raise InvalidValue naming each bad field.

    ``None`` for the time, kind or minutes means "not given" and is dropped.
    """
    out = {k: v for k, v in values.items() if v is not None or k not in ("at", "kind", "minutes")}
    errors: dict[str, str] = {}
    if "at" in out:
        at = out["at"] if out["at"].tzinfo else out["at"].astimezone()
        out["at"] = at.astimezone(UTC)
        if out["at"] > tx.now() + FUTURE_SLACK:
            errors["at"] = "The time of the contact cannot be in the future"
    if "minutes" in out and not 0 <= out["minutes"] <= MAX_MINUTES:
        errors["minutes"] = f"Minutes must be a whole number from 0 to {MAX_MINUTES} (one day)"
    if "what_was_done" in out:
        out["what_was_done"] = (out["what_was_done"] or "").strip() or None
    if "referred_to" in out:
        out["referred_to"] = tidy(out["referred_to"])
        if out["referred_to"] and len(out["referred_to"]) > _REFERRED_TO_MAX:
            errors["referred_to"] = f"This is too long: at most {_REFERRED_TO_MAX} characters"
    if errors:
        raise InvalidValue(errors)
    return out


def log_contact(tx: Tx, carer_id: uuid.UUID | str, fields: ContactFields) -> ContactLog:
    """Log a contact with a carer, recorded as made by the signed-in user."""
    tx.require(Permission.LOG_CONTACT)
    carer = tx.get(Carer, carer_id, "carer")
    values = _clean(tx, fields.model_dump(exclude_unset=True))
    values.setdefault("at", tx.now())
    contact = ContactLog(carer_id=carer.id, by_user=tx.actor.user_id, **values)
    tx.session.add(contact)
    tx.session.flush()
    tx.audit("contact.log", contact)
    return contact


def update_contact(tx: Tx, contact_id: uuid.UUID | str, changes: ContactFields) -> ContactLog:
    """Correct a logged contact; unset fields are left alone."""
    tx.require(Permission.LOG_CONTACT)
    contact = tx.get(ContactLog, contact_id, "contact")
    for key, value in _clean(tx, changes.model_dump(exclude_unset=True)).items():
        setattr(contact, key, value)
    tx.session.flush()
    tx.audit("contact.update", contact)
    return contact


def remove_contact(tx: Tx, contact_id: uuid.UUID | str) -> None:
    """Remove a contact logged in error (its notes are cleared; other sites learn of it)."""
    tx.require(Permission.LOG_CONTACT)
    contact = tx.get(ContactLog, contact_id, "contact")
    contact.deleted = True
    contact.what_was_done = None
    contact.referred_to = None
    tx.session.flush()
    tx.audit("contact.remove", contact)


def list_contacts(
    tx: Tx, carer_id: uuid.UUID | str, *, limit: int | None = None
) -> list[ContactRow]:
    """A carer's contacts, newest first."""
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    stmt = (
        select(ContactLog, User.display_name)
        .join(User, User.id == ContactLog.by_user, isouter=True)  # type: ignore[arg-type]
        .where(ContactLog.carer_id == carer.id, ContactLog.deleted == False)  # noqa: E712
        .order_by(ContactLog.at.desc(), ContactLog.created_at.desc())  # type: ignore[attr-defined]
    )
    if limit is not None:
        stmt = stmt.limit(max(limit, 0))
    return [
        ContactRow(c.id, c.carer_id, c.at, c.kind, c.minutes, c.what_was_done, c.referred_to,
                   c.by_user, name)
        for c, name in tx.session.exec(stmt).all()
    ]  # fmt: skip


def contact_totals(tx: Tx, *, start: date, end: date) -> dict[ContactKind, tuple[int, int]]:
    """Count and total minutes of contacts of each kind from ``start`` to ``end``
    (both days included, UTC). Every kind is present, with zeros if none."""
    tx.require(Permission.FIND)
    if end < start:
        raise InvalidValue({"end": "The end date cannot be before the start date"})
    since = datetime.combine(start, time.min, UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, UTC)
    stmt = (
        select(ContactLog.kind, func.count(), func.coalesce(func.sum(ContactLog.minutes), 0))
        .where(
            ContactLog.deleted == False,  # noqa: E712
            ContactLog.at >= since,
            ContactLog.at < until,
        )
        .group_by(ContactLog.kind)
    )
    totals = {kind: (0, 0) for kind in ContactKind}
    for kind, count, minutes in tx.session.exec(stmt).all():
        totals[ContactKind(kind)] = (int(count), int(minutes))
    return totals
