"""What a part shows: values, printed texts, where a cell is in words, problems in printed order."""
from __future__ import annotations

from typing import Any

from desktop.core.definition import CellKind, Level, fill_names
from desktop.core.document import cell_addr, split_addr
from desktop.core.expr import BAD
from desktop.core.engine.base import Problem, key_of


class ResultsMixin:
    """Part of :class:`~desktop.core.engine.PartState`: reading its results."""

    def value(self, addr: str) -> Any:
        return self.values.get(key_of(addr))

    def computed_value(self, addr: str) -> Any:
        """The computed value of an overridden cell (else its value)."""
        key = key_of(addr)
        return self.computed[key] if key in self.computed else self.values.get(key)

    def is_overridden(self, addr: str) -> bool:
        return addr in self.part.overrides

    def text(self, addr: str) -> str:
        """The cell as printed: inputs as typed (half-width), computed values formatted."""
        how = self.how(addr)
        if how == CellKind.NONE:
            return "—"
        value = self.values.get(key_of(addr))
        if how == CellKind.LABEL:
            return str(value or "")
        field = self.field_def(addr)
        if how == CellKind.INPUT or addr in self.part.overrides:
            raw = self.part.overrides.get(addr) if addr in self.part.overrides else self.raw(addr)
            if value is BAD or value is None:
                return (raw or "").strip()
            return field.type.print_input(raw or "", value)
        if value is BAD:
            return "#"
        return field.type.format(value, True)

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

    def problem_text(self, problem: Problem) -> str:
        return f"{self.describe(problem.addr)}：{problem.body}" if problem.addr else problem.body

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
