"""Read-only tables: a generic row model, a ready-made table view, UK dates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


# -- showing dates -------------------------------------------------------------


def uk_date(d: date | None) -> str:
    """``03/04/2026``, or blank."""
    return d.strftime("%d/%m/%Y") if d else ""


def local_time(moment: datetime) -> datetime:
    """A stored (UTC) moment in the computer's own time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def uk_datetime(moment: datetime | None) -> str:
    """``03/04/2026 14:05`` in local time, or blank."""
    return local_time(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def first_line(text: str | None) -> str:
    """The first line of a note, for a one-line table cell."""
    if not text:
        return ""
    lines = text.strip().splitlines()
    return lines[0] + (" …" if len(lines) > 1 else "")


# -- list models -----------------------------------------------------------------


@dataclass(frozen=True)
class Column(Generic[R]):
    """A table column: its heading and how to show a row in it."""

    title: str
    text: Callable[[R], str]


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of rows, one ``Column`` each. ``UserRole`` gives the row."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.columns[index.column()].text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def tooltip(self, row: R, column: int) -> str | None:
        """Longer text shown on hover; none by default."""
        return None


def make_table(
    model: QAbstractTableModel, name: str, accessible: str, stretch: int | None = None
) -> QTableView:
    """A read-only, whole-row-selecting table for ``model``; column ``stretch`` takes
    the spare width (with None, columns keep their natural width)."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
