"""A draft's content checked against the limits (desktop/core/limits.py) in SQL, before it is read.

:func:`check_content` runs on the draft's own connection, inside the
transaction that then reads the document.  While it runs, SQLite is told to
refuse any value longer than :data:`~desktop.core.limits.FIELD_BYTES`
(``SQLITE_LIMIT_LENGTH``), so that a 300 MB text is never loaded: the query
fails at once with ``SQLITE_TOOBIG`` and a second pass, row by row, finds which
value it was in order to name it.  Everything the document reader later relies
on is checked here too: every value is text (not a BLOB), no row id contains
``/`` (it would break ``table/row/column`` addresses).
"""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from desktop.core import limits
from desktop.core.errors import message
from desktop.store.errors import DraftError, draft_error

# table -> (key columns, value column or None); names shown to the clerk come from the key columns
TABLES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "info": (("key",), "value"),
    "parts": (("id",), None),
    "part_tables": (("part_id", "kind", "tbl"), None),
    "field_values": (("part_id", "field"), "value"),
    "table_rows": (("part_id", "tbl", "row_id"), None),
    "cells": (("part_id", "tbl", "row_id", "col"), "value"),
    "fixed_cells": (("part_id", "tbl", "row_id", "col"), "value"),
    "overrides": (("part_id", "addr"), "value"),
    "explanations": (("part_id", "problem"), "text"),
    # the list of 版本 (its content is checked when one is opened: Draft.snapshot_document)
    "snapshots": (("taken", "reason", "content_hash"), "label"),
}
VALUE_TABLES = ("field_values", "cells", "fixed_cells", "overrides", "explanations")
LONG_KEYS = ("addr", "problem")  # an address or "check@address": a few identifiers long
ROW_IDS = ("table_rows", "cells", "fixed_cells")


def key_limit(col: str) -> int:
    return 4 * limits.NAME_CHARS if col in LONG_KEYS else limits.NAME_CHARS


def _bad(table: str) -> str:
    """An SQL condition true for a row beyond the limits (or not text) in ``table``."""
    keys, value = TABLES[table]
    terms = [f"typeof({k}) != 'text' OR length({k}) > {key_limit(k)}" for k in keys]
    if value:
        terms.append(f"typeof({value}) != 'text' OR length({value}) > {limits.FIELD_CHARS}")
    if table in ROW_IDS:
        terms.append("row_id = '' OR instr(row_id, '/') > 0")
    return " OR ".join(terms)


@contextlib.contextmanager
def capped(con: sqlite3.Connection, size: int) -> Iterator[None]:
    """SQLite refuses (SQLITE_TOOBIG) to load any value longer than ``size`` bytes meanwhile."""
    before = con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, size)
    try:
        yield
    finally:
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, before)


def too_big(exc: BaseException) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_TOOBIG


def check_content(con: sqlite3.Connection, path: Path) -> None:
    """Refuse (DraftError 'too_big' / 'bad_value') a draft beyond the limits; reads no value whole."""
    with capped(con, limits.FIELD_BYTES + 64):
        form = limits.form_or_none(_scalar(con, "SELECT value FROM info WHERE key = 'form'") or "")
        for table in TABLES:
            try:
                clean = con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table} WHERE {_bad(table)})").fetchone()[0]
            except sqlite3.DataError as exc:
                if not too_big(exc):
                    raise
                clean = False
            if not clean:
                raise _locate(con, path, form, table)
        _check_counts(con, path, form)


def _scalar(con: sqlite3.Connection, sql: str, *args: Any) -> Any:
    try:
        row = con.execute(sql, args).fetchone()
    except sqlite3.DataError as exc:
        if not too_big(exc):
            raise
        return None
    return row[0] if row else None


def _locate(con: sqlite3.Connection, path: Path, form: Any, table: str) -> DraftError:
    """The first row of ``table`` the fast check refused, named: one pass in rowid order, then (after
    SQLITE_TOOBIG, which stops the pass near the row too long to load) row by row from there."""
    last = -(2 ** 63)
    try:
        for rowid, bad in con.execute(f"SELECT rowid, {_bad(table)} FROM {table} ORDER BY rowid"):
            if bad:
                return _describe(con, path, form, table, rowid, huge=False)
            last = rowid
    except sqlite3.DataError as exc:
        if not too_big(exc):
            raise
    rowids = [r for (r,) in con.execute(f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid", (last,))]
    for rowid in rowids:
        try:
            bad = con.execute(f"SELECT {_bad(table)} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()[0]
        except sqlite3.DataError as exc:
            if not too_big(exc):
                raise
            return _describe(con, path, form, table, rowid, huge=True)
        if bad:
            return _describe(con, path, form, table, rowid, huge=False)
    return draft_error("bad_value", path, why=_table_name(table))  # pragma: no cover - the fast check said otherwise


def _describe(con: sqlite3.Connection, path: Path, form: Any, table: str, rowid: int, huge: bool) -> DraftError:
    keys, value = TABLES[table]
    names: dict[str, str] = {}
    for k in keys:
        kind = _scalar(con, f"SELECT typeof({k}) FROM {table} WHERE rowid = ?", rowid)
        if kind != "text":
            return draft_error("bad_value", path, why=message("name_not_text", where=_table_name(table),
                                                              kind=KINDS.get(kind, kind)))
        size = _scalar(con, f"SELECT length({k}) FROM {table} WHERE rowid = ?", rowid)
        if size is None or size > key_limit(k):
            return draft_error("too_big", path, why=message("limit_name", where=_table_name(table),
                                                            limit=key_limit(k)))
        names[k] = _scalar(con, f"SELECT {k} FROM {table} WHERE rowid = ?", rowid)
    if table in ROW_IDS and ("/" in names["row_id"] or not names["row_id"]):
        where = limits.place(form, table=names["tbl"], part=_part_number(con, names["part_id"]))
        return draft_error("bad_value", path, why=message("bad_row_id", where=where, row=names["row_id"]))
    where = _where(con, form, table, names)
    kind = _scalar(con, f"SELECT typeof({value}) FROM {table} WHERE rowid = ?", rowid)
    if kind != "text":
        return draft_error("bad_value", path, why=message("not_text", where=where, kind=KINDS.get(kind, kind)))
    if huge:
        size = _blob_size(con, table, value or "", rowid)
        return draft_error("too_big", path, why=message("limit_value_bytes", where=where, size=size,
                                                         limit=limits.FIELD_CHARS))
    length = _scalar(con, f"SELECT length({value}) FROM {table} WHERE rowid = ?", rowid)
    return draft_error("too_big", path, why=message("limit_value", where=where, length=length,
                                                     limit=limits.FIELD_CHARS))


KINDS = {"blob": "二进制数据", "null": "空值", "integer": "整数", "real": "小数"}


def _blob_size(con: sqlite3.Connection, table: str, column: str, rowid: int) -> int | str:
    """The value's size in bytes, without reading it."""
    try:
        with con.blobopen(table, column, rowid, readonly=True) as blob:
            return len(blob)
    except sqlite3.Error:
        return "很多"


def _table_name(table: str) -> str:
    return {"info": "草稿信息", "parts": "项目列表", "snapshots": "版本列表"}.get(table, "草稿内容")


def _where(con: sqlite3.Connection, form: Any, table: str, names: dict[str, str]) -> str:
    """The clerk's name for a row of ``table`` whose keys are ``names``."""
    if table == "info":
        return f"草稿信息“{limits.short(names['key'])}”"
    if table in ("parts", "snapshots"):
        return _table_name(table)
    part = _part_number(con, names["part_id"])
    if table == "field_values":
        return limits.place(form, field=names["field"], part=part)
    if table in ("overrides", "explanations"):
        what = "手工改写的值" if table == "overrides" else "一条说明"
        return (f"第 {part} 个{getattr(form, 'part_label', '项目')}的" if part and getattr(form, "multi", False)
                else "") + what
    row = 0
    if table in ("cells", "table_rows"):
        pos = _scalar(con, "SELECT count(*) FROM table_rows WHERE part_id = ? AND tbl = ? AND position < "
                      "(SELECT position FROM table_rows WHERE part_id = ? AND tbl = ? AND row_id = ?)",
                      names["part_id"], names["tbl"], names["part_id"], names["tbl"], names["row_id"])
        row = (pos or 0) + 1
    return limits.place(form, table=names["tbl"], row=row, col=names.get("col", ""), part=part)


def _part_number(con: sqlite3.Connection, pid: str) -> int:
    pos = _scalar(con, "SELECT count(*) FROM parts WHERE position < (SELECT position FROM parts WHERE id = ?)", pid)
    return (pos or 0) + 1


def _check_counts(con: sqlite3.Connection, path: Path, form: Any) -> None:
    parts = _scalar(con, "SELECT count(*) FROM parts")
    if parts > limits.PARTS:
        raise draft_error("too_big", path, why=message("limit_parts", count=parts, limit=limits.PARTS))
    many = con.execute("SELECT part_id, tbl, count(*) FROM table_rows GROUP BY part_id, tbl "
                       "HAVING count(*) > ? LIMIT 1", (limits.TABLE_ROWS,)).fetchone()
    if many is not None:
        where = limits.place(form, table=many[1], part=_part_number(con, many[0]))
        raise draft_error("too_big", path, why=message("limit_rows", where=where, count=many[2],
                                                        limit=limits.TABLE_ROWS))
    values = sum(_scalar(con, f"SELECT count(*) FROM {t}") for t in VALUE_TABLES)
    if values > limits.DOCUMENT_VALUES:
        raise draft_error("too_big", path, why=message("limit_values", count=values, limit=limits.DOCUMENT_VALUES))
    chars = 0
    for t in VALUE_TABLES:
        chars += int(_scalar(con, f"SELECT total(length({TABLES[t][1]})) FROM {t}"))
        if chars > limits.DOCUMENT_CHARS:
            raise draft_error("too_big", path, why=message("limit_chars", count=chars, limit=limits.DOCUMENT_CHARS))
