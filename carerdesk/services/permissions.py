"""What each role may do. The service layer checks; the GUI only hides."""

from __future__ import annotations

from enum import StrEnum

from carerdesk.models.enums import Role


class Permission(StrEnum):
    FIND = "find"
    REGISTER = "register"
    EDIT_CARER = "edit_carer"
    LOG_CONTACT = "log_contact"
    QUEUE_CARD = "queue_card"
    REPORT_CARD = "report_card"
    PRINT_LEAFLET = "print_leaflet"
    PRINT_BATCH = "print_batch"
    ISSUE_CARD = "issue_card"
    EDIT_OFFERS = "edit_offers"
    MANAGE_USERS = "manage_users"
    SETTINGS = "settings"
    EXCHANGE = "exchange"
    RETURNS = "returns"
    ERASE = "erase"
    AUDIT = "audit"


_VOLUNTEER = {
    Permission.FIND,
    Permission.REGISTER,
    Permission.EDIT_CARER,
    Permission.LOG_CONTACT,
    Permission.QUEUE_CARD,
    Permission.REPORT_CARD,
    Permission.PRINT_LEAFLET,
}
_STAFF = _VOLUNTEER | {Permission.PRINT_BATCH, Permission.ISSUE_CARD, Permission.EDIT_OFFERS}
_COORDINATOR = set(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VOLUNTEER: frozenset(_VOLUNTEER),
    Role.STAFF: frozenset(_STAFF),
    Role.COORDINATOR: frozenset(_COORDINATOR),
}

_WHAT = {
    Permission.FIND: "look up carers",
    Permission.REGISTER: "register carers",
    Permission.EDIT_CARER: "change carers' details",
    Permission.LOG_CONTACT: "log contacts",
    Permission.QUEUE_CARD: "queue cards",
    Permission.REPORT_CARD: "report lost or stolen cards",
    Permission.PRINT_LEAFLET: "print leaflets",
    Permission.PRINT_BATCH: "print card batches",
    Permission.ISSUE_CARD: "mark cards printed or issued",
    Permission.EDIT_OFFERS: "change businesses and offers",
    Permission.MANAGE_USERS: "manage users",
    Permission.SETTINGS: "change scheme settings",
    Permission.EXCHANGE: "exchange data with other sites",
    Permission.RETURNS: "export monthly returns",
    Permission.ERASE: "erase carers' records",
    Permission.AUDIT: "read the audit trail",
}


def allowed(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def denial_message(role: Role, permission: Permission) -> str:
    return f"Your role ({role.label.lower()}) does not allow you to {_WHAT[permission]}."
