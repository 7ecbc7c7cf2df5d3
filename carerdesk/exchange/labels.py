"""Plain-English names for the records and fields of an exchange, and their values.

Conflicts, previews and likely matches name records by table (``"cared_for"``)
and fields by column (``"date_of_birth"``), with values in their cell form
(dates as ``YYYY-MM-DD`` text, choices by stored value). These turn them into
what a coordinator reads: "Cared-for person", "Date of birth", "03/04/1950".
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from carerdesk.exchange.records import BY_SHEET, BY_TABLE, Column

EMPTY = "(empty)"

# Table -> (one, many).
_RECORDS: dict[str, tuple[str, str]] = {
    "site": ("Site", "Sites"),
    "scheme_settings": ("Scheme settings", "Scheme settings"),
    "signing_key": ("Card-signing key", "Card-signing keys"),
    "carer": ("Carer", "Carers"),
    "carer_photo": ("Photo", "Photos"),
    "cared_for": ("Cared-for person", "Cared-for people"),
    "emergency_plan": ("Emergency plan", "Emergency plans"),
    "print_batch": ("Print batch", "Print batches"),
    "card": ("Card", "Cards"),
    "card_event": ("Card history entry", "Card history entries"),
    "business": ("Business", "Businesses"),
    "offer": ("Offer", "Offers"),
    "contact_log": ("Contact", "Contacts"),
}

# Names that read the same on every record.
_FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "phone_other": "Other phone",
    "email": "Email",
    "preferred_contact": "Preferred contact",
    "carer_type": "Carer type",
    "area": "Local authority area",
    "consent_given_on": "Consent recorded on",
    "consent_recorded_by": "Consent recorded by",
    "consent_keep_record": "Agrees to us keeping their record",
    "consent_contact": "Agrees to be contacted",
    "consent_share_gp": "Agrees to share with their GP",
    "consent_share_partners": "Agrees to share with partner organisations",
    "closed_reason": "Why the record was closed",
    "caring_hours": "Caring hours a week",
    "lives_with_cared_for": "Lives with the cared-for person",
    "own_disability": "Has a disability themselves",
    "referral_source": "How they heard of us",
    "gp_practice": "GP practice",
    "assessment_offered_on": "Carer's assessment offered on",
    "assessment_completed_on": "Carer's assessment completed on",
    "assessment_review_on": "Carer's assessment review due on",
    "young_carer_allowances": "What their school or college allows",
    "carer_id": "Carer",
    "jpeg": "Photo",
    "by_user": "By",
    "at": "When",
    "website": "Website",
}

# Names that depend on the record.
_RECORD_FIELDS: dict[tuple[str, str], str] = {
    ("carer", "status"): "Record status",
    ("cared_for", "name"): "Name",
    ("cared_for", "relationship"): "Relationship to the carer",
    ("cared_for", "area"): "Area where they get services",
    ("emergency_plan", "contact_name"): "Main contact's name",
    ("emergency_plan", "contact_relationship"): "Their relationship to the carer",
    ("emergency_plan", "contact_phone"): "Main contact's phone",
    ("emergency_plan", "backup_name"): "Backup contact's name",
    ("emergency_plan", "backup_phone"): "Backup contact's phone",
    ("emergency_plan", "needs_to_know"): "What they need to know",
    ("contact_log", "kind"): "Kind of contact",
    ("contact_log", "minutes"): "How long (minutes)",
    ("card", "number"): "Card number",
    ("card", "replaces_id"): "Replaces card",
    ("card", "replaced_by_id"): "Replaced by card",
    ("card", "batch_id"): "Print batch",
    ("card_event", "card_id"): "Card",
    ("card_event", "from_status"): "Status before",
    ("card_event", "to_status"): "Status after",
    ("business", "name"): "Business name",
    ("business", "area"): "Area",
    ("business", "sticker_given_on"): "Window sticker given on",
    ("offer", "business_id"): "Business",
    ("offer", "text"): "Offer",
    ("offer", "areas"): "Where it applies",
    ("offer", "eligible"): "Who can use it",
    ("site", "code"): "Site code",
    ("site", "name"): "Site name",
    ("site", "next_card_serial"): "Next card number",
    ("scheme_settings", "name"): "Scheme name",
    ("scheme_settings", "logo_png"): "Logo",
    ("scheme_settings", "photos_required"): "Cards need a photo",
    ("scheme_settings", "small_count_threshold"): "Smallest count shown in returns",
    ("scheme_settings", "idle_lock_minutes"): "Lock after minutes unused",
    ("signing_key", "key_no"): "Key number",
}

# Words that keep their capitals inside a derived label.
_WORDS = {"gp": "GP", "id": "", "png": "picture", "jpeg": "photo", "url": "web address"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _table(record_type: str) -> str:
    """The table name, given a table or a sheet name."""
    if record_type in BY_TABLE:
        return record_type
    rt = BY_SHEET.get(record_type)
    return rt.table if rt is not None else record_type


def record_label(record_type: str, *, plural: bool = False) -> str:
    """``"cared_for"`` → ``"Cared-for person"`` (``plural``: ``"Cared-for people"``).

    Takes a table name (as conflicts and changes give it) or a sheet name (as
    an import's counts are keyed).
    """
    known = _RECORDS.get(_table(record_type))
    if known is not None:
        return known[1 if plural else 0]
    return _derived(record_type)


def field_label(record_type: str, name: str) -> str:
    """A column's name as people say it: ``"date_of_birth"`` → ``"Date of birth"``."""
    table = _table(record_type)
    label = _RECORD_FIELDS.get((table, name)) or _FIELDS.get(name)
    return label if label is not None else _derived(name)


def _derived(name: str) -> str:
    """``address_line1`` → ``Address line 1``, ``business_id`` → ``Business``."""
    spaced = re.sub(r"(?<=[a-z])(?=\d)", " ", name)
    words = [_WORDS.get(w.lower(), w.lower()) for w in spaced.replace("-", "_").split("_")]
    text = " ".join(w for w in words if w)
    return (text[:1].upper() + text[1:]) if text else name


def _column(table: str, name: str) -> Column | None:
    rt = BY_TABLE.get(table)
    if rt is None:
        return None
    return next((c for c in rt.columns if c.name == name), None)


def _enum_class(table: str, name: str) -> type[Enum] | None:
    rt = BY_TABLE.get(table)
    if rt is None:
        return None
    column = rt.model.__table__.c.get(name)  # type: ignore[attr-defined]
    return getattr(column.type, "enum_class", None) if column is not None else None


def shown_value(record_type: str, name: str, value: Any) -> str:
    """A cell value as a coordinator reads it: dates day first, Yes/No, choices by label.

    Empty values read "(empty)". Long text comes back whole: shortening it
    for a table cell is the screen's business.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY
    table = _table(record_type)
    column = _column(table, name)
    kind = column.kind if column is not None else None
    if isinstance(value, bool) or (kind == "bool" and value in (0, 1)):
        return "Yes" if value else "No"
    if kind == "enum" or (kind is None and isinstance(value, Enum)):
        return _choice(table, name, value)
    if kind == "date" or (kind is None and isinstance(value, str) and _ISO_DATE.match(value)):
        return _date(value)
    if kind == "timestamp":
        return _moment(value)
    if kind == "json":
        return _words(value)
    if kind == "bytes":
        return "(a picture)" if name in ("jpeg", "logo_png") else "(data)"
    if isinstance(value, date | datetime):
        return _date(value) if not isinstance(value, datetime) else _moment(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _choice(table: str, name: str, value: Any) -> str:
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    cls = _enum_class(table, name)
    if cls is not None:
        try:
            member = cls(str(value))
        except ValueError:
            return str(value)
        label = getattr(member, "label", None)
        return label if isinstance(label, str) else str(member.value)
    return str(value)


def _date(value: Any) -> str:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return str(value)
    return day.strftime("%d/%m/%Y")


def _moment(value: Any) -> str:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def _words(value: Any) -> str:
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    if isinstance(items, list):
        return ", ".join(str(i) for i in items) if items else EMPTY
    return str(value)


_TITLE_COLUMNS = {
    "carer": ("first_name", "last_name"),
    "cared_for": ("name",),
    "card": ("number",),
    "business": ("name",),
    "offer": ("text",),
    "site": ("code", "name"),
    "emergency_plan": ("contact_name",),
}


def record_title(record_type: str, raw: dict[str, Any]) -> str:
    """What a person would call a record (a name, a card number), or "" if nothing fits.

    ``raw`` is the record as stored or exported. Erased records have no title.
    """
    if raw.get("deleted"):
        return ""
    names = _TITLE_COLUMNS.get(_table(record_type), ())
    words = [str(raw[n]).strip() for n in names if raw.get(n)]
    return shorten(" ".join(w for w in words if w), 60)


def shorten(text: str, limit: int) -> str:
    """One line, cut with … past ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
