"""The draft file at the SQLite level, before SQLAlchemy is involved.

* :func:`sqlite_uri` — a ``file:`` URI for any path (Chinese names, spaces,
  Windows drive letters and UNC shares).
* :func:`inspect_header` — reads the 100-byte header: is it SQLite, is it one
  of our drafts (application id), is it complete, which schema version.
* :func:`inspect_journal` — looks at a ``-journal`` left beside a draft
  *before* SQLite sees it: SQLite replays a hot journal on open, and a journal
  whose trailer names a super-journal makes SQLite delete that named file.
* :func:`connect` — a connection with ``trusted_schema=OFF``; the schema is
  checked (:func:`check_schema`) before any other statement runs.
* :func:`translate` — any ``sqlite3`` error as a :class:`DraftError` with a
  Chinese message.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import stat
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from desktop.core.errors import os_why
from desktop.core.interchange import SQLITE_MAGIC
from desktop.osfiles import remove_tree, sqlite_uri  # noqa: F401 - sqlite_uri: the store's URI builder lives with the path helpers
from desktop.store import ddl
from desktop.store.errors import DraftError, draft_error
from desktop.store.layout import APPLICATION_ID, LAYOUTS, SCHEMA_VERSION

MAGIC = SQLITE_MAGIC
BUSY_TIMEOUT = 5.0  # seconds to wait for another instance's transaction


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


@dataclass(frozen=True)
class Journal:
    """A rollback journal found beside a draft; ``problem`` is why it must not be replayed ("" if it may)."""

    path: Path
    problem: str = ""


def inspect_journal(path: Path, page_size: int) -> Journal | None:
    """The journal beside ``path`` if SQLite would treat it as hot, checked without SQLite.

    Never opens anything but the journal itself, for reading.  A journal is
    refused (``problem`` set) when it is not a regular file, when its trailer
    names a super-journal (SQLite would delete the named file after the
    rollback; this app never attaches databases, so its own journals never
    name one), or when its header does not belong to this database.
    """
    jpath = journal_path(path)
    try:
        st = os.lstat(jpath)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Journal(jpath, f"无法检查：{why(exc)}")
    if not stat.S_ISREG(st.st_mode):
        return Journal(jpath, "不是普通文件")
    size = st.st_size
    if size == 0:
        return None
    try:
        with open(jpath, "rb") as fh:
            head = fh.read(28)
            fh.seek(max(0, size - 16))
            tail = fh.read(16)
    except OSError as exc:
        return Journal(jpath, f"无法读取：{why(exc)}")
    if size >= 16 and tail[8:16] == JOURNAL_MAGIC:
        (name_len,) = struct.unpack(">I", tail[:4])
        if 0 < name_len <= size - 16:
            return Journal(jpath, "其中指定了另一个文件（主日志），回放时会删除该文件")
    if not head or head[0] == 0:
        return None  # SQLite does not treat a journal with a zeroed header as hot
    if len(head) < 28 or head[:8] != JOURNAL_MAGIC:
        return Journal(jpath, "文件头不是数据库日志")
    sector, jpage = struct.unpack(">II", head[20:28])
    if jpage != page_size or sector < 512 or sector > 65536 or sector & (sector - 1):
        return Journal(jpath, "与草稿的页大小不符，不属于这份草稿")
    return Journal(jpath)


def recovered_copy(path: Path) -> sqlite3.Connection:
    """An in-memory copy of a draft with a genuine hot journal, rolled back privately.

    The draft and its journal are copied into a private temporary folder where
    SQLite replays the copy; the originals are only read.  The caller has
    checked the journal with :func:`inspect_journal`.
    """
    folder = Path(tempfile.mkdtemp(prefix="jxd-"))
    try:
        copy = folder / "d.jxd"
        shutil.copyfile(path, copy)
        shutil.copyfile(journal_path(path), journal_path(copy))
        again = inspect_journal(copy, inspect_header(copy).page_size)
        if again is None or again.problem:  # changed between the check and the copy
            raise draft_error("bad_journal", path, journal=journal_path(path).name, why="复制时内容变了")
        src = connect(copy, "rw")
        try:
            check_schema(src, path)
            mem = connect(":memory:", "memory")
            src.backup(mem)
        finally:
            src.close()
        return mem
    finally:
        remove_tree(folder)


@dataclass
class Header:
    page_size: int
    pages: int
    user_version: int
    application_id: int
    wal: bool


def inspect_header(path: Path) -> Header:
    """Check the file's header and size without SQLite; raises :class:`DraftError`."""
    require_regular(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise missing(path) from None
    except IsADirectoryError:
        raise draft_error("is_folder", path) from None
    except OSError as exc:
        raise draft_error("unreadable", path, why=os_why(exc)) from None
    if not head.startswith(MAGIC[: min(len(head), 16)]) or len(head) == 0:
        raise draft_error("not_sqlite", path)
    if len(head) < 100:
        raise draft_error("truncated", path, size=size, expected="至少 100")
    (page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if page_size == 1 else page_size
    counter, pages = struct.unpack(">II", head[24:32])
    (valid_for,) = struct.unpack(">I", head[92:96])
    (user_version,) = struct.unpack(">I", head[60:64])
    (app_id,) = struct.unpack(">I", head[68:72])
    if page_size < 512 or page_size & (page_size - 1):
        raise draft_error("corrupt", path, why="文件头已损坏")
    if pages and counter == valid_for and size < pages * page_size:
        raise draft_error("truncated", path, size=size, expected=pages * page_size)
    if size % page_size:
        raise draft_error("truncated", path, size=size, expected=(size // page_size + 1) * page_size)
    return Header(page_size, pages, user_version, app_id, head[18] == 2 or head[19] == 2)


def require_regular(path: Path) -> None:
    """Refuse a named pipe, a device or a socket before anything opens it (it would block for ever)."""
    from desktop.core.interchange import not_regular

    what = not_regular(path)
    if what == "文件夹":
        raise draft_error("is_folder", path)
    if what:
        raise draft_error("not_regular", path, what=what)


def check_header(path: Path, header: Header) -> None:
    if header.application_id != APPLICATION_ID:
        raise draft_error("not_draft", path)
    if header.user_version > SCHEMA_VERSION:
        raise draft_error("newer", path, version=header.user_version, known=SCHEMA_VERSION)
    if header.user_version not in LAYOUTS:
        raise draft_error("not_draft", path)
    if header.wal:
        raise draft_error("wal", path)


def missing(path: Path) -> DraftError:
    folder = path.parent
    if not folder.exists():
        return draft_error("missing_folder", path, folder=folder)
    return draft_error("missing_file", path)


def connect(path: Path | str, mode: str, immutable: bool = False) -> sqlite3.Connection:
    """A raw connection (``mode``: ro, rw, rwc, or ``memory``) with untrusted-schema settings; nothing read yet.

    ``immutable`` (read-only only): SQLite ignores any journal beside the file.
    """
    if mode == "memory":
        con = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    else:
        con = sqlite3.connect(sqlite_uri(Path(path), mode, immutable and mode == "ro"), uri=True,
                              isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=False)
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        con.execute("PRAGMA cell_size_check=ON")
    except sqlite3.Error:
        con.close()
        raise
    return con


def set_durability(con: sqlite3.Connection) -> None:
    """Rollback journal, fsync at every commit: see docs/drafts.md for why not WAL."""
    con.execute("PRAGMA journal_mode=DELETE").fetchall()
    con.execute("PRAGMA synchronous=FULL")


def open_draft(path: Path | str, *, readonly: bool = False, connection: sqlite3.Connection | None = None,
               check: bool = True, immutable: bool = False) -> sqlite3.Connection:
    """A draft's connection, ready for use: ``connection`` (an in-memory copy) or the file opened, its
    schema checked first (``check=False`` only for a new file without tables), then ``query_only`` for
    reading, or rollback journal and fsync for a file opened for writing."""
    con = connection if connection is not None else connect(path, "ro" if readonly else "rw", immutable=immutable)
    try:
        if check:
            check_schema(con, Path(path))
        if readonly:
            con.execute("PRAGMA query_only=ON")
        elif connection is None:
            set_durability(con)
    except BaseException:
        if connection is None:
            con.close()
        raise
    return con


def begin_sql(readonly: bool) -> str:
    """How a draft's transactions start: a writer holds the write lock from its first statement."""
    return "BEGIN" if readonly else "BEGIN IMMEDIATE"


@contextlib.contextmanager
def transaction(con: sqlite3.Connection, readonly: bool) -> Iterator[sqlite3.Connection]:
    """One transaction on a raw connection (autocommit mode, as :func:`connect` makes them)."""
    con.execute(begin_sql(readonly))
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


# what our CREATE TABLE statements never contain: expressions that would run on every insert
_EXTRAS = re.compile(r"\b(CHECK|REFERENCES|GENERATED|AS|COLLATE|WITHOUT|STRICT)\b")


def check_schema(con: sqlite3.Connection, path: Path) -> int:
    """The draft's schema version, after checking its layout exactly; refuses triggers and views.

    Exactly: the tables' columns (``table_xinfo``), each ``CREATE TABLE`` text as
    :mod:`desktop.store.ddl` reads it (a hidden ``UNIQUE`` or ``DEFAULT`` would
    otherwise pass, and later block saving), and exactly the automatic indexes
    of our primary keys.

    Runs first on every connection: reads only ``sqlite_master`` and table
    descriptions, which execute nothing stored in the file.
    """
    version = con.execute("PRAGMA user_version").fetchone()[0]
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise draft_error("not_draft", path)
    if version > SCHEMA_VERSION:
        raise draft_error("newer", path, version=version, known=SCHEMA_VERSION)
    layout = LAYOUTS.get(version)
    if layout is None:
        raise draft_error("not_draft", path)
    tables: dict[str, str] = {}
    indexes: set[tuple[str, str]] = set()
    for kind, name, tbl, sql in con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
        if kind == "trigger":
            raise draft_error("unsafe", path, what=f"触发器 {name}")
        if kind == "view":
            raise draft_error("unsafe", path, what=f"视图 {name}")
        if kind == "table":
            if name not in layout or not (sql or "").lstrip().upper().startswith("CREATE TABLE"):
                raise draft_error("unsafe", path, what=f"多余的表 {name}")
            if _EXTRAS.search((sql or "").upper()):
                raise draft_error("unsafe", path, what=f"表 {name} 上的约束或表达式")
            tables[name] = sql
        elif kind == "index":
            if sql is not None or not name.startswith("sqlite_autoindex_"):
                raise draft_error("unsafe", path, what=f"索引 {name}")
            indexes.add((name, tbl))
        else:
            raise draft_error("unsafe", path, what=f"{kind} {name}")
    missing_tables = set(layout) - set(tables)
    if missing_tables:
        if not tables:
            raise draft_error("not_draft", path)
        raise draft_error("bad_schema", path, what="缺少表 " + "、".join(sorted(missing_tables)))
    for name, expected in layout.items():
        found = []
        for _cid, col, ctype, notnull, dflt, pk, hidden in con.execute(f'PRAGMA table_xinfo("{name}")'):
            if hidden:
                raise draft_error("unsafe", path, what=f"表 {name} 的计算列 {col}")
            found.append((col, (ctype or "").upper(), notnull, dflt, pk))
        if found != expected:
            raise draft_error("bad_schema", path, what=f"表 {name} 的列不对")
        if ddl.canonical(tables[name]) != ddl.expected(name, expected):
            raise draft_error("bad_schema", path, what=f"表 {name} 的约束与本程序建的不同")
    wanted = {(ix, name) for name, cols in layout.items() for ix in ddl.autoindexes(name, cols)}
    if indexes != wanted:
        extra = sorted(ix for ix, _ in indexes - wanted) or sorted(ix for ix, _ in wanted - indexes)
        raise draft_error("bad_schema", path, what=f"索引 {'、'.join(extra)} 与本程序建的不同")
    return version


def quick_check(con: sqlite3.Connection, path: Path) -> None:
    rows = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        err = draft_error("corrupt", path, why="数据库结构检查未通过")
        err.detail = "; ".join(str(r) for r in rows)  # for IT people / logs, not for the clerk
        raise err


_WHY = {
    "database disk image is malformed": "数据库结构损坏",
    "file is not a database": "文件内容不是有效的数据库",
    "disk I/O error": "磁盘读写出错，U 盘或网络盘可能已断开",
    "database or disk is full": "磁盘已满",
    "unable to open database file": "无法打开文件，U 盘或网络盘可能已断开",
    "attempt to write a readonly database": "文件是只读的",
    "database is locked": "文件被另一程序占用",
    "string or blob too big": "其中一项内容过大",
    "out of memory": "内存不足",
    "constraint failed": "内容有重复的标识或违反了约束",
}
# by SQLite's primary result code, when the text is not one of the above
_WHY_CODE = {
    3: "没有权限", 5: "文件被另一程序占用", 6: "文件被另一程序占用", 7: "内存不足", 8: "文件是只读的",
    10: "磁盘读写出错，U 盘或网络盘可能已断开", 11: "数据库结构损坏", 13: "磁盘已满",
    14: "无法打开文件，U 盘或网络盘可能已断开", 18: "其中一项内容过大", 19: "内容有重复的标识或违反了约束",
    23: "没有权限", 26: "文件内容不是有效的数据库",
}


def why(exc: BaseException) -> str:
    """Why SQLite (or the system) failed, in Chinese; the original words go to ``DraftError.detail``."""
    if isinstance(exc, OSError):
        return os_why(exc)
    text = str(exc)
    for en, zh in _WHY.items():
        if en in text:
            return zh
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _WHY_CODE:
        return _WHY_CODE[code & 0xFF]
    if isinstance(exc, MemoryError):
        return "内存不足"
    return "读写数据库时出错"


def translate(exc: BaseException, path: Path, writing: bool = False) -> DraftError:
    """A sqlite3 (or SQLAlchemy-wrapped) error as a DraftError naming the file; its text is in ``detail``."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, DraftError):
        return orig
    err = _translate(orig, path, writing)
    err.detail = f"{type(orig).__name__}: {orig}"
    return err


def _translate(orig: BaseException, path: Path, writing: bool) -> DraftError:
    text = str(orig)
    code = getattr(orig, "sqlite_errorcode", None)
    if code == 776 or "readonly rollback" in text.lower():  # SQLITE_READONLY_ROLLBACK
        return draft_error("readonly_recover", path)
    if "malformed" in text or "not a database" in text or "corrupt" in text.lower():
        return draft_error("corrupt", path, why=why(orig))
    if "locked" in text or "busy" in text:
        return draft_error("busy", path)
    if not path.parent.exists():
        return draft_error("missing_folder", path, folder=path.parent)
    if writing:
        return draft_error("write_failed", path, why=why(orig))
    return draft_error("unreadable", path, why=why(orig))
