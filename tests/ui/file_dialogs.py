"""Answering Qt's file dialogs in tests, without showing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog


class Dialogs:
    """Stands in for the file dialogs: each question takes the next answer queued."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[Path | None] = []
        self.asked: list[str] = []

        def answer(_parent: Any, title: str, *_args: Any, **_kw: Any) -> tuple[str, str]:
            self.asked.append(title)
            path = self.answers.pop(0) if self.answers else None
            return (str(path) if path else "", "")

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answer))

    def will_answer(self, *paths: Path | None) -> None:
        self.answers.extend(paths)
