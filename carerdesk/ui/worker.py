"""One background thread for all database work, so the window never blocks.

Widgets submit a function of the desk; its result (or error) comes back on
the GUI thread through a callback. Jobs in the same ``group`` supersede each
other: typing fast into the search box runs only the newest search.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from carerdesk.desk import Desk

log = logging.getLogger("carerdesk.ui.worker")


class Cancelled(Exception):
    """Raised inside a job whose cancel was asked for."""


@dataclass(eq=False)
class Job:
    id: int
    fn: Callable[..., Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int, str], None] | None
    group: str | None
    wants_progress: bool
    cancel_event: threading.Event = field(default_factory=threading.Event)
    stop_event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Forget the job: it ends at its next progress step and no callback runs."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def stop(self) -> None:
        """Someone pressed Stop: the job ends at its next progress step (undoing its
        work) and ``on_done`` hears ``None``; a job that finished first reports as usual."""
        self.stop_event.set()

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()


class _Runner(QObject):
    done = Signal(object, object)
    failed = Signal(object, object)
    progressed = Signal(object, int, int, str)

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    @Slot(object)
    def run(self, job: Job) -> None:
        if job.cancelled:
            self.done.emit(job, None)  # lets the GUI side forget it
            return
        try:
            if job.wants_progress:

                def progress(done: int, total: int, text: str = "") -> None:
                    if job.cancelled or job.stopping:
                        raise Cancelled()
                    self.progressed.emit(job, done, total, text)

                result = job.fn(self.desk, progress)
            else:
                result = job.fn(self.desk)
        except Cancelled:
            self.done.emit(job, None)
            return
        except BaseException as exc:
            self.failed.emit(job, exc)
            return
        self.done.emit(job, result)


class DbWorker(QObject):
    """Runs jobs one at a time on a dedicated thread."""

    _submit = Signal(object)
    # Emitted for errors no job handled: the app shows them calmly.
    unhandled_error = Signal(object)

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._ids = itertools.count(1)
        self._latest: dict[str, Job] = {}
        self._pending: set[Job] = set()
        self._thread = QThread()
        self._thread.setObjectName("carerdesk-db")
        self._runner = _Runner(desk)
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.run)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        self._runner.progressed.connect(self._on_progress)
        self._thread.start()

    def submit(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        group: str | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Job:
        """Run ``fn(desk)`` (or ``fn(desk, progress)`` if ``on_progress``) off the GUI thread."""
        job = Job(
            next(self._ids),
            fn,
            on_done,
            on_error,
            on_progress,
            group,
            wants_progress=on_progress is not None,
        )
        if group is not None:
            previous = self._latest.get(group)
            if previous is not None:
                previous.cancel()
            self._latest[group] = job
        self._pending.add(job)
        self._submit.emit(job)
        return job

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def _finish(self, job: Job) -> bool:
        self._pending.discard(job)
        if job.group is not None and self._latest.get(job.group) is job:
            del self._latest[job.group]
        return not job.cancelled

    @Slot(object, object)
    def _on_done(self, job: Job, result: Any) -> None:
        if self._finish(job) and job.on_done is not None:
            job.on_done(result)

    @Slot(object, object)
    def _on_failed(self, job: Job, exc: BaseException) -> None:
        if not self._finish(job):
            return
        if job.on_error is not None:
            job.on_error(exc)
        else:
            self.unhandled_error.emit(exc)

    @Slot(object, int, int, str)
    def _on_progress(self, job: Job, done: int, total: int, text: str) -> None:
        if not (job.cancelled or job.stopping) and job.on_progress is not None:
            job.on_progress(done, total, text)

    def stop(self) -> None:
        """Cancel waiting jobs and end the thread (after the running job)."""
        for job in list(self._pending):
            job.cancel()
        self._thread.quit()
        self._thread.wait(10_000)
