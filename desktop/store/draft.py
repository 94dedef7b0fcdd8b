"""A draft: one ``.jxd`` SQLite file per filled form, written as the clerk types.

Usage by the app::

    draft = Draft.open(path)                # or Draft.create(path, doc)
    state = draft.state()                   # DocumentState over draft.document
    ps = state.parts[0]
    ps.set_value(addr, raw); draft.set_value(ps.part.id, addr, raw)   # one transaction each

``Draft.document`` is the document as read when the draft was opened; the
app's :class:`~desktop.core.engine.DocumentState` edits it in memory and each
edit method here commits the same change to the file.  If a commit fails
(drive removed, disk full) the error says so and further edits are refused
until :meth:`replace_document` has written the whole document again.

SQLAlchemy is imported here only inside methods, by the first write: opening and reading a
draft use the sqlite3 connection alone (``content_read``).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from desktop.core.document import Document, Part
from desktop.store import files, prefetch
from desktop.store import sqlite as lite
from desktop.core.errors import message
from desktop.store.errors import DraftError, draft_error
from desktop.core.hashing import document_hash
from desktop.store.layout import SCHEMA_VERSION
from desktop.store.lock import DraftLock

log = logging.getLogger(__name__)

SUFFIX = ".jxd"
AUTO_REASONS = ("export", "print")
REASONS = {"manual": "手工保存", "export": "导出", "print": "打印", "restore": "恢复前自动保存",
           "import": "导入", "migrate": "升级前"}


@dataclass(frozen=True)
class Snapshot:
    id: int
    taken: str
    reason: str
    label: str
    revision: int
    content_hash: str

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)


class Draft:
    """An open draft file (see the module docstring)."""

    def __init__(self, path: Path, raw: Any, readonly: bool, lock: DraftLock | None, notice: str = ""):
        self.path = path
        self.readonly = readonly
        self.notice = notice  # e.g. why it was opened read-only, for the status bar
        self.backup: Path | None = None  # the backup made before a migration
        self._raw = raw  # the sqlite3 connection, ready (lite.open_draft)
        self._engine: Any = None
        self._sa: Any = None  # the SQLAlchemy connection over it, made by the first write (see _conn)
        self._lock = lock
        self._out_of_step = False
        self.closed = False
        from desktop.store import bounds, content_read

        try:
            with lite.transaction(raw, readonly):
                bounds.check_content(raw, path)
                self.info = content_read.read_info(raw)
                self.document: Document = content_read.read_document(raw)
        except Exception as exc:
            self.close()
            raise lite.translate(exc, path) from None
        self.form_id = self.document.form_id
        newer = files.newer_form(self.document)
        if newer:
            self.close()
            raise draft_error("newer_form", path, version=self.document.form_version, known=newer)
        self._part_ids = [p.id for p in self.document.parts]
        try:
            self.revision = int(self.info.get("revision", "0"))
        except ValueError:
            self.revision = 0

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> "Draft":
        """Open a draft; raises :class:`DraftLocked` when it is open for writing elsewhere.

        A file or folder that cannot be written opens read-only, with ``notice`` saying so.
        """
        path = Path(path)
        files.probe(path)
        notice = ""
        if not readonly:
            problem = files.writable_problem(path)
            if problem:
                readonly, notice = True, message(problem, name=path.name)
        checked = files.validate(path, readonly)
        notice = "；".join(n for n in (notice, checked.notice) if n)
        lock = None
        if not readonly:
            try:
                lock = DraftLock.acquire(path)
            except DraftError as exc:
                if exc.key not in ("readonly_folder", "lock_failed"):  # a full disk: read-only, said why
                    raise
                readonly, notice = True, exc.text
        try:
            return cls._connect(path, checked, readonly, lock, notice)
        except BaseException:
            if lock is not None:
                lock.release()
            if checked.memory is not None:
                checked.memory.close()
            raise

    @classmethod
    def _connect(cls, path: Path, checked: "files.Checked", readonly: bool, lock: DraftLock | None,
                 notice: str) -> "Draft":
        from desktop.store import migrate

        backup = None
        memory = checked.memory
        try:
            if checked.version < SCHEMA_VERSION:
                if memory is not None:
                    migrate.migrate(memory, checked.version, path)
                elif readonly:
                    memory = migrate.migrated_copy(path, checked.version, immutable=checked.immutable)
                else:
                    backup = migrate.migrate_file(path, checked.version)
            raw = lite.open_draft(path, readonly=readonly, connection=memory, immutable=checked.immutable)
        except DraftError:
            raise
        except Exception as exc:
            raise lite.translate(exc, path) from None
        draft = cls(path, raw, readonly, lock, notice)
        draft.backup = backup
        return draft

    @classmethod
    def create(cls, path: str | Path, document: Document) -> "Draft":
        """Write ``document`` into a new draft file (``.jxd`` added if missing) and open it."""
        path = Path(path)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        if not path.parent.is_dir():
            raise draft_error("missing_folder", path, folder=path.parent)
        if path.exists():
            raise draft_error("exists", path)
        lock = DraftLock.acquire(path)
        try:
            if path.exists():
                raise draft_error("exists", path)
            files.build(path, document)
            return cls._connect(path, files.Checked(SCHEMA_VERSION), False, lock, "")
        except BaseException:
            lock.release()
            raise

    # ------------------------------------------------------------------ life
    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if self._sa is not None:
                self._sa.close()
                self._engine.dispose()
            self._raw.close()
        except Exception:  # noqa: BLE001 - closing goes on: the lock below must be released
            log.warning("草稿 %s 关闭数据库连接时出错", self.path, exc_info=True)
        if self._lock is not None:
            self._lock.release()

    @property
    def _conn(self) -> Any:
        """The SQLAlchemy connection over the draft's sqlite3 connection, made on first use (the first
        write or snapshot): opening and reading a draft import no SQLAlchemy."""
        if self._sa is None:
            prefetch.wait()  # started by expect_write: the imports below are done (or fail) on one thread only
            from desktop.store.connection import make_engine

            self._engine = make_engine(self.path, readonly=self.readonly, connection=self._raw, check=False)
            self._sa = self._engine.connect()
        return self._sa

    def expect_write(self) -> None:
        """The clerk has begun to edit and a write will follow: start importing what it needs (SQLAlchemy,
        the writers) on a background thread, so that the write does not wait for it."""
        if self._sa is None and not self.readonly and not self.closed:
            prefetch.start()

    @property
    def _content(self) -> Any:
        from desktop.store import content

        return content

    def __enter__(self) -> "Draft":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load_document(self) -> Document:
        """The document as it is in the file now."""
        from desktop.store.content_read import read_document

        return self._read(read_document, plain=True)

    def state(self, form: Any = None, missing_glyphs: Any = None):
        """A DocumentState over ``self.document`` (``missing_glyphs``: the print font's check, default the
        bundled font); what the engine adds to a new document (initial table rows, default values) is
        written to the draft at once."""
        from desktop.core.catalog import form_for
        from desktop.core.engine import DocumentState

        before = self.document.to_dict()
        extra = {} if missing_glyphs is None else {"missing_glyphs": missing_glyphs}
        state = DocumentState(form or form_for(self.document), self.document, **extra)
        if not self.readonly and self.document.to_dict() != before:
            self.replace_document(self.document)
        return state

    # ------------------------------------------------------------------ transactions
    def _read(self, fn: Callable[..., Any], *args: Any, plain: bool = False) -> Any:
        """``fn(connection, *args)`` in one transaction; ``plain``: on the sqlite3 connection (a reader of
        ``content_read``, no SQLAlchemy needed)."""
        if self.closed:
            raise draft_error("closed", self.path)
        try:
            if plain:
                with lite.transaction(self._raw, self.readonly):
                    return fn(self._raw, *args)
            with self._conn.begin():
                return fn(self._conn, *args)
        except DraftError:
            raise
        except Exception as exc:
            raise lite.translate(exc, self.path) from None

    def _write(self, fn: Callable[..., Any], *args: Any, resync: bool = False, bump: bool = True) -> Any:
        if self.closed:
            raise draft_error("closed", self.path)
        if self.readonly:
            raise draft_error("readonly_edit", self.path)
        if self._out_of_step and not resync:
            raise draft_error("out_of_step", self.path)
        assert self._lock is not None
        try:
            self._lock.verify()
            with self._conn.begin():
                result = fn(self._conn, *args)
                if bump:
                    self._content.touch(self._conn, self.revision + 1)
        except DraftError as exc:
            if exc.key != "lock_lost":
                self._out_of_step = True
            raise
        except Exception as exc:
            self._out_of_step = True
            raise lite.translate(exc, self.path, writing=True) from None
        if bump:
            self.revision += 1
        self._out_of_step = False if resync else self._out_of_step
        return result

    @property
    def draft_id(self) -> str:
        """A random id given when the draft was made; copies of the file share it."""
        return self.info.get("draft_id", "")

    @property
    def out_of_step(self) -> bool:
        """True after a failed commit: call :meth:`replace_document` with the document on screen."""
        return self._out_of_step

    # ------------------------------------------------------------------ edits (mirror the engine)
    def set_value(self, part_id: str, addr: str, raw: str) -> None:
        # the part ids are known while we hold the lock: saves a query on the commonest edit
        if part_id not in self._part_ids:
            self._write(self._content.set_value, self.form_id, part_id, addr, raw)
        else:
            self._write(self._content.set_value, self.form_id, part_id, addr, raw, part_id == self._part_ids[0])

    def set_override(self, part_id: str, addr: str, raw: str | None) -> None:
        self._write(self._content.set_override, part_id, addr, raw)

    def set_explanation(self, part_id: str, key: str, text: str | None) -> None:
        self._write(self._content.set_explanation, part_id, key, text)

    def insert_row(self, part_id: str, table: str, row_id: str, index: int | None,
                   cells: dict[str, str] | None = None) -> None:
        self._write(self._content.insert_row, part_id, table, row_id, index, dict(cells or {}))

    def remove_row(self, part_id: str, table: str, row_id: str) -> None:
        self._write(self._content.remove_row, part_id, table, row_id)

    def move_row(self, part_id: str, table: str, row_id: str, index: int) -> None:
        self._write(self._content.move_row, part_id, table, row_id, index)

    def add_part(self, index: int | None, part: Part) -> None:
        self._write(self._content.add_part, self.form_id, index, part)
        self._part_ids.insert(len(self._part_ids) if index is None else index, part.id)

    def remove_part(self, part_id: str) -> None:
        self._write(self._content.remove_part, self.form_id, part_id)
        self._part_ids.remove(part_id)

    def move_part(self, part_id: str, index: int) -> None:
        self._write(self._content.move_part, self.form_id, part_id, index)
        self._part_ids.remove(part_id)
        self._part_ids.insert(index, part_id)

    def set_meta(self, meta: dict[str, str]) -> None:
        self._write(self._content.set_meta, meta)

    def replace_document(self, doc: Document) -> None:
        """Write the whole document (bulk changes, undo of them, restore, resync after a failure)."""
        self._write(self._content.write_document, doc, resync=True)
        self.document = doc
        self.form_id = doc.form_id
        self._part_ids = [p.id for p in doc.parts]

    # ------------------------------------------------------------------ snapshots (版本)
    def snapshot(self, reason: str = "manual", label: str = "") -> int:
        """Keep the current content as a 版本; an automatic one identical to the last is not repeated."""
        return self._write(self._snapshot, reason, label, bump=False)

    def _snapshot(self, conn: Any, reason: str, label: str) -> int:
        from sqlalchemy import select

        from desktop.store import schema as T

        c = self._content
        doc = c.read_document(conn)
        h = document_hash(doc)
        if reason in AUTO_REASONS:
            last = conn.execute(select(T.snapshots.c.id, T.snapshots.c.content_hash)
                                .order_by(T.snapshots.c.id.desc()).limit(1)).first()
            if last is not None and last[1] == h:
                return int(last[0])
        content = json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":"))
        result = conn.execute(T.snapshots.insert(), {"taken": c.now(), "reason": reason, "label": label,
                                                     "revision": self.revision, "content_hash": h,
                                                     "content": content})
        return int(result.inserted_primary_key[0])

    def snapshots(self) -> list[Snapshot]:
        """Newest first."""
        def q(conn: Any) -> list[Snapshot]:
            from sqlalchemy import select

            from desktop.store import schema as T

            s = T.snapshots.c
            rows = conn.execute(select(s.id, s.taken, s.reason, s.label, s.revision, s.content_hash)
                                .order_by(s.id.desc()))
            return [Snapshot(int(r[0]), r[1], r[2], r[3], int(r[4]), r[5]) for r in rows]

        return self._read(q)

    def snapshot_document(self, snapshot_id: int) -> Document:
        def q(conn: Any) -> Document:
            from sqlalchemy import select

            from desktop.store import schema as T

            from desktop.core import limits
            from desktop.core.errors import JixiaoError
            from desktop.core.interchange import document_from_json, parse_json
            from desktop.store.bounds import capped, too_big

            try:
                with capped(conn.connection.driver_connection, limits.JSON_BYTES):
                    raw = conn.execute(select(T.snapshots.c.content).where(T.snapshots.c.id == snapshot_id)).scalar()
            except Exception as exc:
                if too_big(getattr(exc, "orig", exc)):
                    raise draft_error("too_big", self.path, why=f"版本 {snapshot_id} 过大") from None
                raise
            if raw is None:
                raise draft_error("no_snapshot", self.path, id=snapshot_id)
            try:
                doc = document_from_json(parse_json(raw))
            except JixiaoError as exc:
                raise draft_error("bad_value", self.path, why=f"版本 {snapshot_id}：{exc.text}") from None
            problem = limits.document_problem(doc)
            if problem:
                raise draft_error("too_big", self.path, why=f"版本 {snapshot_id}：{problem}")
            return doc

        return self._read(q)

    def restore_snapshot(self, snapshot_id: int) -> Document:
        """Make the draft's content that of a snapshot; the current content is kept as a snapshot first."""
        doc = self.snapshot_document(snapshot_id)

        def both(conn: Any) -> None:
            self._snapshot(conn, "restore", f"恢复版本 {snapshot_id} 之前")
            self._content.write_document(conn, doc)

        self._write(both, resync=True)
        self.document = doc
        self.form_id = doc.form_id
        self._part_ids = [p.id for p in doc.parts]
        return doc

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the content in the file (see hashing.document_hash)."""
        return document_hash(self.load_document())

    def search_meta(self) -> dict[str, str]:
        from desktop.store.content_read import read_info

        info = self._read(read_info, plain=True)
        return {k: info.get(k, "") for k in ("title", "unit", "year", "project")}


def read_draft_document(path: str | Path) -> Document:
    """The document in a draft, opened read-only (for check / pdf / xlsx on a draft).

    A notice (e.g. a journal beside the file that was not used) is logged as a
    warning: on the command line it reaches stderr."""
    with Draft.open(path, readonly=True) as draft:
        if draft.notice:
            logging.getLogger("jixiao.notice").warning(draft.notice)
        return draft.document


def create_draft_from_document(path: str | Path, doc: Document) -> None:
    Draft.create(path, doc).close()
