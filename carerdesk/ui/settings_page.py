"""The scheme settings page: name, colours, logo, cards, returns and the idle lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models import SchemeSettings
from carerdesk.services import settings
from carerdesk.services.settings import SchemeFields
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.settings_widgets import (
    ColourField,
    LogoField,
    SitesModel,
    named,
    side_by_side,
    spin_box,
)
from carerdesk.ui.widgets import FieldWithError, add_row, error_label, heading, set_error
from carerdesk.ui.worker import DbWorker
from carerdesk.validation import normalise_email, normalise_phone

FIELDS = tuple(SchemeFields.model_fields)
_OPTIONAL_TEXT = ("contact_phone", "contact_email", "website")


def _snapshot(scheme: SchemeSettings) -> dict[str, Any]:
    """The settings as plain values (safe to hand to the GUI thread)."""
    return {key: getattr(scheme, key) for key in FIELDS}


class SettingsPage(QWidget):
    """Scheme settings as a form: ``load()`` reads them, ``save()`` writes the changes."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self._loaded: dict[str, Any] | None = None
        self._busy = False
        self._build()
        self.load()

    # -- building ------------------------------------------------------------

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: dict[str, FieldWithError] = {}
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        rows["name"] = add_row(form, "Scheme na&me", self.name, "schemeName")
        self.primary = ColourField("primary colour")
        self.accent = ColourField("accent colour")
        for key, label, field, name in (
            ("primary_colour", "&Primary colour", self.primary, "primaryColour"),
            ("accent_colour", "&Accent colour", self.accent, "accentColour"),
        ):
            rows[key] = add_row(form, label, field, name + "Field")
            named(field.edit, name, label.replace("&", ""))
            field.button.setObjectName(name + "Choose")

        self.logo = LogoField()
        rows["logo_png"] = add_row(form, "&Logo", self.logo, "logoField")
        self.logo.problem.connect(lambda text: rows["logo_png"].set_error(text or None))

        self.validity = spin_box(1, 10, " years")
        self.validity.valueChanged.connect(
            lambda n: self.validity.setSuffix(" year" if n == 1 else " years")
        )
        rows["card_validity_years"] = add_row(
            form, "&Cards are valid for", side_by_side(self.validity), "cardValidityField"
        )
        named(self.validity, "cardValidityYears", "Cards are valid for")
        self.photos = QCheckBox("Photos are re&quired on cards")
        rows["photos_required"] = add_row(form, "Card photos", self.photos, "photosRequired")
        self.photos.setAccessibleName("Photos are required on cards")

        self.young_max = named(spin_box(10, 18), "youngCarerMaxAge", "Young carers are aged up to")
        self.adult_min = named(spin_box(14, 18), "youngAdultMinAge", "Young adult carers from age")
        self.adult_max = named(spin_box(18, 30), "youngAdultMaxAge", "Young adult carers up to age")
        ages_box = QWidget()
        ages_layout = QVBoxLayout(ages_box)
        ages_layout.setContentsMargins(0, 0, 0, 0)
        ages_layout.addWidget(side_by_side("Young carers: up to", self.young_max))
        ages_layout.addWidget(
            side_by_side("Young adult carers: from", self.adult_min, "to", self.adult_max)
        )
        ages_box.setFocusProxy(self.young_max)
        ages = add_row(form, "&Young carer ages", ages_box, "youngCarerAges")
        for key in ("young_carer_max_age", "young_adult_min_age", "young_adult_max_age"):
            rows[key] = ages

        self.phone, self.email, self.website = QLineEdit(), QLineEdit(), QLineEdit()
        for key, label, edit, name, hint in (
            ("contact_phone", "Contact &telephone", self.phone, "contactPhone", "01632 960123"),
            ("contact_email", "Contact ema&il", self.email, "contactEmail", "carers@example.org"),
            ("website", "&Website", self.website, "website", "www.example.org/carers"),
        ):
            edit.setPlaceholderText(f"e.g. {hint}")
            edit.setMaxLength(200)
            rows[key] = add_row(form, label, edit, name)

        self.small_counts = spin_box(0, 20)
        self.small_note = QLabel()
        self.small_counts.valueChanged.connect(self._describe_small_counts)
        rows["small_count_threshold"] = add_row(
            form,
            "Num&bers in returns",
            side_by_side("Counts under", self.small_counts, self.small_note),
            "smallCountsField",
        )
        named(self.small_counts, "smallCountThreshold", "Counts under this are hidden in returns")
        self.idle = named(
            spin_box(1, 120, " minutes"),
            "idleLockMinutes",
            "Lock the desk after this many minutes without use",
        )
        self.idle.valueChanged.connect(
            lambda n: self.idle.setSuffix(" minute" if n == 1 else " minutes")
        )
        rows["idle_lock_minutes"] = add_row(
            form, "Loc&k the desk after", side_by_side(self.idle, "without use"), "idleLockField"
        )
        self.rows = rows
        self.form = form

        self.sites = SitesModel(self.worker.desk.site_code, self)
        self.sites_table = QTableView()
        self.sites_table.setObjectName("sitesTable")
        self.sites_table.setAccessibleName("Sites")
        self.sites_table.setModel(self.sites)
        self.sites_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sites_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.sites_table.verticalHeader().hide()
        self.sites_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        inner = QWidget()
        inner.setMaximumWidth(1000)
        box = QVBoxLayout(inner)
        box.addLayout(form)
        box.addWidget(heading("Sites"))
        sites_note = QLabel(
            "Each site keeps its own copy of the data. Sites are listed here for reference."
        )
        sites_note.setWordWrap(True)
        box.addWidget(sites_note)
        box.addWidget(self.sites_table)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields and scrolls
        scroll.setWidget(inner)
        self.scroll = scroll

        self.message = error_label()
        self.message.setObjectName("settingsMessage")
        self.undo = named(QPushButton("U&ndo changes"), "undoSettings", "Undo changes")
        self.undo.clicked.connect(self.discard_changes)
        self.save_button = named(QPushButton("Sav&e"), "saveSettings", "Save")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save the settings (Enter or Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.unsaved = QLabel("You have changes that are not saved yet.")
        self.unsaved.setObjectName("unsavedNote")
        self.unsaved.setProperty("role", "warning")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.unsaved)
        bottom.addWidget(self.undo)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Scheme settings"))
        intro = QLabel(
            "These apply to every site in the scheme: cards, print-outs and returns use them."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        for key in ("Return", "Enter", "Ctrl+S"):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        for edit in (self.name, self.phone, self.email, self.website):
            edit.textChanged.connect(self._edited)
        for field in (self.primary, self.accent, self.logo):
            field.changed.connect(self._edited)
        for spin in (
            self.validity,
            self.young_max,
            self.adult_min,
            self.adult_max,
            self.small_counts,
            self.idle,
        ):
            spin.valueChanged.connect(self._edited)
        self.photos.toggled.connect(self._edited)
        self._check_on_leave(self.phone, normalise_phone, "contact_phone")
        self._check_on_leave(self.email, normalise_email, "contact_email")
        self._edited()

    def _check_on_leave(self, edit: QLineEdit, check: Any, key: str) -> None:
        def run() -> None:
            try:
                tidied = check(edit.text())
            except ValueError as exc:
                self.rows[key].set_error(str(exc))
                return
            self.rows[key].set_error(None)
            if tidied and tidied != edit.text():
                edit.setText(tidied)

        edit.editingFinished.connect(run)

    def _describe_small_counts(self, n: int) -> None:
        self.small_note.setText(
            f'are shown as "<{n}", so nobody can be picked out'
            if n
            else "(0 means every count is shown as it is)"
        )

    # -- values ----------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form holds now, keyed like ``SchemeFields``."""
        return {
            "name": self.name.text(),
            "primary_colour": self.primary.value(),
            "accent_colour": self.accent.value(),
            "logo_png": self.logo.value(),
            "card_validity_years": self.validity.value(),
            "young_carer_max_age": self.young_max.value(),
            "young_adult_min_age": self.adult_min.value(),
            "young_adult_max_age": self.adult_max.value(),
            "photos_required": self.photos.isChecked(),
            "contact_phone": self.phone.text().strip() or None,
            "contact_email": self.email.text().strip() or None,
            "website": self.website.text().strip() or None,
            "small_count_threshold": self.small_counts.value(),
            "idle_lock_minutes": self.idle.value(),
        }

    def _fill(self, values: dict[str, Any]) -> None:
        self.name.setText(values["name"] or "")
        self.primary.set_value(values["primary_colour"] or "")
        self.accent.set_value(values["accent_colour"] or "")
        self.logo.set_value(values["logo_png"])
        self.validity.setValue(values["card_validity_years"])
        self.young_max.setValue(values["young_carer_max_age"])
        self.adult_min.setValue(values["young_adult_min_age"])
        self.adult_max.setValue(values["young_adult_max_age"])
        self.photos.setChecked(bool(values["photos_required"]))
        for key, edit in zip(_OPTIONAL_TEXT, (self.phone, self.email, self.website), strict=True):
            edit.setText(values[key] or "")
        self.small_counts.setValue(values["small_count_threshold"])
        self._describe_small_counts(self.small_counts.value())
        self.idle.setValue(values["idle_lock_minutes"])
        self._clear_errors()
        self._edited()

    def changes(self) -> dict[str, Any]:
        """Only the settings that differ from what was loaded."""
        if self._loaded is None:
            return {}
        return {k: v for k, v in self.values().items() if v != self._loaded.get(k)}

    def has_unsaved_changes(self) -> bool:
        return bool(self.changes())

    def discard_changes(self) -> None:
        if self._loaded is not None:
            self._fill(self._loaded)

    def _edited(self, *_: object) -> None:
        dirty = self.has_unsaved_changes()
        self.undo.setEnabled(dirty)
        self.unsaved.setVisible(dirty)
        if not dirty:
            set_error(self.message, None)

    def _clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        set_error(self.message, None)

    def set_logo_file(self, path: Path) -> bool:
        """Use the PNG at ``path`` as the logo (shown now, saved with Save)."""
        return self.logo.load_file(path)

    # -- loading and saving ----------------------------------------------------

    def load(self) -> None:
        """Read the settings and sites, and show them (throws away unsaved edits)."""

        def read(desk: Desk) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            with desk.read() as tx:
                sites = [(s.code, s.name) for s in settings.list_sites(tx)]
                return _snapshot(settings.get_scheme(tx)), sites

        def done(result: tuple[dict[str, Any], list[tuple[str, str]]]) -> None:
            self._loaded, sites = result
            self._fill(self._loaded)
            self.sites.set_sites(sites)
            table = self.sites_table  # tall enough for every site, up to a point
            rows = sum(table.rowHeight(r) for r in range(min(len(sites), 6)))
            table.setFixedHeight(
                table.horizontalHeader().sizeHint().height() + rows + 2 * table.frameWidth() + 4
            )

        self.worker.submit(read, done, lambda exc: show_problem(self, exc), group="settings.load")

    def page_entered(self) -> None:
        if not self.has_unsaved_changes():
            self.load()

    def data_changed(self, what: str) -> None:
        if what == "settings" and not self.has_unsaved_changes():
            self.load()

    def save(self) -> None:
        """Write what changed; problems are shown next to their fields."""
        if self._busy or self._loaded is None:
            return
        changes = self.changes()
        self._clear_errors()
        if not changes:
            self.nav.notify.emit("There are no changes to save.")
            return
        fields = SchemeFields(**changes)

        def write(desk: Desk) -> dict[str, Any]:
            with desk.transaction() as tx:
                return _snapshot(settings.update_scheme(tx, fields))

        self._busy = True
        self.save_button.setEnabled(False)
        self.worker.submit(write, self._saved, self._failed)

    def _saved(self, values: dict[str, Any]) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self._loaded = values
        self._fill(values)
        self.nav.changed.emit("settings")
        self.nav.notify.emit("Saved the scheme settings.")

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidValue):
            first: QWidget | None = None
            for key, message in exc.errors.items():
                row = self.rows.get(key)
                if row is None:
                    continue
                row.set_error(message)
                first = first or row
            set_error(self.message, "Nothing was saved. Please correct what is marked in red.")
            if first is not None:
                self.scroll.ensureWidgetVisible(first)
                first.setFocus()
        elif isinstance(exc, CarerdeskError):
            set_error(self.message, exc.message)
        else:
            show_problem(self, exc)
