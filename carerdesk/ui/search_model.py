"""The search results list: a table model filled from the worker, page by page."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from carerdesk.services.search import CarerHit

PAGE = 50
_COLUMNS = ("Name", "Date of birth", "Postcode", "Town", "Card", "Status")

Index = QModelIndex | QPersistentModelIndex


def _uk_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


class SearchResultsModel(QAbstractTableModel):
    """Rows of ``CarerHit``. ``canFetchMore`` asks the page for the next batch."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[CarerHit] = []
        self.query = ""
        self.more_available = False
        self.fetch_more_requested: Any = None  # set by the page: callable(query, limit)

    def set_results(self, query: str, hits: list[CarerHit], limit: int) -> None:
        self.beginResetModel()
        self.query = query
        self.hits = list(hits)
        self.more_available = len(hits) >= limit
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            col = index.column()
            if col == 0:
                if hit.preferred_name and hit.preferred_name not in hit.name:
                    return f"{hit.name} ({hit.preferred_name})"
                return hit.name
            if col == 1:
                return _uk_date(hit.date_of_birth)
            if col == 2:
                return hit.postcode or ""
            if col == 3:
                return hit.town or ""
            if col == 4:
                if not hit.card_number:
                    return ""
                return (
                    f"{hit.card_number} ({hit.card_status.label.lower()})"
                    if hit.card_status
                    else hit.card_number
                )
            if col == 5:
                return hit.status.label
        if role == Qt.ItemDataRole.UserRole:
            return hit.carer_id
        return None

    def hit_at(self, row: int) -> CarerHit | None:
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid() and self.more_available and self.fetch_more_requested is not None
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.more_available = False  # until the next batch arrives
            self.fetch_more_requested(self.query, len(self.hits) + PAGE)
