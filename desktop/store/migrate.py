"""Schema versions of the draft file and the chain of migrations between them.

The version is ``PRAGMA user_version``.  A draft made by an older app is
migrated when it is opened for writing, after a backup copy
``name.jxd.bak-v<old>`` is written beside it; the whole chain runs in one
transaction (a failure leaves the file as it was).  A draft opened read-only
is migrated in a copy in memory and the file is not touched.

Migrations are written in plain SQL against the file as it was then — never
through the current models — so that they stay correct as the models move on.

* v1 — the first schema (``V1_DDL``).
* v2 — snapshots get ``reason``, ``revision`` and ``content_hash``; ``info``
  gets ``revision``, ``draft_id`` and the search keys (title, unit, year, project).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Callable

from desktop.core.document import Document
from desktop.core.errors import os_why
from desktop.store import sqlite as lite
from desktop.store.errors import draft_error
from desktop.core.hashing import document_hash
from desktop.store.layout import APPLICATION_ID, SCHEMA_VERSION
from desktop.store.meta import meta_spec, search_meta

V1_DDL = [
    "CREATE TABLE info (key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key))",
    "CREATE TABLE parts (id TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (id))",
    "CREATE TABLE part_tables (part_id TEXT NOT NULL, kind TEXT NOT NULL, tbl TEXT NOT NULL, "
    "PRIMARY KEY (part_id, kind, tbl))",
    "CREATE TABLE field_values (part_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, "
    "PRIMARY KEY (part_id, field))",
    "CREATE TABLE table_rows (part_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, "
    "position INTEGER NOT NULL, PRIMARY KEY (part_id, tbl, row_id))",
    "CREATE TABLE cells (part_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, col TEXT NOT NULL, "
    "value TEXT NOT NULL, PRIMARY KEY (part_id, tbl, row_id, col))",
    "CREATE TABLE fixed_cells (part_id TEXT NOT NULL, tbl TEXT NOT NULL, row_id TEXT NOT NULL, col TEXT NOT NULL, "
    "value TEXT NOT NULL, PRIMARY KEY (part_id, tbl, row_id, col))",
    "CREATE TABLE overrides (part_id TEXT NOT NULL, addr TEXT NOT NULL, value TEXT NOT NULL, "
    "PRIMARY KEY (part_id, addr))",
    "CREATE TABLE explanations (part_id TEXT NOT NULL, problem TEXT NOT NULL, text TEXT NOT NULL, "
    "PRIMARY KEY (part_id, problem))",
    "CREATE TABLE snapshots (id INTEGER NOT NULL, taken TEXT NOT NULL, label TEXT NOT NULL, content TEXT NOT NULL, "
    "PRIMARY KEY (id))",
    f"PRAGMA application_id={APPLICATION_ID}",
    "PRAGMA user_version=1",
]


def _v1_to_v2(con: sqlite3.Connection) -> None:
    con.execute("ALTER TABLE snapshots ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
    con.execute("ALTER TABLE snapshots ADD COLUMN revision INTEGER NOT NULL DEFAULT '0'")
    con.execute("ALTER TABLE snapshots ADD COLUMN content_hash TEXT NOT NULL DEFAULT ''")
    con.execute("UPDATE snapshots SET reason = 'manual'")
    for sid, content in con.execute("SELECT id, content FROM snapshots").fetchall():
        try:
            h = document_hash(Document.from_dict(json.loads(content)))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            h = ""
        con.execute("UPDATE snapshots SET content_hash = ? WHERE id = ?", (h, sid))
    con.execute("INSERT OR IGNORE INTO info (key, value) VALUES ('revision', '0')")
    con.execute("INSERT OR IGNORE INTO info (key, value) VALUES ('draft_id', ?)", (uuid.uuid4().hex,))
    row = con.execute("SELECT value FROM info WHERE key = 'form'").fetchone()
    spec = meta_spec(row[0]) if row else None
    if spec is not None:
        fields = sorted(spec.fields)
        parts: dict[str, dict[str, str]] = {pid: {} for (pid,) in con.execute("SELECT id FROM parts ORDER BY position")}
        marks = ",".join("?" * len(fields))
        for pid, fid, value in con.execute(
                f"SELECT part_id, field, value FROM field_values WHERE field IN ({marks})", fields):
            if pid in parts:
                parts[pid][fid] = value
        con.executemany("INSERT OR REPLACE INTO info (key, value) VALUES (?, ?)",
                        list(search_meta(spec, list(parts.values())).items()))


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2}


def migrate(con: sqlite3.Connection, version: int, path: Path) -> None:
    """Bring the connected draft from ``version`` to the current one, in one transaction."""
    con.execute("BEGIN IMMEDIATE")
    try:
        for v in range(version, SCHEMA_VERSION):
            STEPS[v](con)
        con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    lite.check_schema(con, path)


def backup_path(path: Path, version: int) -> Path:
    base = path.with_name(f"{path.name}.bak-v{version}")
    candidate, n = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


def backup_file(path: Path, version: int) -> Path:
    dst = backup_path(path, version)
    shutil.copyfile(path, dst)
    with open(dst, "rb+") as fh:
        os.fsync(fh.fileno())
    return dst


def migrate_file(path: Path, version: int) -> Path:
    """Back up, then migrate the draft file in place (the caller holds its lock).  Returns the backup."""
    try:
        backup = backup_file(path, version)
    except OSError as exc:
        raise draft_error("write_failed", path, why=os_why(exc)) from None
    con = lite.connect(path, "rw")
    try:
        lite.check_schema(con, path)
        lite.set_durability(con)
        migrate(con, version, path)
    except sqlite3.Error as exc:
        raise draft_error("migrate_failed", path, old=version, new=SCHEMA_VERSION, why=lite.why(exc),
                          backup=backup.name) from None
    finally:
        con.close()
    return backup


def migrated_copy(path: Path, version: int, immutable: bool = False) -> sqlite3.Connection:
    """An in-memory copy of an old draft, migrated; the file is only read."""
    src = lite.connect(path, "ro", immutable=immutable)
    try:
        lite.check_schema(src, path)
        mem = lite.connect(":memory:", "memory")
        src.backup(mem)
    finally:
        src.close()
    migrate(mem, version, path)
    return mem
