"""People who sign in to the desk."""

from __future__ import annotations

from datetime import datetime

from carerdesk.models.base import Synced, enum_field, text_field, time_field
from carerdesk.models.enums import Role


class User(Synced, table=True):
    __tablename__ = "user_account"

    username: str = text_field(max_length=40, unique=True, index=True)
    display_name: str = text_field(max_length=120)
    role: Role = enum_field(Role, Role.VOLUNTEER)
    disabled: bool = False
    must_change_password: bool = False
    last_sign_in: datetime | None = time_field(default=None)
