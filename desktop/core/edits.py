"""Edits of a document as typed operations, the way the draft store writes them.

A :class:`~desktop.session.FormSession` applies an edit to the engine at once
and queues the matching operation; flushing calls ``op.apply(draft)``, which
calls the one store method the operation names (no method looked up by its
name).  The draft (:class:`desktop.store.Draft`) is the usual target; anything
with the methods of :class:`DocumentWriter` will do.  No store import here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from desktop.core.document import Document, Part


class DocumentWriter(Protocol):  # pragma: no cover - a type only
    def set_value(self, part_id: str, addr: str, raw: str) -> None: ...
    def set_override(self, part_id: str, addr: str, raw: str | None) -> None: ...
    def set_explanation(self, part_id: str, key: str, text: str | None) -> None: ...
    def insert_row(self, part_id: str, table: str, row_id: str, index: int | None, cells: dict[str, str]) -> None: ...
    def remove_row(self, part_id: str, table: str, row_id: str) -> None: ...
    def move_row(self, part_id: str, table: str, row_id: str, index: int) -> None: ...
    def add_part(self, index: int | None, part: Part) -> None: ...
    def remove_part(self, part_id: str) -> None: ...
    def move_part(self, part_id: str, index: int) -> None: ...
    def replace_document(self, doc: Document) -> None: ...


class Op:
    """One store write."""

    def apply(self, target: DocumentWriter) -> None:
        raise NotImplementedError

    def replaces(self, earlier: "Op") -> bool:
        """True when this write makes ``earlier`` (the op just before it) pointless."""
        return False


@dataclass(frozen=True)
class SetValueOp(Op):
    part_id: str
    addr: str
    raw: str

    def apply(self, target: DocumentWriter) -> None:
        target.set_value(self.part_id, self.addr, self.raw)

    def replaces(self, earlier: Op) -> bool:  # typing on in the same cell: only the last text matters
        return type(earlier) is type(self) and (earlier.part_id, earlier.addr) == (self.part_id, self.addr)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SetOverrideOp(SetValueOp):
    raw: str | None  # type: ignore[assignment]  # None: back to the computed value

    def apply(self, target: DocumentWriter) -> None:
        target.set_override(self.part_id, self.addr, self.raw)


@dataclass(frozen=True)
class SetExplanationOp(Op):
    part_id: str
    key: str
    text: str | None

    def apply(self, target: DocumentWriter) -> None:
        target.set_explanation(self.part_id, self.key, self.text)


@dataclass(frozen=True)
class InsertRowOp(Op):
    part_id: str
    table: str
    row_id: str
    index: int | None
    cells: dict[str, str] = field(default_factory=dict)

    def apply(self, target: DocumentWriter) -> None:
        target.insert_row(self.part_id, self.table, self.row_id, self.index, dict(self.cells))


@dataclass(frozen=True)
class RemoveRowOp(Op):
    part_id: str
    table: str
    row_id: str

    def apply(self, target: DocumentWriter) -> None:
        target.remove_row(self.part_id, self.table, self.row_id)


@dataclass(frozen=True)
class MoveRowOp(Op):
    part_id: str
    table: str
    row_id: str
    index: int

    def apply(self, target: DocumentWriter) -> None:
        target.move_row(self.part_id, self.table, self.row_id, self.index)


@dataclass(frozen=True)
class AddPartOp(Op):
    index: int | None
    part: Part

    def apply(self, target: DocumentWriter) -> None:
        target.add_part(self.index, self.part)


@dataclass(frozen=True)
class RemovePartOp(Op):
    part_id: str

    def apply(self, target: DocumentWriter) -> None:
        target.remove_part(self.part_id)


@dataclass(frozen=True)
class MovePartOp(Op):
    part_id: str
    index: int

    def apply(self, target: DocumentWriter) -> None:
        target.move_part(self.part_id, self.index)


@dataclass(frozen=True)
class ReplaceOp(Op):
    """Write the whole document again (after many edits in one step, or after a failed write)."""

    doc: Document

    def apply(self, target: DocumentWriter) -> None:
        target.replace_document(self.doc)
