"""A part's rows: fixed and data rows, the raw text of a cell, and the edits that add, remove or move rows."""
from __future__ import annotations

from decimal import Decimal

from desktop.core.change import Change
from desktop.core.definition import CellKind, Level, Source, Table
from desktop.core.document import Row, cell_addr, new_row_id, split_addr
from desktop.core.errors import Code, message
from desktop.core.engine.base import Problem, ReadOnlyCell, key_of
from desktop.core.engine.recording import reports_change
from desktop.core.engine.wave import Wave


class RowsMixin:
    """Part of :class:`~desktop.core.engine.PartState`: the rows of its tables."""

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

    def row_label(self, tid: str, rid: str) -> str:
        table = self.form.tables[tid]
        for r in table.fixed_rows:
            if r.id == rid:
                return r.label
        if table.label_column:
            return self.raw(cell_addr(tid, rid, table.label_column)).strip()
        return ""

    def _row_number(self, tid: str, rid: str) -> int:
        """A data row's number as the window shows it (1-based, fixed rows not counted), from a cache
        rebuilt when the table's rows change."""
        numbers = self._row_numbers.get(tid)
        if numbers is None or rid not in numbers:
            numbers = self._row_numbers[tid] = {r: i + 1 for i, r in enumerate(self.data_rows(tid))}
        return numbers.get(rid, 0)

    def insert_row(self, tid: str, index: int | None = None, cells: dict[str, str] | None = None,
                   row_id: str | None = None) -> str:
        """One row; returns its id (the Change is dropped: scripts and imports repaint nothing)."""
        return self.insert_rows(tid, [(index, cells, row_id)]).rows_added[0][2]

    @reports_change
    def insert_rows(self, tid: str, rows: list[tuple[int | None, dict[str, str] | None, str | None]]) -> None:
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

    @reports_change
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
                self.values.pop(key, None)
                self.computed.pop(key, None)
                self.part.overrides.pop(cell_addr(*key), None)
        prefixes = tuple(f"{tid}/{rid}/" for rid in gone)
        for k in [k for k in self.problems if k[1].startswith(prefixes)]:
            del self.problems[k]  # reported as rows_removed (the addresses are gone)
        self._structure_changed(table, [])

    @reports_change
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
        wave = Wave({("N", table.id)} | {("C", table.id, c.id) for c in table.columns},
                    {(table.id, c.id): set() for c in table.columns})
        for row in new_rows:
            rid = row.id
            for c in table.columns:
                kind, _ = table.cell_formula(rid, c.id)
                if kind == Source.INPUT or (kind == Source.COLUMN and c.compiled_input_when is not None):
                    addr = cell_addr(table.id, rid, c.id)
                    self._store_value((table.id, rid, c.id), self._read_input(addr, row.cells.get(c.id, "")))
                wave.changed_rows.setdefault((table.id, c.id), set()).add(rid)
        self._propagate(wave)
        self._renumber_rate_problems(table.id)

    def _renumber_rate_problems(self, tid: str) -> None:
        """A rate's 错误 names the row numbers of the cells it comes from: after rows were added, removed or
        moved, the rows below have new numbers, so those messages are written again."""
        prefix = f"{tid}/"
        for check, addr in [k for k in self.problems if k[0] == "rate" and k[1].startswith(prefix)]:
            value = self.values.get(key_of(addr))
            if isinstance(value, Decimal):
                self._rate_sense(addr, value)

    def _recheck_required_row(self, tid: str, rid: str) -> None:
        table = self.form.tables[tid]
        for c in table.columns:
            if c.required:
                addr = cell_addr(tid, rid, c.id)
                if self.how(addr) == CellKind.INPUT and not self.raw(addr).strip():
                    if self._row_is_used(addr):
                        self._put(Problem("required", Level.ERROR, addr, message("required")))
                    else:
                        self._drop(("required", addr))
