"""Sheet geometry for cards and labels, as named presets people can adjust.

All sizes are millimetres, measured from the TOP-LEFT corner of the page, as a
ruler on a sheet of cards would read them. Built-in presets come from the card
and label makers' published templates (see shared/reference/print-and-scan.md);
a user's own presets and per-printer nudges are kept as JSON in ``print.json``
in the user config folder (``CARERDESK_CONFIG_DIR`` overrides it, for tests).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from carerdesk.errors import InvalidValue, NotFound

MM = 72 / 25.4  # PDF points per millimetre
CONFIG_FILE = "print.json"
MAX_NUDGE_MM = 10.0


@dataclass(frozen=True)
class CardSheet:
    """A page of cards: ``cols`` x ``rows`` cards of ``card_w`` x ``card_h``.

    ``left``/``top`` are the margins to the first card; ``col_pitch``/``row_pitch``
    the distance from one card's edge to the next one's (card size + gap).
    ``bleed`` is how far backgrounds may run past a card's edge (card printers
    print past the edge; pre-cut sheets need 0); ``safe`` is how far inside the
    edge text and the QR code must stay.
    """

    name: str
    label: str
    page_w: float
    page_h: float
    cols: int
    rows: int
    card_w: float
    card_h: float
    left: float
    top: float
    col_pitch: float
    row_pitch: float
    bleed: float = 0.0
    safe: float = 3.0

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    @property
    def item_w(self) -> float:
        return self.card_w

    @property
    def item_h(self) -> float:
        return self.card_h


@dataclass(frozen=True)
class LabelSheet:
    """A page of address labels, laid out like ``CardSheet``."""

    name: str
    label: str
    page_w: float
    page_h: float
    cols: int
    rows: int
    label_w: float
    label_h: float
    left: float
    top: float
    col_pitch: float
    row_pitch: float

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    @property
    def item_w(self) -> float:
        return self.label_w

    @property
    def item_h(self) -> float:
        return self.label_h


Sheet = CardSheet | LabelSheet

A4 = (210.0, 297.0)
CR80 = (85.60, 53.98)

BUILT_IN: dict[str, Sheet] = {
    s.name: s
    for s in (
        CardSheet("a4-10", "A4, 10 cards 85 x 54 mm (generic 10-up, Avery C32011)", *A4,
                  2, 5, 85.0, 54.0, 15.0, 13.5, 95.0, 54.0),
        CardSheet("avery-c32015", "A4, 8 cards 85 x 54 mm (Avery C32015)", *A4,
                  2, 4, 85.0, 54.0, 17.0, 31.5, 91.0, 60.0),
        CardSheet("avery-l7414", "A4, 10 cards 90 x 52 mm (Avery L7414)", *A4,
                  2, 5, 90.0, 52.0, 15.0, 18.5, 90.0, 52.0),
        CardSheet("cr80", "Card printer, one CR80 card a page (85.6 x 53.98 mm)", *CR80,
                  1, 1, *CR80, 0.0, 0.0, CR80[0], CR80[1], bleed=1.0),
        LabelSheet("l7163", "A4, 14 labels 99.1 x 38.1 mm (Avery L7163)", *A4,
                   2, 7, 99.06, 38.10, 4.67, 15.15, 101.60, 38.10),
        LabelSheet("l7160", "A4, 21 labels 63.5 x 38.1 mm (Avery L7160)", *A4,
                   3, 7, 63.50, 38.10, 7.20, 15.15, 66.04, 38.10),
    )
}  # fmt: skip


# -- where things go -------------------------------------------------------------


def card_positions(sheet: Sheet, index: int) -> tuple[float, float]:
    """Top-left corner (x, y) in mm from the page's top-left of item ``index`` on its page.

    Items fill rows left to right, then top to bottom; ``index`` wraps per page.
    """
    slot = index % sheet.per_page
    row, col = divmod(slot, sheet.cols)
    return sheet.left + col * sheet.col_pitch, sheet.top + row * sheet.row_pitch


def back_positions(sheet: Sheet, index: int) -> tuple[float, float]:
    """Where the back of item ``index`` goes: columns reversed, so that when the
    page is printed on the other side (long-edge duplex) it lands behind its front.

    The sheet is mirrored as a whole, so an uneven left and right margin is honoured.
    """
    x, y = card_positions(sheet, index)
    return sheet.page_w - x - sheet.item_w, y


def to_points(
    sheet: Sheet, x_mm: float, y_mm: float, nudge: tuple[float, float] = (0.0, 0.0)
) -> tuple[float, float]:
    """reportlab's bottom-left (x, y) in points of an item whose top-left is at
    (``x_mm``, ``y_mm``) from the page's top-left, shifted by ``nudge`` (mm, right/down)."""
    dx, dy = nudge
    return (x_mm + dx) * MM, (sheet.page_h - y_mm - dy - sheet.item_h) * MM


# -- checking a preset ---------------------------------------------------------------


def check_sheet(sheet: Sheet) -> None:
    """Raise ``InvalidValue`` unless the geometry makes sense and fits on the page."""
    errors: dict[str, str] = {}
    name = sheet.name.strip()
    if not name or len(name) > 40 or not all(ch.isalnum() or ch in "-_" for ch in name):
        errors["name"] = "Give the layout a short name of letters, digits and hyphens"
    numbers = {f.name: getattr(sheet, f.name) for f in fields(sheet) if f.type != "str"}
    for key, value in numbers.items():
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            errors[key] = "This must be a number, zero or more"
    if errors:
        raise InvalidValue(errors)
    if sheet.cols < 1 or sheet.rows < 1 or sheet.cols > 10 or sheet.rows > 20:
        errors["cols"] = "A sheet has 1 to 10 columns and 1 to 20 rows"
    if isinstance(sheet, CardSheet) and (sheet.card_w < 75 or sheet.card_h < 45):
        errors["size"] = "Cards must be at least 75 x 45 mm, so the QR code can be read"
    elif sheet.item_w < 20 or sheet.item_h < 10:
        errors["size"] = "Each label must be at least 20 x 10 mm"
    if sheet.cols > 1 and sheet.col_pitch < sheet.item_w - 0.01:
        errors["col_pitch"] = "The column pitch must be at least the width of one card"
    if sheet.rows > 1 and sheet.row_pitch < sheet.item_h - 0.01:
        errors["row_pitch"] = "The row pitch must be at least the height of one card"
    right = sheet.left + (sheet.cols - 1) * sheet.col_pitch + sheet.item_w
    bottom = sheet.top + (sheet.rows - 1) * sheet.row_pitch + sheet.item_h
    if right > sheet.page_w + 0.01 or bottom > sheet.page_h + 0.01:
        errors["page"] = "The cards run off the page: check the margins, pitches and page size"
    if errors:
        raise InvalidValue(errors)


# -- the user's file -----------------------------------------------------------------


def config_path() -> Path:
    """``print.json`` in ``CARERDESK_CONFIG_DIR`` if set, else the user config folder."""
    folder = os.environ.get("CARERDESK_CONFIG_DIR") or platformdirs.user_config_dir(
        "carerdesk", appauthor=False
    )
    return Path(folder).expanduser() / CONFIG_FILE


def _read() -> dict[str, Any]:
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a damaged file must not stop printing: built-ins still work
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, Any]) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _to_json(sheet: Sheet) -> dict[str, Any]:
    return {"kind": "label" if isinstance(sheet, LabelSheet) else "card", **asdict(sheet)}


def _from_json(item: Any) -> Sheet | None:
    if not isinstance(item, dict):
        return None
    values = dict(item)
    cls = LabelSheet if values.pop("kind", "card") == "label" else CardSheet
    try:
        sheet = cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})
        check_sheet(sheet)
    except (TypeError, InvalidValue):
        return None
    return sheet


def load_presets() -> dict[str, Sheet]:
    """Every preset by name: the built-ins, overridden or added to by the user's own."""
    presets = dict(BUILT_IN)
    for item in (_read().get("presets") or {}).values():
        sheet = _from_json(item)
        if sheet is not None:
            presets[sheet.name] = sheet
    return presets


def card_sheet(name: str) -> CardSheet:
    """The card preset called ``name``."""
    sheet = load_presets().get(name)
    if not isinstance(sheet, CardSheet):
        raise NotFound("There is no card layout with that name.")
    return sheet


def label_sheet(name: str) -> LabelSheet:
    """The label preset called ``name``."""
    sheet = load_presets().get(name)
    if not isinstance(sheet, LabelSheet):
        raise NotFound("There is no label layout with that name.")
    return sheet


def save_user_preset(preset: Sheet) -> Sheet:
    """Check and keep a preset; one with a built-in's name adjusts that built-in."""
    preset = replace(preset, name=preset.name.strip())
    check_sheet(preset)
    built_in = BUILT_IN.get(preset.name)
    if built_in is not None and type(built_in) is not type(preset):
        raise InvalidValue({"name": "That name belongs to another kind of layout"})
    data = _read()
    presets = data.get("presets") if isinstance(data.get("presets"), dict) else {}
    presets[preset.name] = _to_json(preset)
    data["presets"] = presets
    _write(data)
    return preset


def delete_user_preset(name: str) -> None:
    """Forget the user's preset ``name`` (a built-in goes back to its original)."""
    data = _read()
    presets = data.get("presets") if isinstance(data.get("presets"), dict) else {}
    if presets.pop(name, None) is not None:
        data["presets"] = presets
        _write(data)


def nudge_for(name: str) -> tuple[float, float]:
    """The printer nudge (dx right, dy down, in mm) kept for layout ``name``."""
    value = (_read().get("nudges") or {}).get(name)
    try:
        dx, dy = (float(v) for v in value)
    except (TypeError, ValueError):
        return 0.0, 0.0
    if not all(math.isfinite(v) and abs(v) <= MAX_NUDGE_MM for v in (dx, dy)):
        return 0.0, 0.0
    return dx, dy


def set_nudge(name: str, dx: float, dy: float) -> None:
    """Keep a nudge (mm, right and down positive) for layout ``name``."""
    for key, value in (("dx", dx), ("dy", dy)):
        if not math.isfinite(value) or abs(value) > MAX_NUDGE_MM:
            raise InvalidValue({key: f"A nudge must be between -{MAX_NUDGE_MM:g} and "
                                     f"{MAX_NUDGE_MM:g} mm"})  # fmt: skip
    data = _read()
    nudges = data.get("nudges") if isinstance(data.get("nudges"), dict) else {}
    nudges[name] = [round(float(dx), 2), round(float(dy), 2)]
    data["nudges"] = nudges
    _write(data)
