"""One part (project) of a document, kept evaluated: :class:`PartState` and its edits of cells."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from desktop.core.definition import CellKind, FormDef, Source
from desktop.core.document import Part, Row, split_addr
from desktop.core.errors import Code
from desktop.core.expr import BAD, truth
from desktop.core.glyphs import MissingFn, bundled_font_missing
from desktop.core.engine.base import Problem, ReadOnlyCell, key_of
from desktop.core.engine.checks import ChecksMixin
from desktop.core.engine.inputs import InputsMixin
from desktop.core.engine.recording import MISSING, EditRecord, RecordingMixin, reports_change, same_value
from desktop.core.engine.results import ResultsMixin
from desktop.core.engine.rows import RowsMixin
from desktop.core.engine.wave import Wave, WaveMixin


class PartState(ResultsMixin, RowsMixin, InputsMixin, WaveMixin, ChecksMixin, RecordingMixin):
    """A part's values, computed values and problems; every edit goes through one of its methods and
    returns a :class:`~desktop.core.change.Change`."""

    def __init__(self, form: FormDef, part: Part, missing_glyphs: MissingFn = bundled_font_missing):
        self._edit: EditRecord | None = None
        self.form = form
        self.part = part
        self.missing_glyphs = missing_glyphs  # characters the print font lacks (a 提示 as soon as typed)
        self.values: dict[Any, Any] = {}  # every cell's effective value (what is shown), by key_of(addr)
        self.computed: dict[Any, Any] = {}  # overridden cells only: the formula's value behind the override
        self.problems: dict[tuple[str, str], Problem] = {}
        self.memo: dict[Any, Any] = {}  # what formulas cache within one wave (share(): its rows)
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

    _CONTENT = ("part", "values", "computed", "problems", "memo", "_row_index", "_row_index_len", "_row_numbers")

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

    # ------------------------------------------------------------------ the context formulas see
    def field(self, fid: str) -> Any:
        return self.values.get(fid)

    def cell(self, tid: str, rid: str, cid: str) -> Any:
        return self.values.get((tid, rid, cid))

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

    # ------------------------------------------------------------------ edits of cells
    @reports_change
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
        wave = Wave()
        if r is not None and r not in self.part.fixed.get(t, {}):
            self._recheck_required_row(t, r)
        if not same_value(self.values.get(key, MISSING), value):
            self._store_value(key, value)
            self._emit(key, wave)
        self._propagate(wave)

    @reports_change
    def set_override(self, addr: str, raw: str | None) -> None:
        """Type over a computed value (kept and shown as such), or ``None`` to go back to it."""
        if raw is not None and not self.overridable(addr):
            raise ReadOnlyCell(Code.CELL_NOT_OVERRIDABLE, where=self.describe(addr), addr=addr)
        assert self._edit is not None
        self._edit.cells.add(addr)
        wave = Wave()
        self._apply_override(addr, raw, wave)
        self._propagate(wave)

    @reports_change
    def set_explanation(self, problem_key: str, text: str | None) -> None:
        """The clerk's explanation of a problem (``check@addr``); marks that address."""
        assert self._edit is not None
        self._edit.marks.add(problem_key.split("@", 1)[-1])
        if text and text.strip():
            self.part.explanations[problem_key] = text
        else:
            self.part.explanations.pop(problem_key, None)
