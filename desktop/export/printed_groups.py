"""Groups in a printed table: the rows of one group together, equal group cells merged (the paper's 类别,
一级/二级指标), and the fields that sum a table's columns printed as its last row.  Part of the printed model
(:mod:`desktop.export.printed_model`); the window uses :func:`column_totals` too."""
from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.definition import Field, FormDef, Table
from desktop.core.document import cell_addr
from desktop.core.engine import PartState
from desktop.core.expr import Call, Ref, parse

if TYPE_CHECKING:
    from desktop.export.printed_model import PrintedRow


def in_group_order(ps: PartState, t: Table) -> list[str]:
    """The table's rows as printed: the clerk's order, except that the rows of one group (一级, then 二级
    within it) print together, where the first of them stands — on paper a group is one block.  A group
    cell left empty belongs to the group of the row above it."""
    rows = ps.display_rows(t.id)
    if not (t.repeat and t.groups):
        return rows
    data = set(ps.data_rows(t.id))
    keys: dict[tuple[str, ...], int] = {}  # a group path (一级, 二级 …) -> where its first row stands
    order: dict[str, tuple[int, ...]] = {}
    path: list[str] = []
    for rid in (r for r in rows if r in data):
        texts = [ps.raw(cell_addr(t.id, rid, g)).strip() for g in t.groups]
        inherit = True
        for k, text in enumerate(texts):
            inherit = inherit and not text and k < len(path)
            texts[k] = path[k] if inherit else text
        path = texts
        order[rid] = tuple(keys.setdefault(tuple(texts[:k + 1]), len(keys)) for k in range(len(texts)))
    placed = iter(sorted(order, key=order.__getitem__))  # sorted() is stable: the clerk's order within a group
    return [next(placed) if r in data else r for r in rows]


def merged_up(paths: list[tuple[str, ...]]) -> list[list[bool]]:
    """For each row's group cells (一级, 二级 …, outermost first; empty where a row has none), whether each
    merges with the cell above: equal consecutive group cells merge (the paper's 类别, 一级指标), a
    nested one (二级指标) only where every group cell left of it does too, an empty one never.  The printed
    model and the window's spans both follow this."""
    out: list[list[bool]] = []
    prev: tuple[str, ...] = ()
    for path in paths:
        out.append([all(path[:k + 1]) and path[:k + 1] == prev[:k + 1] for k in range(len(path))])
        prev = path
    return out


def merge_groups(rows: list[PrintedRow], gis: list[int]) -> None:
    """The group cells of printed rows, centred labels merged as :func:`merged_up` says; a row without a
    group label (合计, 总分) belongs to no group."""
    flags = merged_up([tuple(row.cells[gi].text for gi in gis) for row in rows])
    for row, merged in zip(rows, flags):
        for gi, up in zip(gis, merged):
            g = row.cells[gi]
            g.align = "center"
            g.kind = "label" if g.kind != "none" else g.kind
            g.merge_up = up
        row.group = row.cells[gis[0]].text or None


def total_columns(sums: list[tuple[Field, str]], index: dict[str, int]) -> tuple[int, list[tuple[int, Field | None]]]:
    """Where a table's totals row puts the fields summing its columns (``index``: column id → position):
    the first column with a total (合计 spans those before it), and from there each column's field or None."""
    under = {index[cid]: f for f, cid in sums if cid in index}
    first = min(under, default=len(index))
    return first, [(col, under.get(col)) for col in range(first, len(index))]


def column_totals(form: FormDef) -> dict[str, tuple[str, list[tuple[Field, str]]]]:
    """Sections of fields that each sum one printed column of one table (``sum(indicators.weight)``),
    by that table's id: (the section's id, [(field, summed column)]).  Printed as the table's last row."""
    out: dict[str, tuple[str, list[tuple[Field, str]]]] = {}
    for s in form.sections:
        fields = s.fields
        if s.kind != "fields" or not fields or not all(f.print and not f.hidden for f in fields):
            continue  # a section with anything else in it prints as it is
        sums = [_summed_column(f) for f in fields]
        tables = {ref[0] for ref in sums if ref is not None}
        if len(tables) != 1 or any(ref is None for ref in sums) or len(sums) != len(set(sums)):
            continue
        tid = tables.pop()
        printed = {c.id for c in form.tables[tid].columns if c.print} if tid in form.tables else set()
        if tid not in out and all(ref is not None and ref[1] in printed for ref in sums):  # none lost
            out[tid] = (s.id, [(f, ref[1]) for f, ref in zip(fields, sums) if ref is not None])
    return out


def _summed_column(f: Field) -> tuple[str, str] | None:
    """(table, column) of a field whose formula is ``sum(table.column)``, else None."""
    if not f.formula:
        return None
    node = parse(f.formula)  # parsed once already when the definition loaded
    if isinstance(node, Call) and node.name == "sum" and len(node.args) == 1:
        ref = node.args[0]
        if isinstance(ref, Ref) and ref.row is None and ref.col is not None:
            return ref.name, ref.col
    return None
