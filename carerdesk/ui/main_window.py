"""The main window: search box on top, one page at a time below, locks itself."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from carerdesk import __version__
from carerdesk.desk import Desk
from carerdesk.logs import log_file
from carerdesk.services import offers, settings, users
from carerdesk.services.permissions import Permission
from carerdesk.ui.errors import show_problem
from carerdesk.ui.find_page import FindPage
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.sign_in import LockScreen
from carerdesk.ui.theme import apply_theme
from carerdesk.ui.widgets import confirm_discard
from carerdesk.ui.worker import DbWorker

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class IdleWatcher(QObject):
    """Fires ``idle`` after a stretch with no key presses or mouse use."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.start()

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    """Everything a volunteer needs, in one window."""

    signed_out = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.worker = DbWorker(desk, self)
        self.worker.unhandled_error.connect(lambda exc: show_problem(self, exc))
        self.nav = Navigator(self)
        self.setWindowTitle("carerdesk")
        self.setObjectName("mainWindow")
        self.resize(1280, 720)
        self._locked = False
        self._page_before_lock: QWidget | None = None
        self._closing_for_sign_out = False
        self._hidden_dialogs: list[QWidget] = []

        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setAccessibleName("Find a carer")
        self.search.setPlaceholderText(
            "Find a carer: name, postcode, phone or card number - or scan a card  (Ctrl+F)"
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)

        self.pages = QStackedWidget()
        self.find_page = FindPage(self.worker, self.nav)
        self.pages.addWidget(self.find_page)
        self._page_by_name: dict[str, QWidget] = {"find": self.find_page}
        self._nav_buttons: dict[str, QPushButton] = {}
        self._build_pages()

        self.lock_screen = LockScreen(self.worker, desk.actor.username)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self.pages.addWidget(self.lock_screen)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        register = self._nav_buttons.get("register")
        if register is not None:
            top.addWidget(register)
        self.side = QVBoxLayout()
        for name, button in self._nav_buttons.items():
            if name != "register":
                self.side.addWidget(button)
        self.side.addStretch(1)
        body = QHBoxLayout()
        side_box = QWidget()
        side_box.setObjectName("sideBar")
        side_box.setLayout(self.side)
        body.addWidget(side_box)
        body.addWidget(self.pages, 1)
        self.side_box = side_box
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addLayout(top)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        self.user_label = QLabel(
            f"Signed in as {desk.actor.display_name} ({desk.actor.role.label.lower()}) · "
            f"site {desk.site_code}"
        )
        self.review_label = QLabel()
        self.review_label.setObjectName("reviewDue")
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.review_label)
        self._build_menus()

        self.nav.open_carer.connect(self.open_carer)
        self.nav.register_carer.connect(lambda: self.show_page("register"))
        self.nav.show_find.connect(self.focus_search)
        self.nav.changed.connect(self._data_changed)
        self.nav.notify.connect(lambda text: self.statusBar().showMessage(text, 8000))

        self.idle = IdleWatcher(10, self)
        self.idle.idle.connect(self.lock)
        self._load_scheme()
        self._refresh_review_count()
        self._ask_for_own_password()
        self.focus_search()

    # -- pages ---------------------------------------------------------------

    def _add_page(
        self,
        name: str,
        factory: Callable[[], QWidget],
        label: str,
        permission: Permission | None,
        shortcut: str | None = None,
        in_nav: bool = True,
    ) -> None:
        if permission is not None and not self.desk.can(permission):
            return
        page = factory()
        self.pages.addWidget(page)
        self._page_by_name[name] = page
        if not in_nav:
            return
        button = QPushButton(label)
        button.setObjectName(f"nav_{name}")
        if shortcut:
            button.setToolTip(f"{label.replace('&', '')} ({shortcut})")
        button.clicked.connect(lambda: self.show_page(name))
        self._nav_buttons[name] = button

    def _build_pages(self) -> None:
        from carerdesk.ui import pages

        find = QPushButton("&Find carers")
        find.setObjectName("nav_find")
        find.clicked.connect(self.focus_search)
        self._nav_buttons["find"] = find
        for spec in pages.PAGES:
            self._add_page(
                spec.name,
                lambda s=spec: s.factory(self.worker, self.nav),
                spec.label,
                spec.permission,
                spec.shortcut,
                spec.in_nav,
            )

    def page(self, name: str) -> QWidget | None:
        return self._page_by_name.get(name)

    def current_page_name(self) -> str:
        current = self.pages.currentWidget()
        for name, page in self._page_by_name.items():
            if page is current:
                return name
        return "lock" if current is self.lock_screen else ""

    def _leave_current_page(self) -> bool:
        current = self.pages.currentWidget()
        dirty = getattr(current, "has_unsaved_changes", None)
        if dirty is not None and dirty():
            if not confirm_discard(self):
                return False
            getattr(current, "discard_changes", lambda: None)()
        return True

    def show_page(self, name: str) -> bool:
        page = self._page_by_name.get(name)
        if page is None or self._locked:
            return False
        if page is not self.pages.currentWidget() and not self._leave_current_page():
            return False
        self.pages.setCurrentWidget(page)
        entered = getattr(page, "page_entered", None)
        if entered is not None:
            entered()
        return True

    def open_carer(self, carer_id: uuid.UUID, warning: str = "") -> None:
        page = self._page_by_name.get("carer")
        if page is None or not self.show_page("carer"):
            return
        page.load(carer_id, warning)  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        if self._locked:
            return
        if self.pages.currentWidget() is not self.find_page and not self.show_page("find"):
            return
        self.search.setFocus()
        self.search.selectAll()

    def _search_changed(self, text: str) -> None:
        leaving = self.pages.currentWidget() is not self.find_page and text.strip()
        if leaving and not self.show_page("find"):
            return
        self.find_page.set_query(text)

    def _search_entered(self) -> None:
        # A scanner types the payload and presses Enter (sometimes Tab).
        self.find_page.open_first()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Down:
                self.find_page.focus_results()
                return True
            if key == Qt.Key.Key_Escape:
                self.search.clear()
                return True
        return super().eventFilter(obj, event)

    # -- menus ---------------------------------------------------------------

    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        desk_menu = bar.addMenu("&Desk")
        self._action(
            desk_menu,
            "&Find a carer",
            self.focus_search,
            QKeySequence.StandardKey.Find,
            "actionFind",
        )
        if "register" in self._page_by_name:
            self._action(
                desk_menu,
                "&Register a carer",
                lambda: self.show_page("register"),
                QKeySequence.StandardKey.New,
                "actionRegister",
            )
        desk_menu.addSeparator()
        self._action(
            desk_menu, "&Change my password...", self.change_password, None, "actionMyPassword"
        )
        self._action(desk_menu, "&Lock", self.lock, "Ctrl+L", "actionLock")
        self._action(desk_menu, "Sign &out", self.sign_out, None, "actionSignOut")
        self._action(desk_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "actionQuit")

        go = bar.addMenu("&Go")
        for name, button in self._nav_buttons.items():
            if name in ("find", "register"):
                continue
            self._action(
                go, button.text(), lambda _=False, n=name: self.show_page(n), None, f"action_{name}"
            )

        view = bar.addMenu("&View")
        self.larger_text = self._action(
            view, "&Larger text", self._toggle_larger_text, "Ctrl+=", "actionLargerText"
        )
        self.larger_text.setCheckable(True)
        self.larger_text.setChecked(bool(QSettings().value("larger_text", False, type=bool)))

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About carerdesk", self._about, None, "actionAbout")

    def change_password(self, *, first_time: bool = False) -> QWidget:
        """Let the signed-in user choose a new password (asked at once after a reset)."""
        from carerdesk.ui.user_dialogs import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.worker, self)
        if first_time:
            dialog.setWindowTitle("Choose your own password")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _ask_for_own_password(self) -> None:
        def run(desk: Desk) -> bool:
            with desk.read() as tx:
                return users.current_user(tx).must_change_password

        def done(must: bool) -> None:
            if must:
                self.statusBar().showMessage(
                    "You signed in with a temporary password: please choose your own.", 15000
                )
                self.change_password(first_time=True)

        self.worker.submit(run, done)

    def _toggle_larger_text(self) -> None:
        on = self.larger_text.isChecked()
        QSettings().setValue("larger_text", on)
        apply_theme(QApplication.instance(), larger_text=on)  # type: ignore[arg-type]

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About carerdesk",
            f"carerdesk {__version__}\n\nAn offline desk for Carer Passport schemes.\n\n"
            f"Database: {self.desk.path}\nLog file: {log_file()}",
        )

    # -- status --------------------------------------------------------------

    def _load_scheme(self) -> None:
        def run(desk: Desk):  # type: ignore[no-untyped-def]
            with desk.read() as tx:
                s = settings.get_scheme(tx)
                return s.name, s.idle_lock_minutes

        def done(value) -> None:  # type: ignore[no-untyped-def]
            name, minutes = value
            self.setWindowTitle(f"carerdesk - {name}")
            self.idle.set_minutes(minutes)

        self.worker.submit(run, done)

    def _refresh_review_count(self) -> None:
        if not self.desk.can(Permission.EDIT_OFFERS):
            self.review_label.hide()
            return

        def run(desk: Desk) -> int:
            with desk.read() as tx:
                return offers.review_due_count(tx)

        def done(n: int) -> None:
            self.review_label.setText(
                f"{n} offer{'s' if n != 1 else ''} due for review"
                if n
                else "No offers due for review"
            )

        self.worker.submit(run, done)

    def _data_changed(self, what: str) -> None:
        if what in ("offer", "business"):
            self._refresh_review_count()
        if what == "settings":
            self._load_scheme()
        if what in ("carer", "card") and self.find_page.model.query:
            self.find_page.set_query(self.search.text())
        for page in self._page_by_name.values():
            hook = getattr(page, "data_changed", None)
            if hook is not None:
                hook(what)

    # -- locking -------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self._locked

    def lock(self) -> None:
        """Hide every personal detail until the password is typed again."""
        if self._locked:
            return
        self._locked = True
        self._page_before_lock = self.pages.currentWidget()
        self.pages.setCurrentWidget(self.lock_screen)
        self.search.hide()
        self.side_box.hide()
        for button in self._nav_buttons.values():
            button.hide()
        self.menuBar().setEnabled(False)
        # Dialogs show personal data too: hide them, and bring them back on unlock.
        self._hidden_dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isWindow() and w.isVisible()
        ]
        for w in self._hidden_dialogs:
            w.hide()
        self.lock_screen.reset()

    def unlock(self) -> None:
        self._locked = False
        self.search.show()
        self.side_box.show()
        for button in self._nav_buttons.values():
            button.show()
        self.menuBar().setEnabled(True)
        self.pages.setCurrentWidget(self._page_before_lock or self.find_page)
        self.idle.timer.start()
        if self.pages.currentWidget() is self.find_page:
            self.search.setFocus()
        for w in self._hidden_dialogs:
            w.show()
        self._hidden_dialogs = []

    def sign_out(self) -> None:
        self._closing_for_sign_out = True
        if not self.close():
            self._closing_for_sign_out = False

    def _has_unsaved_work(self) -> bool:
        return any(
            getattr(page, "has_unsaved_changes", lambda: False)()
            for page in self._page_by_name.values()
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._locked and self._has_unsaved_work():
            # Closing now would throw away someone's typing, and a locked desk must
            # not show what it was: ask for the password first.
            self.lock_screen.error.setText(
                "There are unsaved changes. Unlock first to save or discard them."
            )
            self.lock_screen.error.show()
            event.ignore()
            return
        if not self._locked and not self._leave_current_page():
            event.ignore()
            return
        self.worker.stop()
        self.desk.close()
        event.accept()
        if self._closing_for_sign_out:
            self.signed_out.emit()
