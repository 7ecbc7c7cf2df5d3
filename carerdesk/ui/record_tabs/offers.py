"""The offers this carer can use, where they live and where the people they care for do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from carerdesk.desk import Desk
from carerdesk.models import Carer
from carerdesk.models.enums import CarerType
from carerdesk.services import carer_details, carers, offers
from carerdesk.services.offers import OfferRow
from carerdesk.services.permissions import Permission
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.record_tabs.common import (
    Column,
    Index,
    RecordTab,
    RowsModel,
    button,
    make_table,
)
from carerdesk.ui.worker import DbWorker

OTHER_CATEGORY = "Other offers"
_CATEGORY, _OFFER, _TERMS = 0, 3, 4


@dataclass(frozen=True)
class _Loaded:
    offers: list[OfferRow]
    carer_area: str | None
    cared_for_areas: list[str]
    carer_type: CarerType


def _where(row: OfferRow) -> str:
    return ", ".join(row.areas) if row.areas else "Anywhere"


_COLUMNS: list[Column[OfferRow]] = [
    Column("Category", lambda r: r.category or OTHER_CATEGORY),
    Column("Business", lambda r: r.business_name),
    Column("Town", lambda r: r.business_town or ""),
    Column("Offer", lambda r: r.text),
    Column("Terms", lambda r: r.terms or ""),
    Column("Where it applies", _where),
]


class OffersModel(RowsModel[OfferRow]):
    """Offers in category order; the category shows once, at the top of its group."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_COLUMNS, parent)

    def _starts_group(self, row: int) -> bool:
        return row == 0 or self.rows[row].category != self.rows[row - 1].category

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == _CATEGORY:
            if role == Qt.ItemDataRole.DisplayRole and not self._starts_group(index.row()):
                return ""
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


def _fetch(carer_id: Any) -> Any:
    def fetch(desk: Desk) -> _Loaded:
        with desk.read() as tx:
            carer = tx.get(Carer, carer_id, "carer")
            people = carer_details.list_cared_for(tx, carer_id)
            return _Loaded(
                offers.offers_for_carer(tx, carer_id), carer.area,
                [p.area for p in people if p.area], carers.current_carer_type(tx, carer),
            )  # fmt: skip

    return fetch


def areas_note(loaded: _Loaded) -> str:
    """A sentence naming the areas (and the kind of carer) the list was chosen for."""
    own = (loaded.carer_area or "").strip()
    others: dict[str, str] = {}
    for area in loaded.cared_for_areas:
        if area.casefold() != own.casefold():
            others.setdefault(area.casefold(), area)
    parts = []
    if own:
        parts.append(f"where the carer lives ({own})")
    if others:
        parts.append(f"where the people they care for get services ({', '.join(others.values())})")
    if parts:
        text = f"Offers valid {' and '.join(parts)}, and offers valid anywhere in the scheme."
    else:
        text = (
            "No area is recorded for this carer or the people they care for, so only offers "
            "valid anywhere in the scheme are shown. Add an area to see local offers."
        )
    return (
        f"{text} Offers meant only for some kinds of carer are shown if they include "
        f"this carer ({loaded.carer_type.label.lower()})."
    )


class CarerOffersTab(RecordTab):
    """A read-only list, grouped by category, of offers that suit this carer today."""

    WATCHES = ("offer", "business", "carer")

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, parent)
        self.setObjectName("carerOffersTab")
        self.note = QLabel()
        self.note.setObjectName("offersAreasNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.count = QLabel()
        self.count.setObjectName("offersCount")
        self.model = OffersModel(self)
        self.table = make_table(self.model, "carerOffersTable", "Offers this carer can use")
        self.table.setWordWrap(True)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (_OFFER, _TERMS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_args: self.table.resizeRowsToContents())
        self.print_button = button("Print offers &leaflet...", "printLeaflet", self.print_leaflet)
        self.print_button.setToolTip("A printed list of these offers, for a carer without internet")
        self.print_button.setVisible(self.can(Permission.PRINT_LEAFLET))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def print_leaflet(self) -> None:
        """Preview (then print) the leaflet of offers for this carer's areas."""
        from carerdesk.ui import print_actions

        if self.carer_id is not None:
            print_actions.preview_leaflet(
                self.worker, self, carer_id=self.carer_id, status=self.nav.notify.emit
            )

    def reload(self) -> None:
        if self.carer_id is not None:
            self.run(_fetch(self.carer_id), self._show, group=f"carer-offers-{id(self)}")

    def _show(self, loaded: _Loaded) -> None:
        self.note.setText(areas_note(loaded))
        self.model.set_rows(loaded.offers)
        self.table.resizeRowsToContents()
        n = len(loaded.offers)
        self.count.setText(
            "No current offers apply to these areas."
            if n == 0
            else "1 offer applies to this carer."
            if n == 1
            else f"{n} offers apply to this carer."
        )
