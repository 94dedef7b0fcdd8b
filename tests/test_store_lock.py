"""One draft, two app instances: the second is told where it is open and may read it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.catalog import load_sample
from desktop.store import Draft, DraftError, DraftLocked, break_lock
from desktop.store.lock import computer_name, lock_path, user_name

HOLDER = Path(__file__).parent / "fixtures" / "store" / "holder.py"
ROOT = Path(__file__).resolve().parents[1]
FORM = "suzhou-project-selfeval-2023"


@pytest.fixture
def draft_path(tmp_path) -> Path:
    path = tmp_path / "共用的草稿.jxd"
    Draft.create(path, load_sample(FORM)).close()
    return path


def _start(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(HOLDER), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return proc


def _say(proc: subprocess.Popen, line: str) -> str:
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def test_second_instance_is_told_and_may_read(draft_path):
    other = _start(draft_path)
    try:
        assert other.stdout.readline().strip() == "ready"
        with pytest.raises(DraftLocked) as info:
            Draft.open(draft_path)
        holder = info.value.holder
        assert holder.pid == other.pid
        assert holder.computer == computer_name() and holder.user == user_name()
        assert computer_name() in info.value.text and "只读" in info.value.text
        with Draft.open(draft_path, readonly=True) as reader:
            assert reader.readonly
            assert _say(other, "set year 2031") == "ok"
            assert reader.load_document().parts[0].fields["year"] == "2031"
            with pytest.raises(DraftError):
                reader.set_value(reader.document.parts[0].id, "year", "1999")
        assert _say(other, "quit") == "closed"
    finally:
        other.kill()
        other.wait()
    assert not lock_path(draft_path).exists()
    with Draft.open(draft_path) as draft:
        assert draft.document.parts[0].fields["year"] == "2031"


def test_two_processes_never_both_write(draft_path):
    with Draft.open(draft_path):
        other = _start(draft_path)
        out = other.stdout.readline().split()
        other.wait()
        assert out[0] == "locked" and int(out[-1]) == os.getpid()


def test_same_process_twice(draft_path):
    with Draft.open(draft_path):
        with pytest.raises(DraftLocked) as info:
            Draft.open(draft_path)
        assert info.value.key == "locked_here" and "另一个窗口" in info.value.text


def test_stale_lock_of_a_dead_process_is_taken_over(draft_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_path(draft_path).write_text(json.dumps({"computer": computer_name(), "user": "李四", "pid": dead.pid,
                                                 "since": "2024-01-01 08:00", "token": "x"}), encoding="utf-8")
    with Draft.open(draft_path) as draft:
        assert not draft.readonly
        assert json.loads(lock_path(draft_path).read_text(encoding="utf-8"))["pid"] == os.getpid()


def test_lock_from_another_computer_is_respected_until_broken(draft_path):
    lock_path(draft_path).write_text(json.dumps({"computer": "财务科-PC", "user": "王五", "pid": 4242,
                                                 "since": "2024-05-06 10:30", "token": "y"}), encoding="utf-8")
    with pytest.raises(DraftLocked) as info:
        Draft.open(draft_path)
    assert info.value.holder.computer == "财务科-PC" and info.value.holder.user == "王五"
    assert "财务科-PC" in info.value.text and "王五" in info.value.text and "2024-05-06 10:30" in info.value.text
    break_lock(draft_path)
    with Draft.open(draft_path) as draft:
        assert not draft.readonly


def test_unreadable_lock_is_respected_only_while_fresh(draft_path):
    lp = lock_path(draft_path)
    lp.write_text("", encoding="utf-8")  # being written this very moment, or left by a crash
    with pytest.raises(DraftLocked):
        Draft.open(draft_path)
    old = time.time() - 60
    os.utime(lp, (old, old))
    with Draft.open(draft_path) as draft:
        assert not draft.readonly


def test_lock_taken_away_stops_writing(draft_path):
    draft = Draft.open(draft_path)
    part = draft.document.parts[0].id
    draft.set_value(part, "year", "2024")
    lock_path(draft_path).unlink()  # somebody deleted it: taken again quietly
    draft.set_value(part, "year", "2025")
    assert json.loads(lock_path(draft_path).read_text(encoding="utf-8"))["pid"] == os.getpid()
    lock_path(draft_path).unlink()
    lock_path(draft_path).write_text(json.dumps({"computer": "别的电脑", "user": "赵六", "pid": 1, "since": "",
                                                 "token": "z"}), encoding="utf-8")
    with pytest.raises(DraftError) as info:
        draft.set_value(part, "year", "2026")
    assert info.value.key == "lock_lost" and "别的电脑" in info.value.text
    draft.close()
    assert lock_path(draft_path).exists()  # not ours: left alone
    lock_path(draft_path).unlink()
    with Draft.open(draft_path, readonly=True) as reader:
        assert reader.document.parts[0].fields["year"] == "2025"


def test_lock_left_by_this_process_is_taken_over(draft_path):
    """A lock file this process could not remove (Windows: someone was reading it) does not lock us out."""
    lock_path(draft_path).write_text(json.dumps({"computer": computer_name(), "user": user_name(),
                                                 "pid": os.getpid(), "since": "", "token": "old"}), encoding="utf-8")
    with Draft.open(draft_path) as draft:
        assert not draft.readonly
