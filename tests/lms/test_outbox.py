"""The outbox on disk: in order, no duplicates, kept through a killed process, a damaged file left alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from helpers import ROOT

from sim.lms.outbox import Outbox, OutboxError


def statement(n: int) -> dict[str, object]:
    return {"id": f"00000000-0000-5000-8000-{n:012d}", "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"}, "n": n}


def test_statements_wait_in_the_order_they_came_and_an_id_is_queued_once(tmp_path):
    box = Outbox(tmp_path / "state" / "outbox.sqlite3")
    assert len(box) == 0 and box.pending() == []  # no file yet: nothing waits, nothing is created
    assert not (tmp_path / "state").exists()
    assert box.add([statement(1), statement(2)]) == 2
    assert box.add([statement(2), statement(3)]) == 1  # 2 was already queued
    assert [q.statement["n"] for q in box.pending()] == [1, 2, 3]
    box.note_failure(statement(1)["id"], "cannot reach the LRS")
    box.remove([statement(2)["id"]])
    waiting = box.pending()
    assert [(q.statement["n"], q.attempts, q.last_error) for q in waiting] == [(1, 1, "cannot reach the LRS"), (3, 0, "")]
    assert len(Outbox(box.path)) == 2  # another process (or a later session) sees the same queue


def test_a_process_killed_right_after_queueing_loses_nothing(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal
        from sim.lms.outbox import Outbox
        box = Outbox({str(path)!r})
        for n in range(5):
            box.add([{{"id": "id-%d" % n, "n": n}}])
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, capture_output=True)
    assert done.returncode == -9
    assert [q.statement["n"] for q in Outbox(path).pending()] == [0, 1, 2, 3, 4]


def test_a_damaged_outbox_is_reported_in_one_line_and_never_replaced(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    path.write_bytes(b"this is not an sqlite database, but it may be someone's only copy" * 20)
    before = path.read_bytes()
    box = Outbox(path)
    for attempt in (lambda: box.add([statement(1)]), box.pending, lambda: len(box)):
        with pytest.raises(OutboxError) as caught:
            attempt()
        assert str(caught.value).startswith(f"{path}: not a usable LRS outbox") and "\n" not in str(caught.value)
    assert path.read_bytes() == before
