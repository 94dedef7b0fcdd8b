"""Files from other units, built as a hostile sender would (issue 12).

Every case runs ``jixiao check`` in a child process: it either works (exit 0 or 1) or says in
Chinese that the file cannot be read (exit 3), within 5 s and 300 MB, and the file and its
neighbours are byte-identical afterwards.  The limits are those of desktop/core/limits.py.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.core import limits
from desktop.core.catalog import load_sample, sample_path
from desktop.core.errors import EXIT_UNREADABLE
from desktop.store import Draft, DraftError

ROOT = Path(__file__).resolve().parents[1]
FORM = "suzhou-project-selfeval-2023"
SECONDS = 5.0
MEGABYTES = 300
CHILD = """
import sys
from desktop.cli import main
try:
    code = main(sys.argv[1:])
finally:
    peak = -1  # Windows: the memory is not measured there
    try:  # Linux: this process's own high-water mark (ru_maxrss would include the parent's, kept across exec)
        with open("/proc/self/status", encoding="ascii") as fh:
            peak = int(next(ln for ln in fh if ln.startswith("VmHWM:")).split()[1]) // 1024
    except OSError:
        try:
            import resource
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 2 ** 20  # macOS: bytes
        except ImportError:
            pass
    sys.stderr.write(f"\\n@peak-mb {peak}\\n")
sys.exit(code)
"""


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    mb: int


def jixiao(*args: str, home: Path, timeout: float = SECONDS) -> Run:
    """``jixiao ARGS`` in a child process, with its time and peak memory."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), JIXIAO_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True, timeout=timeout,
                          encoding="utf-8", errors="replace")
    seconds = time.perf_counter() - t0
    peak = re.search(r"@peak-mb (-?\d+)", proc.stderr)
    err = proc.stderr[: peak.start()].strip() if peak else proc.stderr
    return Run(proc.returncode, proc.stdout, err, seconds, int(peak.group(1)) if peak else -1)


def fingerprint(folder: Path) -> dict[str, tuple]:
    """Every entry of the folder: the hash and time of each regular file, the kind of anything else
    (a pipe is never opened)."""
    out: dict[str, tuple] = {}
    for p in sorted(folder.iterdir()):
        st = os.lstat(p)
        if stat.S_ISREG(st.st_mode):
            h = hashlib.sha256()
            with open(p, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            out[p.name] = (h.hexdigest(), st.st_size, st.st_mtime_ns)
        else:
            out[p.name] = (stat.S_IFMT(st.st_mode), st.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "样例.jxd"
    Draft.create(path, load_sample(FORM)).close()
    return path


@pytest.fixture
def inbox(tmp_path, good) -> Path:
    """A folder with a received draft (收到的草稿.jxd) beside the clerk's own files."""
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copyfile(good, folder / "收到的草稿.jxd")
    shutil.copyfile(good, folder / "我的草稿.jxd")
    (folder / "年度工作总结.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return folder


def sql(path: Path, *statements: str, params: tuple = ()) -> None:
    """Change a draft as another program would (no journal left behind)."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        for s in statements:
            con.execute(s, params if "?" in s else ())
        con.commit()
    finally:
        con.close()


def check_refused(folder: Path, name: str, *fragments: str, home: Path, timeout: float = SECONDS) -> Run:
    before = fingerprint(folder)
    run = jixiao("check", str(folder / name), home=home, timeout=timeout)
    assert run.code == EXIT_UNREADABLE, (run.code, run.err[-2000:])
    assert run.err.startswith("错误：") and "Traceback" not in run.err, run.err[-2000:]
    for f in fragments:
        assert f in run.err, run.err
    assert run.seconds <= SECONDS, run.seconds
    assert run.mb <= MEGABYTES, run.mb
    assert fingerprint(folder) == before, "the file or its neighbours changed"
    return run


def check_works(folder: Path, name: str, home: Path) -> Run:
    before = fingerprint(folder)
    run = jixiao("check", str(folder / name), home=home)
    assert run.code in (0, 1), (run.code, run.err[-2000:])
    assert "Traceback" not in run.err
    assert run.seconds <= SECONDS and run.mb <= MEGABYTES, (run.seconds, run.mb)
    assert fingerprint(folder) == before, "the file or its neighbours changed"
    return run


D = "收到的草稿.jxd"


# ---------------------------------------------------------------------------------- long texts and limits
def test_one_long_text_opens(inbox, jixiao_home):
    sql(inbox / D, f"UPDATE field_values SET value = printf('%.*c', {limits.FIELD_CHARS}, 'x') "
                   "WHERE field = 'overview'")
    check_works(inbox, D, jixiao_home)


def test_seven_ten_megabyte_fields_are_refused_naming_one(inbox, jixiao_home):
    fields = ("overview", "overall_goal", "annual_goal", "implementation", "effect", "problems", "project_name")
    marks = ",".join(f"'{f}'" for f in fields)
    sql(inbox / D, f"UPDATE field_values SET value = printf('%.*c', 10000000, 'x') WHERE field IN ({marks})")
    run = check_refused(inbox, D, D, "内容过长", f"上限 {limits.FIELD_CHARS} 字", home=jixiao_home)
    assert re.search("“(项目概况|项目总目标|年度绩效目标|项目实施情况|项目管理成效|项目管理存在的问题及原因|项目名称)”",
                     run.err), run.err


@pytest.mark.slow
def test_a_300_megabyte_value_is_refused_without_reading_it(inbox, jixiao_home):
    sql(inbox / D, "UPDATE field_values SET value = printf('%.*c', 300000000, 'x') WHERE field = 'overview'")
    check_refused(inbox, D, "“项目概况”", "内容过长", home=jixiao_home)


def test_a_value_just_over_the_limit_is_refused_with_its_length(inbox, jixiao_home):
    n = limits.FIELD_CHARS + 1
    sql(inbox / D, f"UPDATE field_values SET value = printf('%.*c', {n}, '字') WHERE field = 'overview'")
    check_refused(inbox, D, "“项目概况”", f"{n} 字", home=jixiao_home)


def test_a_long_table_cell_is_named_with_its_row(inbox, jixiao_home):
    con = sqlite3.connect(inbox / D)
    pid, tbl, rid = con.execute("SELECT part_id, tbl, row_id FROM table_rows WHERE tbl = 'indicators' "
                                "ORDER BY position LIMIT 1 OFFSET 1").fetchone()
    con.close()
    sql(inbox / D, f"UPDATE cells SET value = printf('%.*c', {limits.FIELD_CHARS + 5}, 'x') "
                   "WHERE part_id = ? AND tbl = ? AND row_id = ? AND col = 'name'", params=(pid, tbl, rid))
    check_refused(inbox, D, "第 2 行“指标名称”", "内容过长", home=jixiao_home)


def test_too_many_rows(inbox, jixiao_home):
    n = limits.TABLE_ROWS + 1
    sql(inbox / D, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < "
                   f"{n}) INSERT INTO table_rows SELECT 'p1', 'indicators', 'z' || i, 1000 + i FROM k")
    run = check_refused(inbox, D, "“项目绩效实现情况(80分)”有 ", f"行，超过上限 {limits.TABLE_ROWS} 行",
                        home=jixiao_home)
    assert int(re.search(r"有 (\d+) 行", run.err).group(1)) > n


def test_too_many_parts(inbox, jixiao_home):
    n = limits.PARTS + 1
    sql(inbox / D, f"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n - 1}) "
                   "INSERT INTO parts SELECT 'q' || i, i + 10 FROM k")
    check_refused(inbox, D, f"共有 {n} 个部分", home=jixiao_home)


def test_too_much_text_in_all(inbox, jixiao_home):
    each = limits.FIELD_CHARS
    count = limits.DOCUMENT_CHARS // each + 1
    sql(inbox / D, f"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {count}) "
                   f"INSERT INTO field_values SELECT 'p1', 'extra' || i, printf('%.*c', {each}, 'x') FROM k")
    check_refused(inbox, D, "内容合计", f"超过上限 {limits.DOCUMENT_CHARS} 字", home=jixiao_home)


def test_too_many_values(inbox, jixiao_home):
    n = limits.DOCUMENT_VALUES + 1
    sql(inbox / D, f"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n}) "
                   "INSERT INTO overrides SELECT 'p1', 'a' || i, '1' FROM k")
    run = check_refused(inbox, D, f"项内容，超过上限 {limits.DOCUMENT_VALUES} 项", home=jixiao_home)
    assert int(re.search(r"共有 (\d+) 项", run.err).group(1)) > n


def test_a_long_identifier(inbox, jixiao_home):
    sql(inbox / D, "UPDATE field_values SET field = printf('%.*c', 100000, 'f') WHERE field = 'overview'")
    check_refused(inbox, D, "草稿内容中有一项的名称过长（上限 200 字）", home=jixiao_home)


def test_a_huge_snapshot_label(inbox, jixiao_home):
    sql(inbox / D, "INSERT INTO snapshots (taken, label, content) VALUES ('2024-01-01', "
                   "printf('%.*c', 30000000, 'x'), '{}')")
    check_refused(inbox, D, "版本列表的内容过长", home=jixiao_home)


def test_a_binary_identifier(inbox, jixiao_home):
    sql(inbox / D, "UPDATE field_values SET field = x'00ff' WHERE field = 'overview'")
    check_refused(inbox, D, "草稿内容中有一项的名称不是文字（是二进制数据）", home=jixiao_home)


# ---------------------------------------------------------------------------------- tracebacks before
def test_a_blob_value(inbox, jixiao_home):
    sql(inbox / D, "UPDATE field_values SET value = x'00ff10e4' WHERE field = 'overview'")
    check_refused(inbox, D, "“项目概况”的内容不是文字（是二进制数据）", home=jixiao_home)


def test_a_row_id_with_a_slash(inbox, jixiao_home):
    sql(inbox / D, "UPDATE table_rows SET row_id = 'a/b' WHERE rowid = (SELECT min(rowid) FROM table_rows)")
    check_refused(inbox, D, "的标识“a/b”", "含有“/”", home=jixiao_home)


def test_deep_json_in_the_drafts_meta_opens(inbox, jixiao_home):
    sql(inbox / D, "INSERT OR REPLACE INTO info VALUES ('doc_meta', ?)", params=("[" * 100000 + "]" * 100000,))
    check_works(inbox, D, jixiao_home)


def test_deep_json_interchange_file(inbox, jixiao_home):
    (inbox / "收到的.json").write_text('{"form": "%s", "parts": %s}' % (FORM, "[" * 100000 + "]" * 100000),
                                       encoding="utf-8")
    check_refused(inbox, "收到的.json", "嵌套层数过多", home=jixiao_home)


def test_interchange_file_beyond_the_limit(inbox, jixiao_home):
    data = json.loads(sample_path(FORM).read_text(encoding="utf-8"))
    data["parts"][0]["fields"]["overview"] = "x" * (limits.FIELD_CHARS + 1)
    (inbox / "收到的.json").write_text(json.dumps(data), encoding="utf-8")
    check_refused(inbox, "收到的.json", "“项目概况”的内容过长", home=jixiao_home)


def test_deep_json_in_a_snapshot(tmp_path, good):
    path = tmp_path / "d.jxd"
    shutil.copyfile(good, path)
    with Draft.open(path) as draft:
        sid = draft.snapshot("manual", "v")
    sql(path, "UPDATE snapshots SET content = ? WHERE id = ?", params=("[" * 100000 + "]" * 100000, sid))
    with Draft.open(path, readonly=True) as draft:
        with pytest.raises(DraftError) as info:
            draft.snapshot_document(sid)
    assert f"版本 {sid}" in info.value.text and "嵌套层数过多" in info.value.text


# ---------------------------------------------------------------------------------- not regular files
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are made differently on Windows")
@pytest.mark.parametrize("name", ["d.jxd", "d.json", "d"])
def test_a_named_pipe(inbox, jixiao_home, name):
    os.mkfifo(inbox / name)
    check_refused(inbox, name, "命名管道", home=jixiao_home)
    with pytest.raises(DraftError) as info:
        Draft.open(inbox / name)
    assert info.value.key == "not_regular"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device(inbox, jixiao_home):
    (inbox / "d.jxd").symlink_to("/dev/zero")
    check_refused(inbox, "d.jxd", "设备", home=jixiao_home)


# ---------------------------------------------------------------------------------- the schema, exactly
def rebuilt(src: Path, dst: Path, table: str, old: str, new: str) -> Path:
    """A copy of ``src`` whose ``table`` was created with ``old`` replaced by ``new`` in its CREATE TABLE."""
    con = sqlite3.connect(src)
    ddl = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    assert old in ddl[table]
    ddl[table] = ddl[table].replace(old, new, 1)
    out = sqlite3.connect(dst)
    for statement in ddl.values():
        out.execute(statement)
    out.execute("ATTACH DATABASE ? AS src", (str(src),))
    for name in ddl:
        out.execute(f"INSERT OR IGNORE INTO main.{name} SELECT * FROM src.{name}")
    out.commit()
    out.execute("DETACH DATABASE src")
    out.execute(f"PRAGMA application_id={app_id}")
    out.execute(f"PRAGMA user_version={version}")
    out.close()
    return dst


@pytest.mark.parametrize("table,old,new", [
    ("field_values", "value TEXT NOT NULL", "value TEXT NOT NULL UNIQUE"),  # blocked saving later
    ("cells", "col TEXT NOT NULL", "col TEXT NOT NULL DEFAULT 'x'"),
    ("snapshots", "reason TEXT DEFAULT '' NOT NULL", "reason TEXT DEFAULT 'manual' NOT NULL"),
    ("parts", "position INTEGER NOT NULL", "position NUMERIC NOT NULL"),
    ("info", "value TEXT NOT NULL", "value TEXT"),
    ("field_values", "value TEXT NOT NULL", "value TEXT NOT NULL ON CONFLICT IGNORE"),  # a NOT NULL that drops
    ("part_tables", "kind TEXT NOT NULL", "kind TEXT NOT NULL NOT NULL"),  # a NOT NULL added
    ("overrides", "PRIMARY KEY (part_id, addr)", "PRIMARY KEY (part_id, addr), UNIQUE (value)"),
])
def test_schema_differences_are_refused(good, tmp_path, table, old, new):
    path = rebuilt(good, tmp_path / "改过的.jxd", table, old, new)
    before = fingerprint(tmp_path)
    with pytest.raises(DraftError) as info:
        Draft.open(path)
    assert info.value.key == "bad_schema", info.value.text
    assert table in info.value.text
    assert fingerprint(tmp_path) == before


def test_spacing_case_and_quotes_are_not_differences(good, tmp_path):
    path = rebuilt(good, tmp_path / "同样的.jxd", "info", "value TEXT NOT NULL", '"value"  text  not   null')
    Draft.open(path, readonly=True).close()


def test_a_hidden_unique_would_block_saving(good, tmp_path):
    """Why the check matters: without it the draft opens and the second equal value cannot be saved."""
    path = rebuilt(good, tmp_path / "u.jxd", "field_values", "value TEXT NOT NULL", "value TEXT NOT NULL UNIQUE")
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("UPDATE field_values SET value = 'same' WHERE field IN ('overview', 'effect')")
    con.close()
    with pytest.raises(DraftError, match="约束"):
        Draft.open(path)


def test_an_unknown_index_name_is_refused(good, tmp_path):
    path = rebuilt(good, tmp_path / "i.jxd", "overrides", "value TEXT NOT NULL", "value TEXT NOT NULL UNIQUE")
    with pytest.raises(DraftError) as info:
        Draft.open(path)
    assert info.value.key == "bad_schema"


def test_a_migrated_first_version_draft_still_opens(tmp_path):
    from desktop.store.migrate import V1_DDL, _v1_to_v2

    path = tmp_path / "旧.jxd"
    con = sqlite3.connect(path)
    for s in V1_DDL:
        con.execute(s)
    con.execute("INSERT INTO info VALUES ('form', ?), ('form_version', '2023.1')", (FORM,))
    con.execute("INSERT INTO parts VALUES ('p1', 0)")
    con.commit()
    Draft.open(path, readonly=True).close()  # version 1 as written by the first release
    _v1_to_v2(con)
    con.execute("PRAGMA user_version=2")
    con.commit()
    con.close()
    Draft.open(path, readonly=True).close()  # and as ALTER TABLE left it


# ---------------------------------------------------------------------------------- messages and exit codes
def _english(text: str, *allowed: str) -> list[str]:
    for a in allowed:
        text = text.replace(a, "")
    return re.findall(r"[A-Za-z]{3,}", text)


@pytest.mark.parametrize("exc", [
    sqlite3.OperationalError("no such function: evil"),
    sqlite3.DatabaseError("file is encrypted or is not a database"),
    sqlite3.OperationalError("disk I/O error"),
    sqlite3.IntegrityError("UNIQUE constraint failed: field_values.value"),
    sqlite3.DataError("string or blob too big"),
    OSError(13, "Permission denied"),
    OSError(5, "\ufffd\ufffd\ufffd\ufffd"),  # a system message in a code page read wrongly
    MemoryError(),
])
@pytest.mark.parametrize("writing", [False, True])
def test_sqlite_and_system_errors_are_told_in_chinese(tmp_path, exc, writing):
    from desktop.store import sqlite as lite

    err = lite.translate(exc, tmp_path / "d.jxd", writing=writing)
    assert not _english(err.text, "d.jxd", "jxd", "SQLite"), err.text
    assert "\ufffd" not in err.text
    assert str(exc) in err.detail  # the technical words are kept for the logs


def test_os_errors_are_told_in_chinese():
    from desktop.core.errors import os_why

    assert os_why(FileNotFoundError(2, "No such file or directory")) == "文件不存在"
    assert os_why(OSError(28, "No space left on device")) == "磁盘已满"
    err = OSError(0, "The process cannot access the file")
    err.winerror = 32  # type: ignore[attr-defined]
    assert os_why(err) == "文件被另一程序占用"
    assert not _english(os_why(OSError(99999, "Something odd")))


@pytest.mark.parametrize("content", ['{"form": 1,}', '{"form": "a" "b"}', "[", '{"x": "\\q"}', "\ufeff{"])
def test_broken_json_is_told_in_chinese(tmp_path, content):
    from desktop.commands import load_document
    from desktop.core.errors import UnreadableFile

    path = tmp_path / "坏.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnreadableFile) as info:
        load_document(path)
    assert not _english(info.value.text, "JSON"), info.value.text


def test_exit_codes(tmp_path, capsys):
    from desktop.cli import main

    doc = load_sample(FORM)
    doc.parts[0].fields["project_name"] = ""  # required: an error in the form
    from desktop.core.interchange import write_json

    write_json(doc, tmp_path / "有错.json")
    assert main(["check", str(tmp_path / "有错.json")]) == 1
    assert main(["check", str(sample_path(FORM))]) == 0
    (tmp_path / "坏.jxd").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    assert main(["check", str(tmp_path / "坏.jxd")]) == EXIT_UNREADABLE
    assert main(["check", str(tmp_path / "没有.json")]) == EXIT_UNREADABLE
    assert main(["xlsx", str(tmp_path / "没有.jxd"), "-o", str(tmp_path / "x.xlsx")]) == EXIT_UNREADABLE
    src = str(sample_path(FORM))
    assert main(["import-json", src, "-o", str(tmp_path / "a.jxd")]) == 0
    assert main(["import-json", src, "-o", str(tmp_path / "a.jxd")]) == 2  # exists: not a file that cannot be read
    with pytest.raises(SystemExit) as usage:
        main(["check"])
    assert usage.value.code == 2
    capsys.readouterr()


def test_the_library_lists_a_draft_with_a_huge_value(inbox):
    from desktop.store.library import read_entry

    sql(inbox / D, "UPDATE info SET value = printf('%.*c', 50000000, 'x') WHERE key = 'unit'")
    before = fingerprint(inbox)
    entry = read_entry(inbox / D)
    assert entry.problem and "过大" in entry.problem
    assert fingerprint(inbox) == before


def test_an_edit_beyond_the_limit_is_not_taken(tmp_path):
    from desktop.session import FormSession, SessionError

    session = FormSession.create(tmp_path / "d.jxd", load_sample(FORM))
    pid = session.state.parts[0].part.id
    with pytest.raises(SessionError, match="“项目概况”的内容过长"):
        session.set_cell_command(pid, "overview", "x" * (limits.FIELD_CHARS + 1))
    session.set_cell_command(pid, "overview", "x" * limits.FIELD_CHARS)
    session.close()


# ---------------------------------------------------------------------------------- Excel
def test_excel_says_when_a_value_is_longer_than_a_cell(tmp_path, capsys):
    from openpyxl import load_workbook

    from desktop.cli import main
    from desktop.export.xlsx_import import read_xlsx

    doc = load_sample(FORM)
    text = "项目概况。" * 8000  # 40,000 characters
    doc.parts[0].fields["overview"] = text
    draft = tmp_path / "长.jxd"
    Draft.create(draft, doc).close()
    assert main(["xlsx", str(draft), "-o", str(tmp_path / "长.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "提示：“项目概况”有 40000 字，超过 Excel 一个单元格的上限 32767 字" in out
    wb = load_workbook(tmp_path / "长.xlsx")
    assert all(len(str(c.value)) <= 32767 for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert read_xlsx(tmp_path / "长.xlsx").document.parts[0].fields["overview"] == text  # the hidden sheet: whole


def test_excel_cell_cut_short_says_so(monkeypatch):
    """Should a value ever reach one cell whole (rows able to hold any number of lines), the cell and the
    notice say it is cut (Excel refuses a workbook with a longer cell)."""
    from openpyxl import Workbook, load_workbook

    from desktop.core.catalog import load_form
    from desktop.core.engine import DocumentState
    from desktop.export import xlsx_sheet, xlsx_text
    from desktop.export.xlsx import _long_values

    monkeypatch.setattr(xlsx_sheet.xt, "max_lines_per_row", lambda size=0: 10 ** 6)
    from desktop.export.xlsx_pages import StyleBook

    wb = Workbook(write_only=True)  # as export_xlsx makes it
    ws = wb.create_sheet("表")
    w = xlsx_sheet.SheetWriter(ws, [2.0] * 36, 10.5, StyleBook(wb, "宋体"), 10.0 ** 9)
    w.line([xlsx_sheet.XCell(0, 36, "概" * 40000, addr="overview")])
    w.finish()
    buffer = io.BytesIO()
    wb.save(buffer)
    value = load_workbook(buffer)["表"].cell(row=1, column=1).value
    assert len(value) == xlsx_text.MAX_CELL_CHARS
    assert value.endswith(xlsx_sheet.CUT_MARK)
    state = DocumentState(load_form(FORM), load_sample(FORM))
    notices = _long_values(state.parts[0], w, "")
    assert len(notices) == 1 and notices[0].startswith("“项目概况”") and "已截断" in notices[0]


# ---------------------------------------------------------------------------------- the window
def _hostile(inbox: Path, kind: str) -> Path:
    if kind == "blob":
        sql(inbox / D, "UPDATE field_values SET value = x'00ff' WHERE field = 'overview'")
    elif kind == "slash":
        sql(inbox / D, "UPDATE table_rows SET row_id = 'a/b' WHERE rowid = (SELECT min(rowid) FROM table_rows)")
    elif kind == "huge":
        sql(inbox / D, "UPDATE field_values SET value = printf('%.*c', 20000000, 'x') WHERE field = 'overview'")
    elif kind == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes are made differently on Windows")
        os.mkfifo(inbox / "管道.jxd")
        return inbox / "管道.jxd"
    return inbox / D


@pytest.mark.gui
@pytest.mark.parametrize("kind,fragment", [("blob", "不是文字"), ("slash", "含有“/”"), ("huge", "内容过长"),
                                           ("pipe", "命名管道")])
def test_the_window_tells_instead_of_crashing(app, qtbot, inbox, monkeypatch, kind, fragment):
    """A draft is opened through ``open_session`` (the form window's way) or the main window's ``open_path``
    (``jixiao gui FILE``): each shows the message, nothing is raised, no window is left open."""
    from PySide6.QtWidgets import QMessageBox

    from ui.main_window import MainWindow
    from ui.new_draft import open_session

    path = _hostile(inbox, kind)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: told.append(a[2])))
    before = fingerprint(inbox)
    assert open_session(None, path) is None
    main = MainWindow()
    qtbot.addWidget(main)
    assert main.open_path(path) is None
    assert len(told) == 2 and all(fragment in t and path.name in t for t in told), told
    assert fingerprint(inbox) == before
    main.close()


@pytest.mark.gui
def test_a_text_with_nowhere_to_break_wraps_anywhere():
    from PySide6.QtGui import QTextOption

    from ui.field_widgets import wrap_mode

    anywhere, words = QTextOption.WrapMode.WrapAnywhere, QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
    assert wrap_mode("x" * 1_000_000) == anywhere
    assert wrap_mode("项目 " + "https://example.org/" + "a" * 400) == anywhere
    assert wrap_mode("项目概况说明文字。" * 100_000) == words
    assert wrap_mode("lorem ipsum " * 100_000) == words
    assert wrap_mode(("x" * 299 + " ") * 3000) == words


@pytest.mark.gui
def test_a_long_text_box_stops_growing_and_scrolls(app, qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontMetrics

    from ui.field_widgets import TextField
    from ui.form_window import FormWindow

    doc = load_sample(FORM)
    doc.parts[0].fields["overview"] = "第一行文字\n" * 20_000
    Draft.create(tmp_path / "d.jxd", doc).close()
    from desktop.session import FormSession

    win = FormWindow(FormSession.open(tmp_path / "d.jxd", readonly=True))
    qtbot.addWidget(win)
    win.show()
    app.processEvents()
    box = win.views[win.session.state.doc.parts[0].id].editors["overview"]
    assert isinstance(box, TextField)
    assert box.height() <= (TextField.MAX_LINES + 2) * QFontMetrics(box.font()).lineSpacing() + 40
    assert box.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert box.toPlainText() == doc.parts[0].fields["overview"]
    short = win.views[win.session.state.doc.parts[0].id].editors["effect"]
    assert short.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    win.close()


@pytest.mark.gui
def test_pasting_a_text_with_nowhere_to_break_or_beyond_the_limit(app, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QTextOption
    from PySide6.QtWidgets import QMessageBox

    from desktop.session import FormSession
    from ui.form_window import FormWindow

    Draft.create(tmp_path / "d.jxd", load_sample(FORM)).close()
    win = FormWindow(FormSession.open(tmp_path / "d.jxd"))
    qtbot.addWidget(win)
    win.show()
    box = win.views[win.session.state.doc.parts[0].id].editors["overview"]
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: told.append(a[2])))
    before = box.toPlainText()
    data = QMimeData()
    data.setText("x" * (limits.FIELD_CHARS + 1))
    box.insertFromMimeData(data)
    assert box.toPlainText() == before and told and "“项目概况”的内容过长" in told[0]
    data.setText("y" * 5000)
    box.insertFromMimeData(data)
    assert box.wordWrapMode() == QTextOption.WrapMode.WrapAnywhere
    assert "y" * 5000 in win.session.state.parts[0].raw("overview")
    win.close()
