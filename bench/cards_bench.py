"""How fast does a big batch of cards print? 1,000 cards with photos and QR codes, A4 10-up.

Run ``python bench/cards_bench.py [--cards 1000] [--json]``. The cards are made
up (fake names, a generated JPEG photo each, real Ed25519-signed payloads), so
no database is needed. Reports the whole render's time and peak memory, and a
breakdown: QR encoding, photo handling and drawing, each timed on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from carerdesk.cardnumbers import format_card_number
from carerdesk.cardsign import TokenData, encode
from carerdesk.models.enums import CardKind
from carerdesk.printing import cards_pdf, qr
from carerdesk.printing.cards_pdf import CardData
from carerdesk.printing.presets import BUILT_IN, CardSheet

TARGETS = {"render_s": 10.0}
SEED = 20240601
FIRST = ("Testy", "Sample", "Example", "Dummy", "Placeholder", "Fictional", "Madeup")
LAST = ("McTestface", "Testington", "Sampleton", "Fakesby", "Notreal", "Exampleworth")


def fake_photo(rng: random.Random) -> bytes:
    """A small head-and-shoulders JPEG (360 x 450, ~10 KB), different every time."""
    image = Image.new("RGB", (360, 450), tuple(rng.randrange(150, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 70, 250, 240), fill=(rng.randrange(150, 240), 180, 150))
    draw.rectangle((60, 280, 300, 450), fill=tuple(rng.randrange(0, 200) for _ in range(3)))
    for _ in range(40):  # some detail, so the JPEG is not trivially small
        x, y = rng.randrange(360), rng.randrange(450)
        draw.line((x, y, x + rng.randrange(-40, 40), y + rng.randrange(-40, 40)),
                  fill=tuple(rng.randrange(256) for _ in range(3)), width=2)  # fmt: skip
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_cards(count: int, seed: int = SEED) -> list[CardData]:
    rng = random.Random(seed)
    key = Ed25519PrivateKey.generate()
    kinds = (CardKind.STANDARD,) * 8 + (CardKind.YOUNG_CARER, CardKind.EMERGENCY)
    cards = []
    for serial in range(1, count + 1):
        kind = rng.choice(kinds)
        expires = date(2029, 3, 2)
        token = encode(TokenData(1, "TST", serial, expires, kind), key)
        cards.append(
            CardData(
                number=format_card_number("TST", serial),
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", expires_on=expires, kind=kind,
                token=token, scheme_name="Testshire Carer Passport", photo_jpeg=fake_photo(rng),
                allowances="Keep my phone on in lessons." if kind is CardKind.YOUNG_CARER else None,
                emergency_lines=["Testy McTestface (brother): 07700 900123"]
                if kind is CardKind.EMERGENCY else [],
                contact_line="If found, please call 07700 900123.",
            )
        )  # fmt: skip
    return cards


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def breakdown(cards: list[CardData], sheet: CardSheet) -> dict[str, float]:
    """Each part on its own: encoding the QR codes (one core and both), adding the
    photos to a PDF, and drawing the cards without photos."""
    tokens = [c.token for c in cards]
    qr._encode.cache_clear()
    one_core, matrices = _timed(lambda: [qr.encode(t) for t in tokens])
    qr._encode.cache_clear()
    pool, _ = _timed(qr.encode_many, tokens, workers=2)  # spawned processes, both cores

    def photos_only() -> None:
        with cards_pdf._binary_streams():
            canvas = Canvas(io.BytesIO())
            for card in cards:
                canvas.drawImage(cards_pdf._Jpeg(card.photo_jpeg or b""), 0, 0, 60, 75)
            canvas.save()

    def qr_paths_only() -> None:
        qr.path_ops.cache_clear()
        canvas = Canvas(io.BytesIO())
        for m in matrices:
            qr.draw(canvas, m, 0, 0, 60)
        canvas.save()

    photos_s, _ = _timed(photos_only)
    qr_draw_s, _ = _timed(qr_paths_only)
    no_photos = [CardData(**{**c.__dict__, "photo_jpeg": None}) for c in cards]
    drawing_s, _ = _timed(cards_pdf.render_cards, no_photos, sheet, io.BytesIO())
    return {
        "qr_encode_s": round(one_core, 3),
        "qr_encode_2_cores_s": round(pool, 3),
        "qr_draw_s": round(qr_draw_s, 3),
        "photos_s": round(photos_s, 3),
        "render_without_photos_s": round(drawing_s, 3),
    }


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


def run(count: int) -> dict[str, Any]:
    sheet = BUILT_IN["a4-10"]
    assert isinstance(sheet, CardSheet)
    cards = make_cards(count)
    cards_pdf.render_cards(cards[:10], sheet, io.BytesIO())  # fonts loaded, caches warm
    qr._encode.cache_clear()
    qr.path_ops.cache_clear()
    out = io.BytesIO()
    before = _rss_mb("VmRSS")
    _reset_peak()
    render_s, report = _timed(cards_pdf.render_cards, cards, sheet, out)
    peak = _rss_mb("VmHWM")
    figures = {
        "cards": count,
        "pages": report.pages,
        "pdf_mb": round(len(out.getvalue()) / 2**20, 1),
        "render_s": round(render_s, 2),
        "per_card_ms": round(render_s / count * 1000, 2),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_growth_mb": round(peak - before, 1),
        **breakdown(cards, sheet),
    }
    figures["ok"] = render_s * 1000 / count <= TARGETS["render_s"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.cards)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>26}: {value}")
        print(f"target: {TARGETS['render_s']:g} s for 1,000 cards")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
