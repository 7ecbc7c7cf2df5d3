"""Carers, the people they care for, their emergency plans and photos."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, Text
from sqlmodel import Field

from carerdesk.models.base import Synced, UUIDBlob, enum_field, text_field, uuid_field
from carerdesk.models.enums import (
    AgeGroup,
    CarerStatus,
    CarerType,
    CaringHours,
    Employment,
    Ethnicity,
    Gender,
    MainNeed,
    PreferredContact,
    ReferralSource,
    Relationship,
    YesNo,
)


def carer_fk(unique: bool = False) -> uuid.UUID:
    return Field(
        sa_column=Column(
            UUIDBlob, ForeignKey("carer.id"), nullable=False, index=True, unique=unique
        )
    )


class Carer(Synced, table=True):
    __tablename__ = "carer"
    # Search results are ordered from this index alone, without reading whole rows.
    __table_args__ = (
        Index(
            "ix_carer_search_order",
            "search_key",
            "status",
            "last_name",
            "first_name",
            "preferred_name",
        ),
    )

    # A stable integer key for the full-text index (rowids may change on VACUUM).
    search_key: int | None = Field(default=None, unique=True)

    title: str | None = text_field(max_length=20)
    first_name: str | None = text_field(max_length=80)
    last_name: str | None = text_field(max_length=80)
    preferred_name: str | None = text_field(max_length=80)
    date_of_birth: date | None = Field(default=None, index=True)
    address_line1: str | None = text_field(max_length=120)
    address_line2: str | None = text_field(max_length=120)
    address_line3: str | None = text_field(max_length=120)
    town: str | None = text_field(max_length=80)
    postcode: str | None = text_field(max_length=8, index=True)
    phone: str | None = text_field(max_length=20)
    phone_other: str | None = text_field(max_length=20)
    email: str | None = text_field(max_length=200)
    preferred_contact: PreferredContact = enum_field(PreferredContact, PreferredContact.NOT_STATED)
    carer_type: CarerType = enum_field(CarerType, CarerType.ADULT)
    area: str | None = text_field(max_length=80)

    consent_given_on: date | None = None
    consent_recorded_by: uuid.UUID | None = uuid_field()
    consent_keep_record: bool = False
    consent_contact: bool = False
    consent_share_gp: bool = False
    consent_share_partners: bool = False

    notes: str | None = Field(default=None, sa_type=Text)
    status: CarerStatus = enum_field(CarerStatus, CarerStatus.ACTIVE)
    registered_on: date | None = None
    closed_on: date | None = None
    closed_reason: str | None = text_field(max_length=200)

    gender: Gender = enum_field(Gender, Gender.NOT_STATED)
    ethnicity: Ethnicity = enum_field(Ethnicity, Ethnicity.NOT_STATED)
    caring_hours: CaringHours = enum_field(CaringHours, CaringHours.NOT_STATED)
    lives_with_cared_for: YesNo = enum_field(YesNo, YesNo.NOT_STATED)
    own_disability: YesNo = enum_field(YesNo, YesNo.NOT_STATED)
    employment: Employment = enum_field(Employment, Employment.NOT_STATED)
    referral_source: ReferralSource = enum_field(ReferralSource, ReferralSource.NOT_STATED)
    gp_practice: str | None = text_field(max_length=120)
    assessment_offered_on: date | None = None
    assessment_completed_on: date | None = None
    assessment_review_on: date | None = None

    young_carer_allowances: str | None = Field(default=None, sa_type=Text)
    # Set on the tombstone of a record merged into another (the same person
    # registered twice): other sites move what they hold of it there too.
    merged_into: uuid.UUID | None = uuid_field()


class CarerPhoto(Synced, table=True):
    """A carer's photo, kept apart so lists and searches never load it."""

    __tablename__ = "carer_photo"

    carer_id: uuid.UUID = carer_fk(unique=True)
    jpeg: bytes | None = Field(default=None, sa_type=LargeBinary)


class CaredFor(Synced, table=True):
    """Someone a carer looks after. A carer may care for several people."""

    __tablename__ = "cared_for"

    carer_id: uuid.UUID = carer_fk()
    name: str | None = text_field(max_length=120)
    relationship: Relationship = enum_field(Relationship, Relationship.OTHER)
    age_group: AgeGroup = enum_field(AgeGroup, AgeGroup.NOT_STATED)
    main_need: MainNeed = enum_field(MainNeed, MainNeed.NOT_STATED)
    area: str | None = text_field(max_length=80)
    notes: str | None = Field(default=None, sa_type=Text)


class EmergencyPlan(Synced, table=True):
    """Who steps in for the cared-for person if the carer is taken ill."""

    __tablename__ = "emergency_plan"

    carer_id: uuid.UUID = carer_fk(unique=True)
    contact_name: str | None = text_field(max_length=120)
    contact_relationship: str | None = text_field(max_length=80)
    contact_phone: str | None = text_field(max_length=20)
    backup_name: str | None = text_field(max_length=120)
    backup_phone: str | None = text_field(max_length=20)
    needs_to_know: str | None = Field(default=None, sa_type=Text)
