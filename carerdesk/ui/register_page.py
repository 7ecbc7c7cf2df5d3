"""Registering a new carer: the form, the duplicate check, then a card and a contact."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, LikelyDuplicate
from carerdesk.models.enums import ContactKind
from carerdesk.services import cards, carer_details, carers, contacts
from carerdesk.services.carer_details import MAX_PHOTO_BYTES
from carerdesk.services.carers import CarerFields
from carerdesk.services.contacts import ContactFields
from carerdesk.services.permissions import Permission
from carerdesk.ui.carer_form import CarerForm
from carerdesk.ui.duplicates_dialog import DuplicatesDialog
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.widgets import confirm_discard, error_label, heading, set_error
from carerdesk.ui.worker import DbWorker

# Card photos are 35 mm wide by 45 mm high, like a passport photo.
PHOTO_RATIO = (35, 45)
PHOTO_MAX_HEIGHT = 600
PHOTO_QUALITY = 85
DROP_IN_MINUTES = 15


def prepare_photo(image: QImage) -> bytes:
    """Centre-crop to 35:45, shrink to at most 600 px high, and save as a small JPEG."""
    if image.isNull():
        raise ValueError("That file is not a picture carerdesk can read")
    w, h = image.width(), image.height()
    rw, rh = PHOTO_RATIO
    if w * rh > h * rw:  # too wide: trim the sides
        new_w = max(1, h * rw // rh)
        rect = QRect((w - new_w) // 2, 0, new_w, h)
    else:  # too tall: trim top and bottom
        new_h = max(1, w * rh // rw)
        rect = QRect(0, (h - new_h) // 2, w, new_h)
    cropped = image.copy(rect)
    if cropped.height() > PHOTO_MAX_HEIGHT:
        cropped = cropped.scaledToHeight(PHOTO_MAX_HEIGHT,
                                         Qt.TransformationMode.SmoothTransformation)
    flat = QImage(cropped.size(), QImage.Format.Format_RGB32)
    flat.fill(QColor("white"))  # transparent parts become white, not black
    painter = QPainter(flat)
    painter.drawImage(0, 0, cropped)
    painter.end()
    for quality in range(PHOTO_QUALITY, 9, -10):
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        flat.save(buffer, "JPEG", quality)
        buffer.close()
        if data.size() <= MAX_PHOTO_BYTES:
            return bytes(data.data())
    raise ValueError("That picture could not be made small enough for a card")


def load_photo(path: str) -> bytes:
    """Read a picture file (turned the right way up) and prepare it for a card."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    return prepare_photo(reader.read())


def ask(parent: QWidget, title: str, text: str, yes: str, no: str,
        on_yes: Callable[[], None]) -> QMessageBox:
    """A plain question with two named buttons; ``no`` is the safe default.

    Non-blocking: ``on_yes`` runs if the first button is chosen.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("question")
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    yes_button.setObjectName("questionYes")
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    no_button.setObjectName("questionNo")
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_yes() if button is yes_button else None)
    box.open()
    return box


@dataclass(frozen=True)
class Registered:
    carer_id: uuid.UUID
    name: str
    consent: bool


class RegisterPage(QWidget):
    """A blank form for a new carer, with Save and Clear."""

    # Emitted after a carer is registered (tests and benchmarks listen).
    registered = Signal(object)

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registerPage")
        self.worker = worker
        self.nav = nav
        self.form = CarerForm(today=lambda: worker.desk.clock().date())
        self.form.submitted.connect(self.save)
        self.photo: bytes | None = None
        self.last: Registered | None = None
        self.duplicates_dialog: DuplicatesDialog | None = None
        self.question: QMessageBox | None = None
        self._saving = False
        self._keep_form_when_leaving = False

        self.thumbnail = QLabel()
        self.thumbnail.setObjectName("photoThumbnail")
        self.thumbnail.setFixedSize(56, 72)
        self.thumbnail.setFrameShape(QFrame.Shape.Box)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setAccessibleName("Photo for the card")
        self.photo_button = self._button("Choos&e photo...", "choosePhoto", self.choose_photo)
        self.photo_error = error_label()
        self.photo_error.setObjectName("photoError")
        top = QHBoxLayout()
        top.addWidget(heading("Register a carer"))
        top.addStretch(1)
        top.addWidget(self.photo_error)
        top.addWidget(self.thumbnail)
        top.addWidget(self.photo_button)

        self.after = self._build_after_panel()
        self.save_button = self._button("&Save", "saveCarer", self.save)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Register this carer (Ctrl+S)")
        self.clear_button = self._button("&Clear", "clearForm", self.clear)
        self.problem = error_label()
        self.problem.setObjectName("registerProblem")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.problem, 1)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.after)
        layout.addWidget(self.form, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        chain = [self.queue_button, self.log_button, self.open_button, *self.form.focus_chain,
                 self.save_button, self.clear_button, self.photo_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._show_photo()
        self._load_age_limits()

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("."))
        button.clicked.connect(slot)
        return button

    def _build_after_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("afterSave")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.after_text = QLabel()
        self.after_text.setObjectName("afterSaveText")
        self.after_text.setProperty("role", "ok")
        self.after_text.setWordWrap(True)
        self.queue_button = self._button("&Queue a card", "queueCard", self.queue_card)
        self.log_button = self._button("&Log this contact", "logContact", self.log_contact)
        self.open_button = self._button("Open record", "openRecord", self.open_record)
        row = QHBoxLayout(panel)
        row.addWidget(self.after_text, 1)
        for button in (self.queue_button, self.log_button, self.open_button):
            row.addWidget(button)
        panel.hide()
        return panel

    def _load_age_limits(self) -> None:
        def run(desk: Desk) -> tuple[int, int]:
            with desk.read() as tx:
                s = tx.scheme()
                return s.young_carer_max_age, s.young_adult_max_age

        self.worker.submit(run, lambda ages: self.form.set_age_limits(*ages))

    # -- page protocol ---------------------------------------------------------

    def page_entered(self) -> None:
        if not self.form.is_dirty():
            self.form.edits["first_name"].setFocus()

    def has_unsaved_changes(self) -> bool:
        if self._keep_form_when_leaving:
            return False
        return self.form.is_dirty() or self.photo is not None

    def discard_changes(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.form.load(None)
        self.photo = None
        self._show_photo()
        set_error(self.problem, None)
        set_error(self.photo_error, None)

    def clear(self) -> None:
        if self.has_unsaved_changes() and not confirm_discard(self):
            return
        self._reset()
        self.after.hide()
        self.form.edits["first_name"].setFocus()

    # -- photo -------------------------------------------------------------------

    def choose_photo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose a photo for the card", "", "Pictures (*.jpg *.jpeg *.png *.bmp *.gif)"
        )
        if path:
            self.set_photo_file(path)

    def set_photo_file(self, path: str) -> None:
        """Use the picture in ``path`` as the carer's card photo."""
        try:
            self.photo = load_photo(path)
        except ValueError as exc:
            set_error(self.photo_error, str(exc))
            return
        set_error(self.photo_error, None)
        self._show_photo()

    def _show_photo(self) -> None:
        if self.photo is None:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText("No\nphoto")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(self.photo, "JPEG")
        self.thumbnail.setPixmap(pixmap.scaled(self.thumbnail.size(),
                                               Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))

    # -- saving ------------------------------------------------------------------

    def save(self) -> None:
        """Register the carer typed in (asking first if consent is not ticked)."""
        if self._saving:
            return
        self.form.clear_errors()
        set_error(self.problem, None)
        try:
            fields = self.form.values()
        except InvalidValue as exc:
            self._show_invalid(exc)
            return
        named = bool(fields.first_name and fields.last_name)
        if named and not fields.consent_keep_record:
            self.question = ask(
                self, "No consent yet",
                "The carer has not agreed to us keeping their record (the first tick box "
                "under Consent).\n\nYou can still register them, but no card can be made "
                "for them until they agree.",
                "&Register without consent", "&Go back",
                lambda: self._register(fields, allow_duplicate=False),
            )
            return
        self._register(fields, allow_duplicate=False)

    def _register(self, fields: CarerFields, *, allow_duplicate: bool) -> None:
        photo = self.photo
        self._saving = True
        self.save_button.setEnabled(False)

        def run(desk: Desk) -> Registered:
            with desk.transaction() as tx:
                carer = carers.register(tx, fields, allow_duplicate=allow_duplicate)
                if photo is not None:
                    carer_details.set_photo(tx, carer.id, photo)
                return Registered(carer.id, carers.display_name(carer), carer.consent_keep_record)

        self.worker.submit(run, self._registered, lambda exc: self._failed(exc, fields))

    def _done_saving(self) -> None:
        self._saving = False
        self.save_button.setEnabled(True)

    def _failed(self, exc: BaseException, fields: CarerFields) -> None:
        self._done_saving()
        if isinstance(exc, LikelyDuplicate):
            dialog = DuplicatesDialog(exc.candidates, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open_existing.connect(self._open_existing)
            dialog.someone_else.connect(lambda: self._register(fields, allow_duplicate=True))
            self.duplicates_dialog = dialog
            dialog.open()
        elif isinstance(exc, InvalidValue):
            self._show_invalid(exc)
        else:
            show_problem(self, exc)

    def _show_invalid(self, exc: InvalidValue) -> None:
        left = self.form.show_errors(exc.errors)
        if "photo" in left:
            set_error(self.photo_error, left.pop("photo"))
        if left:
            set_error(self.problem, " ".join(left.values()))

    def _open_existing(self, carer_id: uuid.UUID) -> None:
        # Leave what was typed where it is: no "discard changes?" question.
        self._keep_form_when_leaving = True
        try:
            self.nav.open_carer.emit(carer_id, "")
        finally:
            self._keep_form_when_leaving = False

    def _registered(self, done: Registered) -> None:
        self._done_saving()
        self.last = done
        text = f"{done.name} is registered."
        if not done.consent:
            text += (" They have not agreed to us keeping their record, so no card can be "
                     "made until they do.")
        self.after_text.setText(text)
        self.queue_button.setEnabled(self.worker.desk.can(Permission.QUEUE_CARD))
        self.queue_button.setVisible(self.worker.desk.can(Permission.QUEUE_CARD))
        self.log_button.setEnabled(True)
        self.log_button.setVisible(self.worker.desk.can(Permission.LOG_CONTACT))
        self.after.show()
        self._reset()
        self.nav.changed.emit("carer")
        self.nav.notify.emit(f"Registered {done.name}.")
        self.registered.emit(done.carer_id)
        (self.queue_button if self.queue_button.isVisible() else self.open_button).setFocus()

    # -- after saving -----------------------------------------------------------

    def queue_card(self) -> None:
        """Queue a card for the carer just registered and show its number."""
        done = self.last
        if done is None:
            return
        self.queue_button.setEnabled(False)

        def run(desk: Desk) -> str:
            with desk.transaction() as tx:
                return cards.queue_card(tx, done.carer_id).number

        def queued(number: str) -> None:
            self.after_text.setText(f"{done.name} is registered. Card {number} is queued "
                                    "for printing.")
            self.nav.changed.emit("card")
            self.nav.notify.emit(f"Card {number} queued for printing.")

        def failed(exc: BaseException) -> None:
            self.queue_button.setEnabled(True)
            show_problem(self, exc)

        self.worker.submit(run, queued, failed)

    def log_contact(self) -> None:
        """Log a 15-minute drop-in contact now, then open the carer's record."""
        done = self.last
        if done is None:
            return
        self.log_button.setEnabled(False)
        fields = ContactFields(kind=ContactKind.DROP_IN, minutes=DROP_IN_MINUTES)

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                contacts.log_contact(tx, done.carer_id, fields)

        def logged(_: None) -> None:
            self.nav.changed.emit("contact")
            self.nav.notify.emit("Contact logged.")
            self.open_record()

        def failed(exc: BaseException) -> None:
            self.log_button.setEnabled(True)
            show_problem(self, exc)

        self.worker.submit(run, logged, failed)

    def open_record(self) -> None:
        if self.last is not None:
            self.nav.open_carer.emit(self.last.carer_id, "")

    def data_changed(self, what: str) -> None:
        if what == "settings":
            self._load_age_limits()

