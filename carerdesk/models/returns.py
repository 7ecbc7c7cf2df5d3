"""Anonymous activity events, counted by the monthly return.

An ``ActivityEvent`` says that something happened (a carer registered, a
contact was logged, a card was issued) with a few broad, anonymous details:
an age band, a gender, an ethnic group, an area... never who. The return is
counted from these rows alone, so erasing a carer later never changes a
month's figures. The table is append-only: a correction is a pair of rows
with weights -1 (what was counted) and +1 (what is now known).

``RegistrationLink`` is the only place that ties a carer to the event that
counted their registration, so details given a few days after registering
(the person they care for, say) can still correct the month they registered
in. A link is short-lived: it is deleted when the carer is erased and once
the month after their registration month has passed.
Neither table is exchanged between sites: each site counts its own work.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from carerdesk.models.base import UUIDBlob, list_field, text_field, time_field


class ActivityEvent(SQLModel, table=True):
    """One anonymous thing that happened, counted in ``month`` ('YYYY-MM')."""

    __tablename__ = "activity_event"
    __table_args__ = (Index("ix_activity_event_month_kind", "month", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    # When the event was recorded (not necessarily in ``month``: see backfill).
    at: datetime = time_field()
    month: str = Field(sa_type=String(7))
    kind: str = text_field(max_length=40)
    # +1 counts the event; -1 takes back an earlier row (a correction); 0 is a marker.
    weight: int = 1
    site: str = text_field("", max_length=8)
    age_band: str | None = text_field(max_length=20)
    gender: str | None = text_field(max_length=40)
    ethnicity_group: str | None = text_field(max_length=20)
    caring_hours: str | None = text_field(max_length=20)
    area: str | None = text_field(max_length=80)
    cared_for_areas: list[str] = list_field()
    main_needs: list[str] = list_field()
    referral_source: str | None = text_field(max_length=40)
    carer_type: str | None = text_field(max_length=40)
    contact_kind: str | None = text_field(max_length=40)
    minutes: int | None = None


class RegistrationLink(SQLModel, table=True):
    """Which event counted a carer's registration, while it may still be corrected."""

    __tablename__ = "registration_link"

    carer_id: uuid.UUID = Field(primary_key=True, sa_type=UUIDBlob)
    event_id: int
    month: str = Field(sa_type=String(7), index=True)
