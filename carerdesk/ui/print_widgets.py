"""Pieces of the print page: the letters and leaflets tabs, and its small dialogs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractListModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError
from carerdesk.printing import presets
from carerdesk.services import offers, print_docs
from carerdesk.services.permissions import Permission
from carerdesk.ui import print_actions
from carerdesk.ui.errors import show_problem
from carerdesk.ui.record_tabs.common import button, chain_focus
from carerdesk.ui.worker import DbWorker

Index = QModelIndex | QPersistentModelIndex
Status = Callable[[str], None]


# -- small building blocks --------------------------------------------------------------


class CheckListModel(QAbstractListModel):
    """A list of (text, value) with a tick box on each line."""

    def __init__(self, items: Sequence[tuple[str, Any]] = (), checked: bool = False,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.items = [[text, value, checked] for text, value in items]

    def set_items(self, items: Sequence[tuple[str, Any]], checked: bool = False) -> None:
        self.beginResetModel()
        self.items = [[text, value, checked] for text, value in items]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        text, _value, checked = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.items[index.row()][2] = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [role])
        return True

    def set_checked(self, row: int, on: bool) -> None:
        self.setData(self.index(row), Qt.CheckState.Checked if on else Qt.CheckState.Unchecked,
                     Qt.ItemDataRole.CheckStateRole)  # fmt: skip

    def checked(self) -> list[Any]:
        return [value for _text, value, on in self.items if on]


def check_list(model: CheckListModel, name: str, accessible: str) -> QListView:
    """A list view of tick boxes (Space ticks the current line)."""
    view = QListView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    return view


def labelled(text: str, field: QWidget, name: str) -> QLabel:
    """A mnemonic label for ``field``, which gets an object name and an accessible name."""
    field.setObjectName(name)
    field.setAccessibleName(text.replace("&", "").rstrip(":"))
    label = QLabel(text)
    label.setBuddy(field)
    return label


def end_of_next_month(today: date) -> date:
    """The last day of the month after ``today``'s."""
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return (first_next + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _form(parent: QWidget | None = None) -> QFormLayout:
    """A form whose fields keep their natural width instead of filling a wide page."""
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


def _buttons(dialog: QDialog, ok_text: str, ok_name: str) -> QDialogButtonBox:
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName(ok_name)
    ok.setDefault(True)
    cancel = box.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancelButton")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


# -- dialogs ----------------------------------------------------------------------------


class ChooseCardsDialog(QDialog):
    """"Some failed": untick the cards that did not print well; ``chosen()`` are the rest."""

    def __init__(self, cards: Sequence[tuple[str, uuid.UUID]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chooseCardsDialog")
        self.setWindowTitle("Which cards printed correctly?")
        self.model = CheckListModel(cards, True, self)
        text = QLabel("Untick each card that did not print properly. Only the ticked cards "
                      "are marked printed; the others stay in the queue to print again.")
        text.setWordWrap(True)
        self.list = check_list(self.model, "printedCorrectly", "Cards that printed correctly")
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list)
        layout.addWidget(_buttons(self, "&Mark ticked cards printed", "markTicked"))
        self.resize(480, 360)

    def chosen(self) -> list[uuid.UUID]:
        return list(self.model.checked())


class CalibrationDialog(QDialog):
    """Line the printer up with a card sheet: print a test page, then nudge the print."""

    def __init__(self, worker: DbWorker, layouts: Sequence[tuple[str, str]], current: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setObjectName("calibrationDialog")
        self.setWindowTitle("Line up the printer with the card sheet")
        text = QLabel(
            "1. Print the calibration page on plain paper.\n2. Hold it over a sheet of blank "
            "cards, against the light, and see how far the boxes are from the cards.\n3. Move "
            "the print to match: right and down are positive, left and up negative. Print the "
            "page again to check, then Save.")
        text.setWordWrap(True)
        self.layout_combo = QComboBox()
        for name, label in layouts:
            self.layout_combo.addItem(label, name)
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(current), 0))
        self.across, self.down = QDoubleSpinBox(), QDoubleSpinBox()
        for spin in (self.across, self.down):
            spin.setRange(-presets.MAX_NUDGE_MM, presets.MAX_NUDGE_MM)
            spin.setSingleStep(0.5)
            spin.setDecimals(1)
            spin.setSuffix(" mm")
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("-10.0 mm") + 48)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setObjectName("calibrationProblem")
        self.problem.hide()
        form = _form()
        form.addRow(labelled("&Layout:", self.layout_combo, "calibrationLayout"),
                    self.layout_combo)
        form.addRow(labelled("Move &across:", self.across, "nudgeAcross"), self.across)
        form.addRow(labelled("Move &down:", self.down, "nudgeDown"), self.down)
        self.preview_button = button("&Print the calibration page...", "previewCalibration",
                                     self.preview)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problem)
        layout.addWidget(_buttons(self, "&Save", "saveNudge"))
        self.layout_combo.currentIndexChanged.connect(lambda _i: self._load_nudge())
        self._load_nudge()
        self.resize(560, 360)

    @property
    def layout_name(self) -> str:
        return str(self.layout_combo.currentData())

    def _load_nudge(self) -> None:
        dx, dy = presets.nudge_for(self.layout_name)  # a small settings file: quick
        self.across.setValue(dx)
        self.down.setValue(dy)

    def preview(self) -> None:
        print_actions.preview_calibration(self.worker, self, self.layout_name,
                                          (self.across.value(), self.down.value()))  # fmt: skip

    def accept(self) -> None:
        try:
            presets.set_nudge(self.layout_name, self.across.value(), self.down.value())
        except (CarerdeskError, OSError) as exc:
            self.problem.setText(exc.message if isinstance(exc, CarerdeskError)
                                 else "The adjustment could not be saved.")  # fmt: skip
            self.problem.show()
            return
        super().accept()


# -- tabs -------------------------------------------------------------------------------


class LettersTab(QWidget):
    """Renewal letters and address labels for cards running out before a date."""

    def __init__(self, worker: DbWorker, status: Status, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker, self.status = worker, status
        text = QLabel("Renewal letters go to carers whose cards run out before the date below; "
                      "they fit a DL window envelope. Address labels are for the same carers, "
                      "if you post the letters in other envelopes.")
        text.setWordWrap(True)
        self.expiring = QDateEdit()
        self.expiring.setDisplayFormat("dd/MM/yyyy")
        self.expiring.setCalendarPopup(True)
        end = end_of_next_month(date.today())
        self.expiring.setDate(QDate(end.year, end.month, end.day))
        self.label_sheet = QComboBox()
        for sheet in presets.load_presets().values():  # a small settings file: quick
            if isinstance(sheet, presets.LabelSheet):
                self.label_sheet.addItem(sheet.label, sheet.name)
        self.letters_button = button("Rene&wal letters...", "renewalLetters", self.renewals)
        self.labels_button = button("&Address labels...", "addressLabels", self.labels)
        form = _form()
        form.addRow(labelled("Cards &expiring before:", self.expiring, "expiringBefore"),
                    self.expiring)
        form.addRow("", self.letters_button)
        form.addRow(labelled("Sheet of la&bels:", self.label_sheet, "labelSheet"),
                    self.label_sheet)
        form.addRow("", self.labels_button)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addStretch(1)
        chain_focus(self.expiring, self.letters_button, self.label_sheet, self.labels_button)

    def expiring_before(self) -> date:
        return self.expiring.date().toPython()  # type: ignore[no-any-return]

    def renewals(self) -> None:
        print_actions.preview_renewals(self.worker, self, expiring_before=self.expiring_before(),
                                       status=self.status)  # fmt: skip

    def labels(self) -> None:
        print_actions.preview_labels(self.worker, self, expiring_before=self.expiring_before(),
                                     preset=str(self.label_sheet.currentData() or "l7163"),
                                     status=self.status)  # fmt: skip


class LeafletsTab(QWidget):
    """The offers leaflet (some areas or all, large print or not), posters and stickers."""

    def __init__(self, worker: DbWorker, status: Status, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker, self.status = worker, status
        self.areas_model = CheckListModel(parent=self)
        self.areas = check_list(self.areas_model, "leafletAreas", "Areas")
        areas_label = QLabel("&Areas (tick none for the whole scheme):")
        areas_label.setBuddy(self.areas)
        self.large = QCheckBox("Large pr&int")
        self.large.setObjectName("largePrint")
        self.large.setAccessibleName("Large print")
        self.leaflet_button = button("&Make offers leaflet...", "offersLeaflet", self.leaflet)
        self.poster_size = QComboBox()
        self.poster_size.addItems(["A4", "A3"])
        self.poster_button = button("&Wall poster...", "poster", self.poster)
        self.business = QComboBox()
        self.business.setMinimumContentsLength(28)
        self.business.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.shape = QComboBox()
        self.shape.addItem("Square", "square")
        self.shape.addItem("Circle", "circle")
        self.sticker_button = button("Window stic&ker...", "sticker", self.sticker)
        may_sticker = worker.desk.can(Permission.EDIT_OFFERS)
        leaflet = QGroupBox("Offers leaflet")
        box = QVBoxLayout(leaflet)
        box.addWidget(areas_label)
        box.addWidget(self.areas, 1)
        box.addWidget(self.large)
        box.addWidget(self.leaflet_button, 0, Qt.AlignmentFlag.AlignLeft)
        poster = QGroupBox("Poster for a wall or notice board")
        form = _form(poster)
        form.addRow(labelled("Poster si&ze:", self.poster_size, "posterSize"), self.poster_size)
        form.addRow("", self.poster_button)
        sticker = QGroupBox("Window sticker for a business")
        form = _form(sticker)
        form.addRow(labelled("&Business:", self.business, "stickerBusiness"), self.business)
        form.addRow(labelled("Shap&e:", self.shape, "stickerShape"), self.shape)
        form.addRow("", self.sticker_button)
        sticker.setVisible(may_sticker)
        right = QVBoxLayout()
        right.addWidget(poster)
        right.addWidget(sticker)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(leaflet, 1)
        layout.addLayout(right, 1)
        chain_focus(self.areas, self.large, self.leaflet_button, self.poster_size,
                    self.poster_button, self.business, self.shape, self.sticker_button)

    def load(self) -> None:
        """Fetch the areas a leaflet can cover and the businesses for stickers."""

        def run(desk: Desk) -> tuple[list[str], list[tuple[str, uuid.UUID]]]:
            with desk.read() as tx:
                areas = print_docs.leaflet_areas(tx)
                businesses = [(b.name, b.id) for b in offers.list_businesses(tx)]
            return areas, businesses

        def done(value: tuple[list[str], list[tuple[str, uuid.UUID]]]) -> None:
            areas, businesses = value
            ticked = set(self.areas_model.checked())
            self.areas_model.set_items([(a, a) for a in areas])
            for row, area in enumerate(areas):
                self.areas_model.set_checked(row, area in ticked)
            chosen = self.business.currentData()
            self.business.clear()
            self.business.addItem("Any business (no name on it)", None)
            for name, business_id in businesses:
                self.business.addItem(name, business_id)
            self.business.setCurrentIndex(max(self.business.findData(chosen), 0))

        self.worker.submit(run, done, lambda exc: show_problem(self, exc),
                           group=f"print-lists-{id(self)}")  # fmt: skip

    def leaflet(self) -> None:
        print_actions.preview_leaflet(self.worker, self, areas=self.areas_model.checked(),
                                      large=self.large.isChecked(), status=self.status)

    def poster(self) -> None:
        print_actions.preview_poster(self.worker, self, size=self.poster_size.currentText(),
                                     status=self.status)  # fmt: skip

    def sticker(self) -> None:
        print_actions.preview_sticker(self.worker, self, self.business.currentData(),
                                      shape=str(self.shape.currentData()), status=self.status)
