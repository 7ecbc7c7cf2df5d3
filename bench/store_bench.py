"""How fast is the store at scale? Build a demo scheme, then time unlocking and searching.

Run ``python bench/store_bench.py [--carers 100000] [--json]`` (or
``python -m bench.store_bench``). The database is built in a temporary folder
and removed afterwards. Figures are checked against the targets in ``TARGETS``;
size and build time are scaled to 100,000 carers before comparing.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from carerdesk.cardnumbers import format_card_number
from carerdesk.demo import SITE_CODE, build_demo
from carerdesk.desk import Desk, open_desk
from carerdesk.services.search import find_carers
from carerdesk.store.engine import make_engine

SCALE = 100_000  # size and build targets are for this many carers
TARGETS = {"search_p95_ms": 30.0, "unlock_s": 0.5, "size_mb": 100.0, "build_s": 60.0}
QUERY_SEED = 20240601
UNLOCKS = 5

# What people type into the search box, and how often.
QUERY_MIX = {
    "prefix_1": 8,
    "prefix_2": 8,
    "prefix_3": 8,
    "first_and_last_prefix": 6,
    "full_name": 16,
    "postcode": 10,
    "postcode_no_space": 8,
    "postcode_partial": 8,
    "card_number": 8,
    "card_scanned": 4,
    "phone": 8,
    "phone_no_spaces": 8,
}


def make_queries(desk: Desk, count: int, seed: int = QUERY_SEED) -> list[tuple[str, str]]:
    """``count`` (kind, query) pairs drawn from the data itself, repeatably."""
    rng = random.Random(seed)
    with desk.read() as tx:
        top = tx.session.execute(text("SELECT max(search_key) FROM carer")).scalar() or 0
        cards = tx.session.execute(text("SELECT count(*) FROM card")).scalar() or 0
        keys = rng.sample(range(1, top + 1), min(top, count))
        people = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            people += tx.session.execute(
                text(
                    "SELECT first_name, last_name, postcode, phone FROM carer "
                    f"WHERE search_key IN ({','.join(map(str, chunk))})"
                )
            ).all()
    people.sort()
    rng.shuffle(people)
    kinds = rng.choices(list(QUERY_MIX), weights=list(QUERY_MIX.values()), k=count)
    queries = []
    for n, kind in enumerate(kinds):
        first, last, postcode, phone = people[n % len(people)]
        serial = rng.randint(1, max(1, cards))
        queries.append(
            (
                kind,
                _query(
                    kind,
                    first or "",
                    last or "",
                    postcode or "",
                    phone or "",
                    format_card_number(SITE_CODE, serial),
                    rng,
                ),
            )
        )
    return queries


def _query(
    kind: str, first: str, last: str, postcode: str, phone: str, card: str, rng: random.Random
) -> str:
    name = rng.choice((first, last))
    return {
        "prefix_1": lambda: name[:1].lower(),
        "prefix_2": lambda: name[:2].lower(),
        "prefix_3": lambda: name[:3].lower(),
        "first_and_last_prefix": lambda: f"{first} {last[: rng.randint(1, 3)]}".lower(),
        "full_name": lambda: f"{first} {last}",
        "postcode": lambda: postcode,
        "postcode_no_space": lambda: postcode.replace(" ", "").lower(),
        "postcode_partial": lambda: postcode[: rng.choice((len(postcode) - 2, -3))].strip(),
        "card_number": lambda: card,
        "card_scanned": lambda: card.replace("-", "").lower(),
        "phone": lambda: phone,
        "phone_no_spaces": lambda: phone.replace(" ", ""),
    }[kind]()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def time_searches(desk: Desk, queries: list[tuple[str, str]]) -> dict[str, list[float]]:
    """Milliseconds per query, grouped by kind, all in one read transaction."""
    by_kind: dict[str, list[float]] = {}
    with desk.read() as tx:
        for _, query in queries[:20]:  # warm up, as a desk open for a while would be
            find_carers(tx, query)
        for kind, query in queries:
            start = time.perf_counter()
            find_carers(tx, query)
            by_kind.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
    return by_kind


def _median_time(action: Callable[[], Any], times: int) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def run(
    carers: int,
    *,
    queries: int = 1000,
    seed: int = 1,
    history: bool = True,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Build a demo of ``carers`` carers in a temporary folder and measure it."""
    with tempfile.TemporaryDirectory(prefix="carerdesk-bench-") as folder:
        path = Path(folder) / "bench.db"
        say(f"Building a demo scheme of {carers:,} carers...")
        start = time.perf_counter()
        info = build_demo(
            path,
            carers=carers,
            seed=seed,
            with_history=history,
            with_events=False,
            progress=lambda done, total, what: say(f"  {done}/{total} {what}"),
        )
        build_s = time.perf_counter() - start
        size_mb = (
            sum(
                p.stat().st_size
                for p in path.parent.glob(path.name + "*")
                if not p.name.endswith(".keys")
            )
            / 1e6
        )

        say("Unlocking...")

        def unlock() -> None:
            open_desk(path, info.username, info.password).close()

        unlock_s = _median_time(unlock, UNLOCKS)
        desk = open_desk(path, info.username, info.password)
        try:
            key = desk.data_key

            def first_query() -> None:
                engine = make_engine(path, key)
                with engine.connect() as conn:
                    conn.execute(text("SELECT count(*) FROM carer")).scalar()
                engine.dispose()

            open_ms = _median_time(first_query, UNLOCKS) * 1000
            say(f"Searching ({queries:,} queries)...")
            by_kind = time_searches(desk, make_queries(desk, queries))
        finally:
            desk.close()
    every = [ms for times in by_kind.values() for ms in times]
    result: dict[str, Any] = {
        "carers": carers,
        "with_history": history,
        "build_s": round(build_s, 2),
        "unlock_s": round(unlock_s, 3),
        "open_ms": round(open_ms, 1),
        "search_p50_ms": round(_percentile(every, 50), 2),
        "search_p95_ms": round(_percentile(every, 95), 2),
        "search_max_ms": round(max(every), 2),
        "size_mb": round(size_mb, 1),
        "targets": {**TARGETS, "scaled_to_carers": SCALE},
        "by_kind": {
            kind: {
                "n": len(t),
                "p50_ms": round(_percentile(t, 50), 2),
                "p95_ms": round(_percentile(t, 95), 2),
                "max_ms": round(max(t), 2),
            }
            for kind, t in sorted(by_kind.items())
        },
    }
    result["passed"] = _verdicts(result)
    return result


def _verdicts(result: dict[str, Any]) -> dict[str, bool]:
    scale = SCALE / max(1, result["carers"])
    return {
        "search_p95_ms": result["search_p95_ms"] < TARGETS["search_p95_ms"],
        "unlock_s": result["unlock_s"] < TARGETS["unlock_s"],
        "size_mb": result["size_mb"] * scale < TARGETS["size_mb"],
        "build_s": result["build_s"] * scale < TARGETS["build_s"],
    }


def report(result: dict[str, Any]) -> str:
    """The figures as a table a person can read."""
    scaled = result["carers"] != SCALE
    note = f" (per {SCALE:,} carers)" if scaled else ""
    passed = result["passed"]

    def verdict(key: str) -> str:
        return "PASS" if passed[key] else "FAIL"

    rows = [
        (
            "build",
            f"{result['build_s']:.1f} s",
            f"< {TARGETS['build_s']:.0f} s{note}",
            verdict("build_s"),
        ),
        (
            "unlock (median of 5)",
            f"{result['unlock_s']:.3f} s",
            f"< {TARGETS['unlock_s']} s",
            verdict("unlock_s"),
        ),
        ("open + first query", f"{result['open_ms']:.1f} ms", "", ""),
        ("search p50", f"{result['search_p50_ms']:.2f} ms", "", ""),
        (
            "search p95",
            f"{result['search_p95_ms']:.2f} ms",
            f"< {TARGETS['search_p95_ms']:.0f} ms",
            verdict("search_p95_ms"),
        ),
        ("search max", f"{result['search_max_ms']:.2f} ms", "", ""),
        (
            "database size",
            f"{result['size_mb']:.1f} MB",
            f"< {TARGETS['size_mb']:.0f} MB{note}",
            verdict("size_mb"),
        ),
    ]
    history = "with" if result["with_history"] else "without"
    lines = [
        f"carerdesk store benchmark: {result['carers']:,} carers ({history} contact history)",
        "",
        f"{'measure':<22}{'value':>12}   {'target':<32}result",
    ]
    lines += [f"{a:<22}{b:>12}   {c:<32}{d}" for a, b, c, d in rows]
    lines += ["", f"{'search by kind':<24}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"]
    for kind, k in result["by_kind"].items():
        lines.append(
            f"{kind:<24}{k['n']:>5}{k['p50_ms']:>10.2f}{k['p95_ms']:>10.2f}{k['max_ms']:>10.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=SCALE, help="how many carers to build")
    parser.add_argument("--queries", type=int, default=1000, help="how many searches to time")
    parser.add_argument("--seed", type=int, default=1, help="demo seed")
    parser.add_argument("--no-history", action="store_true", help="build without contact logs")
    parser.add_argument("--json", action="store_true", help="print one JSON document only")
    args = parser.parse_args(argv)
    say = (lambda _: None) if args.json else (lambda line: print(line, file=sys.stderr))
    result = run(
        args.carers, queries=args.queries, seed=args.seed, history=not args.no_history, say=say
    )
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
