"""The rest of a carer's record: people they care for, emergency plan, photo."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import SQLModel, select

from carerdesk.desk import Tx
from carerdesk.errors import InvalidValue
from carerdesk.models import CaredFor, Carer, CarerPhoto, EmergencyPlan
from carerdesk.models.enums import AgeGroup, MainNeed, Relationship
from carerdesk.services.permissions import Permission
from carerdesk.validation import normalise_phone, tidy

MAX_PHOTO_BYTES = 300 * 1024
_JPEG_MAGIC = b"\xff\xd8\xff"


class CaredForFields(SQLModel):
    name: str | None = None
    relationship: Relationship | None = None
    age_group: AgeGroup | None = None
    main_need: MainNeed | None = None
    area: str | None = None
    notes: str | None = None


class EmergencyPlanFields(SQLModel):
    contact_name: str | None = None
    contact_relationship: str | None = None
    contact_phone: str | None = None
    backup_name: str | None = None
    backup_phone: str | None = None
    needs_to_know: str | None = None


def _tidy_all(values: dict[str, Any], multiline: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = (value.strip() or None) if key in multiline else tidy(value)
        out[key] = value
    return out


# -- cared-for people --------------------------------------------------------


def list_cared_for(tx: Tx, carer_id: uuid.UUID | str) -> list[CaredFor]:
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    return list(
        tx.session.exec(
            select(CaredFor)
            .where(CaredFor.carer_id == carer.id, CaredFor.deleted == False)  # noqa: E712
            .order_by(CaredFor.created_at)
        ).all()
    )


def add_cared_for(tx: Tx, carer_id: uuid.UUID | str, fields: CaredForFields) -> CaredFor:
    tx.require(Permission.EDIT_CARER)
    carer = tx.get(Carer, carer_id, "carer")
    row = CaredFor(
        carer_id=carer.id, **_tidy_all(fields.model_dump(exclude_unset=True), ("notes",))
    )
    tx.session.add(row)
    tx.session.flush()
    tx.audit("cared_for.add", row)
    return row


def update_cared_for(tx: Tx, cared_for_id: uuid.UUID | str, changes: CaredForFields) -> CaredFor:
    tx.require(Permission.EDIT_CARER)
    row = tx.get(CaredFor, cared_for_id, "cared-for person")
    for key, value in _tidy_all(changes.model_dump(exclude_unset=True), ("notes",)).items():
        setattr(row, key, value)
    tx.audit("cared_for.update", row)
    return row


def remove_cared_for(tx: Tx, cared_for_id: uuid.UUID | str) -> None:
    """Remove a cared-for person (a tombstone stays so other sites remove it too)."""
    tx.require(Permission.EDIT_CARER)
    row = tx.get(CaredFor, cared_for_id, "cared-for person")
    row.name = row.notes = row.area = None
    row.deleted = True
    tx.audit("cared_for.remove", row)


# -- emergency plan ------------------------------------------------------------


def get_emergency_plan(tx: Tx, carer_id: uuid.UUID | str) -> EmergencyPlan | None:
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    return tx.session.exec(
        select(EmergencyPlan).where(
            EmergencyPlan.carer_id == carer.id,
            EmergencyPlan.deleted == False,  # noqa: E712
        )
    ).first()


def set_emergency_plan(
    tx: Tx, carer_id: uuid.UUID | str, fields: EmergencyPlanFields
) -> EmergencyPlan:
    """Create or change the carer's emergency plan."""
    tx.require(Permission.EDIT_CARER)
    carer = tx.get(Carer, carer_id, "carer")
    values = _tidy_all(fields.model_dump(exclude_unset=True), ("needs_to_know",))
    errors = {}
    for key in ("contact_phone", "backup_phone"):
        if key in values:
            try:
                values[key] = normalise_phone(values[key])
            except ValueError as exc:
                errors[key] = str(exc)
    if errors:
        raise InvalidValue(errors)
    plan = tx.session.exec(select(EmergencyPlan).where(EmergencyPlan.carer_id == carer.id)).first()
    if plan is None:
        plan = EmergencyPlan(carer_id=carer.id)
        tx.session.add(plan)
    plan.deleted = False
    for key, value in values.items():
        setattr(plan, key, value)
    tx.session.flush()
    tx.audit("emergency_plan.set", plan)
    return plan


# -- photo ---------------------------------------------------------------------


def get_photo(tx: Tx, carer_id: uuid.UUID | str) -> bytes | None:
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    row = tx.session.exec(select(CarerPhoto).where(CarerPhoto.carer_id == carer.id)).first()
    return row.jpeg if row is not None and not row.deleted else None


def set_photo(tx: Tx, carer_id: uuid.UUID | str, jpeg: bytes | None) -> None:
    """Store (or, with None, remove) the carer's photo: a JPEG of at most 300 KB."""
    tx.require(Permission.EDIT_CARER)
    carer = tx.get(Carer, carer_id, "carer")
    if jpeg is not None:
        if not jpeg.startswith(_JPEG_MAGIC):
            raise InvalidValue({"photo": "The photo must be a JPEG picture"})
        if len(jpeg) > MAX_PHOTO_BYTES:
            raise InvalidValue(
                {"photo": f"The photo is too large: at most {MAX_PHOTO_BYTES // 1024} KB"}
            )
    row = tx.session.exec(select(CarerPhoto).where(CarerPhoto.carer_id == carer.id)).first()
    if row is None:
        if jpeg is None:
            return
        row = CarerPhoto(carer_id=carer.id)
        tx.session.add(row)
    row.jpeg = jpeg
    row.deleted = jpeg is None
    tx.session.flush()
    tx.audit("carer.photo", row)
