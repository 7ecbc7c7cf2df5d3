"""Command-line options generated from a service's input model.

``carer add`` and ``carer edit`` take one ``--field-name VALUE`` option per
field of ``CarerFields``; values arrive as text and are read here into dates,
choices and yes/no, with a plain-English message per bad field.
"""

from __future__ import annotations

import argparse
import types
import typing
from datetime import date
from enum import Enum
from typing import Any

from sqlmodel import SQLModel

from carerdesk.errors import InvalidValue
from carerdesk.models.enums import Choice
from carerdesk.validation import parse_date

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _base_type(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0]
    return annotation


def add_field_options(
    parser: argparse.ArgumentParser, model: type[SQLModel], aliases: dict[str, list[str]]
) -> None:
    """One ``--name`` option per model field (all optional, read as text)."""
    group = parser.add_argument_group("details")
    for name, info in model.model_fields.items():
        flag = "--" + name.replace("_", "-")
        kind = _base_type(info.annotation)
        if isinstance(kind, type) and issubclass(kind, Enum):
            help_text = "one of: " + ", ".join(m.value for m in kind)
        elif kind is bool:
            help_text = "yes or no"
        elif kind is date:
            help_text = "a date, e.g. 2024-03-01 or 01/03/2024"
        else:
            help_text = None
        names = [flag, *aliases.get(name, [])]
        group.add_argument(*names, dest=f"field_{name}", metavar="VALUE", help=help_text)


def read_field_options(args: argparse.Namespace, model: type[SQLModel]) -> SQLModel:
    """Build ``model`` from the options given; unset options stay unset."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, info in model.model_fields.items():
        raw = getattr(args, f"field_{name}", None)
        if raw is None:
            continue
        kind = _base_type(info.annotation)
        label = name.replace("_", " ")
        try:
            if raw == "" and kind is not str:
                values[name] = None
            elif isinstance(kind, type) and issubclass(kind, Choice):
                values[name] = kind.parse(raw)
            elif kind is bool:
                if raw.lower() not in _YES | _NO:
                    raise ValueError(f"The {label} must be yes or no")
                values[name] = raw.lower() in _YES
            elif kind is date:
                values[name] = parse_date(raw)
            elif kind is int:
                values[name] = int(raw)
            else:
                values[name] = raw
        except ValueError as exc:
            text = str(exc)
            if not text or text == raw:
                text = f"That is not a valid {label}"
            errors[name] = text
    if errors:
        raise InvalidValue(errors)
    return model(**values)
