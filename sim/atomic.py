"""Write output files atomically: a temp file in the same folder, then a rename.

A crash or Ctrl-C mid-write leaves the old file or the new one, never half of either. The temp
file is named after its target and the process writing it, ``.NAME.PID.HOST.RANDOM.tmp``, so
a write killed with kill -9 (which no ``finally`` survives) leaves a file the next write to the
same target recognises: one whose process is gone is removed before writing. ``HOST`` is a
short tag of the machine's name, so a folder shared between machines never loses a temp file
another machine is still writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

TMP_SUFFIX = ".tmp"
_NAME_CHARS = 200  # a temp name must stay under the 255 bytes of a file name


def host_tag() -> str:
    """8 hex digits naming this machine (the same in every process on it)."""
    return hashlib.blake2s(socket.gethostname().encode("utf-8", "replace"), digest_size=4).hexdigest()


def pid_alive(pid: int) -> bool:
    """True if a process with this id runs on this machine (or may: it belongs to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (EPERM), or an id the kernel refuses: keep its file
        return True
    return True


def _stem(target: Path) -> str:
    return f".{target.name[:_NAME_CHARS]}."


def temp_name(target: Path) -> str:
    """A new temp file name for ``target``: ``.NAME.PID.HOST.RANDOM.tmp``."""
    return f"{_stem(target)}{os.getpid()}.{host_tag()}.{secrets.token_hex(3)}{TMP_SUFFIX}"


def stale_temp_files(target: str | Path) -> list[Path]:
    """Temp files of earlier writes to ``target`` whose process (on this machine) is gone."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(re.escape(_stem(target)) + r"(\d+)\." + host_tag() + r"\.[0-9a-f]{6}" + re.escape(TMP_SUFFIX))
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        match = pattern.fullmatch(name)
        if match and int(match.group(1)) != os.getpid() and not pid_alive(int(match.group(1))):
            found.append(folder / name)
    return found


def clean_stale(target: str | Path) -> None:
    """Remove what killed writes to ``target`` left behind (never a live process's temp file)."""
    for path in stale_temp_files(target):
        with contextlib.suppress(OSError):
            path.unlink()


def write_text_atomic(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step."""
    with open_atomic(path) as handle:
        handle.write(text)


def can_create(path: str | Path) -> OSError | None:
    """Try what an atomic write of ``path`` does first (create its temp file); None if it works, else the error."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    tmp = folder / temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return exc
    os.close(fd)
    with contextlib.suppress(OSError):
        tmp.unlink()
    return None


@contextlib.contextmanager
def open_atomic(path: str | Path) -> Iterator[TextIO]:
    """A text handle on a temp file that replaces ``path`` when the block ends without error.

    For outputs written piece by piece (an experiment's results streamed from its journal).
    Stale temp files of the same target, left by a killed write, are removed first.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    clean_stale(target)
    tmp = folder / temp_name(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)  # the umask applies
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temp file's path that replaces ``path`` when the block ends without error (removed if it fails).

    For writers that want a file name rather than a text handle (Parquet's).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    clean_stale(target)
    tmp = folder / temp_name(target)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666))
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
