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


def merge_groups(rows: list[PrintedRow], gis: list[int]) -> None:
    """Equal consecutive group cells (the paper's 类别, 一级指标) merge; a nested group cell (二级指标)
    merges only where every group cell left of it does too; a row without a group label (合计, 总分)
    belongs to no group."""
    prev: list[str | None] = [None] * len(gis)
    for row in rows:
        same = True
        for k, gi in enumerate(gis):
            g = row.cells[gi]
            g.align = "center"
            g.kind = "label" if g.kind != "none" else g.kind
            text = g.text or None
            same = same and text is not None and text == prev[k]
            g.merge_up = same
            prev[k] = text
        row.group = row.cells[gis[0]].text or None


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
