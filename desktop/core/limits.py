"""How much one filled form may hold: the one place the limits are set (documented in docs/drafts.md).

A real form never comes near them (the largest sample has a few thousand
characters per text and a few hundred table rows); they exist so that a file
received from another unit cannot make the app freeze or run out of memory.
A draft or interchange file beyond them is refused with a message naming the
field, before the values are read into memory.
"""
from __future__ import annotations

import logging

from typing import Any, Callable, Iterator

FIELD_CHARS = 1_000_000  # characters in one value: a field, a table cell, a typed-over value, an explanation
NAME_CHARS = 200  # characters in one identifier: part, field, table, row or column id
TABLE_ROWS = 20_000  # data rows of one table in one part
PARTS = 1_000  # parts (projects) in one form
DOCUMENT_VALUES = 500_000  # values in one form, all parts and tables together
DOCUMENT_CHARS = 10_000_000  # characters in one form, all values together

# UTF-8 takes at most 4 bytes a character: SQLite is told to refuse (SQLITE_TOOBIG) any longer value
# while a draft is checked, so that no value beyond the limit is ever loaded whole.
FIELD_BYTES = 4 * FIELD_CHARS
# an interchange (.json) file larger than this cannot hold a form within the limits
JSON_BYTES = 8 * DOCUMENT_CHARS


def place(form: Any, *, field: str = "", table: str = "", row: int = 0, col: str = "", part: int = 0) -> str:
    """Where a value is, in the clerk's words: “项目概况”, “绩效指标”第 3 行“指标名称”.

    ``form``: the definition, or None when the file names a form this program does not know
    (the ids are shown then); ``row``: the 1-based row number, 0 for a fixed row or unknown;
    ``part``: the 1-based part number, shown for forms with several parts.
    """
    prefix = f"第 {part} 个{getattr(form, 'part_label', '项目')}的" if part and getattr(form, "multi", False) else ""
    if not table:
        f = getattr(form, "fields", {}).get(field) if form is not None else None
        return f"{prefix}“{short(f.label if f is not None else field)}”"
    t = getattr(form, "tables", {}).get(table) if form is not None else None
    title = t.title if t is not None else table
    label = col
    if t is not None and col in t.column_ids:
        label = t.column(col).label
    number = f"第 {row} 行" if row else ""
    return f"{prefix}“{short(title)}”{number}" + (f"“{short(label)}”" if col else "")


def short(name: str) -> str:
    """An identifier from a received file, shown in a message: at most 40 characters, one line."""
    name = " ".join(str(name).split())
    return name if len(name) <= 40 else name[:40] + "…"


def _override_place(form: Any, addr: str, n: int) -> str:
    from desktop.core.document import split_addr

    t, r, c = split_addr(addr)
    return "手工改写的" + (place(form, field=t, part=n) if r is None else place(form, table=t, col=c or "", part=n))


def form_or_none(form_id: str) -> Any:
    """The definition of ``form_id``, or None when this program does not know it."""
    try:
        from desktop.core.catalog import load_form

        return load_form(form_id)
    except Exception:  # noqa: BLE001 - an unknown or broken definition: name the ids instead
        logging.getLogger(__name__).info("表单 %s 的定义不可用，限额提示只写标识", form_id, exc_info=True)
        return None


def document_problem(doc: Any) -> str | None:
    """What in ``doc`` (a Document already in memory) is beyond the limits, in Chinese; None when nothing."""
    from desktop.core.errors import message

    form = form_or_none(doc.form_id)
    if len(doc.parts) > PARTS:
        return message("limit_parts", count=len(doc.parts), limit=PARTS)
    count = chars = 0
    for n, part in enumerate(doc.parts, 1):
        for where, value in _values(form, part, n):
            count += 1
            chars += len(value)
            if len(value) > FIELD_CHARS:
                return message("limit_value", where=where(), length=len(value), limit=FIELD_CHARS)
        for tid, rows in part.rows.items():
            if len(rows) > TABLE_ROWS:
                return message("limit_rows", where=place(form, table=tid, part=n), count=len(rows), limit=TABLE_ROWS)
    if count > DOCUMENT_VALUES:
        return message("limit_values", count=count, limit=DOCUMENT_VALUES)
    if chars > DOCUMENT_CHARS:
        return message("limit_chars", count=chars, limit=DOCUMENT_CHARS)
    return None


def _values(form: Any, part: Any, n: int) -> Iterator[tuple[Callable[[], str], str]]:
    """Every value of a part, with a function naming it (called only for the one refused)."""
    for fid, v in part.fields.items():
        yield (lambda fid=fid: place(form, field=fid, part=n)), v
    for tid, rows in part.rows.items():
        for i, row in enumerate(rows, 1):
            for cid, v in row.cells.items():
                yield (lambda tid=tid, i=i, cid=cid: place(form, table=tid, row=i, col=cid, part=n)), v
    for tid, fixed in part.fixed.items():
        for cells in fixed.values():
            for cid, v in cells.items():
                yield (lambda tid=tid, cid=cid: place(form, table=tid, col=cid, part=n)), v
    for addr, v in part.overrides.items():
        yield (lambda addr=addr: _override_place(form, addr, n)), v
    for key, v in part.explanations.items():
        yield (lambda: "一条说明"), v
