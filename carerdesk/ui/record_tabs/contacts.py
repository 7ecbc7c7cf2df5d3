"""The contact log: who helped the carer, when, how and for how long.

Logging a drop-in takes two keys: Ctrl+K opens the form already filled in
(now, drop-in, 15 minutes) and Enter saves it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.models import Carer
from carerdesk.models.enums import ContactKind
from carerdesk.services import contacts
from carerdesk.services.contacts import MAX_MINUTES, ContactFields, ContactRow
from carerdesk.services.permissions import Permission
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.record_tabs.common import (
    Column,
    FormDialog,
    Index,
    RecordTab,
    RowsModel,
    ask,
    button,
    chain_focus,
    first_line,
    local_time,
    make_table,
    uk_datetime,
)
from carerdesk.ui.widgets import add_row, choice_combo, line_edit, set_combo_value
from carerdesk.ui.worker import DbWorker

PAGE = 50
ADD_SHORTCUT = "Ctrl+K"
DEFAULT_MINUTES = 15

_COLUMNS: list[Column[ContactRow]] = [
    Column("When", lambda c: uk_datetime(c.at)),
    Column("Kind", lambda c: c.kind.label),
    Column("Minutes", lambda c: str(c.minutes)),
    Column("By", lambda c: c.by_name or "Someone at another site"),
    Column("What was done", lambda c: first_line(c.what_was_done)),
    Column("Referred to", lambda c: c.referred_to or ""),
]
_WHAT_COLUMN = 4


class ContactsModel(RowsModel[ContactRow]):
    """Contacts newest first, fetched a page at a time as the list is scrolled."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(_COLUMNS, parent)
        self.more_available = False
        # Set by the tab: called with how many rows to fetch in all.
        self.fetch_more_requested: Callable[[int], None] | None = None

    def set_page(self, rows: Sequence[ContactRow], limit: int) -> None:
        """Show the first ``limit`` contacts; keep what is already shown if it still leads."""
        rows = list(rows)
        old = [r.contact_id for r in self.rows]
        if old and [r.contact_id for r in rows[: len(old)]] == old and len(rows) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(rows) - 1)
            self.rows = rows
            self.endInsertRows()
        elif [r.contact_id for r in rows] != old or rows != self.rows:
            self.set_rows(rows)
        self.more_available = len(rows) >= limit

    def tooltip(self, row: ContactRow, column: int) -> str | None:
        return row.what_was_done if column == _WHAT_COLUMN and row.what_was_done else None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (not parent.isValid() and self.more_available
                and self.fetch_more_requested is not None)  # fmt: skip

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self.fetch_more_requested is not None:
            self.more_available = False  # until the next page arrives
            self.fetch_more_requested(len(self.rows) + PAGE)


class ContactDialog(FormDialog):
    """Log a contact (filled in for a drop-in now), or correct one."""

    def __init__(self, worker: DbWorker, carer_id: uuid.UUID, contact: ContactRow | None,
                 parent: QWidget | None = None) -> None:
        title = "Correct a contact" if contact else "Log a contact"
        super().__init__(worker, title, parent)
        self.setObjectName("contactDialog")
        self.carer_id = carer_id
        self.contact = contact
        self.kind = choice_combo(ContactKind)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" minutes")
        self.what = QPlainTextEdit()
        self.what.setTabChangesFocus(True)
        self.what.setPlaceholderText("Optional. Ctrl+Enter saves from here.")
        self.what.setFixedHeight(self.what.fontMetrics().lineSpacing() * 4 + 12)
        self.referred = line_edit("Optional: another service you pointed them to", 120)
        self.when = QDateTimeEdit()
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        rows = (
            ("&Kind of contact", self.kind, "contactKind", "kind"),
            ("&How long", self.minutes, "contactMinutes", "minutes"),
            ("What was &done", self.what, "contactWhat", "what_was_done"),
            ("&Referred to", self.referred, "contactReferredTo", "referred_to"),
            ("&When", self.when, "contactWhen", "at"),
        )
        for label, widget, name, key in rows:
            self.fields[key] = add_row(self.form, label, widget, name)
        if contact is None:
            set_combo_value(self.kind, ContactKind.DROP_IN)
            self.minutes.setValue(DEFAULT_MINUTES)
            moment = local_time(worker.desk.clock())
        else:
            set_combo_value(self.kind, contact.kind)
            self.minutes.setValue(contact.minutes)
            self.what.setPlainText(contact.what_was_done or "")
            self.referred.setText(contact.referred_to or "")
            moment = local_time(contact.at)
        moment = moment.replace(second=0, microsecond=0, tzinfo=None)
        self._initial_when = QDateTime(moment.date(), moment.time())
        self.when.setDateTime(self._initial_when)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        self.finish_focus_order()
        self.setMinimumWidth(520)
        self.kind.setFocus()

    def job(self) -> Callable[[Desk], Any]:
        values: dict[str, Any] = {
            "kind": self.kind.currentData(), "minutes": self.minutes.value(),
            "what_was_done": self.what.toPlainText(), "referred_to": self.referred.text(),
        }  # fmt: skip
        if self.when.dateTime() != self._initial_when:
            # A time with no zone is read by the service as this computer's local time.
            when: datetime = self.when.dateTime().toPython()  # type: ignore[assignment]
            values["at"] = when
        fields = ContactFields(**values)
        carer_id, contact = self.carer_id, self.contact

        def save(desk: Desk) -> uuid.UUID:
            with desk.transaction() as tx:
                if contact is None:
                    return contacts.log_contact(tx, carer_id, fields).id
                return contacts.update_contact(tx, contact.contact_id, fields).id

        return save


class ContactsTab(RecordTab):
    """The carer's contact log, newest first."""

    WATCHES = ("contact",)

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, parent)
        self.setObjectName("contactsTab")
        self.dialog: ContactDialog | None = None
        self.model = ContactsModel(self)
        self.model.fetch_more_requested = self._fetch
        self.table = make_table(self.model, "contactsTable", "Contacts with the carer",
                                stretch=_WHAT_COLUMN)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.empty = QLabel("No contacts logged yet.")
        self.empty.setObjectName("contactsEmpty")
        self.empty.hide()
        self.add_button = button("&Add contact", "addContact", self.add)
        self.add_button.setToolTip(f"Log a contact ({ADD_SHORTCUT}, then Enter for a drop-in)")
        self.edit_button = button("Edi&t...", "editContact", self.edit_selected)
        self.remove_button = button("Re&move...", "removeContact", self.remove_selected)
        hint = QLabel(f"Press {ADD_SHORTCUT} then Enter to log a 15-minute drop-in.")
        hint.setObjectName("contactsHint")
        may_log = self.can(Permission.LOG_CONTACT)
        for widget in (self.add_button, self.edit_button, self.remove_button, hint):
            widget.setVisible(may_log)
        # Anywhere in the window, but only while this tab is showing (hidden widgets'
        # shortcuts do not fire).
        self.shortcut = QShortcut(QKeySequence(ADD_SHORTCUT), self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.setEnabled(may_log)
        self.shortcut.activated.connect(self.add)

        buttons = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        chain_focus(self.add_button, self.edit_button, self.remove_button, self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def reload(self) -> None:
        self._fetch(max(PAGE, len(self.model.rows)))

    def load(self, carer: Carer) -> None:
        self.model.set_rows([])
        super().load(carer)

    def _fetch(self, limit: int) -> None:
        carer_id = self.carer_id
        if carer_id is None:
            return

        def fetch(desk: Desk) -> list[ContactRow]:
            with desk.read() as tx:
                return contacts.list_contacts(tx, carer_id, limit=limit)

        def show(rows: list[ContactRow]) -> None:
            had_rows = bool(self.model.rows)
            self.model.set_page(rows, limit)
            self.empty.setVisible(not rows)
            if rows and not had_rows:
                self.table.selectRow(0)
            self._update_buttons()

        self.run(fetch, show, group=f"contacts-{id(self)}")

    def selected(self) -> ContactRow | None:
        if not self.table.selectionModel().hasSelection():
            return None
        return self.model.row_at(self.table.currentIndex().row())

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # -- actions -----------------------------------------------------------------

    def add(self) -> None:
        """Open the contact form, filled in for a drop-in now (Enter saves)."""
        self._open_dialog(None)

    def edit_selected(self) -> None:
        contact = self.selected()
        if contact is not None and self.can(Permission.LOG_CONTACT):
            self._open_dialog(contact)

    def _open_dialog(self, contact: ContactRow | None) -> None:
        if self.carer_id is None or self.dialog is not None:
            return
        dialog = ContactDialog(self.worker, self.carer_id, contact, self)
        message = "Contact logged." if contact is None else "Contact corrected."
        dialog.accepted.connect(lambda: self._after_save(message))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: ContactDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _after_save(self, message: str) -> None:
        self.model.set_rows([])  # the new entry goes to the top: start from the first page
        self.saved("contact", message)
        self.table.setFocus()

    def remove_selected(self) -> None:
        contact = self.selected()
        if contact is None:
            return
        what = f"the {contact.kind.label.lower()} contact of {uk_datetime(contact.at)}"
        answer = ask(self, "Remove a contact", f"Remove {what}?", ["&Remove"],
                     detail="Only do this if it was logged by mistake.")
        if answer != 0:
            return
        contact_id = contact.contact_id

        def remove(desk: Desk) -> None:
            with desk.transaction() as tx:
                contacts.remove_contact(tx, contact_id)

        def done(_result: None) -> None:
            self.model.set_rows([])
            self.saved("contact", "Contact removed.")

        self.run(remove, done)
