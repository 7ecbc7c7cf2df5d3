"""The database worker: results come back on the GUI thread, newest search wins."""

from __future__ import annotations

import threading

from carerdesk.ui.worker import DbWorker


def test_many_jobs_come_back_without_corrupting_the_interpreter(qtbot, desk):
    # PySide6 6.12.0 crashed ("bool_dealloc: deallocating True or False") after a few
    # thousand signals emitted from a worker thread; this is why it is pinned below 6.12.
    worker = DbWorker(desk)
    results: list[int] = []
    try:
        for n in range(6000):
            worker.submit(lambda _desk, n=n: (n, None, True), lambda r: results.append(r[0]))
        qtbot.waitUntil(lambda: len(results) == 6000, timeout=60_000)
    finally:
        worker.stop()
    assert results == list(range(6000))


def test_results_arrive_on_the_gui_thread(qtbot, desk):
    worker = DbWorker(desk)
    seen: list[bool] = []
    try:
        worker.submit(
            lambda _desk: threading.current_thread() is threading.main_thread(),
            lambda ran_on_main: seen.append(
                ran_on_main or threading.current_thread() is threading.main_thread()
            ),
        )
        qtbot.waitUntil(lambda: bool(seen))
    finally:
        worker.stop()
    assert seen == [True]


def test_a_newer_job_in_the_same_group_supersedes_a_waiting_one(qtbot, desk):
    worker = DbWorker(desk)
    gate = threading.Event()
    answers: list[str] = []
    try:
        worker.submit(lambda _desk: gate.wait(5))  # keeps the thread busy
        worker.submit(lambda _desk: "old", answers.append, group="search")
        worker.submit(lambda _desk: "new", answers.append, group="search")
        gate.set()
        qtbot.waitUntil(lambda: not worker.busy)
    finally:
        worker.stop()
    assert answers == ["new"]


def test_errors_go_to_the_error_callback(qtbot, desk):
    from carerdesk.errors import CarerdeskError

    worker = DbWorker(desk)
    errors: list[BaseException] = []

    def fail(_desk):  # type: ignore[no-untyped-def]
        raise CarerdeskError("Plain problem.")

    try:
        worker.submit(fail, lambda _: None, errors.append)
        qtbot.waitUntil(lambda: bool(errors))
    finally:
        worker.stop()
    assert errors[0].message == "Plain problem."  # type: ignore[attr-defined]


def test_garbage_is_collected_on_the_gui_thread_only(qtbot):
    import gc

    from carerdesk.ui.gc_guard import GuiThreadGarbageCollector

    guard = GuiThreadGarbageCollector()
    try:
        assert not gc.isenabled()
        for _ in range(guard.thresholds[0] + 10):
            [[]].append([])  # cyclic-ish allocations push the generation-0 count up
        guard.check()
        assert gc.get_count()[0] <= guard.thresholds[0]
    finally:
        guard.stop()
    assert gc.isenabled()


def test_a_stopped_job_undoes_itself_and_still_reports_back(qtbot, desk) -> None:
    import threading

    from carerdesk.ui.worker import DbWorker

    worker = DbWorker(desk)
    started, results = threading.Event(), []

    def run(_desk, progress):
        started.set()
        for n in range(200):
            progress(n, 200, "")
            threading.Event().wait(0.01)
        return "finished"

    try:
        job = worker.submit(run, results.append, on_progress=lambda *_: None)
        assert started.wait(5)
        job.stop()
        qtbot.waitUntil(lambda: not worker.busy, timeout=5000)
        assert results == [None]  # stopped part-way: heard of, with nothing to show
    finally:
        worker.stop()
