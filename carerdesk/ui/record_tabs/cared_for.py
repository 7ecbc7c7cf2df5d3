"""The people a carer looks after: a list with add, change and remove."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from carerdesk.desk import Desk
from carerdesk.models import CaredFor
from carerdesk.models.enums import AgeGroup, MainNeed, Relationship
from carerdesk.services import carer_details, offers
from carerdesk.services.carer_details import CaredForFields
from carerdesk.services.permissions import Permission
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.record_tabs.common import (
    Column,
    FormDialog,
    RecordTab,
    RowsModel,
    ask,
    button,
    chain_focus,
    make_table,
)
from carerdesk.ui.widgets import add_row, choice_combo, line_edit, set_combo_value
from carerdesk.ui.worker import DbWorker

NO_NAME = "(no name given)"

_COLUMNS: list[Column[CaredFor]] = [
    Column("Name", lambda p: p.name or NO_NAME),
    Column("Relationship to the carer", lambda p: p.relationship.label),
    Column("Age group", lambda p: p.age_group.label),
    Column("Main need", lambda p: p.main_need.label),
    Column("Area where they get services", lambda p: p.area or "Same as the carer"),
]


@dataclass(frozen=True)
class _Loaded:
    people: list[CaredFor]
    areas: list[str]


def _known_areas(desk: Desk, carer_area: str | None) -> list[str]:
    """Area names to suggest: the carer's, and those offers are limited to."""
    with desk.read() as tx:
        found = {a for row in offers.list_offers(tx) for a in row.areas}
    if carer_area:
        found.add(carer_area)
    return sorted(found, key=str.casefold)


class CaredForDialog(FormDialog):
    """Add or change one cared-for person."""

    def __init__(self, worker: DbWorker, carer_id: uuid.UUID, person: CaredFor | None,
                 areas: list[str], carer_area: str | None, parent: QWidget | None = None) -> None:
        title = "Change a cared-for person" if person else "Add a cared-for person"
        super().__init__(worker, title, parent)
        self.setObjectName("caredForDialog")
        self.carer_id = carer_id
        self.person = person
        self.name = line_edit("For example their first name, or Mum", 120)
        self.relationship = choice_combo(Relationship, blank="Choose...")
        self.age_group = choice_combo(AgeGroup)
        self.main_need = choice_combo(MainNeed)
        self.area = line_edit(
            f"Leave blank if the same as the carer's ({carer_area})" if carer_area
            else "Where they get their care services", 80)
        completer = QCompleter(areas, self.area)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.area.setCompleter(completer)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 4 + 12)
        rows = (
            ("&Name", self.name, "caredForName", "name"),
            ("&Relationship to the carer", self.relationship, "caredForRelationship",
             "relationship"),
            ("&Age group", self.age_group, "caredForAgeGroup", "age_group"),
            ("&Main need", self.main_need, "caredForMainNeed", "main_need"),
            ("Area where they get &services", self.area, "caredForArea", "area"),
            ("No&tes", self.notes, "caredForNotes", "notes"),
        )
        for label, widget, name, key in rows:
            self.fields[key] = add_row(self.form, label, widget, name)
        hint = QLabel("The area decides which local offers the carer can use.")
        hint.setWordWrap(True)
        self.form.addRow("", hint)
        if person is not None:
            self.name.setText(person.name or "")
            set_combo_value(self.relationship, person.relationship)
            set_combo_value(self.age_group, person.age_group)
            set_combo_value(self.main_need, person.main_need)
            self.area.setText(person.area or "")
            self.notes.setPlainText(person.notes or "")
        else:
            set_combo_value(self.age_group, AgeGroup.NOT_STATED)
            set_combo_value(self.main_need, MainNeed.NOT_STATED)
        self.finish_focus_order()
        self.setMinimumWidth(560)
        self.name.setFocus()

    def values(self) -> CaredForFields:
        values: dict[str, Any] = {
            "name": self.name.text(), "age_group": self.age_group.currentData(),
            "main_need": self.main_need.currentData(), "area": self.area.text(),
            "notes": self.notes.toPlainText(),
        }  # fmt: skip
        relationship = self.relationship.currentData()
        if relationship is not None:  # left on "Choose...": the record keeps its default
            values["relationship"] = relationship
        return CaredForFields(**values)

    def job(self) -> Callable[[Desk], Any]:
        fields, carer_id, person = self.values(), self.carer_id, self.person

        def save(desk: Desk) -> uuid.UUID:
            with desk.transaction() as tx:
                if person is None:
                    return carer_details.add_cared_for(tx, carer_id, fields).id
                return carer_details.update_cared_for(tx, person.id, fields).id

        return save


class CaredForTab(RecordTab):
    """Who the carer looks after, and where those people get services."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, parent)
        self.setObjectName("caredForTab")
        self.areas: list[str] = []
        self.dialog: CaredForDialog | None = None
        self.model: RowsModel[CaredFor] = RowsModel(_COLUMNS, self)
        self.table = make_table(self.model, "caredForTable", "People the carer looks after",
                                stretch=0)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.empty = QLabel("No cared-for people recorded yet. Use \"New cared-for person\".")
        self.empty.setObjectName("caredForEmpty")
        self.empty.hide()
        self.add_button = button("&New cared-for person...", "addCaredFor", self.add)
        self.edit_button = button("Edi&t...", "editCaredFor", self.edit_selected)
        self.remove_button = button("Re&move...", "removeCaredFor", self.remove_selected)
        may_edit = self.can(Permission.EDIT_CARER)
        for b in (self.add_button, self.edit_button, self.remove_button):
            b.setVisible(may_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        chain_focus(self.add_button, self.edit_button, self.remove_button, self.table)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def reload(self) -> None:
        carer = self.carer
        if carer is None:
            return
        carer_id, area = carer.id, carer.area

        def fetch(desk: Desk) -> _Loaded:
            with desk.read() as tx:
                people = carer_details.list_cared_for(tx, carer_id)
            return _Loaded(people, _known_areas(desk, area))

        self.run(fetch, self._show, group=f"cared-for-{id(self)}")

    def _show(self, loaded: _Loaded) -> None:
        self.areas = loaded.areas
        self.model.set_rows(loaded.people)
        self.empty.setVisible(not loaded.people)
        if loaded.people:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> CaredFor | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _update_buttons(self) -> None:
        has = self.selected() is not None and self.table.selectionModel().hasSelection()
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # -- actions -----------------------------------------------------------------

    def add(self) -> None:
        self._open_dialog(None)

    def edit_selected(self) -> None:
        person = self.selected()
        if person is not None and self.can(Permission.EDIT_CARER):
            self._open_dialog(person)

    def _open_dialog(self, person: CaredFor | None) -> None:
        if self.carer is None or self.dialog is not None:
            return
        dialog = CaredForDialog(self.worker, self.carer.id, person, self.areas, self.carer.area,
                                self)
        dialog.accepted.connect(lambda: self._dialog_saved(person is None))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: CaredForDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _dialog_saved(self, added: bool) -> None:
        self.saved("carer", "Cared-for person added." if added else "Cared-for person saved.")

    def remove_selected(self) -> None:
        person = self.selected()
        if person is None:
            return
        who = person.name or "this cared-for person"
        answer = ask(self, "Remove a cared-for person",
                     f"Remove {who} from this carer's record?",
                     ["&Remove"], detail="This cannot be undone.")
        if answer != 0:
            return
        person_id = person.id

        def remove(desk: Desk) -> None:
            with desk.transaction() as tx:
                carer_details.remove_cared_for(tx, person_id)

        self.run(remove, lambda _r: self.saved("carer", "Cared-for person removed."))
