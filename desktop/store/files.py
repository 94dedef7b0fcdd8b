"""The draft file as a whole: checks before opening, and writing a new one.

No SQLAlchemy at import; :func:`build` imports it when a draft is made.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from desktop import osfiles
from desktop.core.document import Document
from desktop.store import sqlite as lite
from desktop.store.errors import DraftError, draft_error
from desktop.store.layout import APPLICATION_ID, FORMAT, SCHEMA_VERSION


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("jixiao")
    except Exception:
        return "0"


def version_key(v: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in v.replace("-", ".").split("."))


def newer_form(doc: Document) -> str | None:
    """The definition version this program has, when the draft was filled in a newer one."""
    try:
        from desktop.core.catalog import load_form

        known = load_form(doc.form_id).version
    except Exception:  # unknown form: the engine says so when the draft is shown
        return None
    if doc.form_version and known and version_key(doc.form_version) > version_key(known):
        return known
    return None


def writable_problem(path: Path) -> str | None:
    """'readonly_file' / 'readonly_folder' when the draft cannot be written here."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.access(path, os.W_OK) or not st.st_mode & 0o222:
        return "readonly_file"
    if not os.access(path.parent, os.W_OK):
        return "readonly_folder"
    return None


def probe(path: Path) -> None:
    if path.is_dir():
        raise draft_error("is_folder", path)
    if not path.exists():
        raise lite.missing(path)


def validate(path: Path) -> int:
    """Check a draft file before using it; returns its schema version.  Reads only (but see hot journals)."""
    if lite.has_hot_journal(path):
        # the last writer stopped mid-transaction: SQLite rolls the journal back on first read
        if writable_problem(path):
            raise draft_error("readonly_recover", path)
        mode = "rw"
    else:
        lite.check_header(path, lite.inspect_header(path))
        mode = "ro"
    try:
        con = lite.connect(path, mode)
    except sqlite3.Error as exc:
        raise lite.translate(exc, path) from None
    try:
        version = lite.check_schema(con, path)
        lite.quick_check(con, path)
    except sqlite3.Error as exc:
        raise lite.translate(exc, path) from None
    finally:
        con.close()
    if mode == "rw":
        lite.check_header(path, lite.inspect_header(path))
    return version


def build(path: Path, document: Document) -> None:
    """Write a complete new draft to a temporary file, then move it into place."""
    from desktop.store import content, schema
    from desktop.store.engine import make_engine

    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    try:
        engine = make_engine(tmp, check=False)
        try:
            con = lite.connect(tmp, "rwc")
            con.close()
            with engine.connect() as conn:
                with conn.begin():
                    schema.metadata.create_all(conn)
                    conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                    conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
                    stamp = content.now()
                    content.write_info(conn, {"format": FORMAT, "draft_id": uuid.uuid4().hex, "created": stamp,
                                              "modified": stamp, "revision": "0", "app_version": app_version()})
                    content.write_document(conn, document)
        finally:
            engine.dispose()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if path.exists():
            raise draft_error("exists", path)
        osfiles.replace(tmp, path)
        fsync_dir(path.parent)
    except DraftError:
        raise
    except sqlite3.IntegrityError as exc:
        raise DraftError(f"文件内容有重复的标识，无法保存为草稿（{exc}）", "bad_content", path) from None
    except Exception as exc:
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.IntegrityError):
            raise DraftError(f"文件内容有重复的标识，无法保存为草稿（{orig}）", "bad_content", path) from None
        raise lite.translate(exc, path, writing=True) from None
    finally:
        for leftover in (tmp, lite.journal_path(tmp)):
            try:
                leftover.unlink()
            except OSError:
                pass


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
