"""One carer's record: who they are, their card, and tabs for everything else.

Opening a record is one worker job (the carer, their type today, live card,
photo and who recorded consent); the other tabs fetch their own data the
first time they are shown.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import select

from carerdesk.desk import Desk, Tx
from carerdesk.errors import InvalidValue, NotFound
from carerdesk.models import Card, Carer, User
from carerdesk.models.enums import CardStatus, CarerStatus, CarerType
from carerdesk.services import cards as card_service
from carerdesk.services import carer_details, carers
from carerdesk.services.permissions import Permission
from carerdesk.ui.carer_form import CarerForm, carer_type_text, uk_date
from carerdesk.ui.duplicates_dialog import CloseRecordDialog, EraseDialog
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.widgets import confirm_discard, error_label, heading, set_error
from carerdesk.ui.worker import DbWorker
from carerdesk.validation import age_on

_CARD_STATE = {
    CardStatus.QUEUED: "waiting to be printed",
    CardStatus.PRINTED: "printed, not yet given to the carer",
    CardStatus.ISSUED: "issued",
}


@dataclass(frozen=True)
class RecordData:
    """Everything the record page shows on opening."""

    carer: Carer
    carer_type: CarerType
    card: Card | None
    consent_recorded_by: str | None
    photo: bytes | None
    today: date
    young_max_age: int
    young_adult_max_age: int


def _user_name(tx: Tx, user_id: uuid.UUID | None) -> str | None:
    if user_id is None:
        return None
    return tx.session.exec(select(User.display_name).where(User.id == user_id)).first()


def fetch_record(carer_id: uuid.UUID) -> Callable[[Desk], RecordData]:
    """The worker job that reads a carer's record."""

    def run(desk: Desk) -> RecordData:
        with desk.read() as tx:
            carer = carers.get_carer(tx, carer_id)
            scheme = tx.scheme()
            return RecordData(
                carer=carer,
                carer_type=carers.current_carer_type(tx, carer),
                card=card_service.live_card(tx, carer.id),
                consent_recorded_by=_user_name(tx, carer.consent_recorded_by),
                photo=carer_details.get_photo(tx, carer.id),
                today=tx.today(),
                young_max_age=scheme.young_carer_max_age,
                young_adult_max_age=scheme.young_adult_max_age,
            )

    return run


def _as_uuid(value: uuid.UUID | str | bytes) -> uuid.UUID:
    """A carer id as a UUID (raw database rows hold 16 bytes)."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, bytes) and len(value) == 16:
        return uuid.UUID(bytes=value)
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("That carer reference is not valid.") from None


def summary_line(data: RecordData) -> str:
    """Age, type, postcode and status, for the header."""
    c = data.carer
    parts = []
    if c.date_of_birth is not None:
        parts.append(f"Age {age_on(c.date_of_birth, data.today)}")
    parts.append(carer_type_text(data.carer_type))
    if c.postcode:
        parts.append(c.postcode)
    if c.status is CarerStatus.ACTIVE:
        parts.append("Active")
    else:
        closed = f"Record closed: {c.status.label.lower()}"
        if c.closed_on:
            closed += f" on {uk_date(c.closed_on)}"
        if c.closed_reason:
            closed += f" ({c.closed_reason})"
        parts.append(closed)
    return " · ".join(parts)


def card_line(card: Card | None) -> str:
    if card is None:
        return "No valid card."
    text = f"Card {card.number}, {_CARD_STATE.get(card.status, card.status.label.lower())}"
    if card.expires_on:
        text += f", valid until {uk_date(card.expires_on)}"
    return text + "."


class CarerRecordPage(QWidget):
    """A carer's details and card at the top; tabs below."""

    # Emitted once a carer's record is on screen (benchmarks and tests listen).
    loaded = Signal(object)

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carerRecordPage")
        self.worker = worker
        self.nav = nav
        self.data: RecordData | None = None
        self.warning = ""
        self.last_latency_ms = 0.0
        self._saving = False
        self._own_change = False
        self._tab_carer: dict[int, uuid.UUID | None] = {}
        self.close_dialog: CloseRecordDialog | None = None
        self.erase_dialog: EraseDialog | None = None

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        self.banner = QLabel()
        self.banner.setObjectName("recordWarning")
        self.banner.setProperty("role", "warning")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("recordTabs")
        self.tabs.setAccessibleName("Parts of the carer's record")
        self.tabs.addTab(self._build_details(), "&Details")
        self.extra_tabs: list[QWidget] = []
        for title, tab_class in self._tab_classes():
            tab = tab_class(worker, nav)
            self.extra_tabs.append(tab)
            self.tabs.addTab(tab, title)
        self.tabs.currentChanged.connect(self._tab_shown)
        layout.addWidget(self.tabs, 1)
        self.tabs.setEnabled(False)

        QShortcut(QKeySequence.StandardKey.Save, self, self.save_current,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back_to_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @staticmethod
    def _tab_classes() -> list[tuple[str, type]]:
        try:
            from carerdesk.ui.record_tabs import TABS
        except ImportError:
            return []
        return list(TABS)

    def _build_header(self) -> QHBoxLayout:
        self.photo = QLabel()
        self.photo.setObjectName("recordPhoto")
        self.photo.setFixedSize(56, 72)
        self.photo.setFrameShape(QFrame.Shape.Box)
        self.photo.setAccessibleName("The carer's photo")
        self.photo.hide()
        self.name_label = heading("")
        self.name_label.setObjectName("recordName")
        self.summary = QLabel()
        self.summary.setObjectName("recordSummary")
        self.summary.setWordWrap(True)
        self.card_label = QLabel()
        self.card_label.setObjectName("recordCard")
        self.card_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setSpacing(2)
        for w in (self.name_label, self.summary, self.card_label):
            text.addWidget(w)
        text.addStretch(1)
        header = QHBoxLayout()
        header.addWidget(self.photo)
        header.addLayout(text, 1)
        return header

    def _build_details(self) -> QWidget:
        page = QWidget()
        page.setObjectName("detailsTab")
        self.form = CarerForm(today=lambda: self.worker.desk.clock().date())
        self.form.submitted.connect(self.save)
        can = self.worker.desk.can
        self.save_button = self._button("&Save changes", "saveDetails", self.save)
        self.save_button.setToolTip("Save the changes to these details (Ctrl+S)")
        self.close_button = self._button("Close record...", "closeRecord", self.close_or_reopen)
        self.erase_button = self._button("Erase...", "eraseCarer", self.erase)
        for b in (self.save_button, self.close_button):
            b.setVisible(can(Permission.EDIT_CARER))
        self.erase_button.setVisible(can(Permission.ERASE))
        self.problem = error_label()
        self.problem.setObjectName("detailsProblem")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.problem, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.erase_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.form, 1)
        layout.addLayout(buttons)
        chain = [*self.form.focus_chain, self.save_button, self.close_button, self.erase_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        return page

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("."))
        button.clicked.connect(slot)
        return button

    # -- loading -------------------------------------------------------------------

    @property
    def carer_id(self) -> uuid.UUID | None:
        return self.data.carer.id if self.data is not None else None

    def load(self, carer_id: uuid.UUID | str | bytes, warning: str = "") -> None:
        """Open a carer's record, with a warning on top (for example a lost card)."""
        try:
            carer_id = _as_uuid(carer_id)
        except NotFound as exc:
            show_problem(self, exc)
            return
        if carer_id != self.carer_id and self.has_unsaved_changes():
            if not confirm_discard(self):
                return
            self.discard_changes()
        self.warning = warning
        self.banner.setText(warning)
        self.banner.setVisible(bool(warning))
        if carer_id != self.carer_id:
            self.tabs.setEnabled(False)
        self.tabs.setCurrentIndex(0)
        self._tab_carer.clear()  # every tab fetches afresh when first shown
        self._fetch(carer_id)

    def _fetch(self, carer_id: uuid.UUID) -> None:
        started = time.perf_counter()

        def done(data: RecordData) -> None:
            self._show(data)
            self.last_latency_ms = (time.perf_counter() - started) * 1000
            self.loaded.emit(data.carer.id)

        def failed(exc: BaseException) -> None:
            self.tabs.setEnabled(self.data is not None)
            show_problem(self, exc)
            if isinstance(exc, NotFound):
                self._forget()
                self.nav.show_find.emit()

        self.worker.submit(fetch_record(carer_id), done, failed, group="carer-record")

    def _show(self, data: RecordData) -> None:
        new_carer = data.carer.id != self.carer_id
        self.data = data
        c = data.carer
        self.name_label.setText(carers.display_name(c) or "(no name)")
        self.summary.setText(summary_line(data))
        self.card_label.setText(card_line(data.card))
        self._show_photo(data.photo)
        closed = c.status is not CarerStatus.ACTIVE
        self.close_button.setText("Reopen record" if closed else "Close record...")
        self.close_button.setAccessibleName("Reopen record" if closed else "Close record")
        self.form.young_max_age = data.young_max_age
        self.form.young_adult_max_age = data.young_adult_max_age
        if new_carer or not self.form.is_dirty():
            self.form.load(c, consent_recorded_by=data.consent_recorded_by)
        self.tabs.setEnabled(True)
        if new_carer:
            self.tabs.tabBar().setFocus()
        self._tab_shown(self.tabs.currentIndex())

    def _show_photo(self, jpeg: bytes | None) -> None:
        if not jpeg:
            self.photo.hide()
            return
        pixmap = QPixmap()
        pixmap.loadFromData(jpeg, "JPEG")
        self.photo.setPixmap(pixmap.scaled(self.photo.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        self.photo.show()

    def _tab_shown(self, index: int) -> None:
        """Load a tab the first time it is shown for this carer (or after a change)."""
        if index <= 0 or self.data is None:
            return
        tab = self.tabs.widget(index)
        if self._tab_carer.get(index) == self.data.carer.id:
            return
        if getattr(tab, "has_unsaved_changes", lambda: False)():
            return
        self._tab_carer[index] = self.data.carer.id
        tab.load(self.data.carer)  # type: ignore[attr-defined]

    def _forget(self) -> None:
        self.data = None
        self._tab_carer.clear()
        self.form.load(None)
        for tab in self.extra_tabs:
            getattr(tab, "discard_changes", lambda: None)()
        self.tabs.setEnabled(False)
        self.name_label.setText("")
        self.summary.setText("")
        self.card_label.setText("")
        self.banner.hide()
        self.photo.hide()

    def data_changed(self, what: str) -> None:
        """Something was saved elsewhere: bring the header (and a clean form) up to date."""
        if self._own_change or self.data is None:
            return
        if what in ("carer", "card"):
            self._fetch(self.data.carer.id)

    def _changed(self, what: str, message: str) -> None:
        """After our own save: other tabs fetch again when next shown."""
        self._tab_carer.clear()
        if self.data is not None:
            self._fetch(self.data.carer.id)
        self._own_change = True
        try:
            self.nav.changed.emit(what)
        finally:
            self._own_change = False
        self.nav.notify.emit(message)

    # -- page protocol ---------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        if self.data is None:
            return False
        return self.form.is_dirty() or any(
            getattr(tab, "has_unsaved_changes", lambda: False)() for tab in self.extra_tabs
        )

    def discard_changes(self) -> None:
        if self.data is not None:
            self.form.load(self.data.carer, consent_recorded_by=self.data.consent_recorded_by)
        for tab in self.extra_tabs:
            getattr(tab, "discard_changes", lambda: None)()

    def back_to_search(self) -> None:
        """Escape: back to the search box, unless something is not saved."""
        if self.has_unsaved_changes():
            self.nav.notify.emit("There are unsaved changes: save them (Ctrl+S) or undo them "
                                 "before going back.")
            return
        self.nav.show_find.emit()

    # -- details tab -----------------------------------------------------------------

    def save_current(self) -> None:
        """Ctrl+S: save the tab on show."""
        tab = self.tabs.currentWidget()
        if self.tabs.currentIndex() == 0:
            self.save()
        elif hasattr(tab, "save"):
            tab.save()

    def save(self) -> None:
        """Save the changes typed into the Details tab."""
        if self.data is None or self._saving or not self.worker.desk.can(Permission.EDIT_CARER):
            return
        self.form.clear_errors()
        set_error(self.problem, None)
        try:
            fields = self.form.values()
        except InvalidValue as exc:
            self._show_invalid(exc)
            return
        if not fields.model_fields_set:
            self.nav.notify.emit("There are no changes to save.")
            return
        carer_id = self.data.carer.id
        self._saving = True
        self.save_button.setEnabled(False)

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                carers.update(tx, carer_id, fields)

        def done(_: None) -> None:
            self._saved()
            self.form.mark_clean()
            self._changed("carer", "The carer's details are saved.")

        def failed(exc: BaseException) -> None:
            self._saved()
            if isinstance(exc, InvalidValue):
                self._show_invalid(exc)
            else:
                show_problem(self, exc)

        self.worker.submit(run, done, failed)

    def _saved(self) -> None:
        self._saving = False
        self.save_button.setEnabled(True)

    def _show_invalid(self, exc: InvalidValue) -> None:
        left = self.form.show_errors(exc.errors)
        if left:
            set_error(self.problem, " ".join(left.values()))

    def close_or_reopen(self) -> None:
        """Close an active record (moved, died, withdrawn) or reopen a closed one."""
        if self.data is None:
            return
        carer_id = self.data.carer.id
        if self.data.carer.status is not CarerStatus.ACTIVE:
            def reopen(desk: Desk) -> None:
                with desk.transaction() as tx:
                    carers.close_record(tx, carer_id, CarerStatus.ACTIVE)

            self.worker.submit(reopen, lambda _: self._changed("carer", "The record is open "
                                                                "again."),
                               lambda exc: show_problem(self, exc))
            return
        dialog = CloseRecordDialog(self.worker, carer_id, self)
        dialog.accepted.connect(lambda: self._changed("carer", "The record is closed."))
        self.close_dialog = dialog
        dialog.open()

    def erase(self) -> None:
        """Coordinators: erase the carer's personal details for good."""
        if self.data is None:
            return
        dialog = EraseDialog(self.worker, self.data.carer.id,
                             carers.display_name(self.data.carer), self)
        dialog.accepted.connect(self._erased)
        self.erase_dialog = dialog
        dialog.open()

    def _erased(self) -> None:
        self._forget()
        self._own_change = True
        try:
            self.nav.changed.emit("carer")
        finally:
            self._own_change = False
        self.nav.notify.emit("The carer's record was erased.")
        self.nav.show_find.emit()


