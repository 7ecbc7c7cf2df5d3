"""UK-aware checks and clean-ups, each failing with a plain-English sentence.

Every function here either returns the tidied value or raises ``ValueError``
whose text is meant for the user (and never repeats the value typed).
Services collect those into ``InvalidValue`` keyed by field name.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers

_POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
_SITE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
MIN_PASSWORD_LENGTH = 8
MAX_AGE_YEARS = 120


def tidy(text: str | None) -> str | None:
    """Trim and collapse inner white space; empty becomes None. Keeps accents."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", " ".join(str(text).split()))
    return text or None


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if ch.isalnum() or ch.isspace())
    return " ".join(kept.split())


def normalise_postcode(text: str | None) -> str | None:
    """``sg11aa`` → ``SG1 1AA``. None or blank stays None."""
    text = tidy(text)
    if text is None:
        return None
    compact = text.upper().replace(" ", "")
    if not _POSTCODE.match(compact):
        raise ValueError("That is not a UK postcode (for example SG1 1AA)")
    return f"{compact[:-3]} {compact[-3:]}"


def compact_postcode(postcode: str) -> str:
    return postcode.upper().replace(" ", "")


def normalise_phone(text: str | None) -> str | None:
    """A UK (or +international) phone number in its usual written form."""
    text = tidy(text)
    if text is None:
        return None
    digits = re.sub(r"[^\d+]", "", text)
    # Spreadsheets drop the leading zero: 7700900123 was 07700900123.
    if re.fullmatch(r"[1-37]\d{8,9}", digits):
        digits = "0" + digits
    try:
        number = phonenumbers.parse(digits, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError("That does not look like a phone number") from None
    if not (phonenumbers.is_valid_number(number) or _is_drama_number(number)):
        raise ValueError("That phone number has the wrong number of digits or an unknown code")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def _is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    """Ofcom's ranges kept for drama and examples (handy, obviously fake data)."""
    national = str(number.national_number)
    return number.country_code == 44 and national[:7] in ("7700900", "1632960")


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def normalise_email(text: str | None) -> str | None:
    text = tidy(text)
    if text is None:
        return None
    if not _EMAIL.match(text):
        raise ValueError("That is not an email address (for example name@example.org)")
    return text


def check_date_of_birth(dob: date | None, today: date) -> date | None:
    if dob is None:
        return None
    if dob > today:
        raise ValueError("The date of birth cannot be in the future")
    if age_on(dob, today) > MAX_AGE_YEARS:
        raise ValueError(f"The date of birth is more than {MAX_AGE_YEARS} years ago")
    return dob


def age_on(dob: date, today: date) -> int:
    """Age in whole years on ``today``."""
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def parse_date(text: str | date | None) -> date | None:
    """Read a date as people type it: 2024-03-01, 01/03/2024 (day first), 1.3.24."""
    if text is None or isinstance(text, date):
        return text
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if year < 100:
            # Two-digit years: assume the most recent past century that fits.
            year += 2000 if year <= date.today().year % 100 else 1900
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError("That is not a date: use day/month/year, for example 03/04/1950")


def check_username(text: str) -> str:
    name = (text or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValueError(
            "A username is 2 to 40 letters or digits, starting with a letter "
            "(dots, dashes and underscores are allowed)"
        )
    return name


def check_new_password(password: str, noun: str = "password") -> str:
    """A new password (or an export's passphrase: ``noun``), or ValueError saying why not."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"A {noun} needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise ValueError(f"A {noun} cannot start or end with a space")
    return password


def check_site_code(text: str) -> str:
    code = (text or "").strip().upper()
    if not _SITE_CODE.match(code):
        raise ValueError("A site code is 2 to 6 capital letters or digits, starting with a letter")
    return code


def check_colour(text: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", text or ""):
        raise ValueError("A colour is written as # and six hex digits, for example #1d4f91")
    return text.lower()
