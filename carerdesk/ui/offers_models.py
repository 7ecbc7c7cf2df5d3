"""Table models for the offers page: offers (with review dates) and businesses."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from carerdesk.services.offers import OfferRow
from carerdesk.validation import fold

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole

_WARNING_TEXT = QColor("#8a1c00")
_WARNING_BACK = QColor("#fff3cd")
_RETIRED_TEXT = QColor("#5f6368")


def uk_date(d: date | None) -> str:
    """A date as dd/mm/yyyy, or blank."""
    return d.strftime("%d/%m/%Y") if d else ""


def review_is_due(row: OfferRow, today: date) -> bool:
    """Whether a live offer needs checking with the business (no date counts as due)."""
    if row.retired_on or row.business_retired_on:
        return False
    return row.review_due_on is None or row.review_due_on <= today


def review_text(row: OfferRow, today: date) -> str:
    """The review column in words, so it does not rely on colour alone."""
    retired = row.retired_on or row.business_retired_on
    if retired:
        return f"Retired {uk_date(retired)}"
    due = row.review_due_on
    if due is None:
        return "Due now (no date set)"
    if due < today:
        return f"Overdue: {uk_date(due)}"
    if due == today:
        return f"Due today: {uk_date(due)}"
    return uk_date(due)


@dataclass(frozen=True)
class BusinessItem:
    """One business as listed, with how many live offers it gives."""

    business_id: uuid.UUID
    name: str
    town: str | None
    postcode: str | None
    category: str | None
    contact_name: str | None
    phone: str | None
    sticker_given_on: date | None
    retired_on: date | None
    live_offers: int


class _ListModel(QAbstractTableModel):
    """A read-only table of frozen rows, narrowed by a typed filter."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[Any] = []
        self.rows: list[Any] = []
        self._filter = ""

    def _haystack(self, row: Any) -> str:
        raise NotImplementedError

    def _id(self, row: Any) -> uuid.UUID:
        raise NotImplementedError

    def _set(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._apply()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        """Keep rows whose words contain ``text`` (ignoring case and accents)."""
        self.beginResetModel()
        self._filter = fold(text.strip())
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        want = self._filter
        self.rows = [r for r in self._all if not want or want in fold(self._haystack(r))]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return None

    def row_at(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, item_id: uuid.UUID) -> int:
        """The row showing ``item_id``, or -1."""
        return next((i for i, r in enumerate(self.rows) if self._id(r) == item_id), -1)


class OffersModel(_ListModel):
    """Rows of ``OfferRow``; overdue reviews in a warning colour and in words."""

    columns = ("Business", "Town", "Offer", "Categories", "Areas", "For whom", "Ends",
               "Review due")
    REVIEW_COLUMN = 7

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = date.today()

    def set_rows(self, rows: Sequence[OfferRow], today: date) -> None:
        self.today = today
        self._set(rows)

    def _id(self, row: OfferRow) -> uuid.UUID:
        return row.offer_id

    def _haystack(self, row: OfferRow) -> str:
        parts = (row.business_name, row.business_town, row.text, row.terms, *row.categories,
                 *row.areas)
        return " ".join(p for p in parts if p)

    def _cells(self, row: OfferRow) -> tuple[str, ...]:
        return (
            row.business_name,
            row.business_town or "",
            row.text,
            ", ".join(row.categories),
            ", ".join(row.areas) or "Anywhere",
            ", ".join(t.label for t in row.eligible) or "Everyone",
            uk_date(row.ends_on),
            review_text(row, self.today),
        )

    def due_count(self) -> int:
        return sum(review_is_due(r, self.today) for r in self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: OfferRow = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cells(row)[col]
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text, when a column is narrow
            if col == 2 and row.terms:
                return f"{row.text}\n\nTerms: {row.terms}"
            return self._cells(row)[col] or None
        if role == ID_ROLE:
            return row.offer_id
        retired = bool(row.retired_on or row.business_retired_on)
        due = col == self.REVIEW_COLUMN and review_is_due(row, self.today)
        if role == Qt.ItemDataRole.ForegroundRole:
            if due:
                return QBrush(_WARNING_TEXT)
            return QBrush(_RETIRED_TEXT) if retired else None
        if role == Qt.ItemDataRole.BackgroundRole and due:
            return QBrush(_WARNING_BACK)
        if role == Qt.ItemDataRole.FontRole and (due or retired):
            font = QFont()
            font.setBold(due)
            font.setItalic(retired)
            return font
        return None


class BusinessesModel(_ListModel):
    """Rows of ``BusinessItem``."""

    columns = ("Name", "Town", "Postcode", "Category", "Contact", "Phone", "Sticker given",
               "Live offers")

    def set_rows(self, rows: Sequence[BusinessItem]) -> None:
        self._set(rows)

    def _id(self, row: BusinessItem) -> uuid.UUID:
        return row.business_id

    def _haystack(self, row: BusinessItem) -> str:
        return " ".join(p for p in (row.name, row.town, row.postcode, row.category) if p)

    def _cells(self, row: BusinessItem) -> tuple[str, ...]:
        name = f"{row.name} (left the scheme)" if row.retired_on else row.name
        return (
            name,
            row.town or "",
            row.postcode or "",
            row.category or "",
            row.contact_name or "",
            row.phone or "",
            uk_date(row.sticker_given_on) or "No",
            str(row.live_offers),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: BusinessItem = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return self._cells(row)[index.column()]
        if role == ID_ROLE:
            return row.business_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 7:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if row.retired_on and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_RETIRED_TEXT)
        if row.retired_on and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        return None


def distinct(values: Sequence[str | None], key: Callable[[str], str] = fold) -> list[str]:
    """Non-blank values without repeats (ignoring case), sorted for a combo box."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(key(value.strip()), value.strip())
    return sorted(seen.values(), key=key)
