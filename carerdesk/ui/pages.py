"""The pages of the main window, and who may see each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from carerdesk.services.permissions import Permission
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.worker import DbWorker


@dataclass(frozen=True)
class PageSpec:
    name: str
    label: str
    factory: Callable[[DbWorker, Navigator], QWidget]
    permission: Permission | None
    shortcut: str | None = None
    in_nav: bool = True


def _carer(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.carer_record import CarerRecordPage

    return CarerRecordPage(worker, nav)


def _register(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.register_page import RegisterPage

    return RegisterPage(worker, nav)


def _offers(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.offers_page import OffersPage

    return OffersPage(worker, nav)


def _print(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.print_page import PrintPage

    return PrintPage(worker, nav)


def _data(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.data_page import DataPage

    return DataPage(worker, nav)


def _users(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.users_page import UsersPage

    return UsersPage(worker, nav)


def _settings(worker: DbWorker, nav: Navigator) -> QWidget:
    from carerdesk.ui.settings_page import SettingsPage

    return SettingsPage(worker, nav)


PAGES: list[PageSpec] = [
    PageSpec("carer", "Carer", _carer, Permission.FIND, in_nav=False),
    PageSpec("register", "&Register a carer", _register, Permission.REGISTER, "Ctrl+N"),
    PageSpec("offers", "&Offers and businesses", _offers, Permission.FIND),
    # No mnemonic: every free letter is taken on some page already.
    PageSpec("print", "Printing", _print, Permission.PRINT_BATCH),
    PageSpec("data", "Data and returns", _data, Permission.EXCHANGE),
    PageSpec("users", "&Users", _users, Permission.MANAGE_USERS),
    PageSpec("settings", "Scheme &settings", _settings, Permission.SETTINGS),
]
