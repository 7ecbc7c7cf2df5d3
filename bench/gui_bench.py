"""How quick is the desk through its real widgets? Keystroke-to-results and record opening.

Run ``python bench/gui_bench.py [--carers 100000] [--json]`` (offscreen; no display
needed). It builds a demo scheme in a temporary folder, opens the main window on it,
types real queries into the search box one key at a time, and opens carers' records.

Targets: a keystroke to the results model being updated p95 < 50 ms; opening a
carer record p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QTest
from sqlalchemy import text

from carerdesk.demo import build_demo
from carerdesk.desk import open_desk

TARGETS = {"keystroke_p95_ms": 50.0, "open_record_p95_ms": 100.0}


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _wait(condition, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    end = time.perf_counter() + timeout_s
    while not condition():
        QCoreApplication.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError("the window did not answer in time")


def run(carers: int, *, words: int = 120, records: int = 100, seed: int = 5) -> dict[str, Any]:
    from carerdesk.ui.app import make_app
    from carerdesk.ui.main_window import MainWindow

    app = make_app([])
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="carerdesk-guibench-") as folder:
        path = Path(folder) / "bench.db"
        print(f"Building a demo scheme of {carers:,} carers...", file=sys.stderr)
        info = build_demo(path, carers=carers, seed=1, with_history=True)
        desk = open_desk(path, info.username, info.password)
        with desk.read() as tx:
            people = tx.session.execute(
                text("SELECT id, first_name, last_name, postcode FROM carer "
                     "WHERE NOT deleted ORDER BY random() LIMIT :n"),
                {"n": max(words, records)},
            ).all()  # fmt: skip
        window = MainWindow(desk)
        window.resize(1366, 768)
        window.show()
        find = window.find_page
        shown: list[str] = []
        find.results_shown.connect(shown.append)
        _wait(lambda: not window.worker.busy)

        keystrokes: list[float] = []
        print(f"Typing {words} queries a key at a time...", file=sys.stderr)
        for _, first, last, postcode in people[:words]:
            query = rng.choice([f"{first} {last}", last, postcode or last])[:12]
            window.search.clear()
            _wait(lambda: not window.worker.busy)
            typed = ""
            for ch in query:
                typed += ch
                shown.clear()
                start = time.perf_counter()
                QTest.keyClick(window.search, ch)
                if typed.strip():
                    _wait(lambda t=typed: t in shown)
                    keystrokes.append((time.perf_counter() - start) * 1000)

        opens: list[float] = []
        record = window.page("carer")
        print(f"Opening {records} records...", file=sys.stderr)
        for row in people[:records]:
            carer_id = uuid.UUID(bytes=row[0])
            done: list[object] = []
            record.loaded.connect(done.append)  # type: ignore[attr-defined]
            start = time.perf_counter()
            window.nav.open_carer.emit(carer_id, "")
            _wait(lambda d=done: bool(d))
            opens.append((time.perf_counter() - start) * 1000)
            record.loaded.disconnect(done.append)  # type: ignore[attr-defined]
            window.focus_search()
            _wait(lambda: not window.worker.busy)
        window.close()
    app.processEvents()
    return {
        "carers": carers,
        "keystrokes": len(keystrokes),
        "keystroke_p50_ms": round(statistics.median(keystrokes), 2),
        "keystroke_p95_ms": round(_percentile(keystrokes, 95), 2),
        "records_opened": len(opens),
        "open_record_p50_ms": round(statistics.median(opens), 2),
        "open_record_p95_ms": round(_percentile(opens, 95), 2),
        "targets": TARGETS,
    }


def report(result: dict[str, Any]) -> str:
    lines = [f"carerdesk desk benchmark: {result['carers']:,} carers, through the real widgets",
             "", f"{'measure':<30}{'value':>10}   target"]  # fmt: skip
    for key, label in (("keystroke_p50_ms", "keystroke to results p50"),
                       ("keystroke_p95_ms", "keystroke to results p95"),
                       ("open_record_p50_ms", "open a carer record p50"),
                       ("open_record_p95_ms", "open a carer record p95")):  # fmt: skip
        target = TARGETS.get(key)
        verdict = ("PASS" if result[key] < target else "FAIL") if target else ""
        limit = f"< {target:g} ms  {verdict}" if target else ""
        lines.append(f"{label:<30}{result[key]:>7.1f} ms   {limit}")
    lines.append(f"({result['keystrokes']} keystrokes, {result['records_opened']} records)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=120, help="queries typed key by key")
    parser.add_argument("--records", type=int, default=100, help="records opened")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    result = run(args.carers, words=args.queries, records=args.records)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
