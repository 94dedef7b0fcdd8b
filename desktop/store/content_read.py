"""Reading a draft's whole content: plain SQL on the sqlite3 connection, no SQLAlchemy.

Opening a draft only reads it, so the window comes up without importing
SQLAlchemy (18 MB of the window's memory and a third of a second); SQLAlchemy is
loaded by the first write (:attr:`desktop.store.draft.Draft._conn`).  These run in the
caller's transaction; given a SQLAlchemy connection they use the sqlite3 connection
under it.  The tables are those of :mod:`desktop.store.schema`.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from desktop.core.document import Document, Part, Row


def _db(conn: Any) -> sqlite3.Connection:
    """The sqlite3 connection (under a SQLAlchemy ``Connection`` when given one)."""
    return conn.connection.driver_connection if hasattr(conn, "exec_driver_sql") else conn


def read_info(conn: Any) -> dict[str, str]:
    return {k: v for k, v in _db(conn).execute("SELECT key, value FROM info")}


def read_document(conn: Any) -> Document:
    db = _db(conn)
    info = read_info(db)
    doc = Document(info.get("form", ""), info.get("form_version", ""), meta=json_dict(info.get("doc_meta")))
    parts: dict[str, Part] = {}
    for (pid,) in db.execute("SELECT id FROM parts ORDER BY position"):
        parts[pid] = Part(id=pid)
    doc.parts = list(parts.values())
    for pid, kind, tbl in db.execute("SELECT part_id, kind, tbl FROM part_tables ORDER BY rowid"):
        if pid in parts:
            if kind == "rows":
                parts[pid].rows.setdefault(tbl, [])
            else:
                parts[pid].fixed.setdefault(tbl, {})
    for pid, fid, value in db.execute("SELECT part_id, field, value FROM field_values ORDER BY rowid"):
        if pid in parts:
            parts[pid].fields[fid] = value
    rows: dict[tuple[str, str, str], Row] = {}
    for pid, tbl, rid in db.execute("SELECT part_id, tbl, row_id FROM table_rows ORDER BY part_id, tbl, position"):
        if pid in parts:
            row = rows[(pid, tbl, rid)] = Row(rid)
            parts[pid].rows.setdefault(tbl, []).append(row)
    for pid, tbl, rid, col, value in db.execute("SELECT part_id, tbl, row_id, col, value FROM cells ORDER BY rowid"):
        row = rows.get((pid, tbl, rid))
        if row is not None:
            row.cells[col] = value
    for pid, tbl, rid, col, value in db.execute(
            "SELECT part_id, tbl, row_id, col, value FROM fixed_cells ORDER BY rowid"):
        if pid in parts:
            parts[pid].fixed.setdefault(tbl, {}).setdefault(rid, {})[col] = value
    for pid, addr, value in db.execute("SELECT part_id, addr, value FROM overrides ORDER BY rowid"):
        if pid in parts:
            parts[pid].overrides[addr] = value
    for pid, key, value in db.execute("SELECT part_id, problem, text FROM explanations ORDER BY rowid"):
        if pid in parts:
            parts[pid].explanations[key] = value
    return doc


def json_dict(raw: str | None) -> dict[str, str]:
    try:
        data = json.loads(raw or "{}")
    except (ValueError, RecursionError):  # not JSON, or nested too deep: the draft opens without its meta
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
