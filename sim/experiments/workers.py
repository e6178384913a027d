"""Replication worker processes: each ends with its parent and leaves Ctrl-C to it, and a stopped pool ends at once.

``run_jobs`` starts its ``ProcessPoolExecutor`` with ``worker_init`` as the initializer. Without
it, a kill -9 of the main process left its workers running for ever (they wait on a pipe the
other workers keep open). ``run_on_workers`` is that pool's loop, for replications and for
``cxsim staff``'s runs alike: Ctrl-C and SIGTERM are held (``held_signals``) and taken between
waits, never inside the pool's own code, and a stopped pool ends at once (``stop_workers``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

J = TypeVar("J")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1  # linux/prctl.h
MAX_WORKERS = 256  # more processes than this is a typo, not a machine (--workers, workers=)
held_locks: set[int] = set()  # descriptors of the journal locks this process holds (see Journal.lock)


def worker_init(parent: int) -> None:
    """Set up a worker process: it ends with its parent, leaves Ctrl-C to it, and holds no journal lock.

    The main process saves what finished and explains on Ctrl-C. If it dies (kill -9, a crash)
    its workers must not run on: on Linux the kernel sends them SIGTERM (``PR_SET_PDEATHSIG``),
    elsewhere a watchdog thread ends them once the parent is gone. A forked worker shares the
    parent's journal lock; it lets go of its copy so the lock ends with the parent.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the study's SIGTERM handler: it must just end
    for fd in list(held_locks):
        with contextlib.suppress(OSError):
            os.close(fd)
    held_locks.clear()
    armed = _die_with_parent()
    if not _alive(parent):  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="cxsim-parent-watch").start()


def _die_with_parent() -> bool:
    """Ask Linux to send SIGTERM to this process when its parent ends; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    from sim.atomic import pid_alive

    return pid_alive(pid)


def _watch_parent(parent: int) -> None:
    while _alive(parent):
        time.sleep(0.5)
    os._exit(1)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started, end the worker processes at once, and wait for the pool's manager thread.

    ``shutdown(wait=False)`` alone leaves each worker finishing the replications already
    queued to it, and the interpreter waits for them on exit: an interrupted study took minutes
    to end. Their results would be lost anyway (nothing records them once the study stops).

    NOTE: the join of the manager thread. Once its workers are gone the pool's manager thread
    closes its wake-up pipe; at interpreter exit, ``concurrent.futures`` writes to that pipe
    without the lock the thread closes it under (CPython 3.11's ``_python_exit``). If the two
    meet, the write fails with EBADF and a traceback is printed after "interrupted" (seen in
    ``tests/cli/test_resume.py``). Joined here, the thread has closed the pipe and marked it
    closed, so the exit's write is skipped. The pool's processes and thread are private
    attributes: there is no public way to end them before Python 3.14.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets it: read it first
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
    if isinstance(manager, threading.Thread):
        manager.join(timeout=10)


HELD = (signal.SIGINT, signal.SIGTERM)
CHECK_EVERY_S = 0.2
"""How often a study on local workers looks for a held Ctrl-C or SIGTERM (``held_signals``), seconds."""


@contextlib.contextmanager
def held_signals() -> Iterator[Callable[[], None]]:
    """While the block runs, Ctrl-C and SIGTERM are held until it calls the check this yields.

    NOTE: why. A Python signal handler raises between any two bytecodes, and a Ctrl-C that
    lands inside ``concurrent.futures`` (taking the futures' locks while it waits, queueing a
    job) can leave a lock held that the pool's manager thread then waits on for ever: the
    process hung at exit instead of ending (seen once in ``tests/cli/test_processes.py`` on a
    loaded machine). Held, the signal is only recorded; ``check()`` then calls the handler that
    was in force (Ctrl-C's ``KeyboardInterrupt``, a study's ``Terminated``) where the caller can
    stop the pool cleanly. A signal left to the system's default (SIGTERM outside a study) is not
    held, and only the main thread can take signals: elsewhere the check does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    arrived: list[int] = []
    previous: dict[int, Any] = {}
    for signum in HELD:
        handler = signal.getsignal(signum)
        if callable(handler):
            previous[signum] = handler
            signal.signal(signum, lambda n, _frame: arrived.append(n))

    def check() -> None:
        if arrived:
            first = arrived[0]
            arrived.clear()
            previous[first](first, None)

    try:
        yield check
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        check()  # a signal that came after the last check still stops the caller


IN_FLIGHT_PER_WORKER = 2
"""Jobs handed to the pool and not yet reported, per worker: enough that a worker finds its next
job queued when it finishes one, few enough that waiting for the next result stays cheap."""


def run_on_workers(
    run: Callable[[J], R], jobs: Sequence[J], workers: int, on_result: Callable[[int, R], None]
) -> None:  # fmt: skip
    """Run ``run(job)`` for every job on ``workers`` local processes (never more than jobs); ``on_result(i, result)``
    for each as it finishes (in job order when several finish at once), in this process.

    Jobs are handed out in order, a few per worker at a time (``IN_FLIGHT_PER_WORKER``).
    NOTE: why not all at once: each wait for the next result registers with every future it
    waits on, so with thousands submitted every wake-up (each result, and every
    ``CHECK_EVERY_S``) cost this process time in proportion to the study, on a core the workers
    need. Ctrl-C, SIGTERM as a study takes it, or a failed job stop the pool at once (the jobs
    already handed out are not waited for) and the exception goes on to the caller.
    """
    with held_signals() as check:  # Ctrl-C stops the pool here, never inside its own code
        size = min(workers, len(jobs))
        pool = ProcessPoolExecutor(max_workers=size, initializer=worker_init, initargs=(os.getpid(),))
        try:
            waiting = iter(enumerate(jobs))
            in_flight: dict[Future[R], int] = {}

            def hand_out() -> None:
                for i, job in itertools.islice(waiting, size * IN_FLIGHT_PER_WORKER - len(in_flight)):
                    in_flight[pool.submit(run, job)] = i

            hand_out()
            while in_flight:
                check()
                done, _ = wait(in_flight, timeout=CHECK_EVERY_S, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=in_flight.__getitem__):
                    on_result(in_flight.pop(future), future.result())
                hand_out()
            check()
        except BaseException:
            stop_workers(pool)
            raise
        pool.shutdown()
