"""What one edit changed: the old contents of everything it touched, compared afterwards into a Change.

Every edit method of :class:`~desktop.core.engine.PartState` is wrapped by :func:`reports_change`.  While it
runs, the edit writes ``values``, ``computed`` and ``problems`` through :class:`RecordingMixin`'s setters, which
keep the first old contents of each key in an :class:`EditRecord`; what is rebuilt wholesale (a full
recomputation, removed rows) is recorded as such.  When the edit returns, the record is compared with the state
and becomes the :class:`~desktop.core.change.Change` that tells the window what to repaint.
"""
from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.core.change import Change
from desktop.core.engine.base import Problem, addr_of

if TYPE_CHECKING:  # pragma: no cover
    from desktop.core.engine.part import PartState

MISSING = object()  # no value at all (not even None) before the edit


def same_value(a: Any, b: Any) -> bool:
    """Equal and printed alike: 5 and 5.000 are equal Decimals but not the same value here."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return a == b


class EditRecord:
    """The old contents of what one edit touched (first touch only), to report what differs after it."""

    __slots__ = ("values", "computed", "problems", "cells", "marks", "rows_added", "rows_removed", "tables",
                 "everything")

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.computed: dict[Any, Any] = {}
        self.problems: dict[tuple[str, str], Any] = {}
        self.cells: set[str] = set()  # the edited cell itself (its raw text changed)
        self.marks: set[str] = set()
        self.rows_added: list[tuple[str, str]] = []
        self.rows_removed: list[tuple[str, str]] = []
        self.tables: set[str] = set()
        self.everything = False

    def change(self, state: "PartState") -> Change:
        values, computed, problems = state.values, state.computed, state.problems
        pid = state.part.id
        out = Change(
            cells=self.cells | {addr_of(k) for k, old in self.values.items()
                                if not same_value(old, values.get(k, MISSING))},
            computed={addr_of(k) for k, old in self.computed.items() if not same_value(old, computed.get(k, MISSING))},
            marks=self.marks | {k[1] for k, old in self.problems.items() if old != problems.get(k)},
            tables={(pid, t) for t in self.tables},
            rows_added=[(pid, t, r) for t, r in self.rows_added],
            rows_removed=[(pid, t, r) for t, r in self.rows_removed],
            everything=self.everything)
        if out.cells or out.computed or out.marks or out.tables or out.everything:
            out.part_ids.add(pid)
        return out


def reports_change(method: Any) -> Any:
    """An edit method of PartState: runs it while recording what it touches and returns the Change."""

    @functools.wraps(method)
    def edit(self: "PartState", *args: Any, **kwargs: Any) -> Change:
        if self._edit is not None:  # called from another edit: that one reports
            method(self, *args, **kwargs)
            return Change()
        self._edit = EditRecord()
        try:
            method(self, *args, **kwargs)
        finally:
            done, self._edit = self._edit, None
        return done.change(self)

    return edit


class RecordingMixin:
    """The setters of :class:`~desktop.core.engine.PartState`'s computed state that an edit goes through."""

    _edit: EditRecord | None  # while an edit runs
    values: dict[Any, Any]
    computed: dict[Any, Any]
    problems: dict[tuple[str, str], Problem]

    def _put(self, problem: Problem) -> None:
        key = (problem.check, problem.addr)
        edit = self._edit
        if edit is not None and key not in edit.problems:
            edit.problems[key] = self.problems.get(key)
        self.problems[key] = problem

    def _drop(self, key: tuple[str, str]) -> None:
        if key in self.problems:
            edit = self._edit
            if edit is not None and key not in edit.problems:
                edit.problems[key] = self.problems[key]
            del self.problems[key]

    def _store_value(self, key: Any, value: Any) -> None:
        edit = self._edit
        if edit is not None and key not in edit.values:
            edit.values[key] = self.values.get(key, MISSING)
        self.values[key] = value

    def _store_computed(self, key: Any, value: Any) -> None:
        edit = self._edit
        if edit is not None and key not in edit.computed:
            edit.computed[key] = self.computed.get(key, MISSING)
        self.computed[key] = value

    def _pop_computed(self, key: Any) -> Any:
        edit = self._edit
        if edit is not None and key not in edit.computed and key in self.computed:
            edit.computed[key] = self.computed[key]
        return self.computed.pop(key, None)
