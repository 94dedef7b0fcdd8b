"""A ``-journal`` beside a received draft (issue: files from other units are untrusted).

SQLite replays a hot journal when it opens a database for writing, and a
journal whose trailer names a *super-journal* makes SQLite delete the named
file afterwards.  Reading a draft must never let that happen; opening it for
writing replays only a journal the app has checked.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.store import Draft, DraftError
from desktop.store.library import read_entry
from desktop.store.sqlite import JOURNAL_MAGIC, inspect_header, inspect_journal, journal_path

ROOT = Path(__file__).resolve().parent.parent


def _signed_sum(data: bytes) -> int:
    # SQLite sums the name as (signed) char on the platforms we meet
    return sum(b - 256 if b > 127 else b for b in data) & 0xFFFFFFFF


def crafted_journal(victim: str, first: bytes = b"\x01") -> bytes:
    """A journal whose trailer names ``victim`` as its super-journal (what the attack file holds)."""
    name = victim.encode("utf-8")
    body = first + b"\x00" * 511
    return body + struct.pack(">I", 1) + name + struct.pack(">II", len(name), _signed_sum(name)) + JOURNAL_MAGIC


def make_draft(path: Path) -> Path:
    from desktop.core.catalog import load_sample

    Draft.create(path, load_sample("suzhou-project-declare-2020")).close()
    return path


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def scene(tmp_path):
    """A received draft with a crafted journal naming a document in another folder."""
    inbox = tmp_path / "收件"
    docs = tmp_path / "我的文档"
    inbox.mkdir()
    docs.mkdir()
    draft = make_draft(inbox / "d.jxd")
    victim = docs / "年度工作总结.docx"
    victim.write_bytes(b"PK\x03\x04 the clerk's own work " * 40)
    journal_path(draft).write_bytes(crafted_journal(str(victim)))
    return tmp_path, draft, victim


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_plain_sqlite_would_delete_the_victim(scene):
    """The attack is real: opening the draft for writing with plain SQLite deletes the named file."""
    _root, draft, victim = scene
    con = sqlite3.connect(draft)
    con.execute("SELECT count(*) FROM info").fetchall()
    con.close()
    assert not victim.exists()


@pytest.mark.parametrize("command", [
    ["check"], ["export-json", "-o", "{out}/x.json"], ["pdf", "-o", "{out}/x.pdf"], ["xlsx", "-o", "{out}/x.xlsx"],
])
def test_read_only_commands_never_replay_a_journal(scene, command):
    root, draft, victim = scene
    out = root / "out"
    out.mkdir()
    before = digest(root / "收件"), digest(root / "我的文档")
    done = run_cli(command[0], str(draft), *[c.format(out=out) for c in command[1:]], cwd=root)
    assert done.returncode in (0, 1), done.stderr
    assert victim.exists()
    assert (digest(root / "收件"), digest(root / "我的文档")) == before
    assert "日志文件" in done.stderr and "已忽略" in done.stderr


def test_a_relative_name_does_not_delete_the_clerks_own_draft(tmp_path):
    own = make_draft(tmp_path / "我的草稿.jxd")
    received = make_draft(tmp_path / "收到的.jxd")
    journal_path(received).write_bytes(crafted_journal("我的草稿.jxd"))
    before = digest(tmp_path)
    done = run_cli("check", str(received), cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert own.exists() and digest(tmp_path) == before


def test_read_only_open_reports_the_journal_and_reads_the_file(scene):
    root, draft, victim = scene
    before = digest(root)
    with Draft.open(draft, readonly=True) as d:
        assert d.document.form_id == "suzhou-project-declare-2020"
        assert "不可信" in d.notice and "d.jxd-journal" in d.notice
    assert digest(root) == before


def test_write_open_refuses_an_unsafe_journal_and_offers_read_only(scene):
    root, draft, victim = scene
    before = digest(root)
    with pytest.raises(DraftError) as err:
        Draft.open(draft)
    assert err.value.key == "bad_journal"
    assert "只读" in err.value.text and "主日志" in err.value.text
    assert digest(root) == before  # no lock file left behind either
    from desktop.session import FormSession

    session = FormSession.open(draft, readonly=True)
    try:
        assert session.readonly
    finally:
        session.close()
    assert digest(root) == before


@pytest.mark.parametrize("kind", ["folder", "symlink", "fifo", "foreign", "not_a_journal"])
def test_journals_that_do_not_belong_are_refused(tmp_path, kind):
    draft = make_draft(tmp_path / "d.jxd")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    jp = journal_path(draft)
    if kind == "folder":
        jp.mkdir()
    elif kind == "symlink":
        if not hasattr(os, "symlink"):
            pytest.skip("no symlinks")
        os.symlink(victim, jp)
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        os.mkfifo(jp)
    elif kind == "foreign":  # a real journal header, but for 1024-byte pages: another database's
        jp.write_bytes(JOURNAL_MAGIC + struct.pack(">IIIII", 1, 7, 2, 512, 1024) + b"\x00" * 1000)
    else:
        jp.write_bytes(b"\x7fELF" + b"\x00" * 600)
    found = inspect_journal(draft, inspect_header(draft).page_size)
    assert found is not None and found.problem
    with pytest.raises(DraftError) as err:
        Draft.open(draft)
    assert err.value.key == "bad_journal"
    with Draft.open(draft, readonly=True) as d:
        assert d.notice
    assert victim.read_text() == "keep me"
    assert jp.exists() or jp.is_symlink()


def test_a_zeroed_journal_is_not_hot(tmp_path):
    draft = make_draft(tmp_path / "d.jxd")
    journal_path(draft).write_bytes(b"\x00" * 512)
    assert inspect_journal(draft, inspect_header(draft).page_size) is None


def test_the_library_index_never_replays_a_journal(scene):
    root, draft, victim = scene
    before = digest(root)
    entry = read_entry(draft)
    assert entry.form == "suzhou-project-declare-2020"
    assert digest(root) == before


# ---------------------------------------------------------------------------------- genuine hot journals
KILLED_WRITER = r"""
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=DELETE").fetchall()
con.execute("PRAGMA cache_size=1")
con.execute("BEGIN IMMEDIATE")
for i in range(400):
    con.execute("INSERT INTO info(key, value) VALUES (?, ?)", (f"junk{i}", "x" * 1500))
con.execute("UPDATE info SET value='改坏了' WHERE key='revision'")
os._exit(9)  # killed mid-transaction: pages already spilled into the file, the journal left hot
"""


@pytest.fixture
def killed(tmp_path):
    draft = make_draft(tmp_path / "d.jxd")
    with Draft.open(draft, readonly=True) as d:
        revision = d.info["revision"]
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(draft)], check=False, timeout=60)
    journal = inspect_journal(draft, inspect_header(draft).page_size)
    assert journal is not None and not journal.problem, "the writer should leave a genuine hot journal"
    return tmp_path, draft, revision


def test_a_genuine_hot_journal_is_reported_on_a_read_only_open(killed):
    root, draft, revision = killed
    before = digest(root)
    with Draft.open(draft, readonly=True) as d:
        assert d.info["revision"] == revision and "junk0" not in d.info
        assert "撤回" in d.notice and "未改动" in d.notice
    assert digest(root) == before


def test_a_genuine_hot_journal_is_recovered_on_a_write_open(killed):
    root, draft, revision = killed
    with Draft.open(draft) as d:
        assert d.info["revision"] == revision and "junk0" not in d.info
    assert not journal_path(draft).exists()
    con = sqlite3.connect(f"file:{draft}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def test_the_window_offers_a_read_only_open_for_an_unsafe_journal(app, qtbot, scene, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.new_draft import open_session

    root, draft, victim = scene
    before = digest(root)
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: asked.append(self.text()) or 0)
    monkeypatch.setattr(QMessageBox, "clickedButton",
                        lambda self: next(b for b in self.buttons() if b.text() == "只读打开"))
    session = open_session(None, draft)
    try:
        assert asked and "不可信" in asked[0]
        assert session is not None and session.readonly and "已忽略" in session.draft.notice
    finally:
        session.close()
    def outside_app_data(files: dict[str, str]) -> dict[str, str]:  # the app's settings, read to open a window
        return {k: v for k, v in files.items() if not k.startswith("jixiao-home")}

    assert victim.exists() and outside_app_data(digest(root)) == outside_app_data(before)
