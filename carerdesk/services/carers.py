"""Registering carers, changing their details, and spotting duplicates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from sqlmodel import SQLModel, or_, select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue, LikelyDuplicate
from carerdesk.models import Carer
from carerdesk.models.enums import (
    CarerStatus,
    CarerType,
    CaringHours,
    Employment,
    Ethnicity,
    Gender,
    PreferredContact,
    ReferralSource,
    YesNo,
)
from carerdesk.services.permissions import Permission
from carerdesk.validation import (
    age_on,
    check_date_of_birth,
    fold,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    tidy,
)

DUPLICATE_NAME_SCORE = 85


class CarerFields(SQLModel):
    """The details a person can type in about a carer. All optional, so the
    same shape serves registering (unset means blank) and editing (unset means
    leave as it is)."""

    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    town: str | None = None
    postcode: str | None = None
    phone: str | None = None
    phone_other: str | None = None
    email: str | None = None
    preferred_contact: PreferredContact | None = None
    carer_type: CarerType | None = None
    area: str | None = None
    consent_keep_record: bool | None = None
    consent_contact: bool | None = None
    consent_share_gp: bool | None = None
    consent_share_partners: bool | None = None
    notes: str | None = None
    registered_on: date | None = None
    gender: Gender | None = None
    ethnicity: Ethnicity | None = None
    caring_hours: CaringHours | None = None
    lives_with_cared_for: YesNo | None = None
    own_disability: YesNo | None = None
    employment: Employment | None = None
    referral_source: ReferralSource | None = None
    gp_practice: str | None = None
    assessment_offered_on: date | None = None
    assessment_completed_on: date | None = None
    assessment_review_on: date | None = None
    young_carer_allowances: str | None = None


_TEXT = (
    "title", "first_name", "last_name", "preferred_name", "address_line1", "address_line2",
    "address_line3", "town", "area", "gp_practice", "notes", "young_carer_allowances",
)  # fmt: skip
_CONSENT = ("consent_keep_record", "consent_contact", "consent_share_gp", "consent_share_partners")
_MULTILINE = ("notes", "young_carer_allowances")
_NOT_NULL = {name for name, column in Carer.__table__.columns.items() if not column.nullable}


@dataclass(frozen=True)
class DuplicateCandidate:
    carer_id: uuid.UUID
    name: str
    date_of_birth: date | None
    postcode: str | None
    score: int
    reason: str


def _clean(tx: Tx, values: dict[str, Any]) -> dict[str, Any]:
    """Tidy and check typed values; raise InvalidValue naming each bad field."""
    errors: dict[str, str] = {}
    out = dict(values)
    for key in _TEXT:
        if key in out:
            v = out[key]
            out[key] = (v.strip() or None) if key in _MULTILINE and v else tidy(v)
    checks = {
        "postcode": normalise_postcode,
        "phone": normalise_phone,
        "phone_other": normalise_phone,
        "email": normalise_email,
    }
    for key, check in checks.items():
        if key in out:
            try:
                out[key] = check(out[key])
            except ValueError as exc:
                errors[key] = str(exc)
    if "date_of_birth" in out:
        try:
            out["date_of_birth"] = check_date_of_birth(out["date_of_birth"], tx.today())
        except ValueError as exc:
            errors["date_of_birth"] = str(exc)
    for key in ("registered_on", "assessment_offered_on", "assessment_completed_on"):
        if out.get(key) and out[key] > tx.today():
            errors[key] = "This date cannot be in the future"
    if errors:
        raise InvalidValue(errors)
    return out


def derive_carer_type(
    dob: date | None,
    chosen: CarerType | None,
    today: date,
    young_max_age: int = 17,
    young_adult_max_age: int = 25,
) -> CarerType:
    """Parent and former carers are chosen; otherwise the type follows the age."""
    if chosen in (CarerType.PARENT_CARER, CarerType.FORMER_CARER):
        return chosen
    if dob is None:
        return chosen or CarerType.ADULT
    age = age_on(dob, today)
    if age <= young_max_age:
        return CarerType.YOUNG_CARER
    if age <= young_adult_max_age:
        return CarerType.YOUNG_ADULT_CARER
    return CarerType.ADULT


def _carer_type(tx: Tx, dob: date | None, chosen: CarerType | None) -> CarerType:
    s = tx.scheme()
    return derive_carer_type(dob, chosen, tx.today(), s.young_carer_max_age, s.young_adult_max_age)


def find_duplicates(
    tx: Tx, fields: CarerFields, *, exclude: uuid.UUID | None = None
) -> list[DuplicateCandidate]:
    """Carers already registered who are probably the same person.

    Similar name and the same date of birth, or similar name and the same postcode.
    """
    tx.require(Permission.FIND)
    values = _clean(tx, fields.model_dump(exclude_unset=True))
    dob, postcode = values.get("date_of_birth"), values.get("postcode")
    name = f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip()
    if not name or (dob is None and postcode is None):
        return []
    conds = []
    if dob is not None:
        conds.append(Carer.date_of_birth == dob)
    if postcode is not None:
        conds.append(Carer.postcode == postcode)
    rows = tx.session.exec(
        select(Carer).where(or_(*conds), Carer.deleted == False).limit(500)  # noqa: E712
    ).all()
    found = []
    for c in rows:
        if c.id == exclude:
            continue
        other = f"{c.first_name or ''} {c.last_name or ''}".strip()
        score = int(fuzz.token_sort_ratio(fold(name), fold(other)))
        if c.preferred_name:
            alt = fold(f"{c.preferred_name} {c.last_name or ''}")
            score = max(score, int(fuzz.token_sort_ratio(fold(name), alt)))
        if score < DUPLICATE_NAME_SCORE:
            continue
        same = [
            w
            for w, ok in (
                ("date of birth", dob and c.date_of_birth == dob),
                ("postcode", postcode and c.postcode == postcode),
            )
            if ok
        ]
        found.append(
            DuplicateCandidate(
                c.id,
                other,
                c.date_of_birth,
                c.postcode,
                score,
                "Similar name and same " + " and ".join(same),
            )
        )
    found.sort(key=lambda d: -d.score)
    return found


def register(tx: Tx, fields: CarerFields, *, allow_duplicate: bool = False) -> Carer:
    """Register a new carer. Raises ``LikelyDuplicate`` unless told it is someone else."""
    tx.require(Permission.REGISTER)
    values = _clean(tx, fields.model_dump(exclude_unset=True))
    errors = {}
    if not values.get("first_name"):
        errors["first_name"] = "Please give the carer's first name"
    if not values.get("last_name"):
        errors["last_name"] = "Please give the carer's last name"
    if errors:
        raise InvalidValue(errors)
    if not allow_duplicate:
        dupes = find_duplicates(tx, fields)
        if dupes:
            raise LikelyDuplicate(dupes)
    carer = Carer(**values)
    carer.carer_type = _carer_type(tx, carer.date_of_birth, values.get("carer_type"))
    carer.registered_on = carer.registered_on or tx.today()
    if any(values.get(k) for k in _CONSENT):
        carer.consent_given_on = tx.today()
        carer.consent_recorded_by = tx.actor.user_id
    tx.session.add(carer)
    tx.session.flush()
    tx.audit("carer.register", carer)
    return carer


def update(tx: Tx, carer_id: uuid.UUID | str, changes: CarerFields) -> Carer:
    """Change some details; fields not set in ``changes`` are left alone."""
    tx.require(Permission.EDIT_CARER)
    carer = tx.get(Carer, carer_id, "carer")
    values = _clean(tx, changes.model_dump(exclude_unset=True))
    for key in ("first_name", "last_name"):
        if key in values and not values[key]:
            raise InvalidValue({key: "This name cannot be left blank"})
    consent_changed = any(k in values and values[k] != getattr(carer, k) for k in _CONSENT)
    for key, value in values.items():
        if value is None and key in _NOT_NULL:
            # A cleared choice goes back to its default ("not stated", "no").
            value = Carer.model_fields[key].default
        setattr(carer, key, value)
    if consent_changed:
        carer.consent_given_on = tx.today()
        carer.consent_recorded_by = tx.actor.user_id
    carer.carer_type = _carer_type(
        tx, carer.date_of_birth, values.get("carer_type", carer.carer_type)
    )
    tx.session.flush()
    tx.audit("carer.update", carer)
    return carer


def get_carer(tx: Tx, carer_id: uuid.UUID | str) -> Carer:
    tx.require(Permission.FIND)
    return tx.get(Carer, carer_id, "carer")


def close_record(
    tx: Tx,
    carer_id: uuid.UUID | str,
    status: CarerStatus,
    *,
    reason: str | None = None,
    on: date | None = None,
) -> Carer:
    """Mark a carer moved, deceased or withdrawn (or active again)."""
    tx.require(Permission.EDIT_CARER)
    carer = tx.get(Carer, carer_id, "carer")
    if status is CarerStatus.ACTIVE:
        carer.status, carer.closed_on, carer.closed_reason = status, None, None
    else:
        when = on or tx.today()
        if when > tx.today():
            raise InvalidValue({"closed_on": "This date cannot be in the future"})
        carer.status, carer.closed_on, carer.closed_reason = status, when, tidy(reason)
    tx.audit("carer.status", carer)
    return carer


def current_carer_type(tx: Tx, carer: Carer) -> CarerType:
    """The carer's type today (a young carer becomes a young adult carer at 18)."""
    return _carer_type(tx, carer.date_of_birth, carer.carer_type)


def display_name(carer: Carer) -> str:
    first = carer.preferred_name or carer.first_name or ""
    return f"{first} {carer.last_name or ''}".strip()


def require_consent(carer: Carer) -> None:
    if not carer.consent_keep_record:
        raise CarerdeskError(
            "This carer has not agreed to us keeping their record: record their consent first."
        )
