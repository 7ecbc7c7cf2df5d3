"""Card numbers: site prefix, serial and two check digits.

A number looks like ``TST-000123-45``. The check digits are ISO 7064
MOD 97-10 (as in IBANs) over the prefix and serial, so any single mistyped
character and any swap of two neighbours is caught before a lookup.
People and scanners may type it in any case, with or without the dashes.
"""

from __future__ import annotations

import re

SERIAL_WIDTH = 6
_PATTERN = re.compile(r"^([A-Z][A-Z0-9]{1,5})-?(\d{6,9})-?(\d{2})$")


def _as_digits(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text))


def check_digits(site_code: str, serial: int) -> str:
    body = f"{site_code}{serial:0{SERIAL_WIDTH}d}"
    return f"{98 - (_as_digits(body) * 100) % 97:02d}"


def format_card_number(site_code: str, serial: int) -> str:
    """The printed form of the ``serial``-th card of a site."""
    return f"{site_code}-{serial:0{SERIAL_WIDTH}d}-{check_digits(site_code, serial)}"


def looks_like_card_number(text: str) -> bool:
    """Whether ``text`` has the shape of a card number (right or wrong digits)."""
    return _PATTERN.match(_squash(text)) is not None


def parse_card_number(text: str) -> str | None:
    """The canonical number if ``text`` is a card number with valid check digits."""
    m = _PATTERN.match(_squash(text))
    if m is None:
        return None
    site, serial, check = m.group(1), int(m.group(2)), m.group(3)
    if check_digits(site, serial) != check:
        return None
    return format_card_number(site, serial)


def _squash(text: str) -> str:
    return re.sub(r"[\s]", "", text.strip().upper())
