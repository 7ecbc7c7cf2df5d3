"""Save a picture of every main screen: ``python -m carerdesk.ui.screenshots OUTDIR``.

It builds a small demo scheme in a temporary folder, opens the desk offscreen at
1366x768 (or ``--size 1920x1080``) and saves one PNG per screen, so anyone can look
at the whole desk at a glance.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from sqlalchemy import text

from carerdesk.demo import build_demo
from carerdesk.desk import Desk, open_desk


def _settle(condition: Callable[[], bool] = lambda: True, seconds: float = 10.0) -> None:
    end = time.perf_counter() + seconds
    while True:
        QCoreApplication.processEvents()
        if condition() or time.perf_counter() > end:
            break
    for _ in range(20):
        QCoreApplication.processEvents()


def _example_carer(desk: Desk) -> tuple[object, str]:
    """A carer with a card, cared-for people and contacts, and how to find them."""
    with desk.read() as tx:
        row = tx.session.execute(
            text(
                "SELECT c.id, c.last_name FROM carer c JOIN card k ON k.carer_id = c.id "
                "JOIN cared_for f ON f.carer_id = c.id JOIN contact_log l ON l.carer_id = c.id "
                "WHERE c.status = 'active' AND k.status = 'issued' LIMIT 1"
            )
        ).one()
    import uuid

    return uuid.UUID(bytes=row[0]), row[1]


def take_screenshots(out: Path, size: tuple[int, int] = (1366, 768)) -> list[Path]:
    """Save a PNG of each screen into ``out``; return their paths."""
    from carerdesk.ui.app import make_app
    from carerdesk.ui.first_run import FirstRunWizard
    from carerdesk.ui.main_window import MainWindow
    from carerdesk.ui.sign_in import SignInDialog

    make_app([])
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shoot(widget: QWidget, name: str) -> None:
        _settle()
        path = out / f"{len(saved) + 1:02d}_{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    with tempfile.TemporaryDirectory(prefix="carerdesk-shots-") as folder:
        db = Path(folder) / "demo.db"
        info = build_demo(db, carers=400, seed=3)

        wizard = FirstRunWizard(Path(folder) / "new.db")
        wizard.resize(720, 520)
        wizard.show()
        wizard.next()
        shoot(wizard, "first_run_scheme")
        wizard.close()

        sign_in = SignInDialog(db, info.username)
        sign_in.show()
        shoot(sign_in, "sign_in")
        sign_in.close()

        desk = open_desk(db, info.username, info.password)
        carer_id, surname = _example_carer(desk)
        window = MainWindow(desk)
        window.resize(*size)
        window.show()
        _settle(lambda: not window.worker.busy)
        shoot(window, "find_empty")

        window.search.setText(surname[:3])
        _settle(lambda: window.find_page.model.query == surname[:3])
        shoot(window, "find_results")

        record = window.page("carer")
        loaded: list[object] = []
        record.loaded.connect(loaded.append)  # type: ignore[attr-defined]
        window.open_carer(carer_id)
        _settle(lambda: bool(loaded))
        tabs = record.tabs  # type: ignore[attr-defined]
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            _settle(lambda: not window.worker.busy)
            title = tabs.tabText(index).replace("&", "").lower().replace(" ", "_")
            shoot(window, f"record_{title.replace('-', '_')}")

        for name in ("register", "offers", "print", "data", "users", "settings"):
            if window.show_page(name):
                _settle(lambda: not window.worker.busy)
                shoot(window, name)
        data = window.page("data")
        exchange = getattr(data, "exchange", None)
        if data is not None and exchange is not None:
            window.show_page("data")
            data.tabs.setCurrentWidget(exchange)  # type: ignore[attr-defined]
            _settle(lambda: not window.worker.busy)
            shoot(window, "data_exchange")
        offers = window.page("offers")
        if offers is not None:
            window.show_page("offers")
            offers.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
            _settle(lambda: not window.worker.busy)
            shoot(window, "businesses")

        window.lock()
        shoot(window, "locked")
        window.unlock()
        window.close()
        _settle()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="1366x768", help="window size, e.g. 1920x1080")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    for path in take_screenshots(args.outdir, (width, height)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
