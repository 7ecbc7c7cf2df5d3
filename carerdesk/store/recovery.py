"""Recovery keys: 160 random bits written as eight groups a person can copy.

Crockford's base32 alphabet leaves out I, L, O and U, and reading maps the
look-alikes back (``O``→0, ``I``/``L``→1), so a key copied by hand onto paper
and typed back in later still works.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_BYTES = 20  # 160 bits
_CHARS = _BYTES * 8 // 5  # 32
GROUP = 4


def new_recovery_key() -> str:
    """A fresh recovery key, formatted as ``XXXX-XXXX-...`` (8 groups of 4)."""
    value = int.from_bytes(secrets.token_bytes(_BYTES), "big")
    chars = []
    for _ in range(_CHARS):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    text = "".join(reversed(chars))
    return "-".join(text[i : i + GROUP] for i in range(0, _CHARS, GROUP))


def normalise_recovery_key(text: str) -> str | None:
    """The canonical form of a typed recovery key, or None if it cannot be one."""
    cleaned = []
    for ch in text.upper():
        if ch in " -\t\n":
            continue
        ch = _READ_AS.get(ch, ch)
        if ch not in _ALPHABET:
            return None
        cleaned.append(ch)
    if len(cleaned) != _CHARS:
        return None
    text = "".join(cleaned)
    return "-".join(text[i : i + GROUP] for i in range(0, _CHARS, GROUP))
