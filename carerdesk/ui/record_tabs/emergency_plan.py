"""The emergency plan: who steps in for the cared-for person if the carer is taken ill."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue
from carerdesk.models import EmergencyPlan
from carerdesk.services import carer_details
from carerdesk.services.carer_details import EmergencyPlanFields
from carerdesk.services.permissions import Permission
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.record_tabs.common import RecordTab, button, chain_focus, message_label
from carerdesk.ui.widgets import FieldWithError, add_row, line_edit, on_leave
from carerdesk.ui.worker import DbWorker
from carerdesk.validation import normalise_phone

_LINE_FIELDS = ("contact_name", "contact_relationship", "contact_phone", "backup_name",
                "backup_phone")
FORM_MAX_WIDTH = 720


class EmergencyPlanTab(RecordTab):
    """A short form, saved as a whole. Phones are checked as you leave them."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, parent)
        self.setObjectName("emergencyPlanTab")
        self._filling = False
        self._loaded: dict[str, str] = dict.fromkeys((*_LINE_FIELDS, "needs_to_know"), "")
        self.lines: dict[str, QLineEdit] = {
            "contact_name": line_edit("Who to call first", 120),
            "contact_relationship": line_edit("For example daughter, neighbour", 80),
            "contact_phone": line_edit("For example 07700 900123", 20),
            "backup_name": line_edit("Who to call if the main contact cannot help", 120),
            "backup_phone": line_edit("", 20),
        }
        self.needs_to_know = QPlainTextEdit()
        self.needs_to_know.setTabChangesFocus(True)
        self.needs_to_know.setPlaceholderText(
            "Medicines, routines, how to get in, anything a stranger stepping in must know"
        )
        self.needs_to_know.setMinimumHeight(self.fontMetrics().lineSpacing() * 5 + 12)

        intro = QLabel(
            "If the carer is taken ill or has an accident, who should be called to look after "
            "the person they care for?"
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, FieldWithError] = {}
        spec = (
            ("contact_name", "&Main contact's name", "planContactName"),
            ("contact_relationship", "Their re&lationship to the carer", "planContactRelationship"),
            ("contact_phone", "Main con&tact's phone", "planContactPhone"),
            ("backup_name", "&Backup contact's name", "planBackupName"),
            ("backup_phone", "Bac&kup contact's phone", "planBackupPhone"),
        )
        for key, label, name in spec:
            self.rows[key] = add_row(form, label, self.lines[key], name)
        self.rows["needs_to_know"] = add_row(
            form, "&What they need to know", self.needs_to_know, "planNeedsToKnow"
        )
        for key in ("contact_phone", "backup_phone"):
            on_leave(self.lines[key], normalise_phone, self.rows[key])

        self.save_button = button("Save pla&n", "savePlan", self.save)
        self.undo_button = button("Undo &changes", "undoPlan", self.discard_changes)
        self.done = message_label("planMessage")
        self.may_edit = self.can(Permission.EDIT_CARER)
        for edit in self.lines.values():
            edit.setReadOnly(not self.may_edit)
            edit.textChanged.connect(self._update_buttons)
        self.needs_to_know.setReadOnly(not self.may_edit)
        self.needs_to_know.textChanged.connect(self._update_buttons)
        self.save_button.setVisible(self.may_edit)
        self.undo_button.setVisible(self.may_edit)

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        inner = QWidget()
        inner.setMaximumWidth(FORM_MAX_WIDTH)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(intro)
        inner_layout.addLayout(form)
        inner_layout.addLayout(buttons)
        inner_layout.addWidget(self.done)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("planScroll")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        chain_focus(*self.lines.values(), self.needs_to_know, self.save_button,
                    self.undo_button)
        self._update_buttons()

    # -- loading and dirty tracking ---------------------------------------------

    def reload(self) -> None:
        carer_id = self.carer_id
        if carer_id is None:
            return

        def fetch(desk: Desk) -> EmergencyPlan | None:
            with desk.read() as tx:
                return carer_details.get_emergency_plan(tx, carer_id)

        self.run(fetch, self._show, group=f"plan-{id(self)}")

    def _show(self, plan: EmergencyPlan | None) -> None:
        self._loaded = {key: (getattr(plan, key, None) or "") if plan else ""
                        for key in self._loaded}
        self.discard_changes()

    def values(self) -> dict[str, str]:
        """What the form holds now."""
        out = {key: edit.text() for key, edit in self.lines.items()}
        out["needs_to_know"] = self.needs_to_know.toPlainText()
        return out

    def has_unsaved_changes(self) -> bool:
        now = self.values()
        return any(now[k].strip() != self._loaded[k].strip() for k in now)

    def discard_changes(self) -> None:
        self._filling = True
        try:
            for key, edit in self.lines.items():
                edit.setText(self._loaded[key])
            self.needs_to_know.setPlainText(self._loaded["needs_to_know"])
        finally:
            self._filling = False
        for row in self.rows.values():
            row.set_error(None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty)
        self.undo_button.setEnabled(dirty)
        if dirty and not self._filling:
            self.done.hide()

    # -- saving ----------------------------------------------------------------

    def save(self) -> None:
        carer_id = self.carer_id
        if carer_id is None or not self.has_unsaved_changes():
            return
        fields = EmergencyPlanFields(**self.values())
        for row in self.rows.values():
            row.set_error(None)

        def store(desk: Desk) -> None:
            with desk.transaction() as tx:
                carer_details.set_emergency_plan(tx, carer_id, fields)

        self.save_button.setEnabled(False)
        self.run(store, self._saved, self._failed)

    def _saved(self, _result: None) -> None:
        self.done.setText("The emergency plan is saved.")
        self.done.show()
        self.saved("carer", "Emergency plan saved.")

    def _failed(self, exc: BaseException) -> None:
        self._update_buttons()
        if isinstance(exc, InvalidValue) and set(exc.errors) <= set(self.rows):
            for key, text in exc.errors.items():
                self.rows[key].set_error(text)
            self.rows[next(iter(exc.errors))].field.setFocus()
            return
        show_problem(self, exc)
