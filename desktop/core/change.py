"""What one edit changed: the engine's answer to every edit, used for targeted repaints.

Every edit method of :class:`~desktop.core.engine.PartState` and
:class:`~desktop.core.engine.DocumentState` returns a :class:`Change`.  The
engine records a cell or a problem only when it really differs after the edit
(a value written back unchanged is not reported), so a window repaints exactly
``change.repaint`` and re-lists problems only when ``change.problems``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Change:
    part_ids: set[str] = field(default_factory=set)  # parts (projects) with any change
    cells: set[str] = field(default_factory=set)  # addresses whose value or printed text may differ
    computed: set[str] = field(default_factory=set)  # overridden cells whose computed value changed
    marks: set[str] = field(default_factory=set)  # addresses whose problems changed ("" = the form)
    tables: set[tuple[str, str]] = field(default_factory=set)  # (part id, table) whose row list changed
    rows_added: list[tuple[str, str, str]] = field(default_factory=list)  # (part id, table, row id)
    rows_removed: list[tuple[str, str, str]] = field(default_factory=list)
    everything: bool = False  # a part was recomputed in full
    parts: bool = False  # the list of parts (or a part's title) changed

    @property
    def problems(self) -> bool:
        """Whether the list of problems may read differently."""
        return bool(self.marks or self.rows_removed) or self.everything or self.parts

    @property
    def repaint(self) -> set[str]:
        """Every address whose cell must be drawn again."""
        return self.cells | self.computed | self.marks

    @property
    def empty(self) -> bool:
        return not (self.part_ids or self.parts or self.everything)

    def update(self, other: "Change") -> "Change":
        """Fold ``other`` (a later edit in the same command) into this one; returns self."""
        self.part_ids |= other.part_ids
        self.cells |= other.cells
        self.computed |= other.computed
        self.marks |= other.marks
        self.tables |= other.tables
        self.rows_added += other.rows_added
        self.rows_removed += other.rows_removed
        self.everything = self.everything or other.everything
        self.parts = self.parts or other.parts
        return self
