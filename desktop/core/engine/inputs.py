"""Reading what the clerk typed: an input's typed value with its read / required / range / glyph problems,
and overrides typed over computed values (a 提示 while they differ from what the formula gives)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.core.definition import Level
from desktop.core.document import split_addr
from desktop.core.errors import ReadError, message
from desktop.core.expr import BAD
from desktop.core.glyphs import show_chars
from desktop.core.types import Amount
from desktop.core.engine.base import Problem, key_of
from desktop.core.engine.recording import MISSING, same_value

if TYPE_CHECKING:  # pragma: no cover
    from desktop.core.engine.wave import Wave


class InputsMixin:
    """Part of :class:`~desktop.core.engine.PartState`: typed inputs and overrides."""

    def _read_input(self, addr: str, raw: str) -> Any:
        """Typed value of an input; records or clears its read / required / range problems."""
        field = self.field_def(addr)
        self._drop(("read", addr))
        self._drop(("required", addr))
        self._drop(("range", addr))
        self._drop(("glyph", addr))
        text = raw.strip()
        if not text:
            if field.required and self._row_is_used(addr):
                self._put(Problem("required", Level.ERROR, addr, message("required")))
            return None
        try:
            value = self._reader(field).read(raw)
        except ReadError as exc:
            self._put(Problem("read", Level.ERROR, addr, exc.text))
            return BAD
        self._range(addr, field, value)
        if isinstance(value, str):
            self._glyphs(addr, raw)
        return value

    def _reader(self, field: Any) -> Any:
        """The field's type — with the document's money unit where the definition says ``unit_from``
        (a 万元 or 元 document: ``12万元`` typed into a 元 document reads 120000)."""
        source = getattr(field.type, "unit_from", "")
        if not source:
            return field.type
        unit = field.type.unit
        try:
            chosen = self.form.fields[source].type.read(self.part.fields.get(source, ""))
        except (ReadError, KeyError):
            chosen = None
        if chosen in ("元", "万元"):
            unit = chosen
        key = (id(field.type), unit)
        if key not in self._readers:
            same_unit = unit == field.type.unit
            self._readers[key] = field.type if same_unit else dataclasses.replace(field.type, unit=unit)
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

    def _range(self, addr: str, field: Any, value: Any) -> None:
        if not isinstance(value, Decimal):
            return
        if value < 0 and isinstance(field.type, Amount) and not field.type.negative:
            shown = field.type.format(value, False)
            self._put(Problem("range", Level.ERROR, addr, message("negative_money", value=shown)))
            return
        low = field.min is not None and value < Decimal(str(field.min))
        high = field.max is not None and value > Decimal(str(field.max))
        for bound, key, bad in ((field.min, "below_min", low), (field.max, "above_max", high)):
            if bad:
                shown = field.type.format(value, False)
                self._put(Problem("range", Level.ERROR, addr, message(key, limit=bound, value=shown)))

    def _apply_override(self, addr: str, raw: str | None, wave: Wave | None) -> None:
        key = key_of(addr)
        field = self.field_def(addr)
        if raw is None:
            self.part.overrides.pop(addr, None)
            self._drop(("override", addr))
            self._drop(("read", addr))
            self._drop(("range", addr))
            if key in self.computed:
                value = self._pop_computed(key)
                if not same_value(self.values.get(key), value):
                    self._store_value(key, value)
                    self._emit(key, wave)
            return
        if key not in self.computed:
            self._store_computed(key, self.values.get(key))
        self.part.overrides[addr] = raw
        self._drop(("read", addr))
        value: Any
        self._drop(("range", addr))
        if raw.strip():
            try:
                value = self._reader(field).read(raw)
            except ReadError as exc:
                self._put(Problem("read", Level.ERROR, addr, exc.text))
                value = BAD
            self._range(addr, field, value)
        else:
            value = None
        if not same_value(self.values.get(key, MISSING), value):
            self._store_value(key, value)
            self._emit(key, wave)
        self._override_problem(addr)

    def _override_problem(self, addr: str) -> None:
        key = key_of(addr)
        field = self.field_def(addr)
        value, computed = self.values.get(key), self.computed.get(key)
        if addr in self.part.overrides and value != computed:
            self._put(Problem("override", Level.WARNING, addr, message(
                "override_differs", value=self.text(addr) or "（空）",
                computed=field.type.format(computed, True) if computed not in (None, BAD) else "（空）")))
        else:
            self._drop(("override", addr))
