"""The recompute wave: after an edit, the computed values that read something changed are evaluated again.

Graph nodes (:class:`~desktop.core.graph.GraphNode`) are visited in dependency order and a node runs only when
something it reads changed: a column formula only for the rows that changed, unless something outside the row
changed.  A value that comes out the same stops the wave.  The checks run last, in the same way
(:mod:`desktop.core.engine.checks`).
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any, Iterable

from desktop.core.change import Change
from desktop.core.definition import Level, Source
from desktop.core.document import cell_addr, split_addr
from desktop.core.errors import message
from desktop.core.expr import BAD, truth
from desktop.core.graph import GraphNode
from desktop.core.types import Percent
from desktop.core.engine.base import RATE_SENSE, Problem, addr_of, key_of
from desktop.core.engine.recording import MISSING, same_value


class Wave:
    """What one recompute wave has changed so far.

    ``changed_keys``: the graph keys whose value changed as a whole — ``('F', field)``, ``('C', table, column)``,
    ``('X', table, row, column)``, ``('N', table)`` (see :mod:`desktop.core.graph`).  ``changed_rows``: per
    ``(table, column)``, the ids of the rows whose cell changed, for formulas that read within their row."""

    __slots__ = ("changed_keys", "changed_rows")

    def __init__(self, changed_keys: set | None = None,
                 changed_rows: dict[tuple[str, str], set[str]] | None = None) -> None:
        self.changed_keys: set = set() if changed_keys is None else changed_keys
        self.changed_rows: dict[tuple[str, str], set[str]] = {} if changed_rows is None else changed_rows

    def rows_hit(self, row_deps: frozenset) -> set[str]:
        """The changed rows of the columns in ``row_deps``."""
        hit: set[str] = set()
        for dep in row_deps:
            hit |= self.changed_rows.get(dep, set())
        return hit


class WaveMixin:
    """Part of :class:`~desktop.core.engine.PartState`: full evaluation and the recompute wave."""

    def recompute_all(self) -> Change:
        """Evaluate everything again (after the definition or the document changed behind the engine)."""
        self._recompute_all()
        return Change(part_ids={self.part.id}, everything=True)

    def _recompute_all(self) -> None:
        self.values.clear()
        self.computed.clear()
        self.problems.clear()
        self.memo.clear()
        for fid, f in self.form.fields.items():
            if not f.computed:
                self.values[fid] = self._read_input(fid, self.part.fields.get(fid, ""))
        for t in self.form.tables.values():
            for rid in self.display_rows(t.id):
                for c in t.columns:
                    addr = cell_addr(t.id, rid, c.id)
                    kind, detail = t.cell_formula(rid, c.id)
                    if kind == Source.INPUT or (kind == Source.COLUMN and c.compiled_input_when is not None):
                        self.values[(t.id, rid, c.id)] = self._read_input(addr, self.raw(addr))
                    elif kind == Source.LABEL:
                        self.values[(t.id, rid, c.id)] = detail
        for addr, raw in list(self.part.overrides.items()):
            try:
                overridable = self.overridable(addr)
            except (KeyError, ValueError):
                overridable = False
            if overridable:
                self._apply_override(addr, raw, None)
            else:  # a stale override (the definition changed): kept in the file, not applied
                continue
        for node in self.form.nodes:
            if node.kind == "column":
                for rid in self._column_rows(node):
                    self._eval_column(node, rid, None)
            else:
                self._eval_node(node, None)
        for addr in self.part.overrides:
            if key_of(addr) in self.computed:
                self._override_problem(addr)
        self._run_checks(None)

    def _column_rows(self, node: GraphNode) -> list[str]:
        assert node.table is not None
        t = self.form.tables[node.table]
        rows = [r.id for r in self.part.rows.get(t.id, [])] if t.repeat else []
        return rows + list(node.covered_fixed)

    def _emit(self, key: Any, wave: Wave | None) -> None:
        """The value at ``key`` changed: what reads it runs in this wave (none while evaluating everything)."""
        if wave is None:
            return
        if isinstance(key, str):
            wave.changed_keys.add(("F", key))
            return
        t, r, c = key
        table = self.form.tables[t]
        wave.changed_rows.setdefault((t, c), set()).add(r)
        if r in self.part.fixed.get(t, {}):
            wave.changed_keys.add(("X", t, r, c))
            if r in table.data_fixed_ids:
                wave.changed_keys.add(("C", t, c))
        else:
            wave.changed_keys.add(("C", t, c))

    def _set_result(self, key: Any, value: Any, wave: Wave | None) -> None:
        addr = addr_of(key)
        if addr in self.part.overrides:
            old_computed = self.computed.get(key)
            self._store_computed(key, value)
            if not same_value(old_computed, value):
                self._override_problem(addr)
            return
        if not same_value(self.values.get(key, MISSING), value) or key not in self.values:
            self._store_value(key, value)
            self._emit(key, wave)
            if isinstance(value, Decimal) and not RATE_SENSE[0] <= value <= RATE_SENSE[1]:
                self._rate_sense(addr, value)
            elif ("rate", addr) in self.problems:
                self._drop(("rate", addr))

    def _rate_sense(self, addr: str, value: Decimal) -> None:
        """A computed rate far outside sense (到位率 −12 500 %): an 错误 naming the cells it comes from."""
        field = self.field_def(addr)
        if not isinstance(field.type, Percent):
            return
        t, r, _ = split_addr(addr)
        sources = []
        for dep in sorted(field.compiled.deps if field.compiled else (), key=str):
            if dep[0] == "F":
                sources.append(self.describe(dep[1]))
            elif dep[0] == "R" and r is not None:
                sources.append(self.describe(cell_addr(dep[1], r, dep[2])))
        self._put(Problem("rate", Level.ERROR, addr, message(
            "rate_nonsense", rate=replace(field.type, sign=True).format(value),
            sources="、".join(sources) or "它所依据的数")))

    def _eval_node(self, node: GraphNode, wave: Wave | None) -> None:
        if node.kind == "field":
            self._set_result(node.col, node.compiled(self, None), wave)
            return
        assert node.table is not None and node.row is not None
        key = (node.table, node.row, node.col)
        if node.kind == "cell":
            value = node.compiled(self, (node.table, node.row))
        else:
            rows = self.data_rows(node.table) if node.sum_rows == "data" else node.sum_rows
            value = _sum(self.values.get((node.table, r, node.col)) for r in rows)
        self._set_result(key, value, wave)

    def _eval_column(self, node: GraphNode, rid: str, wave: Wave | None) -> None:
        assert node.table is not None
        key = (node.table, rid, node.col)
        row = (node.table, rid)
        if node.input_when is not None and truth(node.input_when(self, row)):
            # this row's cell is typed by the clerk
            value = self._read_input(cell_addr(*key), self.raw(cell_addr(*key)))
            self._pop_computed(key)
            if not same_value(self.values.get(key, MISSING), value):
                self._store_value(key, value)
                self._emit(key, wave)
            return
        if node.input_when is not None:
            addr = cell_addr(*key)
            for k in ("read", "required", "range"):
                self._drop((k, addr))
        self._set_result(key, node.compiled(self, row), wave)

    def _propagate(self, wave: Wave) -> None:
        """Run every node that reads something the wave changed, in dependency order, then the checks."""
        if self._defer:
            self._deferred = True
            return
        self.memo.clear()
        changed_keys = wave.changed_keys
        for node in self.form.nodes:
            if node.kind == "column":
                if not node.global_deps.isdisjoint(changed_keys):
                    rows: Iterable[str] = self._column_rows(node)
                else:
                    hit = wave.rows_hit(node.row_deps)
                    if not hit:
                        continue
                    eligible = self._column_rows(node)
                    rows = [r for r in eligible if r in hit]
                for rid in rows:
                    self._eval_column(node, rid, wave)
            elif not node.global_deps.isdisjoint(changed_keys):
                self._eval_node(node, wave)
        self._run_checks(wave)


def _sum(values: Iterable[Any]) -> Any:
    acc = None
    for v in values:
        if v is None or v == "":
            continue
        if v is BAD or not isinstance(v, Decimal):
            return BAD
        acc = v if acc is None else acc + v
    return acc
