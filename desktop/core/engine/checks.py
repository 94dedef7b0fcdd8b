"""Running the definition's checks (table row checks, form checks, a table's minimum of rows) into problems,
only those whose inputs changed in a recompute wave, and filling their messages' placeholders."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.core.definition import Check, Level
from desktop.core.document import cell_addr
from desktop.core.expr import BAD, truth
from desktop.core.engine.base import Problem

if TYPE_CHECKING:  # pragma: no cover
    from desktop.core.engine.wave import Wave

_CELL_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([A-Za-z_][A-Za-z0-9_]*)\]\.([A-Za-z_][A-Za-z0-9_]*))?$")


class ChecksMixin:
    """Part of :class:`~desktop.core.engine.PartState`: checks and their problems."""

    def check_reads(self, check: Check) -> tuple[frozenset, frozenset]:
        """What a check reads directly: ((table, column) within its row, every other graph key); cached."""
        cached = self._check_deps.get(id(check))
        if cached is None:
            deps: set = set(check.compiled.deps) if check.compiled else set()
            if check.compiled_when is not None:
                deps |= check.compiled_when.deps
            for ref in check.refs.values():
                deps |= ref.deps
            row = frozenset((k[1], k[2]) for k in deps if k[0] == "R")
            cached = (row, frozenset(k for k in deps if k[0] != "R"))
            self._check_deps[id(check)] = cached
        return cached

    def _run_checks(self, wave: Wave | None) -> None:
        """Run the checks that read something ``wave`` changed (every check when it is None)."""
        changed_keys = wave.changed_keys if wave is not None else None
        for t in self.form.tables.values():
            if t.repeat and t.min_rows and (changed_keys is None or ("N", t.id) in changed_keys):
                key = (f"min_rows:{t.id}", "")
                if len(self.data_rows(t.id)) < t.min_rows:
                    self._put(Problem(key[0], Level.ERROR, "", f"“{t.title}”至少要填 {t.min_rows} 行"))
                else:
                    self._drop(key)
            for check in t.row_checks:
                row_deps, global_deps = self.check_reads(check)
                rows = self.data_rows(t.id)
                if wave is not None and global_deps.isdisjoint(wave.changed_keys):
                    hit = wave.rows_hit(row_deps)
                    rows = [r for r in rows if r in hit]
                for rid in rows:
                    cell = cell_addr(t.id, rid, check.cell or t.columns[0].id)
                    self._check(check, cell, (t.id, rid))
        for check in self.form.checks:
            if changed_keys is not None and self.check_reads(check)[1].isdisjoint(changed_keys):
                continue
            self._check(check, check.cell or "", None)

    def _check(self, check: Check, addr: str, row: Any) -> None:
        key = (check.id, addr)
        if check.compiled_when is not None and not truth(check.compiled_when(self, row)):
            self._drop(key)
            return
        ok = truth(check.compiled(self, row)) if check.compiled else True
        if ok is False:
            values = {name: self._placeholder(name, ref, row) for name, ref in check.refs.items()}
            self._put(Problem(check.id, check.level, addr, _fill(check.message, values)))
        else:
            self._drop(key)

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


def _fill(template: str, values: dict[str, str]) -> str:
    out = template
    for name, text in values.items():
        out = out.replace("{" + name + "}", text)
    return out
