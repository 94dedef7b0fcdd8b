"""The live state of a filled form: typed values, computed values and problems.

:class:`PartState` keeps one part (project) of a document evaluated.  Every
edit goes through one of its methods, which updates the raw text in the
:class:`~desktop.core.document.Part`, reads it with the field's type, and then
recomputes only what depends on it: nodes are visited in dependency order and a
node runs only when something it reads changed (a column formula only for the
rows that changed, unless something outside the row changed); a value that
comes out the same stops the wave.  Checks run in the same way.

:class:`DocumentState` holds the parts of a document.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Iterable, Iterator

from desktop.core.change import Change
from desktop.core.definition import CellKind, Check, FormDef, Level, Source, Table, fill_names
from desktop.core.document import Document, Part, Row, cell_addr, new_row_id, split_addr
from desktop.core.errors import Code, JixiaoError, ReadError, message, suggest
from desktop.core.expr import BAD, truth
from desktop.core.glyphs import MissingFn, bundled_font_missing, show_chars
from desktop.core.graph import Node
from desktop.core.types import Amount, Percent



def key_of(addr: str) -> Any:
    t, r, c = split_addr(addr)
    return t if r is None else (t, r, c)


def addr_of(key: Any) -> str:
    return key if isinstance(key, str) else cell_addr(*key)


class ReadOnlyCell(JixiaoError):
    """An edit was aimed at a computed cell (use an override) or a printed label."""


@dataclass(frozen=True)
class Problem:
    """One 错误 or 提示.  ``key`` is stable (check id and cell address) and keys explanations."""

    check: str
    level: Level
    addr: str  # the cell to mark
    body: str  # the message without its location

    @property
    def key(self) -> str:
        return f"{self.check}@{self.addr}"

    @property
    def level_text(self) -> str:
        return Level(self.level).text


# A computed rate outside this range (as a fraction: 0 to 1000 %) comes from impossible inputs.
RATE_SENSE = (Decimal(0), Decimal(10))


class _Edit:
    """The old contents of what one edit touched (first touch only), to report what differs after it."""

    __slots__ = ("values", "calc", "problems", "cells", "marks", "rows_added", "rows_removed", "tables",
                 "everything")

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.calc: dict[Any, Any] = {}
        self.problems: dict[tuple[str, str], Any] = {}
        self.cells: set[str] = set()  # the edited cell itself (its raw text changed)
        self.marks: set[str] = set()
        self.rows_added: list[tuple[str, str]] = []
        self.rows_removed: list[tuple[str, str]] = []
        self.tables: set[str] = set()
        self.everything = False

    def change(self, ps: "PartState") -> Change:
        v, calc, problems = ps.v, ps.calc, ps.problems
        pid = ps.part.id
        out = Change(
            cells=self.cells | {addr_of(k) for k, old in self.values.items() if not _same(old, v.get(k, _MISSING))},
            computed={addr_of(k) for k, old in self.calc.items() if not _same(old, calc.get(k, _MISSING))},
            marks=self.marks | {k[1] for k, old in self.problems.items() if old != problems.get(k)},
            tables={(pid, t) for t in self.tables},
            rows_added=[(pid, t, r) for t, r in self.rows_added],
            rows_removed=[(pid, t, r) for t, r in self.rows_removed],
            everything=self.everything)
        if out.cells or out.computed or out.marks or out.tables or out.everything:
            out.part_ids.add(pid)
        return out


def _reports_change(method: Any) -> Any:
    """An edit method of PartState: runs it while recording what it touches and returns the Change."""

    @functools.wraps(method)
    def edit(self: "PartState", *args: Any, **kwargs: Any) -> Change:
        if self._edit is not None:  # called from another edit: that one reports
            method(self, *args, **kwargs)
            return Change()
        self._edit = _Edit()
        try:
            method(self, *args, **kwargs)
        finally:
            done, self._edit = self._edit, None
        return done.change(self)

    return edit


class PartState:
    def __init__(self, form: FormDef, part: Part, missing_glyphs: MissingFn = bundled_font_missing):
        self._edit: _Edit | None = None
        self.form = form
        self.part = part
        self.missing_glyphs = missing_glyphs  # characters the print font lacks (a 提示 as soon as typed)
        self.v: dict[Any, Any] = {}  # effective values
        self.calc: dict[Any, Any] = {}  # computed values of overridable cells
        self.problems: dict[tuple[str, str], Problem] = {}
        self.memo: dict[Any, Any] = {}
        self._check_deps: dict[int, tuple[frozenset, frozenset]] = {}
        self._row_index: dict[str, dict[str, Row]] = {}
        self._row_index_len: dict[str, int] = {}
        self._row_numbers: dict[str, dict[str, int]] = {}
        self._readers: dict[tuple[int, str], Any] = {}
        self._unit_fields = {getattr(f.type, "unit_from", "") for f in form.all_fields()} - {""}
        self._defer = 0  # > 0 inside recalculating_once()
        self._deferred = False  # an edit was made there: recompute on leaving
        self._ensure_structure()
        self._recompute_all()

    _CONTENT = ("part", "v", "calc", "problems", "memo", "_row_index", "_row_index_len", "_row_numbers")

    def swap(self, other: "PartState") -> None:
        """Exchange contents (the part and everything computed from it) with ``other``, a state of the
        same form: a part computed elsewhere (an import, on a copy) is taken over without recomputing,
        and swapping again takes it back."""
        if other.form is not self.form:
            raise ValueError("swap: another form")
        for name in self._CONTENT:
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, theirs)
            setattr(other, name, mine)

    @contextmanager
    def recalculating_once(self) -> Iterator[None]:
        """Edits made inside are not propagated one by one: the part is recomputed once on leaving
        (an import of n rows costs one recalculation, not n).  Computed values read inside are stale."""
        self._defer += 1
        try:
            yield
        finally:
            self._defer -= 1
            if self._defer == 0 and self._deferred:
                self._deferred = False
                self._recompute_all()
                if self._edit is not None:
                    self._edit.everything = True

    # ------------------------------------------------------------------ structure
    def _ensure_structure(self) -> None:
        """Fixed-row slots for every table; initial rows for a new, empty repeating table."""
        for t in self.form.tables.values():
            self.part.fixed.setdefault(t.id, {})
            for r in t.fixed_rows:
                self.part.fixed[t.id].setdefault(r.id, {})
            for row in self.part.rows.get(t.id, []) if t.repeat else []:
                if row.id in t.fixed_ids:  # a data row named like a fixed row would be hidden by it
                    row.id = new_row_id()
            if t.repeat and t.id not in self.part.rows:
                self.part.rows[t.id] = [Row(new_row_id(), {k: str(v) for k, v in init.items()})
                                        for init in t.initial_rows]
                while len(self.part.rows[t.id]) < t.min_rows:
                    self.part.rows[t.id].append(Row(new_row_id()))
        for f in self.form.fields.values():
            if f.default is not None and f.id not in self.part.fields and not f.computed:
                self.part.fields[f.id] = str(f.default)

    def data_rows(self, tid: str) -> list[str]:
        t = self.form.tables[tid]
        if t.repeat:
            return [r.id for r in self.part.rows.get(tid, [])]
        return t.data_fixed_ids

    def display_rows(self, tid: str) -> list[str]:
        """Every row as printed: fixed rows at the top, data rows, fixed rows at the bottom."""
        t = self.form.tables[tid]
        top = [r.id for r in t.fixed_rows if r.position == "top"]
        bottom = [r.id for r in t.fixed_rows if r.position == "bottom"]
        return top + ([r.id for r in self.part.rows.get(tid, [])] if t.repeat else []) + bottom

    def _row(self, tid: str, rid: str) -> Row | None:
        index = self._row_index.get(tid)
        if index is None:
            index = self._row_index[tid] = {r.id: r for r in self.part.rows.get(tid, [])}
        row = index.get(rid)
        if row is None or (self._row_index_len.get(tid) != len(self.part.rows.get(tid, []))):
            # rows changed behind our back (a restored document): rebuild once
            index = self._row_index[tid] = {r.id: r for r in self.part.rows.get(tid, [])}
            self._row_index_len[tid] = len(self.part.rows.get(tid, []))
            row = index.get(rid)
        return row

    def row(self, tid: str, rid: str) -> Row | None:
        """A data row of a repeating table (None for a fixed row or an unknown id)."""
        return self._row(tid, rid)

    def raw(self, addr: str) -> str:
        t, r, c = split_addr(addr)
        if r is None:
            return self.part.fields.get(t, "")
        if r in self.part.fixed.get(t, {}):
            return self.part.fixed[t][r].get(c or "", "")
        row = self._row(t, r)
        return row.cells.get(c or "", "") if row else ""

    # ------------------------------------------------------------------ the context formulas see
    def field(self, fid: str) -> Any:
        return self.v.get(fid)

    def cell(self, tid: str, rid: str, cid: str) -> Any:
        return self.v.get((tid, rid, cid))

    def score(self, args: list[Any]) -> Any:
        if any(a is BAD for a in args):
            return BAD
        return self.form.rules.score(args)

    def grade(self, total: Any) -> Any:
        return self.form.rules.grade(total)

    def rule(self, name: str, args: list[Any]) -> Any:
        if any(a is BAD for a in args):
            return BAD
        return self.form.rules.call(name, args)

    # ------------------------------------------------------------------ cell kinds
    def how(self, addr: str) -> CellKind:
        """What the cell at ``addr`` is: input, computed, a label or none (a "—" cell)."""
        t, r, c = split_addr(addr)
        if r is None:
            f = self.form.fields.get(t)
            if f is None:
                raise KeyError(addr)
            return CellKind.COMPUTED if f.computed else CellKind.INPUT
        table = self.form.tables[t]
        kind, _ = table.cell_formula(r, c or "")
        if kind in (Source.INPUT, Source.LABEL, Source.NONE):
            return CellKind(kind)
        if kind == Source.COLUMN:
            col = table.column(c or "")
            if col.compiled_input_when is not None and truth(col.compiled_input_when(self, (t, r))):
                return CellKind.INPUT
        return CellKind.COMPUTED

    def overridable(self, addr: str) -> bool:
        t, r, c = split_addr(addr)
        f = self.form.fields[t] if r is None else self.form.tables[t].column(c or "")
        return f.override and self.how(addr) == CellKind.COMPUTED

    def field_def(self, addr: str):
        t, r, c = split_addr(addr)
        return self.form.fields[t] if r is None else self.form.tables[t].column(c or "")

    # ------------------------------------------------------------------ reading inputs
    def _read_input(self, addr: str, raw: str) -> Any:
        """Typed value of an input; records or clears its read / required / range problems."""
        f = self.field_def(addr)
        self._drop(("read", addr))
        self._drop(("required", addr))
        self._drop(("range", addr))
        self._drop(("glyph", addr))
        text = raw.strip()
        if not text:
            if f.required and self._row_is_used(addr):
                self._put(Problem("required", Level.ERROR, addr, message("required")))
            return None
        try:
            value = self._reader(f).read(raw)
        except ReadError as exc:
            self._put(Problem("read", Level.ERROR, addr, exc.text))
            return BAD
        self._range(addr, f, value)
        if isinstance(value, str):
            self._glyphs(addr, raw)
        return value

    def _reader(self, f: Any) -> Any:
        """The field's type — with the document's money unit where the definition says ``unit_from``
        (a 万元 or 元 document: ``12万元`` typed into a 元 document reads 120000)."""
        source = getattr(f.type, "unit_from", "")
        if not source:
            return f.type
        unit = f.type.unit
        try:
            chosen = self.form.fields[source].type.read(self.part.fields.get(source, ""))
        except (ReadError, KeyError):
            chosen = None
        if chosen in ("元", "万元"):
            unit = chosen
        key = (id(f.type), unit)
        if key not in self._readers:
            self._readers[key] = f.type if unit == f.type.unit else dataclasses.replace(f.type, unit=unit)
        return self._readers[key]

    def _glyphs(self, addr: str, raw: str) -> None:
        missing = self.missing_glyphs(raw)
        if missing:
            self._put(Problem("glyph", Level.WARNING, addr, message("glyph_missing", chars=show_chars(missing))))

    def _row_is_used(self, addr: str) -> bool:
        """A required column is only required in a data row that has something in it."""
        t, r, c = split_addr(addr)
        if r is None or r in self.part.fixed.get(t, {}):
            return True
        row = self._row(t, r)
        return bool(row and any(v.strip() for v in row.cells.values()))

    def _range(self, addr: str, f: Any, value: Any) -> None:
        if not isinstance(value, Decimal):
            return
        if value < 0 and isinstance(f.type, Amount) and not f.type.negative:
            self._put(Problem("range", Level.ERROR, addr, message("negative_money", value=f.type.format(value, False))))
            return
        for bound, key, bad in ((f.min, "below_min", value < Decimal(str(f.min)) if f.min is not None else False),
                                (f.max, "above_max", value > Decimal(str(f.max)) if f.max is not None else False)):
            if bad:
                self._put(Problem("range", Level.ERROR, addr, message(key, limit=bound, value=f.type.format(value, False))))

    def _put(self, p: Problem) -> None:
        k = (p.check, p.addr)
        e = self._edit
        if e is not None and k not in e.problems:
            e.problems[k] = self.problems.get(k)
        self.problems[k] = p

    def _drop(self, k: tuple[str, str]) -> None:
        if k in self.problems:
            e = self._edit
            if e is not None and k not in e.problems:
                e.problems[k] = self.problems[k]
            del self.problems[k]

    def _set_v(self, key: Any, value: Any) -> None:
        e = self._edit
        if e is not None and key not in e.values:
            e.values[key] = self.v.get(key, _MISSING)
        self.v[key] = value

    def _set_calc(self, key: Any, value: Any) -> None:
        e = self._edit
        if e is not None and key not in e.calc:
            e.calc[key] = self.calc.get(key, _MISSING)
        self.calc[key] = value

    def _pop_calc(self, key: Any) -> Any:
        e = self._edit
        if e is not None and key not in e.calc and key in self.calc:
            e.calc[key] = self.calc[key]
        return self.calc.pop(key, None)

    # ------------------------------------------------------------------ full evaluation
    def recompute_all(self) -> Change:
        """Evaluate everything again (after the definition or the document changed behind the engine)."""
        self._recompute_all()
        return Change(part_ids={self.part.id}, everything=True)

    def _recompute_all(self) -> None:
        self.v.clear()
        self.calc.clear()
        self.problems.clear()
        self.memo.clear()
        for fid, f in self.form.fields.items():
            if not f.computed:
                self.v[fid] = self._read_input(fid, self.part.fields.get(fid, ""))
        for t in self.form.tables.values():
            for rid in self.display_rows(t.id):
                for c in t.columns:
                    addr = cell_addr(t.id, rid, c.id)
                    kind, detail = t.cell_formula(rid, c.id)
                    if kind == Source.INPUT or (kind == Source.COLUMN and c.compiled_input_when is not None):
                        self.v[(t.id, rid, c.id)] = self._read_input(addr, self.raw(addr))
                    elif kind == Source.LABEL:
                        self.v[(t.id, rid, c.id)] = detail
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
            if key_of(addr) in self.calc:
                self._override_problem(addr)
        self._run_checks(None, None)

    def _column_rows(self, node: Node) -> list[str]:
        assert node.table is not None
        t = self.form.tables[node.table]
        rows = [r.id for r in self.part.rows.get(t.id, [])] if t.repeat else []
        return rows + list(node.covered_fixed)

    # ------------------------------------------------------------------ propagation
    def _emit(self, key: Any, glob: set | None, rowev: dict | None) -> None:
        if glob is None or rowev is None:
            return
        if isinstance(key, str):
            glob.add(("F", key))
            return
        t, r, c = key
        table = self.form.tables[t]
        rowev.setdefault((t, c), set()).add(r)
        if r in self.part.fixed.get(t, {}):
            glob.add(("X", t, r, c))
            if r in table.data_fixed_ids:
                glob.add(("C", t, c))
        else:
            glob.add(("C", t, c))

    def _set_computed(self, key: Any, value: Any, glob: set | None, rowev: dict | None) -> None:
        addr = addr_of(key)
        if addr in self.part.overrides:
            old_calc = self.calc.get(key)
            self._set_calc(key, value)
            if not _same(old_calc, value):
                self._override_problem(addr)
            return
        if not _same(self.v.get(key, _MISSING), value) or key not in self.v:
            self._set_v(key, value)
            self._emit(key, glob, rowev)
            if isinstance(value, Decimal) and not RATE_SENSE[0] <= value <= RATE_SENSE[1]:
                self._rate_sense(addr, value)
            elif ("rate", addr) in self.problems:
                self._drop(("rate", addr))

    def _rate_sense(self, addr: str, value: Decimal) -> None:
        """A computed rate far outside sense (到位率 −12 500 %): an 错误 naming the cells it comes from."""
        f = self.field_def(addr)
        if not isinstance(f.type, Percent):
            return
        t, r, _ = split_addr(addr)
        sources = []
        for dep in sorted(f.compiled.deps if f.compiled else (), key=str):
            if dep[0] == "F":
                sources.append(self.describe(dep[1]))
            elif dep[0] == "R" and r is not None:
                sources.append(self.describe(cell_addr(dep[1], r, dep[2])))
        self._put(Problem("rate", Level.ERROR, addr, message(
            "rate_nonsense", rate=replace(f.type, sign=True).format(value), sources="、".join(sources) or "它所依据的数")))

    def _eval_node(self, node: Node, glob: set | None, rowev: dict | None = None) -> None:
        if node.kind == "field":
            self._set_computed(node.col, node.compiled(self, None), glob, rowev)
            return
        assert node.table is not None and node.row is not None
        key = (node.table, node.row, node.col)
        if node.kind == "cell":
            value = node.compiled(self, (node.table, node.row))
        else:
            rows = self.data_rows(node.table) if node.sum_rows == "data" else node.sum_rows
            value = _sum(self.v.get((node.table, r, node.col)) for r in rows)
        self._set_computed(key, value, glob, rowev)

    def _eval_column(self, node: Node, rid: str, glob: set | None, rowev: dict | None = None) -> None:
        assert node.table is not None
        key = (node.table, rid, node.col)
        row = (node.table, rid)
        if node.input_when is not None and truth(node.input_when(self, row)):
            # this row's cell is typed by the clerk
            value = self._read_input(cell_addr(*key), self.raw(cell_addr(*key)))
            self._pop_calc(key)
            if not _same(self.v.get(key, _MISSING), value):
                self._set_v(key, value)
                self._emit(key, glob, rowev)
            return
        if node.input_when is not None:
            addr = cell_addr(*key)
            for k in ("read", "required", "range"):
                self._drop((k, addr))
        self._set_computed(key, node.compiled(self, row), glob, rowev)

    def _propagate(self, glob: set, rowev: dict) -> None:
        if self._defer:
            self._deferred = True
            return
        self.memo.clear()
        for node in self.form.nodes:
            if node.kind == "column":
                if not node.global_deps.isdisjoint(glob):
                    rows: Iterable[str] = self._column_rows(node)
                else:
                    hit: set[str] = set()
                    for dep in node.row_deps:
                        hit |= rowev.get(dep, set())
                    if not hit:
                        continue
                    eligible = self._column_rows(node)
                    rows = [r for r in eligible if r in hit]
                for rid in rows:
                    self._eval_column(node, rid, glob, rowev)
            elif not node.global_deps.isdisjoint(glob):
                self._eval_node(node, glob, rowev)
        self._run_checks(glob, rowev)

    # ------------------------------------------------------------------ checks
    def _deps_of(self, chk: Check) -> tuple[frozenset, frozenset]:
        cached = self._check_deps.get(id(chk))
        if cached is None:
            deps: set = set(chk.compiled.deps) if chk.compiled else set()
            if chk.compiled_when is not None:
                deps |= chk.compiled_when.deps
            for ref in chk.refs.values():
                deps |= ref.deps
            row = frozenset((k[1], k[2]) for k in deps if k[0] == "R")
            cached = (row, frozenset(k for k in deps if k[0] != "R"))
            self._check_deps[id(chk)] = cached
        return cached

    def check_reads(self, chk: Check) -> tuple[frozenset, frozenset]:
        """What a check reads directly: ((table, column) within its row, every other graph key)."""
        return self._deps_of(chk)

    def _run_checks(self, glob: set | None, rowev: dict | None) -> None:
        for t in self.form.tables.values():
            if t.repeat and t.min_rows and (glob is None or ("N", t.id) in glob):
                k = (f"min_rows:{t.id}", "")
                if len(self.data_rows(t.id)) < t.min_rows:
                    self._put(Problem(k[0], Level.ERROR, "", f"“{t.title}”至少要填 {t.min_rows} 行"))
                else:
                    self._drop(k)
            for chk in t.row_checks:
                row_deps, global_deps = self._deps_of(chk)
                rows = self.data_rows(t.id)
                if glob is not None and rowev is not None and global_deps.isdisjoint(glob):
                    hit: set[str] = set()
                    for dep in row_deps:
                        hit |= rowev.get(dep, set())
                    rows = [r for r in rows if r in hit]
                for rid in rows:
                    cell = cell_addr(t.id, rid, chk.cell or t.columns[0].id)
                    self._check(chk, cell, (t.id, rid))
        for chk in self.form.checks:
            if glob is not None and self._deps_of(chk)[1].isdisjoint(glob):
                continue
            self._check(chk, chk.cell or "", None)

    def _check(self, chk: Check, addr: str, row: Any) -> None:
        k = (chk.id, addr)
        if chk.compiled_when is not None and not truth(chk.compiled_when(self, row)):
            self._drop(k)
            return
        ok = truth(chk.compiled(self, row)) if chk.compiled else True
        if ok is False:
            values = {name: self._placeholder(name, ref, row) for name, ref in chk.refs.items()}
            self._put(Problem(chk.id, chk.level, addr, _fill(chk.message, values)))
        else:
            self._drop(k)

    def _placeholder(self, name: str, ref: Any, row: Any) -> str:
        """A message placeholder: a cell's printed text where it names one, else the value."""
        m = _CELL_REF.match(name.strip())
        if m:
            t, r, c = m.group(1), m.group(2), m.group(3)
            addr = None
            if r and c and t in self.form.tables:
                addr = cell_addr(t, r, c)
            elif not r and not c:
                if row is not None and t in self.form.tables[row[0]].column_ids:
                    addr = cell_addr(row[0], row[1], t)
                elif t in self.form.fields:
                    addr = t
            if addr is not None:
                text = self.text(addr)
                return text if text else "（空）"
        return self._show(ref(self, row))

    def _show(self, value: Any) -> str:
        if value is None:
            return "（空）"
        if value is BAD:
            return "（无法读取）"
        if isinstance(value, Decimal):
            return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")
        return str(value)

    # ------------------------------------------------------------------ overrides
    def _apply_override(self, addr: str, raw: str | None, glob: set | None, rowev: dict | None = None) -> None:
        key = key_of(addr)
        f = self.field_def(addr)
        if raw is None:
            self.part.overrides.pop(addr, None)
            self._drop(("override", addr))
            self._drop(("read", addr))
            self._drop(("range", addr))
            if key in self.calc:
                value = self._pop_calc(key)
                if not _same(self.v.get(key), value):
                    self._set_v(key, value)
                    self._emit(key, glob, rowev)
            return
        if key not in self.calc:
            self._set_calc(key, self.v.get(key))
        self.part.overrides[addr] = raw
        self._drop(("read", addr))
        value: Any
        self._drop(("range", addr))
        if raw.strip():
            try:
                value = self._reader(f).read(raw)
            except ReadError as exc:
                self._put(Problem("read", Level.ERROR, addr, exc.text))
                value = BAD
            self._range(addr, f, value)
        else:
            value = None
        if not _same(self.v.get(key, _MISSING), value):
            self._set_v(key, value)
            self._emit(key, glob, rowev)
        self._override_problem(addr)

    def _override_problem(self, addr: str) -> None:
        key = key_of(addr)
        f = self.field_def(addr)
        value, computed = self.v.get(key), self.calc.get(key)
        if addr in self.part.overrides and value != computed:
            self._put(Problem("override", Level.WARNING, addr, message(
                "override_differs", value=self.text(addr) or "（空）",
                computed=f.type.format(computed, True) if computed not in (None, BAD) else "（空）")))
        else:
            self._drop(("override", addr))

    # ------------------------------------------------------------------ edits
    @_reports_change
    def set_value(self, addr: str, raw: str) -> None:
        """The clerk typed ``raw`` into the input at ``addr``; returns the :class:`Change`."""
        how = self.how(addr)
        if how != CellKind.INPUT:
            raise ReadOnlyCell(Code.CELL_NOT_INPUT, where=self.describe(addr), addr=addr)
        t, r, c = split_addr(addr)
        if r is None:
            self.part.fields[t] = raw
        elif r in self.part.fixed.get(t, {}):
            self.part.fixed[t][r][c or ""] = raw
        else:
            row = self._row(t, r)
            if row is None:
                raise KeyError(addr)
            row.cells[c or ""] = raw
        assert self._edit is not None
        self._edit.cells.add(addr)  # the raw text changed: the cell is drawn again even if its value did not
        if r is None and t in self._unit_fields:  # the document's money unit: every amount reads anew
            self._recompute_all()
            self._edit.everything = True
            return
        key = key_of(addr)
        value = self._read_input(addr, raw)
        glob: set = set()
        rowev: dict = {}
        if r is not None and r not in self.part.fixed.get(t, {}):
            self._recheck_required_row(t, r)
        if not _same(self.v.get(key, _MISSING), value):
            self._set_v(key, value)
            self._emit(key, glob, rowev)
        self._propagate(glob, rowev)

    def _recheck_required_row(self, tid: str, rid: str) -> None:
        table = self.form.tables[tid]
        for c in table.columns:
            if c.required:
                a = cell_addr(tid, rid, c.id)
                if self.how(a) == CellKind.INPUT and not self.raw(a).strip():
                    if self._row_is_used(a):
                        self._put(Problem("required", Level.ERROR, a, message("required")))
                    else:
                        self._drop(("required", a))

    @_reports_change
    def set_override(self, addr: str, raw: str | None) -> None:
        """Type over a computed value (kept and shown as such), or ``None`` to go back to it."""
        if raw is not None and not self.overridable(addr):
            raise ReadOnlyCell(Code.CELL_NOT_OVERRIDABLE, where=self.describe(addr), addr=addr)
        assert self._edit is not None
        self._edit.cells.add(addr)
        glob: set = set()
        rowev: dict = {}
        self._apply_override(addr, raw, glob, rowev)
        self._propagate(glob, rowev)

    @_reports_change
    def set_explanation(self, problem_key: str, text: str | None) -> None:
        """The clerk's explanation of a problem (``check@addr``); marks that address."""
        assert self._edit is not None
        self._edit.marks.add(problem_key.split("@", 1)[-1])
        if text and text.strip():
            self.part.explanations[problem_key] = text
        else:
            self.part.explanations.pop(problem_key, None)

    def insert_row(self, tid: str, index: int | None = None, cells: dict[str, str] | None = None,
                   row_id: str | None = None) -> str:
        """One row; returns its id (the Change is dropped: scripts and imports repaint nothing)."""
        return self.insert_rows(tid, [(index, cells, row_id)]).rows_added[0][2]

    @_reports_change
    def insert_rows(self, tid: str, rows: list[tuple[int | None, dict[str, str] | None, str | None]]) -> list[str]:
        """Insert several rows — each (index or None for the end, cells, row id or None) in turn —
        and recompute once: importing or pasting n rows costs one recalculation, not n."""
        table = self.form.tables[tid]
        if not table.repeat:
            raise ReadOnlyCell(Code.ROWS_FIXED, table=table.title, table_id=tid)
        existing = self.part.rows.setdefault(tid, [])
        if len(existing) + len(rows) > table.max_rows:
            raise ReadOnlyCell(Code.ROWS_MAX, table=table.title, table_id=tid, max_rows=table.max_rows)
        added: list[Row] = []
        for index, cells, row_id in rows:
            row = Row(row_id or new_row_id(), {k: v for k, v in (cells or {}).items() if k in table.column_ids})
            existing.insert(len(existing) if index is None else max(0, min(index, len(existing))), row)
            added.append(row)
        assert self._edit is not None
        self._edit.rows_added += [(tid, row.id) for row in added]
        self._structure_changed(table, added)

    def remove_row(self, tid: str, rid: str) -> Change:
        return self.remove_rows(tid, [rid])

    @_reports_change
    def remove_rows(self, tid: str, rids: list[str]) -> None:
        """Remove rows (their values, overrides and problems) with one recalculation."""
        table = self.form.tables[tid]
        gone = set(rids)
        assert self._edit is not None
        self._edit.rows_removed += [(tid, r.id) for r in self.part.rows.get(tid, []) if r.id in gone]
        self.part.rows[tid] = [r for r in self.part.rows.get(tid, []) if r.id not in gone]
        for rid in gone:
            for c in table.columns:
                key = (tid, rid, c.id)
                self.v.pop(key, None)
                self.calc.pop(key, None)
                self.part.overrides.pop(cell_addr(*key), None)
        prefixes = tuple(f"{tid}/{rid}/" for rid in gone)
        for k in [k for k in self.problems if k[1].startswith(prefixes)]:
            del self.problems[k]  # reported as rows_removed (the addresses are gone)
        self._structure_changed(table, [])

    @_reports_change
    def move_row(self, tid: str, rid: str, index: int) -> None:
        rows = self.part.rows.get(tid, [])
        row = next(r for r in rows if r.id == rid)
        rows.remove(row)
        rows.insert(max(0, min(index, len(rows))), row)
        self._structure_changed(self.form.tables[tid], [])

    def _structure_changed(self, table: Table, new_rows: list[Row]) -> None:
        self._row_index.pop(table.id, None)
        self._row_index_len.pop(table.id, None)
        self._row_numbers.pop(table.id, None)
        if self._edit is not None:
            self._edit.tables.add(table.id)
        glob: set = {("N", table.id)} | {("C", table.id, c.id) for c in table.columns}
        rowev: dict = {(table.id, c.id): set() for c in table.columns}
        for row in new_rows:
            rid = row.id
            for c in table.columns:
                kind, _ = table.cell_formula(rid, c.id)
                if kind == Source.INPUT or (kind == Source.COLUMN and c.compiled_input_when is not None):
                    addr = cell_addr(table.id, rid, c.id)
                    self._set_v((table.id, rid, c.id), self._read_input(addr, row.cells.get(c.id, "")))
                rowev.setdefault((table.id, c.id), set()).add(rid)
        self._propagate(glob, rowev)

    # ------------------------------------------------------------------ reading results
    def value(self, addr: str) -> Any:
        return self.v.get(key_of(addr))

    def computed_value(self, addr: str) -> Any:
        """The computed value of an overridden cell (else its value)."""
        key = key_of(addr)
        return self.calc[key] if key in self.calc else self.v.get(key)

    def is_overridden(self, addr: str) -> bool:
        return addr in self.part.overrides

    def text(self, addr: str) -> str:
        """The cell as printed: inputs as typed (half-width), computed values formatted."""
        how = self.how(addr)
        if how == CellKind.NONE:
            return "—"
        value = self.v.get(key_of(addr))
        if how == CellKind.LABEL:
            return str(value or "")
        f = self.field_def(addr)
        if how == CellKind.INPUT or addr in self.part.overrides:
            raw = self.part.overrides.get(addr) if addr in self.part.overrides else self.raw(addr)
            if value is BAD or value is None:
                return (raw or "").strip()
            return f.type.print_input(raw or "", value)
        if value is BAD:
            return "#"
        return f.type.format(value, True)

    def row_label(self, tid: str, rid: str) -> str:
        table = self.form.tables[tid]
        for r in table.fixed_rows:
            if r.id == rid:
                return r.label
        if table.label_column:
            return self.raw(cell_addr(tid, rid, table.label_column)).strip()
        return ""

    def describe(self, addr: str) -> str:
        """Where a cell is, in words a clerk understands: table, row number and name, column."""
        t, r, c = split_addr(addr)
        if r is None:
            f = self.form.fields.get(t)
            return f"“{f.label if f else t}”"
        table = self.form.tables[t]
        col = table.column(c or "")
        label = self.row_label(t, r)
        if r in table.fixed_ids:  # a fixed row (合计, 年度资金总额) has no number in the window: its label
            return f"“{self.fill(table.title)}”“{label}”行“{self.fill(col.label)}”"
        number = self._row_number(t, r)
        name = f"（{label[:20]}）" if label and c != table.label_column else ""
        return f"“{self.fill(table.title)}”第{number}行{name}“{self.fill(col.label)}”"

    def _row_number(self, tid: str, rid: str) -> int:
        """A data row's number as the window shows it (1-based, fixed rows not counted), from a cache
        rebuilt when the table's rows change."""
        numbers = self._row_numbers.get(tid)
        if numbers is None or rid not in numbers:
            numbers = self._row_numbers[tid] = {r: i + 1 for i, r in enumerate(self.data_rows(tid))}
        return numbers.get(rid, 0)

    def problem_text(self, p: Problem) -> str:
        return f"{self.describe(p.addr)}：{p.body}" if p.addr else p.body

    def sorted_problems(self) -> list[Problem]:
        order = {addr: i for i, addr in enumerate(self.addresses())}
        return sorted(self.problems.values(), key=lambda p: (order.get(p.addr, -1), p.level != Level.ERROR, p.check))

    def addresses(self) -> list[str]:
        """Every cell address in printed order."""
        out: list[str] = []
        for s in self.form.sections:
            if s.table is None:
                out.extend(f.id for f in s.fields)
            else:
                t = s.table
                for rid in self.display_rows(t.id):
                    out.extend(cell_addr(t.id, rid, c.id) for c in t.columns)
        return out

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems.values() if p.level == Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems.values() if p.level == Level.WARNING]

    def name(self) -> str:
        fid = self.form.part_name_field or self.form.meta.get("project")
        return self.raw(fid).strip() if fid else ""

    def fill(self, template: str) -> str:
        """A definition's text with ``{field}`` replaced by what was typed (subtitles such as （{year}年度）,
        headings such as 项目资金（{money_unit}）)."""
        if "{" not in template:
            return template
        return fill_names(template, lambda name: self.raw(name).strip() if name in self.form.fields else None)


class DocumentState:
    """All parts of a document, each evaluated."""

    def __init__(self, form: FormDef, doc: Document, missing_glyphs: MissingFn = bundled_font_missing):
        if doc.form_id != form.id:
            raise JixiaoError(Code.DOC_UNKNOWN_FORM, form=doc.form_id, suggestion=suggest(doc.form_id, [form.id]))
        self.form = form
        self.doc = doc
        self.missing_glyphs = missing_glyphs
        if not doc.parts:
            doc.parts.append(Part())
        self.parts = [PartState(form, p, missing_glyphs) for p in doc.parts]

    @classmethod
    def new(cls, form: FormDef) -> "DocumentState":
        return cls(form, Document(form.id, form.version))

    def add_part(self, index: int | None = None, part: Part | None = None) -> PartState:
        if not self.form.multi and self.parts:
            raise ReadOnlyCell(Code.SINGLE_PART, form=self.form.title)
        part = part or Part()
        index = len(self.parts) if index is None else index
        self.doc.parts.insert(index, part)
        state = PartState(self.form, part, self.missing_glyphs)
        self.parts.insert(index, state)
        return state

    def remove_part(self, index: int) -> Part:
        if len(self.parts) <= 1:
            raise ReadOnlyCell(Code.KEEP_ONE_PART, part_label=self.form.part_label)
        self.parts.pop(index)
        return self.doc.parts.pop(index)

    def move_part(self, index: int, new_index: int) -> None:
        state = self.parts.pop(index)
        part = self.doc.parts.pop(index)
        self.parts.insert(new_index, state)
        self.doc.parts.insert(new_index, part)

    def part_title(self, i: int) -> str:
        name = self.parts[i].name()
        label = self.form.part_label
        if not self.form.multi:
            return self.form.title
        return f"{label}{i + 1}" + (f"《{name}》" if name else "")

    def problem_lines(self) -> list[tuple[int, Problem, str]]:
        out = []
        for i, state in enumerate(self.parts):
            for p in state.sorted_problems():
                text = state.problem_text(p)
                if self.form.multi:
                    text = f"{self.part_title(i)}：{text}"
                out.append((i, p, text))
        return out

    @property
    def has_errors(self) -> bool:
        return any(s.errors for s in self.parts)

    def meta(self) -> dict[str, str]:
        """unit / year / project / title from the fields the definition names."""
        first = self.parts[0]
        out = {"title": self.form.title, "form": self.form.id}
        for key, fid in self.form.meta.items():
            out[key] = first.raw(fid).strip()
        if self.form.multi:
            names = [s.name() for s in self.parts if s.name()]
            out["project"] = "、".join(names)
        return out


_MISSING = object()
_CELL_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([A-Za-z_][A-Za-z0-9_]*)\]\.([A-Za-z_][A-Za-z0-9_]*))?$")


def _same(a: Any, b: Any) -> bool:
    """Equal and printed alike: 5 and 5.000 are equal Decimals but not the same value here."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return a == b


def _sum(values: Iterable[Any]) -> Any:
    acc = None
    for v in values:
        if v is None or v == "":
            continue
        if v is BAD or not isinstance(v, Decimal):
            return BAD
        acc = v if acc is None else acc + v
    return acc


def _fill(template: str, values: dict[str, str]) -> str:
    out = template
    for name, text in values.items():
        out = out.replace("{" + name + "}", text)
    return out
