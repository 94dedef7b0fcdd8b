"""Crash safety: a process writing a draft is killed at random moments, 200+ times.

After every kill the file must pass ``PRAGMA integrity_check`` and hold exactly
the edits up to some revision — every committed edit present, nothing
half-written (a structural edit with several statements is all there or not
at all).  Each writer is a fresh process that also has to recover the previous
one's hot journal and take over its stale lock.
"""
from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.store import Draft
from desktop.store.sqlite import inspect_header, inspect_journal

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "store"))
import writer  # noqa: E402

WRITER = Path(__file__).parent / "fixtures" / "store" / "writer.py"
ROOT = Path(__file__).resolve().parents[1]
KILLS = 200


def _kill_loop(path: Path, kills: int, seed: int, stats: dict, errors: list) -> None:
    rnd = random.Random(seed)
    Draft.create(path, writer.initial_document()).close()
    model = writer.initial_document()
    revision = 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for k in range(kills):
        proc = subprocess.Popen([sys.executable, str(WRITER), str(path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, cwd=ROOT)
        line = proc.stdout.readline().decode()
        if not line.startswith("ready"):
            proc.kill()
            errors.append(f"kill {k}: writer did not start: {line!r} {proc.stderr.read().decode()[-2000:]}")
            return
        # the first edit warms up (~40 ms: statements compiled, form loaded); most kills land later
        time.sleep(rnd.uniform(0.0, 0.04) if k % 3 == 0 else rnd.uniform(0.04, 0.15))
        proc.kill()
        proc.wait()
        journal = inspect_journal(path, inspect_header(path).page_size)
        if journal is not None:
            if journal.problem:  # our own journals must always pass the check that guards received files
                errors.append(f"kill {k}: own journal refused: {journal.problem}")
                return
            stats["hot"] += 1
        con = sqlite3.connect(path)  # rolls a hot journal back, as the next opener would
        try:
            check = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
        if check != [("ok",)]:
            errors.append(f"kill {k}: integrity_check {check}")
            return
        with Draft.open(path, readonly=True) as draft:
            found, doc = draft.revision, draft.document
        if found < revision:
            errors.append(f"kill {k}: revision went back from {revision} to {found}")
            return
        while revision < found:
            revision += 1
            model = writer.apply(model, writer.next_op(revision, model), revision)
        if doc.to_dict() != model.to_dict():
            errors.append(f"kill {k}: content at revision {found} is not the replay of edits 1..{found}")
            return
        stats["edits"] = max(stats["edits"], found)
        stats["kills"] += 1


@pytest.mark.slow
def test_kill_writer_at_random_points(tmp_path):
    stats = {"hot": 0, "edits": 0, "kills": 0}
    errors: list[str] = []
    per = KILLS // 2 + 1
    threads = [threading.Thread(target=_kill_loop, args=(tmp_path / f"草稿{i}.jxd", per, i, stats, errors))
               for i in range(2)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert stats["kills"] >= KILLS
    print(f"\n{stats['kills']} kills in {time.perf_counter() - started:.1f} s; "
          f"{stats['hot']} left a hot journal (killed mid-transaction); up to revision {stats['edits']}")
