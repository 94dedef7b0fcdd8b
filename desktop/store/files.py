"""The draft file as a whole: checks before opening, and writing a new one.

No SQLAlchemy at import; :func:`build` imports it when a draft is made.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from desktop import osfiles
from desktop.core.document import Document
from desktop.store import sqlite as lite
from desktop.core.errors import message
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
    """Refuse a folder, a missing file, or anything but a regular file (a pipe would never answer)."""
    if path.is_dir():
        raise draft_error("is_folder", path)
    if not path.exists():
        raise lite.missing(path)
    lite.require_regular(path)


@dataclass
class Checked:
    """What :func:`validate` found: the schema version, a notice for the clerk, and for
    read-only use of a draft with a hot journal, the privately recovered copy to read instead."""

    version: int
    notice: str = ""
    memory: sqlite3.Connection | None = None
    immutable: bool = False  # read the file with SQLite ignoring the untrusted journal beside it


def validate(path: Path, readonly: bool = False) -> Checked:
    """Check a draft file before using it.  Never lets SQLite replay or delete anything for a
    read-only use; for writing, replays a journal only after :func:`lite.inspect_journal` passed it."""
    header = lite.inspect_header(path)
    journal = lite.inspect_journal(path, header.page_size)
    if journal is not None and journal.problem:
        if not readonly:
            raise draft_error("bad_journal", path, journal=journal.path.name, why=journal.problem)
        lite.check_header(path, header)
        notice = message("journal_ignored", name=path.name, journal=journal.path.name, why=journal.problem)
        return Checked(_checked_version(path, "ro", immutable=True), notice, immutable=True)
    if journal is None:
        lite.check_header(path, header)
        return Checked(_checked_version(path, "ro"))
    # a genuine hot journal: the last writer stopped mid-transaction
    notice = message("journal_recovered", name=path.name, journal=journal.path.name)
    if readonly or writable_problem(path):
        if not readonly:
            raise draft_error("readonly_recover", path)
        try:
            memory = lite.recovered_copy(path)
        except (OSError, sqlite3.Error) as exc:
            raise lite.translate(exc, path) from None
        try:
            version = lite.check_schema(memory, path)
            lite.quick_check(memory, path)
        except BaseException:
            memory.close()
            raise
        return Checked(version, notice, memory)
    version = _checked_version(path, "rw")  # SQLite rolls the checked journal back here
    lite.check_header(path, lite.inspect_header(path))
    return Checked(version)


def _checked_version(path: Path, mode: str, immutable: bool = False) -> int:
    try:
        con = lite.connect(path, mode, immutable=immutable)
    except sqlite3.Error as exc:
        raise lite.translate(exc, path) from None
    try:
        version = lite.check_schema(con, path)
        lite.quick_check(con, path)
    except sqlite3.Error as exc:
        raise lite.translate(exc, path) from None
    finally:
        con.close()
    return version


def build(path: Path, document: Document) -> None:
    """Write a complete new draft to a temporary file, then move it into place."""
    from desktop.store import prefetch

    prefetch.wait()  # a prefetch under way imports what is below: on one thread at a time
    from desktop.store import content, schema
    from desktop.store.connection import make_engine

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
    except Exception as exc:
        orig = getattr(exc, "orig", None) or exc
        if isinstance(orig, sqlite3.IntegrityError):
            err = draft_error("bad_content", path)
            err.detail = str(orig)
            raise err from None
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
