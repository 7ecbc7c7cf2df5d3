"""Finding carers from one search box: names, postcode, town, phone, card number."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import text

from carerdesk import cardsign
from carerdesk.cardnumbers import looks_like_card_number, parse_card_number
from carerdesk.desk import Tx
from carerdesk.models.enums import CardStatus, CarerStatus, CarerType
from carerdesk.services.permissions import Permission

DEFAULT_LIMIT = 20
MAX_LIMIT = 500


@dataclass(frozen=True)
class CarerHit:
    """One line of search results: enough to recognise the person."""

    carer_id: uuid.UUID
    name: str
    preferred_name: str | None
    date_of_birth: date | None
    postcode: str | None
    town: str | None
    status: CarerStatus
    carer_type: CarerType
    card_number: str | None
    card_status: CardStatus | None
    card_expires_on: date | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[CarerHit]
    # Set when the query was a card number: which card it was, and its state.
    card_number: str | None = None
    card_status: CardStatus | None = None
    card_expires_on: date | None = None
    # A plain-English remark, e.g. a card number whose check digits are wrong.
    message: str | None = None

    @property
    def direct(self) -> CarerHit | None:
        """The carer a card number points at, to be opened straight away."""
        return self.hits[0] if self.card_number and self.hits else None


_HIT_COLUMNS = """
  c.id, c.first_name, c.last_name, c.preferred_name, c.date_of_birth, c.postcode, c.town,
  c.status, c.carer_type,
  k.number, k.status, k.expires_on
"""
# The carer's most relevant card: live ones first, then the newest.
_LATEST_CARD = """
LEFT JOIN card k ON k.id = (
  SELECT k2.id FROM card k2 WHERE k2.carer_id = c.id AND NOT k2.deleted
  ORDER BY k2.status IN ('queued', 'printed', 'issued') DESC, k2.created_at DESC LIMIT 1)
"""


def _hit(row) -> CarerHit:  # type: ignore[no-untyped-def]
    first, last = row[1] or "", row[2] or ""
    return CarerHit(
        carer_id=uuid.UUID(bytes=row[0]),
        name=f"{first} {last}".strip() or "(no name)",
        preferred_name=row[3],
        date_of_birth=date.fromisoformat(row[4]) if isinstance(row[4], str) else row[4],
        postcode=row[5],
        town=row[6],
        status=CarerStatus(row[7]),
        carer_type=CarerType(row[8]),
        card_number=row[9],
        card_status=CardStatus(row[10]) if row[10] else None,
        card_expires_on=date.fromisoformat(row[11]) if isinstance(row[11], str) else row[11],
    )


_OUTWARD = re.compile(r"^[a-z]{1,2}\d[a-z\d]?$")
_INWARD = re.compile(r"^\d[a-z]{0,2}$")
# Candidates fetched from the index before ordering: enough for any real list,
# small enough that a one-letter query stays instant at 100,000 carers.
CANDIDATES = 2000


@dataclass(frozen=True)
class FtsQuery:
    """What to ask the index: all columns, and (for name-like queries) names only."""

    any_column: str
    names_only: str | None
    first_word: str


def fts_query(query: str) -> FtsQuery | None:
    """Turn what was typed into FTS5 prefix queries (every word must match)."""
    compact = re.sub(r"[\s()-]", "", query)
    if re.fullmatch(r"\+?\d{5,}", compact):
        digits = compact.lstrip("+")
        if compact.startswith("+44"):
            digits = "0" + compact[3:]
        forms = {digits} if digits.startswith("0") else {digits, "0" + digits}
        either = " OR ".join(f'"{d}"*' for d in sorted(forms))
        return FtsQuery(f"phones : ({either})", None, digits)
    words = re.findall(r"\w+", query.casefold())
    if not words:
        return None
    merged: list[str] = []
    postcode = False
    for word in words:
        # "SG1 1AA" is held as one word: join an outward code to the inward code after it.
        if merged and _OUTWARD.match(merged[-1]) and _INWARD.match(word):
            merged[-1] += word
            postcode = True
        else:
            merged.append(word)
    # Names are also held without apostrophes, so "obrien" finds O'Brien.
    terms = " ".join(f'"{w}"*' for w in merged)
    name_like = not postcode and not any(ch.isdigit() for w in merged for ch in w)
    return FtsQuery(terms, f"names : ({terms})" if name_like else None, merged[0])


# Carers whose surname, then first name, starts with what was typed come first;
# then everyone else the index matched (a town, a street...), alphabetically.
# Only columns of ix_carer_search_order are used, so no whole row is read.
_ORDER = """
  s.status != 'active',
  CASE WHEN s.last_name LIKE :w ESCAPE '\\' THEN 0
       WHEN s.first_name LIKE :w ESCAPE '\\' OR s.preferred_name LIKE :w ESCAPE '\\' THEN 1
       ELSE 2 END,
  s.last_name COLLATE NOCASE, s.first_name COLLATE NOCASE
"""


def find_carers(tx: Tx, query: str, *, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """Search as you type. A card number (or scanned payload) jumps to its carer."""
    tx.require(Permission.FIND)
    limit = max(1, min(limit, MAX_LIMIT))
    query = query.strip()
    if not query:
        return SearchResult(hits=[])
    if cardsign.looks_like_token(query):
        return _find_by_token(tx, query)
    if looks_like_card_number(query):
        return _find_by_card(tx, query)
    match = fts_query(query)
    if match is None:
        return SearchResult(hits=[])
    parts = ["SELECT key FROM (SELECT rowid AS key FROM carer_search "
             "WHERE carer_search MATCH :q LIMIT :cap)"]  # fmt: skip
    params: dict[str, object] = {"q": match.any_column, "cap": CANDIDATES, "limit": limit}
    if match.names_only is not None:
        parts.insert(0, "SELECT key FROM (SELECT rowid AS key FROM carer_search "
                        "WHERE carer_search MATCH :n LIMIT :cap)")  # fmt: skip
        params["n"] = match.names_only
    like = match.first_word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    params["w"] = like + "%"
    rows = tx.session.execute(
        text(
            f"SELECT {_HIT_COLUMNS} FROM ("
            f"  SELECT s.search_key AS key, row_number() OVER (ORDER BY {_ORDER}) AS pos"
            f"  FROM ({' UNION '.join(parts)}) f"
            f"  JOIN carer s INDEXED BY ix_carer_search_order ON s.search_key = f.key"
            f"  ORDER BY pos LIMIT :limit"
            f") top JOIN carer c ON c.search_key = top.key {_LATEST_CARD} ORDER BY top.pos"
        ),
        params,
    ).all()
    return SearchResult(hits=[_hit(r) for r in rows])


def _find_by_token(tx: Tx, payload: str) -> SearchResult:
    """A scanned QR code: check its signature, then open the card's carer."""
    check = cardsign.verify(tx, payload)
    if check.result is cardsign.CardCheck.FORGED or check.card_number is None:
        return SearchResult(hits=[], message=check.message)
    found = _find_by_card(tx, check.card_number)
    if check.result is cardsign.CardCheck.VALID:
        return found
    return replace(found, message=check.message)


def _find_by_card(tx: Tx, query: str) -> SearchResult:
    number = parse_card_number(query)
    if number is None:
        return SearchResult(
            hits=[],
            message="That card number is not valid: a digit may have been mistyped.",
        )
    row = tx.session.execute(
        text(
            f"SELECT {_HIT_COLUMNS} FROM card k JOIN carer c ON c.id = k.carer_id "
            "WHERE k.number = :n AND NOT k.deleted AND NOT c.deleted"
        ),
        {"n": number},
    ).first()
    if row is None:
        known = tx.session.execute(
            text("SELECT 1 FROM card WHERE number = :n"), {"n": number}
        ).first()
        if known is not None:
            return SearchResult(
                hits=[], message="This card has been cancelled: it is no longer valid."
            )
        return SearchResult(hits=[], message="No carer has a card with that number.")
    hit = _hit(row)
    return SearchResult(
        hits=[hit],
        card_number=number,
        card_status=hit.card_status,
        card_expires_on=hit.card_expires_on,
        message=card_warning(hit.card_status, hit.card_expires_on, tx.today()),
    )


def card_warning(status: CardStatus | None, expires_on: date | None, today: date) -> str | None:
    """A warning to show when a card is presented, or None if it is fine."""
    if status in (CardStatus.LOST, CardStatus.STOLEN):
        return f"This card was reported {status.value}: it is no longer valid."
    if status in (CardStatus.REVOKED, CardStatus.REPLACED):
        return "This card has been cancelled and replaced: it is no longer valid."
    if status is CardStatus.EXPIRED or (expires_on is not None and expires_on < today):
        return "This card has expired."
    return None
