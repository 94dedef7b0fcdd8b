"""Checks with nothing to check yet: shown quietly (未填) on a new draft.

A check reads cells, directly or through the computed values in between (a 权重合计 = 100 check reads the
total, which reads every row's 权重 and the list of rows).  When every cell it reads still holds what a new
document of the form starts with (empty, or the form's own initial rows and defaults) and the clerk has typed
into none of them in this session, its 错误 or 提示 says nothing about the clerk's work yet: the window shows
it as 未填 until 全部检查 or an export.  As soon as one of those cells is typed into, it shows normally.

Keys are the dependency graph's (:mod:`desktop.core.graph`): ``('F', field)``, ``('C', table, column)``,
``('X', table, row, column)``, ``('N', table)``; within a row check's own row, ``(table, column)``.
No Qt; the session (:mod:`desktop.session`) keeps what was touched and asks :meth:`QuietChecks.quiet`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

from desktop.core.document import cell_addr, split_addr

if TYPE_CHECKING:  # pragma: no cover
    from desktop.core.definition import Check, FormDef
    from desktop.core.engine import PartState, Problem

Key = tuple


@dataclass(frozen=True)
class Reads:
    """Every input a check's problem depends on: cells of its own row and everything else."""

    row: str | None  # the data row of a row check (None: a check of the whole form)
    cols: frozenset  # (table, column) read within ``row``
    keys: frozenset  # graph keys read from the whole part


class QuietChecks:
    """What each check of ``form`` reads (worked out once per check) and whether it reads only untouched,
    empty inputs in a part."""

    def __init__(self, form: "FormDef", year: str | None = None):
        self.form = form
        self._producers: dict[Key, list[Any]] = {}
        for node in form.nodes:
            for key in node.produces:
                self._producers.setdefault(key, []).append(node)
        self._checks = {c.id: c for c in form.checks}
        self._row_checks = {(t.id, c.id): c for t in form.tables.values() for c in t.row_checks}
        self._closures: dict[tuple[int, str | None], tuple[frozenset, frozenset]] = {}
        year_field = form.meta.get("year")
        self._start_fields = {f.id: {"", str(f.default or "")} for f in form.fields.values()}
        if year_field in self._start_fields and form.year:  # a new draft starts with the form's own year
            self._start_fields[year_field].add(str(form.year))
        self._memo: dict[Any, bool] = {}

    # ------------------------------------------------------------------ what a problem reads
    def reads(self, ps: "PartState", problem: "Problem") -> Reads | None:
        """The inputs of the check that made ``problem``; None for problems of typed values (a bad number,
        a range, a missing glyph) and for checks this definition does not have."""
        t, r, _c = split_addr(problem.addr) if problem.addr else ("", None, None)
        chk = self._row_checks.get((t, problem.check)) if r is not None else None
        if chk is not None:
            if r in ps.part.fixed.get(t, {}):  # a table without repeating rows: its rows are fixed rows
                return Reads(None, *self._closure(ps, chk, r))
            return Reads(r, *self._closure(ps, chk, ""))
        chk = self._checks.get(problem.check)
        if chk is None:
            return None
        return Reads(None, *self._closure(ps, chk, None))

    def _closure(self, ps: "PartState", chk: "Check", row: str | None) -> tuple[frozenset, frozenset]:
        """``row``: None for a check of the form, "" for a row check in a data row, else the fixed row."""
        cached = self._closures.get((id(chk), row))
        if cached is None:
            row_deps, global_deps = ps.check_reads(chk)
            if row:
                cached = self._expand([], global_deps | {("X", t, row, c) for t, c in row_deps})
            else:
                cached = self._expand([("R", t, c) for t, c in row_deps] if row == "" else [], global_deps)
            self._closures[(id(chk), row)] = cached
        return cached

    def _expand(self, row_keys: Iterable[Key], keys: Iterable[Key]) -> tuple[frozenset, frozenset]:
        """Follow computed values back to the inputs; keeps the computed keys too (they can be overridden)."""
        cols: set[tuple[str, str]] = set()
        seen: set[Key] = set()
        todo: list[tuple[bool, Key]] = [(True, k) for k in row_keys] + [(False, k) for k in keys]
        while todo:
            in_row, key = todo.pop()
            if key[0] == "R" and not in_row:
                key = ("C", key[1], key[2])  # a column read outside a row is read as a whole
            if in_row:
                if (key[1], key[2]) in cols:
                    continue
                cols.add((key[1], key[2]))
            elif key in seen:
                continue
            else:
                seen.add(key)
            for node in self._producers.get(key, ()):
                if node.kind == "column":
                    if not in_row and key[0] == "X":  # the column's formula filling a fixed row
                        todo += [(False, ("X", key[1], key[2], c)) for _t, c in node.row_deps]
                    else:
                        todo += [(in_row, ("R", t, c)) for t, c in node.row_deps]
                    todo += [(False, k) for k in node.global_deps]
                elif not in_row:
                    todo += [(False, k) for k in node.deps]
        return frozenset(cols), frozenset(seen)

    def reads_any(self, ps: "PartState", problem: "Problem", keys: set[Key]) -> bool:
        """Whether ``problem``'s check reads one of ``keys`` (as :func:`keys_of` gives them)."""
        reads = self.reads(ps, problem)
        if reads is None:
            return False
        if not keys.isdisjoint(reads.keys):
            return True
        return reads.row is not None and any(("A", cell_addr(t, reads.row, c)) in keys for t, c in reads.cols)

    # ------------------------------------------------------------------ quiet or not
    def forget(self) -> None:
        """The part changed: what was worked out about its inputs is stale."""
        self._memo.clear()

    def quiet(self, ps: "PartState", problem: "Problem", touched: Callable[[Key], bool]) -> bool:
        """Whether ``problem`` comes from a check whose inputs are all untouched (``touched(key)``; a row
        check's own row cells are asked as ``('A', address)``) and hold what a new document starts with."""
        reads = self.reads(ps, problem)
        if reads is None:
            return False
        if any(touched(k) for k in reads.keys):
            return False
        if reads.row is not None:
            if any(touched(("A", cell_addr(t, reads.row, c))) for t, c in reads.cols):
                return False
            if not all(self._start_cell(ps, t, reads.row, c) for t, c in reads.cols):
                return False
        return all(self._pristine(ps, k) for k in reads.keys)

    def _pristine(self, ps: "PartState", key: Key) -> bool:
        memo = (id(ps), key)
        found = self._memo.get(memo)
        if found is None:
            found = self._memo[memo] = self._is_pristine(ps, key)
        return found

    def _is_pristine(self, ps: "PartState", key: Key) -> bool:
        kind = key[0]
        if kind == "F":
            return key[1] not in ps.part.overrides and ps.raw(key[1]).strip() in self._start_fields.get(key[1], {""})
        if kind == "N":
            t = self.form.tables[key[1]]
            return not t.repeat or len(ps.data_rows(t.id)) == max(len(t.initial_rows), t.min_rows)
        if kind == "X":
            addr = cell_addr(key[1], key[2], key[3])
            return addr not in ps.part.overrides and not ps.raw(addr).strip()
        if kind == "C":
            return all(self._start_cell(ps, key[1], rid, key[2]) for rid in ps.display_rows(key[1]))
        return True

    def _start_cell(self, ps: "PartState", tid: str, rid: str, cid: str) -> bool:
        """The cell holds what a new document has there and is not typed over."""
        addr = cell_addr(tid, rid, cid)
        if addr in ps.part.overrides:
            return False
        raw = ps.raw(addr).strip()
        if not raw:
            return True
        t = self.form.tables[tid]
        if not t.initial_rows or rid in ps.part.fixed.get(tid, {}):
            return False
        index = self._positions(ps, tid).get(rid, len(t.initial_rows))
        return index < len(t.initial_rows) and raw == str(t.initial_rows[index].get(cid, "")).strip()

    def _positions(self, ps: "PartState", tid: str) -> dict[str, int]:
        memo = (id(ps), "positions", tid)
        found = self._memo.get(memo)
        if found is None:
            found = self._memo[memo] = {rid: i for i, rid in enumerate(ps.data_rows(tid))}
        return found  # type: ignore[return-value]


def keys_of(form: "FormDef", ps: "PartState", addr: str) -> set[Key]:
    """The keys an edit of the cell at ``addr`` touches (a row cell: its column and its own address)."""
    t, r, c = split_addr(addr)
    if r is None:
        return {("F", t)}
    if r in ps.part.fixed.get(t, {}):
        keys: set[Key] = {("X", t, r, c)}
        if r in form.tables[t].data_fixed_ids:
            keys.add(("C", t, c))
        return keys
    return {("C", t, c), ("A", addr)}
