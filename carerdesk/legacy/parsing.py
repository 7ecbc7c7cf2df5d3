"""Reading values the way people really typed them into old registers.

Dates are UK day first (``03/04/1950`` is 3 April), whatever the separator,
with two-digit years, ordinals and month names; Excel date cells and serial
numbers are understood too. Every parser returns ``None`` for a blank cell and
raises ``ValueError`` with a sentence for the user that never repeats the value.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TypeVar

from carerdesk.models.enums import Choice, Ethnicity, Gender, Relationship
from carerdesk.validation import normalise_phone, normalise_postcode, tidy

E = TypeVar("E", bound=Choice)

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year bug included)
_MAX_SERIAL = 2_958_465  # 31/12/9999

NOT_A_DATE = "That is not a date: use day/month/year, for example 03/04/1950"
NO_SUCH_DATE = "That date does not exist (check the day and the month)"
ONLY_A_YEAR = "Only a year was given: a full date is needed"

_MONTHS = ("january", "february", "march", "april", "may", "june", "july",
           "august", "september", "october", "november", "december")  # fmt: skip
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY = re.compile(rf"(\d{{1,2}}){_ORD}\s*[/.\-\s\\]\s*(\d{{1,2}})\s*[/.\-\s\\]\s*{_YEAR}")
_D_MONTH_Y = re.compile(rf"(\d{{1,2}}){_ORD}(?:\s+of)?[\s\-/.,]*([a-z]+)\.?[\s\-/.,]*{_YEAR}")
_MONTH_D_Y = re.compile(rf"([a-z]+)\.?[\s\-/.]*(\d{{1,2}}){_ORD},?[\s\-/.,]+{_YEAR}")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_TIME = re.compile(r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*$")


def cell_text(value: object) -> str | None:
    """A cell as the text a person would read in it, trimmed; blank is None.

    Whole numbers lose Excel's ``.0`` (a phone number stored as a number reads
    ``7700900123``); date cells read day first.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        value = int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Enum):
        value = value.value
    text = str(value).strip()
    return text or None


def is_blank(cells: list[object]) -> bool:
    """Whether a row has nothing in it but empty cells and spaces."""
    return all(cell_text(c) is None for c in cells)


def _century(year: int, today: date) -> int:
    """Two-digit years: the most recent century that does not put it in the future."""
    if year >= 100:
        return year
    return year + (2000 if year <= today.year % 100 else 1900)


def _make(year: int, month: int, day: int, today: date) -> date:
    try:
        return date(_century(year, today), month, day)
    except ValueError:
        raise ValueError(NO_SUCH_DATE) from None


def _month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for n, name in enumerate(_MONTHS, start=1):
        if name.startswith(word) or (word == "sept" and n == 9):
            return n
    return None


def _from_serial(serial: float) -> date:
    if not 1 <= serial <= _MAX_SERIAL:
        raise ValueError(NOT_A_DATE)
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _from_digits(digits: str, today: date) -> date:
    """``03041950`` / ``030450`` typed without separators (a lost leading zero too)."""
    if len(digits) in (5, 7):
        digits = "0" + digits
    if len(digits) == 8:
        return _make(int(digits[4:]), int(digits[2:4]), int(digits[:2]), today)
    if len(digits) == 6:
        return _make(int(digits[4:]), int(digits[2:4]), int(digits[:2]), today)
    raise ValueError(NOT_A_DATE)


def parse_legacy_date(value: object, today: date | None = None) -> date | None:
    """A date from a cell: a date cell, an Excel serial number, or text typed day first.

    ``03/04/1950``, ``3.4.50``, ``3-4-1950``, ``3rd April 1950``, ``3 Apr 1950``,
    ``April 3rd, 1950``, ``1950-04-03`` and serial ``18356`` are all 3 April 1950.
    """
    today = today or date.today()
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(NOT_A_DATE)
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        if 1900 <= value <= 2100 and float(value).is_integer():
            raise ValueError(ONLY_A_YEAR)
        if value >= 100_000 and float(value).is_integer():
            return _from_digits(str(int(value)), today)
        return _from_serial(float(value))
    text = tidy(str(value))
    if text is None:
        return None
    return _parse_date_text(text.casefold(), today)


def _parse_date_text(text: str, today: date) -> date:
    text = _TIME.sub("", text).strip()
    text = _WEEKDAY.sub("", text)
    if text.isdigit():
        if len(text) == 4:
            raise ValueError(ONLY_A_YEAR)
        if len(text) == 5:
            return _from_serial(int(text))
        return _from_digits(text, today)
    if m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
        return _make(year, month, day, today)
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
        return _make(year, month, day, today)
    if m := _D_MONTH_Y.fullmatch(text):
        month = _month(m.group(2))
        if month is not None:
            return _make(int(m.group(3)), month, int(m.group(1)), today)
    if m := _MONTH_D_Y.fullmatch(text):
        month = _month(m.group(1))
        if month is not None:
            return _make(int(m.group(3)), month, int(m.group(2)), today)
    raise ValueError(NOT_A_DATE)


def parse_phone(value: object) -> str | None:
    """A phone number, with the leading zero a spreadsheet dropped put back."""
    return normalise_phone(cell_text(value))


def parse_postcode(value: object) -> str | None:
    """A UK postcode in any case or spacing, written the usual way (``SG1 1AA``)."""
    return normalise_postcode(cell_text(value))


def parse_text(value: object) -> str | None:
    """Text with stray spaces trimmed; accents and apostrophes kept exactly."""
    return tidy(cell_text(value))


def split_full_name(text: str) -> tuple[str | None, str | None]:
    """``Mary O'Brien`` → (Mary, O'Brien); ``O'Brien, Mary`` → (Mary, O'Brien)."""
    text = tidy(text) or ""
    if "," in text:
        last, _, first = text.partition(",")
        return tidy(first), tidy(last)
    parts = text.rsplit(" ", 1)
    if len(parts) == 1:
        return None, tidy(parts[0])
    return tidy(parts[0]), tidy(parts[1])


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_GENDER = {
    Gender.MAN: ("m", "male", "man", "mr", "boy"),
    Gender.WOMAN: ("f", "female", "woman", "w", "fem", "girl", "mrs", "ms", "miss"),
    Gender.NON_BINARY: ("nb", "nonbinary", "enby"),
    Gender.PREFER_NOT_TO_SAY: ("prefernottosay", "pnts", "declined", "refused"),
    Gender.NOT_STATED: ("unknown", "notknown", "notstated", "ns", "na", "nk"),
}
_ETHNICITY = {
    Ethnicity.WHITE_BRITISH: (
        "whitebritish",
        "british",
        "wb",
        "whiteuk",
        "english",
        "welsh",
        "scottish",
        "whiteenglish",
        "whitewelsh",
        "whitescottish",
    ),
    Ethnicity.WHITE_IRISH: ("irish", "whiteirish"),
    Ethnicity.WHITE_OTHER: ("whiteother", "otherwhite", "whiteeuropean"),
    Ethnicity.WHITE_GYPSY_TRAVELLER: ("gypsy", "traveller", "gypsytraveller", "irishtraveller"),
    Ethnicity.WHITE_ROMA: ("roma",),
    Ethnicity.ASIAN_INDIAN: ("indian", "asianindian", "asianbritishindian"),
    Ethnicity.ASIAN_PAKISTANI: ("pakistani", "asianpakistani"),
    Ethnicity.ASIAN_BANGLADESHI: ("bangladeshi", "asianbangladeshi"),
    Ethnicity.ASIAN_CHINESE: ("chinese", "asianchinese"),
    Ethnicity.ASIAN_OTHER: ("asianother", "otherasian"),
    Ethnicity.BLACK_AFRICAN: ("african", "blackafrican"),
    Ethnicity.BLACK_CARIBBEAN: ("caribbean", "blackcaribbean"),
    Ethnicity.BLACK_OTHER: ("blackother", "otherblack"),
    Ethnicity.MIXED_OTHER: ("mixed", "mixedother", "othermixed"),
    Ethnicity.OTHER_ARAB: ("arab",),
    Ethnicity.OTHER_ANY: ("other", "otherethnicgroup"),
    Ethnicity.NOT_STATED: ("unknown", "notknown", "notstated", "prefernottosay", "declined"),
}
_RELATIONSHIP = {
    Relationship.PARENT: ("mother", "mum", "mam", "mom", "father", "dad", "parent", "parents"),
    Relationship.PARTNER: ("husband", "wife", "partner", "spouse"),
    Relationship.CHILD: ("son", "daughter", "child", "children", "stepson", "stepdaughter"),
    Relationship.SIBLING: ("brother", "sister", "sibling"),
    Relationship.GRANDPARENT: ("grandmother", "grandfather", "nan", "nana", "gran",
                               "grandma", "grandad", "granddad", "grandpa", "grandparent"),
    Relationship.OTHER_RELATIVE: ("aunt", "auntie", "uncle", "cousin", "niece", "nephew",
                                  "grandson", "granddaughter", "inlaw", "motherinlaw",
                                  "fatherinlaw", "relative"),
    Relationship.FRIEND: ("friend",),
    Relationship.NEIGHBOUR: ("neighbour", "neighbor"),
}  # fmt: skip


def parse_choice(kind: type[E], value: object, synonyms: dict | None = None) -> E | None:
    """A fixed choice from its value, its label or a common way of writing it."""
    text = cell_text(value)
    if text is None:
        return None
    want = _squash(text)
    for member, words in (synonyms or {}).items():
        if want in words:
            return member
    try:
        return kind.parse(text)  # type: ignore[return-value]
    except ValueError:
        raise ValueError("That is not one of the choices") from None


def parse_gender(value: object) -> Gender | None:
    return parse_choice(Gender, value, _GENDER)


def parse_ethnicity(value: object) -> Ethnicity | None:
    return parse_choice(Ethnicity, value, _ETHNICITY)


def parse_yes_no(value: object) -> bool | None:
    """Yes/No, Y/N, True/False, 1/0, a tick or a cross."""
    text = cell_text(value)
    if text is None:
        return None
    word = text.casefold().strip(". ")
    if word in ("y", "yes", "true", "1", "x", "✓", "✔", "ok", "agreed", "given"):
        return True
    if word in ("n", "no", "false", "0", "none", "not given", "refused"):
        return False
    raise ValueError("Please answer yes or no")


def find_relationship(text: str) -> Relationship | None:
    """The relationship a cared-for description starts with ("Mother", "Husband - stroke")."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if not words:
        return None
    first = _squash("".join(words[:3])) if words[1:3] == ["in", "law"] else words[0]
    for member, names in _RELATIONSHIP.items():
        if first in names:
            return member
    return None
