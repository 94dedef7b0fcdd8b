"""Bad draft files: each gets a clear Chinese message, the file is left untouched, nothing crashes."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.catalog import load_sample
from desktop.core.errors import JixiaoError
from desktop.store import Draft, DraftError, read_draft_document
from desktop.store import sqlite as lite
from desktop.store.library import read_entry

FORM = "suzhou-project-selfeval-2023"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "好草稿.jxd"
    doc = load_sample(FORM)
    # enough rows for many pages, so that damage in the middle hits table data
    rows = doc.parts[0].rows["indicators"]
    for i in range(300):
        rows.append(type(rows[0])(f"x{i}", {"cls": "产出目标", "name": f"指标{i}" * 5, "target": ">=3 个"}))
    Draft.create(path, doc).close()
    return path


def _copy(good: Path, tmp_path: Path, name: str = "坏草稿.jxd") -> Path:
    dst = tmp_path / name
    shutil.copyfile(good, dst)
    return dst


def _fingerprint(path: Path) -> tuple:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def _refused(path: Path, key: str, capsys=None, listed: bool = True) -> DraftError:
    before = _fingerprint(path)
    with pytest.raises(DraftError) as info:
        Draft.open(path)
    assert info.value.key == key, info.value.text
    assert path.name in info.value.text
    with pytest.raises(DraftError):
        Draft.open(path, readonly=True)
    with pytest.raises(JixiaoError):
        read_draft_document(path)
    entry = read_entry(path)  # the library lists it (with the reason when its metadata is unreadable), no crash
    assert entry.problem or not listed
    assert _fingerprint(path) == before, "the file (or its folder) was changed"
    if capsys is not None:
        assert main(["check", str(path)]) == 3
        err = capsys.readouterr().err
        assert err.startswith("错误：") and path.name in err
        assert _fingerprint(path) == before
    return info.value


def test_truncated(good, tmp_path, capsys):
    path = _copy(good, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    err = _refused(path, "truncated", capsys)
    assert "不完整" in err.text


def test_truncated_not_on_a_page_boundary(good, tmp_path):
    path = _copy(good, tmp_path)
    path.write_bytes(path.read_bytes()[:10000])
    _refused(path, "truncated")


def test_truncated_to_a_few_bytes(good, tmp_path):
    path = _copy(good, tmp_path)
    path.write_bytes(path.read_bytes()[:40])
    _refused(path, "truncated")


@pytest.mark.parametrize("page", [2, 5, 12, -3])
def test_garbage_in_the_middle(good, tmp_path, capsys, page):
    path = _copy(good, tmp_path)
    data = bytearray(path.read_bytes())
    size = 4096
    pages = len(data) // size
    at = (page % pages) * size
    data[at + 8: at + size - 8] = os.urandom(size - 16)
    path.write_bytes(bytes(data))
    # the library reads only the metadata page, which may be intact
    err = _refused(path, "corrupt", capsys, listed=False)
    assert "已损坏" in err.text


def test_garbage_in_the_header(good, tmp_path):
    path = _copy(good, tmp_path)
    data = bytearray(path.read_bytes())
    data[16:18] = b"\x12\x34"  # page size that is not a power of two
    path.write_bytes(bytes(data))
    _refused(path, "corrupt")


@pytest.mark.parametrize("content", [b"", b"{\"form\": \"x\"}", b"%PDF-1.4\n" + bytes(range(256)) * 20,
                                     "中文文本".encode("utf-8") * 100])
def test_not_sqlite(tmp_path, capsys, content):
    path = tmp_path / "不是草稿.jxd"
    path.write_bytes(content)
    err = _refused(path, "not_sqlite", capsys)
    assert "不是草稿文件" in err.text


def test_sqlite_but_not_a_draft(tmp_path, capsys):
    path = tmp_path / "别的数据库.jxd"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE people (name TEXT)")
    con.execute("INSERT INTO people VALUES ('张三')")
    con.commit()
    con.close()
    err = _refused(path, "not_draft", capsys)
    assert "不是绩效填报草稿" in err.text


def test_empty_sqlite_with_our_id_is_not_a_draft(tmp_path):
    path = tmp_path / "空.jxd"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id={lite.APPLICATION_ID}")
    con.execute("PRAGMA user_version=2")
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()
    _refused(path, "unsafe")


def test_made_by_a_newer_version(good, tmp_path, capsys):
    path = _copy(good, tmp_path, "新版本.jxd")
    data = bytearray(path.read_bytes())
    data[60:64] = struct.pack(">I", 7)  # user_version
    path.write_bytes(bytes(data))
    err = _refused(path, "newer", capsys)
    assert "更新版本" in err.text and "第 7 版" in err.text


def test_missing_folder_or_drive(tmp_path, capsys):
    path = tmp_path / "拔掉的U盘" / "草稿.jxd"
    with pytest.raises(DraftError) as info:
        Draft.open(path)
    assert info.value.key == "missing_folder" and "U 盘" in info.value.text
    with pytest.raises(DraftError) as info:
        Draft.create(path, load_sample(FORM))
    assert info.value.key == "missing_folder"
    assert main(["check", str(path)]) == 3
    assert not path.parent.exists()


def test_missing_file(tmp_path):
    with pytest.raises(DraftError) as info:
        Draft.open(tmp_path / "没有.jxd")
    assert info.value.key == "missing_file" and "没有.jxd" in info.value.text


def test_a_folder_named_like_a_draft(tmp_path):
    (tmp_path / "夹.jxd").mkdir()
    with pytest.raises(DraftError) as info:
        Draft.open(tmp_path / "夹.jxd")
    assert info.value.key == "is_folder"


def test_read_only_file_opens_read_only(good, tmp_path):
    path = _copy(good, tmp_path, "只读.jxd")
    os.chmod(path, 0o444)
    before = _fingerprint(path)
    try:
        with Draft.open(path) as draft:
            assert draft.readonly
            assert "只读" in draft.notice and path.name in draft.notice
            assert draft.document.parts[0].fields["year"] == "2023"
            part = draft.document.parts[0].id
            with pytest.raises(DraftError) as info:
                draft.set_value(part, "year", "2024")
            assert info.value.key == "readonly_edit" and "没有保存" in info.value.text
            with pytest.raises(DraftError):
                draft.snapshot("print")
            with pytest.raises(DraftError):
                draft.replace_document(draft.document)
        assert _fingerprint(path) == before
        assert not (tmp_path / "只读.jxd.lock").exists()
    finally:
        os.chmod(path, 0o644)


def test_read_only_folder_opens_read_only(good, tmp_path, monkeypatch):
    path = _copy(good, tmp_path, "光盘上.jxd")
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == tmp_path and mode == os.W_OK
                        else real(p, mode, **kw))
    with Draft.open(path) as draft:
        assert draft.readonly and "文件夹不能写入" in draft.notice


@pytest.mark.skipif(os.name == "nt", reason="Windows will not delete a folder with an open file in it")
def test_drive_removed_while_editing(good, tmp_path):
    folder = tmp_path / "U盘"
    folder.mkdir()
    path = _copy(good, folder)
    draft = Draft.open(path)
    part = draft.document.parts[0].id
    draft.set_value(part, "year", "2024")
    shutil.rmtree(folder)
    with pytest.raises(DraftError) as info:
        draft.set_value(part, "year", "2025")
    assert info.value.key in ("missing_folder", "write_failed", "closed"), info.value.text
    assert draft.out_of_step or info.value.key == "missing_folder"
    with pytest.raises(DraftError):
        draft.set_value(part, "year", "2026")
    draft.close()


# --------------------------------------------------------------------------------- untrusted SQL
def _plant(path: Path, *sql: str) -> None:
    con = sqlite3.connect(path)
    con.create_function("pwned", 0, lambda: 1)
    for s in sql:
        con.execute(s)
    con.commit()
    con.close()


@pytest.fixture
def spy(monkeypatch):
    """Every connection the store makes gets a ``pwned()`` function that records calls."""
    calls: list[str] = []
    real = lite.connect

    def connect(path, mode, **kwargs):
        con = real(path, mode, **kwargs)
        con.create_function("pwned", 0, lambda: calls.append("ran") or 1)
        return con

    monkeypatch.setattr(lite, "connect", connect)
    return calls


@pytest.mark.parametrize("sql,what", [
    ("CREATE TRIGGER t1 AFTER INSERT ON field_values BEGIN SELECT pwned(); END", "触发器"),
    ("CREATE TRIGGER t2 BEFORE UPDATE ON info BEGIN SELECT pwned(); END", "触发器"),
    ("CREATE TRIGGER t3 AFTER DELETE ON cells BEGIN SELECT pwned(); END", "触发器"),
    ("CREATE VIEW v1 AS SELECT pwned() AS x", "视图"),
    ("CREATE INDEX i1 ON cells (value)", "索引"),
    ("CREATE TABLE extra (a TEXT)", "多余的表"),
])
def test_planted_sql_never_runs(good, tmp_path, spy, sql, what):
    path = _copy(good, tmp_path, "外单位.jxd")
    try:
        _plant(path, sql)
    except sqlite3.OperationalError:  # SQLite itself refuses a non-deterministic function in an index
        pytest.skip("sqlite refused to plant it")
    before = _fingerprint(path)
    with pytest.raises(DraftError) as info:
        Draft.open(path)
    assert info.value.key == "unsafe" and what in info.value.text and "安全" in info.value.text
    with pytest.raises(DraftError):
        read_draft_document(path)
    assert read_entry(path).problem
    assert spy == []
    assert _fingerprint(path) == before


def test_trigger_would_run_without_the_checks(good, tmp_path):
    """The planted trigger is real: with SQLite's defaults it runs on the first edit; with our
    connection settings (trusted_schema=OFF) even that would be refused."""
    path = _copy(good, tmp_path, "外单位.jxd")
    _plant(path, "CREATE TRIGGER t1 AFTER UPDATE ON field_values BEGIN SELECT pwned(); END")
    calls = []
    con = sqlite3.connect(path)
    con.create_function("pwned", 0, lambda: calls.append("ran") or 1)
    con.execute("UPDATE field_values SET value = value")
    con.rollback()
    con.close()
    assert calls, "trigger did not fire: the tests above would prove nothing"
    calls.clear()
    con = lite.connect(path, "rw")
    con.create_function("pwned", 0, lambda: calls.append("ran") or 1)
    with pytest.raises(sqlite3.OperationalError, match="unsafe use"):
        con.execute("UPDATE field_values SET value = value")
    con.close()
    assert calls == []


def test_check_constraint_is_refused(good, tmp_path, spy):
    path = _copy(good, tmp_path, "约束.jxd")
    _plant(path, "ALTER TABLE cells RENAME TO old_cells",
           "CREATE TABLE cells (part_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, col TEXT NOT NULL, "
           "value TEXT NOT NULL CHECK (pwned() OR 1), PRIMARY KEY (part_id, tbl, row_id, col))",
           "DROP TABLE old_cells")
    err = _refused(path, "unsafe")
    assert "约束" in err.text
    assert spy == []


def test_extra_column_or_generated_column(good, tmp_path):
    path = _copy(good, tmp_path, "改过.jxd")
    _plant(path, "ALTER TABLE cells ADD COLUMN note TEXT")
    assert _refused(path, "bad_schema").text
    path2 = _copy(good, tmp_path, "改过2.jxd")
    _plant(path2, "ALTER TABLE cells ADD COLUMN g TEXT GENERATED ALWAYS AS (value || 'x') VIRTUAL")
    _refused(path2, "unsafe")


def test_json_saved_as_jxd_goes_through_check(tmp_path, capsys):
    path = tmp_path / "其实是JSON.jxd"
    path.write_text(json.dumps(load_sample(FORM).to_dict(), ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(path)]) == 3
    assert "不是草稿文件" in capsys.readouterr().err


def test_filled_in_a_newer_form_definition(good, tmp_path, capsys):
    path = _copy(good, tmp_path, "新定义.jxd")
    _plant(path, "UPDATE info SET value = '2099.1' WHERE key = 'form_version'")
    err = _refused(path, "newer_form", capsys, listed=False)
    assert "2099.1" in err.text and "升级" in err.text
    assert not (tmp_path / "新定义.jxd.lock").exists()
