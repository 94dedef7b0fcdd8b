"""Writing a document's content with SQLAlchemy Core (reading it is :mod:`desktop.store.content_read`,
plain SQL: opening a draft needs no SQLAlchemy).

Every function takes an open :class:`sqlalchemy.Connection` inside a
transaction the caller owns; :class:`desktop.store.draft.Draft` wraps each
edit in its own transaction.  The edits mirror
:class:`desktop.core.engine.PartState` / ``DocumentState`` exactly, so that a
draft read back equals the document the engine holds in memory.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert

from desktop.core.document import Document, Part, split_addr
from desktop.store import schema as T
from desktop.core.errors import Code
from desktop.store.content_read import read_document, read_info  # noqa: F401 - part of this module's API
from desktop.store.errors import draft_error
from desktop.store.meta import meta_spec, search_meta

log = logging.getLogger(__name__)



def now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def _upsert(table, keys: tuple[str, ...], value: str = "value"):
    ins = insert(table)
    return ins.on_conflict_do_update(index_elements=list(keys), set_={value: ins.excluded[value]})


class _Statements:
    """Statements built once; SQLAlchemy caches their compiled form."""

    def __init__(self) -> None:
        self.info = _upsert(T.info, ("key",))
        self.field = _upsert(T.field_values, ("part_id", "field"))
        self.cell = _upsert(T.cells, ("part_id", "tbl", "row_id", "col"))
        self.fixed = _upsert(T.fixed_cells, ("part_id", "tbl", "row_id", "col"))
        self.override = _upsert(T.overrides, ("part_id", "addr"))
        self.explanation = _upsert(T.explanations, ("part_id", "problem"), "text")
        self.register = insert(T.part_tables).on_conflict_do_nothing()
        r = T.table_rows.c
        self.row_exists = select(r.position).where(r.part_id == _p("pid"), r.tbl == _p("tbl"), r.row_id == _p("rid"))
        self.part_exists = select(T.parts.c.position).where(T.parts.c.id == _p("pid"))


def _p(name: str):
    from sqlalchemy import bindparam

    return bindparam(name)


_S: _Statements | None = None


def S() -> _Statements:
    global _S
    if _S is None:
        _S = _Statements()
    return _S


# ---------------------------------------------------------------------------------- whole documents
def write_info(conn: Connection, values: dict[str, str]) -> None:
    if values:
        conn.execute(S().info, [{"key": k, "value": str(v)} for k, v in values.items()])


def insert_part(conn: Connection, part: Part, position: int) -> None:
    pid = part.id
    conn.execute(T.parts.insert(), {"id": pid, "position": position})
    _many(conn, T.part_tables.insert(), [{"part_id": pid, "kind": "rows", "tbl": t} for t in part.rows]
          + [{"part_id": pid, "kind": "fixed", "tbl": t} for t in part.fixed])
    _many(conn, T.field_values.insert(), [{"part_id": pid, "field": k, "value": v} for k, v in part.fields.items()])
    _many(conn, T.table_rows.insert(), [{"part_id": pid, "tbl": t, "row_id": row.id, "position": i}
                                        for t, rows in part.rows.items() for i, row in enumerate(rows)])
    _many(conn, T.cells.insert(), [{"part_id": pid, "tbl": t, "row_id": row.id, "col": c, "value": v}
                                   for t, rows in part.rows.items() for row in rows for c, v in row.cells.items()])
    _many(conn, T.fixed_cells.insert(), [{"part_id": pid, "tbl": t, "row_id": rid, "col": c, "value": v}
                                         for t, rows in part.fixed.items() for rid, cs in rows.items()
                                         for c, v in cs.items()])
    _many(conn, T.overrides.insert(), [{"part_id": pid, "addr": k, "value": v} for k, v in part.overrides.items()])
    _many(conn, T.explanations.insert(), [{"part_id": pid, "problem": k, "text": v}
                                          for k, v in part.explanations.items()])


def _many(conn: Connection, stmt, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(stmt, rows)


def write_document(conn: Connection, doc: Document) -> None:
    """Replace all content with ``doc`` (info keys form, form_version, doc_meta and the search keys too)."""
    for table in T.CONTENT:
        conn.execute(delete(table))
    write_info(conn, {"form": doc.form_id, "form_version": doc.form_version,
                      "doc_meta": json.dumps(doc.meta, ensure_ascii=False)})
    for i, part in enumerate(doc.parts):
        insert_part(conn, part, i)
    refresh_search(conn, doc.form_id)


def touch(conn: Connection, revision: int) -> None:
    conn.execute(S().info, [{"key": "revision", "value": str(revision)}, {"key": "modified", "value": now()}])


def refresh_search(conn: Connection, form_id: str) -> None:
    spec = meta_spec(form_id)
    if spec is None:
        return
    fids = sorted(spec.fields)
    by_part: dict[str, dict[str, str]] = {}
    for (pid,) in conn.execute(select(T.parts.c.id).order_by(T.parts.c.position)):
        by_part[pid] = {}
    f = T.field_values.c
    for pid, fid, value in conn.execute(select(f.part_id, f.field, f.value).where(f.field.in_(fids))):
        if pid in by_part:
            by_part[pid][fid] = value
    write_info(conn, search_meta(spec, list(by_part.values())))


# ---------------------------------------------------------------------------------- edits
def _need_part(conn: Connection, pid: str) -> None:
    if conn.execute(S().part_exists, {"pid": pid}).first() is None:
        raise draft_error(Code.NO_PART, conn.info.get("path"), part=pid)


def set_value(conn: Connection, form_id: str, pid: str, addr: str, raw: str, first: bool | None = None) -> None:
    """``first``: whether ``pid`` is the first part, when the caller knows (saves a query)."""
    if first is None:
        _need_part(conn, pid)
    t, r, c = split_addr(addr)
    if r is None:
        conn.execute(S().field, {"part_id": pid, "field": t, "value": raw})
        spec = meta_spec(form_id)
        if spec is not None and t in spec.fields:
            if spec.multi and t == spec.name:
                refresh_search(conn, form_id)
            elif first if first is not None else _is_first(conn, pid):
                write_info(conn, {k: raw.strip() for k in ("unit", "year", "project") if getattr(spec, k) == t})
        return
    key = {"part_id": pid, "tbl": t, "row_id": r, "col": c, "value": raw}
    if conn.execute(S().row_exists, {"pid": pid, "tbl": t, "rid": r}).first() is not None:
        conn.execute(S().cell, key)
        return
    if _is_data_row(form_id, t, r):
        # a data row the engine made (initial rows) before the draft knew it: keep it, at the end
        insert_row(conn, pid, t, r, None, {c or "": raw})
        return
    conn.execute(S().register, {"part_id": pid, "kind": "fixed", "tbl": t})
    conn.execute(S().fixed, key)


def _is_first(conn: Connection, pid: str) -> bool:
    return conn.execute(select(T.parts.c.id).order_by(T.parts.c.position).limit(1)).scalar() == pid


def _is_data_row(form_id: str, tid: str, rid: str) -> bool:
    try:
        from desktop.core.catalog import load_form

        table = load_form(form_id).tables.get(tid)
    except Exception:  # noqa: BLE001 - unknown or broken definition: treat the table as fixed
        log.warning("表单 %s 的定义无法读取，按固定行处理“%s”", form_id, tid, exc_info=True)
        return False
    return bool(table is not None and table.repeat and rid not in {fr.id for fr in table.fixed_rows})


def set_override(conn: Connection, pid: str, addr: str, raw: str | None) -> None:
    _need_part(conn, pid)
    if raw is None:
        conn.execute(delete(T.overrides).where(T.overrides.c.part_id == pid, T.overrides.c.addr == addr))
    else:
        conn.execute(S().override, {"part_id": pid, "addr": addr, "value": raw})


def set_explanation(conn: Connection, pid: str, key: str, value: str | None) -> None:
    _need_part(conn, pid)
    if value and value.strip():
        conn.execute(S().explanation, {"part_id": pid, "problem": key, "text": value})
    else:
        e = T.explanations.c
        conn.execute(delete(T.explanations).where(e.part_id == pid, e.problem == key))


def _row_ids(conn: Connection, pid: str, tbl: str) -> list[str]:
    r = T.table_rows.c
    return [x for (x,) in conn.execute(select(r.row_id).where(r.part_id == pid, r.tbl == tbl).order_by(r.position))]


def _renumber_rows(conn: Connection, pid: str, tbl: str, old: list[str], new: list[str]) -> None:
    before = {rid: i for i, rid in enumerate(old)}
    changed = [{"p": pid, "t": tbl, "r": rid, "pos": i} for i, rid in enumerate(new) if before.get(rid) != i]
    if changed:
        r = T.table_rows.c
        stmt = (update(T.table_rows).where(r.part_id == _p("p"), r.tbl == _p("t"), r.row_id == _p("r"))
                .values(position=_p("pos")))
        conn.execute(stmt, changed)


def insert_row(conn: Connection, pid: str, tbl: str, rid: str, index: int | None, cells: dict[str, str]) -> None:
    _need_part(conn, pid)
    r = T.table_rows.c
    n = conn.execute(select(func.count()).where(r.part_id == pid, r.tbl == tbl)).scalar_one()
    at = n if index is None else max(0, min(index, n))
    if at < n:
        conn.execute(update(T.table_rows).where(r.part_id == pid, r.tbl == tbl, r.position >= at)
                     .values(position=r.position + 1))
    conn.execute(S().register, {"part_id": pid, "kind": "rows", "tbl": tbl})
    conn.execute(T.table_rows.insert(), {"part_id": pid, "tbl": tbl, "row_id": rid, "position": at})
    _many(conn, T.cells.insert(), [{"part_id": pid, "tbl": tbl, "row_id": rid, "col": c, "value": v}
                                   for c, v in cells.items()])


def remove_row(conn: Connection, pid: str, tbl: str, rid: str) -> None:
    _need_part(conn, pid)
    r = T.table_rows.c
    conn.execute(S().register, {"part_id": pid, "kind": "rows", "tbl": tbl})  # as the engine: rows[tbl] exists now
    pos = conn.execute(S().row_exists, {"pid": pid, "tbl": tbl, "rid": rid}).scalar()
    if pos is None:
        return  # the engine ignores it too
    conn.execute(delete(T.table_rows).where(r.part_id == pid, r.tbl == tbl, r.row_id == rid))
    c = T.cells.c
    conn.execute(delete(T.cells).where(c.part_id == pid, c.tbl == tbl, c.row_id == rid))
    prefix = f"{tbl}/{rid}/"
    o = T.overrides.c
    conn.execute(delete(T.overrides).where(o.part_id == pid, func.substr(o.addr, 1, len(prefix)) == prefix))
    conn.execute(update(T.table_rows).where(r.part_id == pid, r.tbl == tbl, r.position > pos)
                 .values(position=r.position - 1))


def move_row(conn: Connection, pid: str, tbl: str, rid: str, index: int) -> None:
    _need_part(conn, pid)
    old = _row_ids(conn, pid, tbl)
    if rid not in old:
        raise draft_error(Code.NO_ROW, conn.info.get("path"), table=tbl, row=rid)
    new = [x for x in old if x != rid]
    new.insert(max(0, min(index, len(new))), rid)
    _renumber_rows(conn, pid, tbl, old, new)


def _part_ids(conn: Connection) -> list[str]:
    return [x for (x,) in conn.execute(select(T.parts.c.id).order_by(T.parts.c.position))]


def _renumber_parts(conn: Connection, before: dict[str, int], new: list[str]) -> None:
    changed = [{"i": pid, "pos": i} for i, pid in enumerate(new) if before.get(pid) != i]
    if changed:
        conn.execute(update(T.parts).where(T.parts.c.id == _p("i")).values(position=_p("pos")), changed)


def add_part(conn: Connection, form_id: str, index: int | None, part: Part) -> None:
    old = _part_ids(conn)
    new = list(old)
    new.insert(len(new) if index is None else index, part.id)
    # place it past the end first, then renumber everybody to the list order
    insert_part(conn, part, len(old))
    before = {pid: i for i, pid in enumerate(old)}
    before[part.id] = len(old)
    _renumber_parts(conn, before, new)
    refresh_search(conn, form_id)


def remove_part(conn: Connection, form_id: str, pid: str) -> None:
    _need_part(conn, pid)
    old = _part_ids(conn)
    for table in T.CONTENT:
        col = table.c.id if table is T.parts else table.c.part_id
        conn.execute(delete(table).where(col == pid))
    _renumber_parts(conn, {x: i for i, x in enumerate(old)}, [x for x in old if x != pid])
    refresh_search(conn, form_id)


def move_part(conn: Connection, form_id: str, pid: str, index: int) -> None:
    _need_part(conn, pid)
    old = _part_ids(conn)
    new = [x for x in old if x != pid]
    new.insert(index, pid)
    _renumber_parts(conn, {x: i for i, x in enumerate(old)}, new)
    refresh_search(conn, form_id)


def set_meta(conn: Connection, meta: dict[str, str]) -> None:
    write_info(conn, {"doc_meta": json.dumps({str(k): str(v) for k, v in meta.items()}, ensure_ascii=False)})
