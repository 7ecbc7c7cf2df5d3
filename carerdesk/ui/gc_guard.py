"""Collect Python garbage on the GUI thread only.

Python's cyclic garbage collector runs in whichever thread happens to allocate
when a threshold is crossed. If that is the database thread and the garbage
holds a Qt widget, Qt deletes the widget from the wrong thread and the app
crashes. So automatic collection is switched off and a timer on the GUI
thread collects instead, generation by generation, as Python would.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    """While alive, all cyclic garbage collection happens on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                break

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
