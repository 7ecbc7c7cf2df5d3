"""Scheme settings and sites."""

from __future__ import annotations

from sqlmodel import SQLModel, select

from carerdesk.desk import Tx
from carerdesk.errors import InvalidValue
from carerdesk.models import SchemeSettings, Site
from carerdesk.services.permissions import Permission
from carerdesk.validation import check_colour, normalise_email, normalise_phone, tidy

MAX_LOGO_BYTES = 512 * 1024


class SchemeFields(SQLModel):
    name: str | None = None
    primary_colour: str | None = None
    accent_colour: str | None = None
    logo_png: bytes | None = None
    card_validity_years: int | None = None
    young_carer_max_age: int | None = None
    young_adult_min_age: int | None = None
    young_adult_max_age: int | None = None
    photos_required: bool | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    website: str | None = None
    small_count_threshold: int | None = None
    idle_lock_minutes: int | None = None


def get_scheme(tx: Tx) -> SchemeSettings:
    return tx.scheme()


def update_scheme(tx: Tx, changes: SchemeFields) -> SchemeSettings:
    """Change scheme settings (coordinators only)."""
    tx.require(Permission.SETTINGS)
    values = changes.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    if "name" in values:
        values["name"] = tidy(values["name"])
        if not values["name"]:
            errors["name"] = "The scheme needs a name"
    for key in ("primary_colour", "accent_colour"):
        if key in values:
            try:
                values[key] = check_colour(values[key])
            except ValueError as exc:
                errors[key] = str(exc)
    for key, check in (("contact_phone", normalise_phone), ("contact_email", normalise_email)):
        if key in values:
            try:
                values[key] = check(values[key])
            except ValueError as exc:
                errors[key] = str(exc)
    ranges = {
        "card_validity_years": (1, 10, "Cards can be valid for 1 to 10 years"),
        "young_carer_max_age": (10, 18, "The young carer age limit must be between 10 and 18"),
        "young_adult_min_age": (14, 18, "Young adult carers start between 14 and 18"),
        "young_adult_max_age": (18, 30, "Young adult carers end between 18 and 30"),
        "small_count_threshold": (0, 20, "The small-count threshold must be 0 to 20"),
        "idle_lock_minutes": (1, 120, "The idle lock must be 1 to 120 minutes"),
    }
    for key, (low, high, message) in ranges.items():
        if key in values and not (isinstance(values[key], int) and low <= values[key] <= high):
            errors[key] = message
    logo = values.get("logo_png")
    if logo is not None:
        if not logo.startswith(b"\x89PNG"):
            errors["logo_png"] = "The logo must be a PNG picture"
        elif len(logo) > MAX_LOGO_BYTES:
            errors["logo_png"] = "The logo is too large: at most 512 KB"
    if errors:
        raise InvalidValue(errors)
    scheme = tx.scheme()
    for key, value in values.items():
        setattr(scheme, key, value)
    tx.audit("scheme.update", scheme)
    return scheme


def list_sites(tx: Tx) -> list[Site]:
    return list(tx.session.exec(select(Site).where(Site.deleted == False).order_by(Site.code)))  # noqa: E712


def local_site(tx: Tx) -> Site:
    return tx.session.exec(select(Site).where(Site.code == tx.site_code)).one()
