"""How fast is the offers leaflet? Seed a scheme with offers, then time printing the list.

Run ``python bench/leaflet_bench.py [--offers 350] [--json]``. The database is
built in a temporary folder (through the services, as a coordinator would) and
removed afterwards. Each leaflet is rendered ``--runs`` times and the median
kept; peak memory is measured in a separate run under ``tracemalloc``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from carerdesk.desk import Desk, create_database, open_desk
from carerdesk.services import offers, print_docs, settings
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.services.settings import SchemeFields

TARGETS = {"leaflet_s": 3.0}
USERNAME, PASSWORD = "bench", "bench-password-1"
TOWNS = ("Stevenage", "Hitchin", "Letchworth", "Baldock", "Royston", "Welwyn", "Hatfield")
AREAS = ("North Herts", "Stevenage", "Welwyn Hatfield")
CATEGORIES = ("Cafés and food", "Health and beauty", "Leisure", "Shops", "Services",
              "Days out", "Transport")  # fmt: skip
NAMES = ("Testy Teashop", "Caffi Siôn ap Rhys", "Phở Nguyễn Thị Ánh", "مطعم مريم", "王记茶馆",
         "Fakeville Gym", "McTestface Motors", "The Example Bookshop")  # fmt: skip
TEXTS = ("10% off food and drink", "Free hot drink with any meal, weekdays before noon",
         "Two for one entry for the carer and the person they care for",
         "15% off all services; ask for a quiet appointment if that helps")  # fmt: skip
TERMS = ("Show your card.", "Show your card. Cannot be used with other offers.", None)


def seed(desk: Desk, count: int, rng: random.Random) -> None:
    """``count`` offers from about ``count / 2`` businesses, a mix of places and kinds."""
    with desk.transaction() as tx:
        settings.update_scheme(tx, SchemeFields(
            contact_phone="01632 960000", contact_email="cards@bench.example",
            website="www.bench.example",
        ))  # fmt: skip
        businesses = []
        for n in range(max(1, count // 2)):
            fields = BusinessFields(
                name=f"{rng.choice(NAMES)} {n + 1}", town=rng.choice(TOWNS),
                address_line1=f"{rng.randint(1, 120)} High Street", postcode="SG1 1AA",
                phone="07700 900123", website="www.example.org" if rng.random() < 0.5 else None,
                category=rng.choice(CATEGORIES),
            )  # fmt: skip
            businesses.append(offers.add_business(tx, fields).id)
        for n in range(count):
            offers.add_offer(tx, OfferFields(
                business_id=businesses[n % len(businesses)], text=rng.choice(TEXTS),
                terms=rng.choice(TERMS),
                areas=[rng.choice(AREAS)] if rng.random() < 0.2 else [],
            ))  # fmt: skip


def _render(desk: Desk, large: bool) -> tuple[float, int, int]:
    """Seconds, pages and bytes for one leaflet of every current offer."""
    out = io.BytesIO()
    start = time.perf_counter()
    with desk.transaction() as tx:
        report = print_docs.render_leaflet(tx, out, large=large)
    return time.perf_counter() - start, report.pages, len(out.getvalue())


def _peak_mb(desk: Desk, large: bool) -> float:
    tracemalloc.start()
    try:
        _render(desk, large)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def run(count: int, *, runs: int = 3, seed_no: int = 1, say: Any = lambda _: None) -> dict:
    with tempfile.TemporaryDirectory(prefix="carerdesk-leaflet-") as folder:
        path = Path(folder) / "bench.db"
        create_database(path, scheme_name="Benchshire Carer Passport", site_code="BEN",
                        admin_username=USERNAME, admin_password=PASSWORD)  # fmt: skip
        desk = open_desk(path, USERNAME, PASSWORD)
        try:
            say(f"Adding {count} offers...")
            start = time.perf_counter()
            seed(desk, count, random.Random(seed_no))
            seed_s = time.perf_counter() - start
            _render(desk, False)  # warm up: fonts registered, modules imported
            result: dict[str, Any] = {"offers": count, "seed_s": round(seed_s, 2)}
            for name, large in (("leaflet", False), ("large_print", True)):
                say(f"Rendering the {'large print' if large else 'normal'} leaflet {runs} times...")
                timings = [_render(desk, large) for _ in range(runs)]
                result[f"{name}_s"] = round(statistics.median(t for t, _, _ in timings), 3)
                result[f"{name}_pages"] = timings[0][1]
                result[f"{name}_kb"] = round(timings[0][2] / 1024)
                result[f"{name}_peak_mb"] = round(_peak_mb(desk, large), 1)
        finally:
            desk.close()
    result["targets"] = TARGETS
    result["passed"] = {
        "leaflet_s": result["leaflet_s"] < TARGETS["leaflet_s"],
        "large_print_s": result["large_print_s"] < TARGETS["leaflet_s"],
    }
    return result


def report(result: dict) -> str:
    """The figures as a table a person can read."""
    lines = [
        f"carerdesk leaflet benchmark: {result['offers']} current offers "
        f"(seeded in {result['seed_s']:.1f} s)",
        "",
        f"{'leaflet':<14}{'time':>10}{'pages':>8}{'PDF':>10}{'peak mem':>12}   target",
    ]
    for name in ("leaflet", "large_print"):
        verdict = "PASS" if result["passed"][f"{name}_s"] else "FAIL"
        lines.append(
            f"{name.replace('_', ' '):<14}{result[f'{name}_s']:>8.3f} s{result[f'{name}_pages']:>8}"
            f"{result[f'{name}_kb']:>7} KB{result[f'{name}_peak_mb']:>9.1f} MB"
            f"   < {TARGETS['leaflet_s']:.0f} s {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=350, help="how many offers to list")
    parser.add_argument("--runs", type=int, default=3, help="renders to take the median of")
    parser.add_argument("--json", action="store_true", help="print one JSON document only")
    args = parser.parse_args(argv)
    say = (lambda _: None) if args.json else (lambda line: print(line, file=sys.stderr))
    result = run(args.offers, runs=args.runs, say=say)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
