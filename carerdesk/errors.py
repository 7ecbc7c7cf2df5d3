"""The error family whose messages are meant for the person at the keyboard.

Anything raised as a ``CarerdeskError`` carries one plain-English sentence in
``.message``; the GUI shows it, the CLI prints it and exits 1. Messages never
hold personal values (names, postcodes, ...), so they are safe to log.
Any other exception is a bug and is logged with its traceback.
"""

from __future__ import annotations


class CarerdeskError(Exception):
    """A problem the user can understand and usually fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongPassword(CarerdeskError):
    """The username or password did not unlock the database."""


class AccountUnavailable(CarerdeskError):
    """The account is disabled or unknown."""


class DatabaseMissing(CarerdeskError):
    """There is no database at the given place."""


class DatabaseDamaged(CarerdeskError):
    """The database or its key file cannot be read."""


class DatabaseExists(CarerdeskError):
    """Refusing to create a database over an existing one."""


class PermissionDenied(CarerdeskError):
    """The signed-in user's role does not allow this."""


class NotFound(CarerdeskError):
    """A record asked for does not exist (or was erased)."""


class InvalidValue(CarerdeskError):
    """One or more fields failed validation.

    ``errors`` maps field name to a plain-English message, for showing next
    to the field; ``message`` joins them for the CLI.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        text = " ".join(msg if msg.endswith(".") else msg + "." for msg in self.errors.values())
        super().__init__(text or "Some values are not valid.")


class LikelyDuplicate(CarerdeskError):
    """Saving would probably register someone who is already on the database."""

    def __init__(self, candidates: list) -> None:
        self.candidates = list(candidates)
        n = len(self.candidates)
        who = "a carer" if n == 1 else f"{n} carers"
        super().__init__(
            f"This looks like {who} already registered. Open the existing record, "
            "or confirm that this is someone else."
        )


class Conflict(CarerdeskError):
    """The record was changed by someone else since it was loaded."""
