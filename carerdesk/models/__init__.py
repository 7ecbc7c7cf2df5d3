"""SQLModel tables: import from here so every table is registered."""

from carerdesk.models.activity import AuditEvent, ContactLog
from carerdesk.models.base import Synced, utcnow
from carerdesk.models.cards import Card, CardEvent, PrintBatch
from carerdesk.models.carers import CaredFor, Carer, CarerPhoto, EmergencyPlan
from carerdesk.models.exchange import (
    ExchangeConflict,
    ExchangePeer,
    ExchangeVector,
    PossibleDuplicate,
)
from carerdesk.models.offers import Business, Offer
from carerdesk.models.returns import ActivityEvent, RegistrationLink
from carerdesk.models.scheme import LocalInfo, SchemeSettings, Site
from carerdesk.models.signing import SigningKey
from carerdesk.models.users import User

__all__ = [
    "ActivityEvent",
    "AuditEvent",
    "Business",
    "Card",
    "CardEvent",
    "CaredFor",
    "Carer",
    "CarerPhoto",
    "ContactLog",
    "EmergencyPlan",
    "ExchangeConflict",
    "ExchangePeer",
    "ExchangeVector",
    "LocalInfo",
    "Offer",
    "PossibleDuplicate",
    "PrintBatch",
    "RegistrationLink",
    "SchemeSettings",
    "SigningKey",
    "Site",
    "Synced",
    "User",
    "utcnow",
]
