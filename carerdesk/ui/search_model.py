"""The search results list: a table model filled from the worker, page by page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from carerdesk.services.search import CarerHit
from carerdesk.ui.tables import Column, Index, RowsModel, uk_date

PAGE = 50


def _name(hit: CarerHit) -> str:
    if hit.preferred_name and hit.preferred_name not in hit.name:
        return f"{hit.name} ({hit.preferred_name})"
    return hit.name


def _card(hit: CarerHit) -> str:
    if not hit.card_number:
        return ""
    if hit.card_status is None:
        return hit.card_number
    return f"{hit.card_number} ({hit.card_status.label.lower()})"


_COLUMNS: list[Column[CarerHit]] = [
    Column("Name", _name),
    Column("Date of birth", lambda h: uk_date(h.date_of_birth)),
    Column("Postcode", lambda h: h.postcode or ""),
    Column("Town", lambda h: h.town or ""),
    Column("Card", _card),
    Column("Status", lambda h: h.status.label),
]


class SearchResultsModel(RowsModel[CarerHit]):
    """Rows of ``CarerHit``. ``canFetchMore`` asks the page for the next batch."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_COLUMNS, parent)
        self.query = ""
        self.more_available = False
        self.fetch_more_requested: Callable[[str, int], None] | None = None

    @property
    def hits(self) -> list[CarerHit]:
        return self.rows

    def set_results(self, query: str, hits: list[CarerHit], limit: int) -> None:
        self.query = query
        self.more_available = len(hits) >= limit
        self.set_rows(hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.UserRole and index.isValid():
            hit = self.row_at(index.row())
            return hit.carer_id if hit is not None else None
        return super().data(index, role)

    def hit_at(self, row: int) -> CarerHit | None:
        return self.row_at(row)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid() and self.more_available and self.fetch_more_requested is not None
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self.fetch_more_requested is not None:
            self.more_available = False  # until the next batch arrives
            self.fetch_more_requested(self.query, len(self.rows) + PAGE)
