"""The carer's details form, shared by registering and editing a carer.

``load(carer)`` fills it (``None`` for a blank form); ``values()`` returns a
``CarerFields`` holding only what was changed since, so the same form serves
``carers.register`` and ``carers.update``. Checks come from the core
(``carerdesk.validation``) and show under the field as the user leaves it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carerdesk.errors import InvalidValue
from carerdesk.models import Carer
from carerdesk.models.enums import (
    CarerType,
    CaringHours,
    Choice,
    Employment,
    Ethnicity,
    Gender,
    PreferredContact,
    ReferralSource,
    YesNo,
)
from carerdesk.services.carers import CarerFields, derive_carer_type
from carerdesk.ui.widgets import (
    FieldWithError,
    add_row,
    check_box,
    choice_combo,
    on_leave,
    set_combo_value,
)
from carerdesk.validation import (
    age_on,
    check_date_of_birth,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    parse_date,
    tidy,
)

DATE_FIELDS = (
    "date_of_birth", "assessment_offered_on", "assessment_completed_on", "assessment_review_on",
)  # fmt: skip
CONSENTS = (
    ("consent_keep_record", "Agrees to us &keeping their record"),
    ("consent_contact", "Agrees to be contacted"),
    ("consent_share_gp", "Agrees to share with their GP"),
    ("consent_share_partners", "Agrees to share with partner organisations"),
)
_PARENT_OR_FORMER = (CarerType.PARENT_CARER, CarerType.FORMER_CARER)


def uk_date(d: date | None) -> str:
    """A date as people here write it: 03/04/1950."""
    return d.strftime("%d/%m/%Y") if d else ""


def carer_type_text(kind: CarerType) -> str:
    """The type as a phrase: "Adult carer", "Young carer (under 18)"."""
    return kind.label if "carer" in kind.label.lower() else f"{kind.label} carer"


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return box, form


def _was_chosen(carer: Carer | None) -> bool:
    """Whether the stored type was picked by hand rather than worked out from age."""
    if carer is None or carer.carer_type is CarerType.ADULT:
        return False
    return carer.carer_type in _PARENT_OR_FORMER or carer.date_of_birth is None


class CarerForm(QScrollArea):
    """Every detail of a carer, in labelled groups, in a scroll area."""

    # Enter was pressed in a one-line field: the page treats it as Save.
    submitted = Signal()

    def __init__(self, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carerForm")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
        self._today = today
        self.young_max_age = 17
        self.young_adult_max_age = 25
        self.rows: dict[str, FieldWithError] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.combos: dict[str, tuple[QComboBox, type[Choice]]] = {}
        self.boxes: dict[str, QCheckBox] = {}
        self.texts: dict[str, QPlainTextEdit] = {}
        self._chain: list[QWidget] = []
        self._baseline: dict[str, Any] = {}
        self._build()
        self.load(None)

    # -- building ------------------------------------------------------------

    def _line(self, form: QFormLayout, label: str, name: str, *, max_length: int = 80,
              placeholder: str = "", check: Callable[[str], str | None] | None = None) -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        row = add_row(form, label, edit, name)
        self.rows[name], self.edits[name] = row, edit
        edit.returnPressed.connect(self.submitted)
        on_leave(edit, check or tidy, row)
        self._chain.append(edit)
        return edit

    def _combo(self, form: QFormLayout, label: str, name: str, choices: type[Choice],
               blank: str | None = None) -> QComboBox:
        combo = choice_combo(choices, blank=blank)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(14)
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        self.rows[name] = add_row(form, label, combo, name)
        self.combos[name] = (combo, choices)
        self._chain.append(combo)
        return combo

    def _text(self, form: QFormLayout, label: str, name: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(70)
        edit.setMaximumHeight(110)
        self.rows[name] = add_row(form, label, edit, name)
        self.texts[name] = edit
        self._chain.append(edit)
        return edit

    def _build(self) -> None:
        name, f = _group("Name")
        self._line(f, "Title", "title", max_length=20, placeholder="for example Mrs, Mr, Mx, Dr")
        self._line(f, "First &name", "first_name")
        self._line(f, "&Last name", "last_name")
        self._line(f, "Preferred name", "preferred_name", placeholder="if they go by another name")

        born, f = _group("Date of birth")
        dob = self._line(f, "Date of &birth", "date_of_birth", max_length=10,
                         placeholder="dd/mm/yyyy", check=self._check_dob)
        dob.editingFinished.connect(self._update_type)
        self.age_label = QLabel()
        self.age_label.setObjectName("ageLabel")
        self.age_label.setWordWrap(True)
        f.addRow("", self.age_label)

        home, f = _group("Address")
        for i in (1, 2, 3):
            self._line(f, f"Address line {i}", f"address_line{i}", max_length=120)
        self._line(f, "&Town", "town")
        self._line(f, "&Postcode", "postcode", max_length=10, placeholder="for example SG1 1AA",
                   check=normalise_postcode)

        contact, f = _group("Contact")
        self._line(f, "Phone", "phone", max_length=30, check=normalise_phone)
        self._line(f, "Other phone", "phone_other", max_length=30, check=normalise_phone)
        self._line(f, "E&mail", "email", max_length=200, check=normalise_email)
        self._combo(f, "Preferred contact", "preferred_contact", PreferredContact)

        caring, f = _group("About their caring")
        kind = self._combo(f, "Carer t&ype", "carer_type", CarerType,
                           blank="Work it out from their age")
        kind.currentIndexChanged.connect(self._update_type)
        self.type_label = QLabel()
        self.type_label.setObjectName("carerTypeLabel")
        self.type_label.setWordWrap(True)
        f.addRow("", self.type_label)
        self._line(f, "Local &authority area", "area")
        self._combo(f, "Caring hours a week", "caring_hours", CaringHours)
        self._combo(f, "Lives with the cared-for person", "lives_with_cared_for", YesNo)
        self._combo(f, "Has a disability themselves", "own_disability", YesNo)
        self._combo(f, "Employment", "employment", Employment)
        self._combo(f, "How they heard of us", "referral_source", ReferralSource)
        self._line(f, "GP practice", "gp_practice", max_length=120)

        consent = QGroupBox("Consent")
        box_layout = QVBoxLayout(consent)
        for key, text in CONSENTS:
            box = check_box(text, key)
            self.boxes[key] = box
            box_layout.addWidget(box)
            self._chain.append(box)
        self.consent_line = QLabel()
        self.consent_line.setObjectName("consentRecorded")
        self.consent_line.setWordWrap(True)
        box_layout.addWidget(self.consent_line)

        monitoring, f = _group("Monitoring")
        self._combo(f, "Gender", "gender", Gender)
        self._combo(f, "Eth&nicity", "ethnicity", Ethnicity)

        assessment, f = _group("Carer's assessment")
        future = self._date_check(future_ok=False)
        self._line(f, "Offered on", "assessment_offered_on", max_length=10,
                   placeholder="dd/mm/yyyy", check=future)
        self._line(f, "Completed on", "assessment_completed_on", max_length=10,
                   placeholder="dd/mm/yyyy", check=future)
        self._line(f, "Review due on", "assessment_review_on", max_length=10,
                   placeholder="dd/mm/yyyy", check=self._date_check(future_ok=True))

        notes, f = _group("Notes")
        self._text(f, "Notes", "notes")
        self.allowances, f = _group("Young carer allowances")
        self._text(f, "What their school or college allows", "young_carer_allowances")

        body = QWidget()
        grid = QGridLayout(body)
        left, right = QVBoxLayout(), QVBoxLayout()
        for w in (name, born, home, contact):
            left.addWidget(w)
        for w in (caring, consent, monitoring, assessment):
            right.addWidget(w)
        left.addStretch(1)
        right.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.addWidget(notes, 1, 0, 1, 2)
        grid.addWidget(self.allowances, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        self.setWidget(body)
        for a, b in itertools.pairwise(self._chain):
            QWidget.setTabOrder(a, b)

    # -- checks as the user leaves a field -------------------------------------

    def _check_dob(self, text: str) -> str | None:
        dob = check_date_of_birth(parse_date(text), self._today())
        return uk_date(dob) if dob else None

    def _date_check(self, *, future_ok: bool) -> Callable[[str], str | None]:
        def check(text: str) -> str | None:
            when = parse_date(text)
            if when is None:
                return None
            if not future_ok and when > self._today():
                raise ValueError("This date cannot be in the future")
            return uk_date(when)

        return check

    def _dob(self) -> date | None:
        try:
            typed = parse_date(self.edits["date_of_birth"].text())
            return check_date_of_birth(typed, self._today())
        except ValueError:
            return None

    def _chosen_type(self) -> CarerType | None:
        data = self.combos["carer_type"][0].currentData()
        return CarerType(data) if data else None

    def effective_carer_type(self) -> CarerType:
        """The type the carer will be recorded as, from the choice and their age."""
        return derive_carer_type(self._dob(), self._chosen_type(), self._today(),
                                 self.young_max_age, self.young_adult_max_age)

    def _update_type(self) -> None:
        dob, chosen = self._dob(), self._chosen_type()
        kind = self.effective_carer_type()
        if dob is not None:
            self.age_label.setText(f"Age {age_on(dob, self._today())}.")
        else:
            self.age_label.setText("Leave blank if not known.")
        if chosen in _PARENT_OR_FORMER:
            why = "as chosen"
        elif dob is not None:
            why = "worked out from their age"
        elif chosen is None:
            why = "add a date of birth to work it out"
        else:
            why = "as chosen, until a date of birth is given"
        self.type_label.setText(f"Recorded as: {carer_type_text(kind)} ({why}).")
        has_text = bool(self.texts["young_carer_allowances"].toPlainText().strip())
        self.allowances.setVisible(kind is CarerType.YOUNG_CARER or has_text)

    @property
    def focus_chain(self) -> list[QWidget]:
        """The fields in Tab order, for pages that put buttons before or after them."""
        return list(self._chain)

    # -- loading and reading -----------------------------------------------------

    def load(self, carer: Carer | None, *, consent_recorded_by: str | None = None) -> None:
        """Fill the form from ``carer`` (or blank it); changes are counted from here."""
        self.clear_errors()
        for name, edit in self.edits.items():
            value = getattr(carer, name, None)
            edit.setText(uk_date(value) if name in DATE_FIELDS else (value or ""))
        for name, (combo, _choices) in self.combos.items():
            value = getattr(carer, name, None)
            if name == "carer_type" and not _was_chosen(carer):
                value = None  # shown as worked out from their age
            set_combo_value(combo, value)
        for name, box in self.boxes.items():
            box.setChecked(bool(getattr(carer, name, False)))
        for name, text in self.texts.items():
            text.setPlainText(getattr(carer, name, None) or "")
        self._show_consent_line(carer, consent_recorded_by)
        self._update_type()
        self._baseline = self._snapshot()
        self.verticalScrollBar().setValue(0)

    def _show_consent_line(self, carer: Carer | None, by: str | None) -> None:
        if carer is None:
            self.consent_line.hide()
            return
        if carer.consent_given_on is None:
            text = "No consent has been recorded yet."
        else:
            who = f" by {by}" if by else ""
            text = f"Consent recorded{who} on {uk_date(carer.consent_given_on)}."
        self.consent_line.setText(text)
        self.consent_line.show()

    def _snapshot(self) -> dict[str, Any]:
        """What the form holds now; dates stay as typed text until read."""
        out: dict[str, Any] = {}
        for name, edit in self.edits.items():
            out[name] = edit.text().strip() if name in DATE_FIELDS else tidy(edit.text())
        for name, (combo, choices) in self.combos.items():
            data = combo.currentData()
            out[name] = choices(data) if data else None
        for name, box in self.boxes.items():
            out[name] = box.isChecked()
        for name, text in self.texts.items():
            out[name] = text.toPlainText().strip() or None
        return out

    def is_dirty(self) -> bool:
        return self._snapshot() != self._baseline

    def mark_clean(self) -> None:
        """What is shown now has been saved: count changes from here."""
        self._baseline = self._snapshot()

    def values(self) -> CarerFields:
        """The changed fields. Raises ``InvalidValue`` for a date that cannot be read."""
        now = self._snapshot()
        changed = {k: v for k, v in now.items() if v != self._baseline.get(k)}
        errors: dict[str, str] = {}
        for name in DATE_FIELDS:
            if name in changed:
                try:
                    changed[name] = parse_date(changed[name])
                except ValueError as exc:
                    errors[name] = str(exc)
        if errors:
            raise InvalidValue(errors)
        if "carer_type" in changed and changed["carer_type"] is None:
            # Back to "work it out from their age": any non-chosen type does that.
            changed["carer_type"] = CarerType.ADULT
        return CarerFields(**changed)

    # -- errors ------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Show each message under its field; return those with no field here."""
        left: dict[str, str] = {}
        first: FieldWithError | None = None
        for name, message in errors.items():
            row = self.rows.get(name)
            if row is None:
                left[name] = message
                continue
            row.set_error(message)
            first = first or row
        if first is not None:
            self.ensureWidgetVisible(first)
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        return left

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)

    def set_age_limits(self, young_max_age: int, young_adult_max_age: int) -> None:
        """Use the scheme's ages for working out the carer type."""
        self.young_max_age, self.young_adult_max_age = young_max_age, young_adult_max_age
        self._update_type()
