"""The journal of an experiment's finished replications: JSON lines on disk, locked while in use.

Every finished replication is appended as it completes, so an interrupted experiment resumes
from it and a finished one streams its outputs from it (results are never all in memory).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from sim.errors import SimError
from sim.experiments.workers import held_locks


class JobLike(Protocol):
    """What the journal records of a job (``sim.experiments.experiment.Job``) to recognise it on resume."""

    @property
    def policy(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def overrides(self) -> tuple[tuple[str, Any], ...]: ...
    @property
    def days(self) -> float | None: ...
    @property
    def content(self) -> str: ...
    @property
    def interval(self) -> int | None: ...
    @property
    def policy_spec(self) -> str | None: ...


class JournalError(SimError):
    """A journal of finished replications does not belong to this experiment."""


class JournalBusy(JournalError):
    """Another process is using the journal (two runs appending to one journal would corrupt it)."""


def _job_id(job: JobLike) -> list[Any]:
    # --interval changes what a replication records; without it the id is what it always was
    interval = [job.interval] if job.interval is not None else []
    # a policy the file does not define (--with, --policy-file) is recorded with its definition: the name alone could mean another
    policy = job.policy if job.policy_spec is None else [job.policy, json.loads(job.policy_spec)]
    return [policy, job.seed, [list(o) for o in job.overrides], job.days, job.content, *interval]


def _mismatch(path: Path, n: int, saved: Any, wanted: list[Any]) -> str:
    """Why journal line ``n`` cannot be continued by this experiment, in one line."""
    where = f"{path}:{n}: cannot resume"
    if isinstance(saved, list) and len(saved) in (5, 6) and len(wanted) in (5, 6) and saved[5:] != wanted[5:]:
        was = f"--interval {saved[5]}" if len(saved) == 6 else "no --interval"
        return f"{where}: --interval differs from the interrupted run's ({was}); repeat it, or remove the journal to start over"
    if not isinstance(saved, list) or len(saved) != len(wanted):
        return f"{where}: it was written by another version of cxsim; remove it to start over"
    policy, seed, overrides, days, content = saved[:5]
    if content != wanted[4]:
        return (
            f"{where}: the scenario's content changed since these replications ran (arrivals, staffing, ...);"
            " restore the file, or remove the journal to start over"
        )
    if overrides != wanted[2]:
        return f"{where}: --set values differ from the interrupted run's; repeat them, or remove the journal to start over"
    if days != wanted[3]:
        return f"{where}: --days differs from the interrupted run's ({days}); repeat it, or remove the journal to start over"
    if policy != wanted[0] and (isinstance(policy, list) or isinstance(wanted[0], list)):
        return (
            f"{where}: --with, --without or --policy-file differ from the interrupted run's; repeat them, or remove the journal"
            " to start over"
        )
    if policy != wanted[0]:
        return f"{where}: the policies differ from the interrupted run's; repeat them, or remove the journal to start over"
    return f"{where}: --seed or --reps differ from the interrupted run's (seed {seed}); remove the journal to start over"


class Journal:
    """Finished replications appended as JSON lines: the experiment's results, on disk.

    Results are never all held in memory: the journal keeps each line's offset and reads a
    replication back when it is needed, so a 1,000-replication sweep stays flat in memory. With
    ``--json PATH`` the journal sits next to PATH and an interrupted experiment resumes from it;
    without, it is a scratch file removed at the end.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offsets: dict[int, tuple[int, int]] = {}
        self._reader: Any = None
        self._lock: int | None = None

    @classmethod
    def scratch(cls) -> Journal:
        """A journal in a temporary file (no --json PATH to keep it next to), named after this process.

        Scratch journals that a killed process left behind (``cxsim-PID-HOST-*.jsonl`` whose
        process is gone) are removed first.
        """
        from sim.atomic import host_tag, pid_alive

        folder = Path(tempfile.gettempdir())
        tag = host_tag()
        with contextlib.suppress(OSError):
            for stale in folder.glob(f"cxsim-*-{tag}-*.jsonl"):
                pid = stale.name.split("-")[1]
                if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
                    with contextlib.suppress(OSError):
                        stale.unlink()
        fd, name = tempfile.mkstemp(prefix=f"cxsim-{os.getpid()}-{tag}-", suffix=".jsonl", dir=folder)
        os.close(fd)
        return cls(Path(name))

    def lock(self) -> None:
        """Hold the journal (creating it, empty, if there is none) until ``release`` or the end of the process.

        A second process asking for the same journal gets ``JournalBusy`` at once instead of
        interleaving its lines with this one's. The lock is the kernel's (``flock``), so it ends
        with the process however it ends: a kill -9 leaves no stale lock.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock on this platform: unlocked, as before
            return
        for _ in range(20):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise JournalBusy(
                    f"{self.path} is in use by another cxsim run writing the same output: let it finish (or stop it) first"
                ) from None
            try:
                held, now = os.fstat(fd), os.stat(self.path)
                same = (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)
            except FileNotFoundError:
                same = False
            if same:
                self._lock = fd
                held_locks.add(fd)
                return
            os.close(fd)  # the run that held it finished and removed it meanwhile: lock the new file
        raise JournalBusy(f"{self.path} keeps being replaced by another cxsim run")  # pragma: no cover

    def release(self) -> None:
        """Let go of the lock (the journal stays, for --resume)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._lock is not None:
            held_locks.discard(self._lock)
            os.close(self._lock)
            self._lock = None

    def is_empty(self) -> bool:
        """True when no replication has been saved (or there is no journal)."""
        try:
            return self.path.stat().st_size == 0
        except FileNotFoundError:
            return True

    def load(self, jobs: Sequence[JobLike]) -> set[int]:
        """Indices of the jobs already in the journal; raises JournalError if it is from another plan."""
        self.offsets = {}
        if not self.path.exists():
            return set()
        with self.path.open("rb") as handle:
            lines = handle.readlines()
        pos = 0
        for n, raw in enumerate(lines, start=1):
            try:
                entry = json.loads(raw)
                i = int(entry["i"])
                saved = entry["job"]
                ok = 0 <= i < len(jobs) and saved == _job_id(jobs[i])
            except (ValueError, KeyError, TypeError):
                if n == len(lines):  # the last line, cut short by the interruption: run that job again
                    self._truncate(pos)
                    break
                raise JournalError(f"{self.path}:{n}: not a line of a cxsim journal") from None
            if not ok:
                if 0 <= i < len(jobs):
                    raise JournalError(_mismatch(self.path, n, saved, _job_id(jobs[i])))
                raise JournalError(f"{self.path}:{n}: cannot resume: it holds more replications than asked for")
            self.offsets[i] = (pos, len(raw))
            pos += len(raw)
        return set(self.offsets)

    def _truncate(self, size: int) -> None:
        with self.path.open("r+b") as handle:
            handle.truncate(size)

    def add(self, i: int, job: JobLike, result: dict[str, float]) -> None:
        """Append one finished replication."""
        line = (json.dumps({"i": i, "job": _job_id(job), "metrics": result}) + "\n").encode("utf-8")
        with self.path.open("ab") as handle:
            pos = handle.seek(0, os.SEEK_END)
            handle.write(line)
            handle.flush()
        self.offsets[i] = (pos, len(line))

    def get(self, i: int) -> dict[str, float]:
        """The metrics of finished job ``i``, read back from disk."""
        pos, size = self.offsets[i]
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(pos)
        metrics: dict[str, float] = json.loads(self._reader.read(size))["metrics"]
        return metrics

    def __len__(self) -> int:
        return len(self.offsets)

    def remove(self) -> None:
        """Forget the journal once the final results are written (removed before its lock is let go)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self.path.unlink(missing_ok=True)
        self.release()


class InMemory:
    """Finished replications held in a list, in job order: a study run from Python (``sim.api``).

    A script has no ``--json PATH`` to resume next to, and wants the replications back anyway,
    so nothing goes to disk; ``Experiment`` reads them with ``get`` as it reads a journal.
    """

    def __init__(self, results: Sequence[dict[str, float]]) -> None:
        self._results = list(results)

    def get(self, i: int) -> dict[str, float]:
        """The metrics of finished job ``i``."""
        return self._results[i]

    def __len__(self) -> int:
        return len(self._results)
