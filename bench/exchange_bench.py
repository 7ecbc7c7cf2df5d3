"""How fast do sites exchange? Export and import 100,000 carers with their cards and contacts.

Run ``python bench/exchange_bench.py [--carers 100000] [--json]``. In a
temporary folder: a demo site A is built (in another process, not timed),
then these are timed one by one, each with the process's peak memory:

* ``export``: A's encrypted export (every record: ~550,000 rows, 11 million cells);
* ``join``: a new site B started from that file (every record inserted);
* ``reimport``: the same file imported again at B (every record unchanged);
* ``import_changes``: 1,000 carers changed at B, B's export imported at A.

Target: each export and import under 60 s and 1 GB peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select

from carerdesk.demo import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from carerdesk.desk import Desk, open_desk
from carerdesk.exchange import export_file, import_file, join_scheme
from carerdesk.models import Carer
from carerdesk.services import carers

TARGETS = {"seconds": 60.0, "peak_mb": 1024.0}
PASSWORD = "acorn-harbour-violet-teapot-summit"  # the file's (a made-up passphrase)
CHANGED = 1000


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) in MB, from /proc (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def measure(name: str, figures: dict[str, Any], fn: Callable[[], Any]) -> Any:
    """Run ``fn``; note its time and peak memory under ``name``."""
    before = _rss_mb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = _rss_mb("VmHWM")
    figures[f"{name}_s"] = round(seconds, 1)
    figures[f"{name}_peak_mb"] = round(peak, 1)
    figures[f"{name}_growth_mb"] = round(peak - before, 1)
    if seconds > TARGETS["seconds"] or peak > TARGETS["peak_mb"]:
        figures.setdefault("over_target", []).append(name)
    return result


def _change_carers(desk: Desk, count: int) -> None:
    """``count`` carers get a new town at this site (one transaction)."""
    with desk.read() as tx:
        ids = tx.session.exec(select(Carer.id).where(Carer.deleted == False)).all()  # noqa: E712
    chosen = random.Random(7).sample(list(ids), min(count, len(ids)))
    with desk.transaction() as tx:
        for carer_id in chosen:
            carers.update(tx, carer_id, carers.CarerFields(town="Testbury"))


def run(count: int, folder: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {"carers": count}
    a_path, b_path = folder / "a.db", folder / "b.db"
    start = time.perf_counter()
    # Built in another process, so its memory does not count towards the peaks here.
    builder = multiprocessing.get_context("spawn").Process(
        target=build_demo, args=(a_path,), kwargs={"carers": count, "seed": 1}
    )
    builder.start()
    builder.join()
    if builder.exitcode != 0:
        raise SystemExit("building the demo database failed")
    figures["build_s"] = round(time.perf_counter() - start, 1)
    a = open_desk(a_path, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        out = folder / "a.xlsx"
        summary = measure("export", figures, lambda: export_file(a, out, password=PASSWORD))
        figures["rows"] = sum(summary.counts.values())
        figures["file_mb"] = round(out.stat().st_size / 2**20, 1)
        measure("join", figures, lambda: join_scheme(
            b_path, out, password=PASSWORD, site_code="BEN", admin_username="admin",
            admin_password=DEMO_PASSWORD))  # fmt: skip
        b = open_desk(b_path, "admin", DEMO_PASSWORD)
        try:
            again = measure("reimport", figures,
                            lambda: import_file(b, out, password=PASSWORD))  # fmt: skip
            figures["reimport_unchanged"] = again.totals.unchanged
            _change_carers(b, CHANGED)
            b_out = folder / "b.xlsx"
            measure("export_b", figures, lambda: export_file(b, b_out, password=PASSWORD))
        finally:
            b.close()
        result = measure("import_changes", figures,
                         lambda: import_file(a, b_out, password=PASSWORD))  # fmt: skip
        figures["import_changes_counts"] = result.to_json()
    finally:
        a.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="carerdesk-exchange-bench-") as tmp:
        figures = run(args.carers, Path(tmp))
    figures["ok"] = not figures.get("over_target")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>26}: {value}")
        print(f"target: each export and import under {TARGETS['seconds']:g} s "
              f"and {TARGETS['peak_mb']:g} MB peak")  # fmt: skip
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
