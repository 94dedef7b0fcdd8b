"""The edits of a form session as undoable commands (see :mod:`desktop.session`).

Each command has ``do`` and ``undo``, made of the session's public edits
(``set_cell``, ``insert_rows``, ... : engine first, then the store queue); :class:`History` is a plain
undo list for code without Qt, the UI wraps the same commands in a QUndoStack.
No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.core.document import Part

if TYPE_CHECKING:
    from desktop.session import FormSession


# ---------------------------------------------------------------------------------- commands
class Command:
    text = "修改"
    merge_key: Any = None  # commands with equal keys merge (typing into one cell)

    def do(self, s: "FormSession") -> None:
        raise NotImplementedError

    def undo(self, s: "FormSession") -> None:
        raise NotImplementedError

    def merge(self, other: "Command") -> bool:
        return False


@dataclass
class SetCell(Command):
    """Typing into an input, or (``override``) over a computed value; ``None`` = back to computed."""

    part_id: str
    addr: str
    old: str | None
    new: str | None
    override: bool = False
    label: str = ""
    sealed: bool = False  # the clerk left the cell: the next typing there is a new undo step

    @property
    def text(self) -> str:  # type: ignore[override]
        if self.override:
            return f"恢复计算值 {self.label}" if self.new is None else f"手工改写 {self.label}"
        return f"填写 {self.label}"

    @property
    def merge_key(self) -> Any:  # type: ignore[override]
        return None if self.override else ("cell", self.part_id, self.addr)

    def do(self, s: "FormSession") -> None:
        s.set_cell(self.part_id, self.addr, self.new, self.override)

    def undo(self, s: "FormSession") -> None:
        s.set_cell(self.part_id, self.addr, self.old, self.override)

    def merge(self, other: Command) -> bool:
        if isinstance(other, SetCell) and other.merge_key == self.merge_key and not self.sealed:
            self.new = other.new
            return True
        return False


@dataclass
class SetExplanation(Command):
    part_id: str
    key: str
    old: str | None
    new: str | None
    text: str = "填写说明"

    def do(self, s: "FormSession") -> None:
        s.set_explanation(self.part_id, self.key, self.new)

    def undo(self, s: "FormSession") -> None:
        s.set_explanation(self.part_id, self.key, self.old)


@dataclass
class RowItem:
    row_id: str
    index: int
    cells: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # column -> raw


@dataclass
class InsertRows(Command):
    part_id: str
    table: str
    items: list[RowItem]
    text: str = "增加行"

    def do(self, s: "FormSession") -> None:
        s.insert_rows(self.part_id, self.table, self.items)

    def undo(self, s: "FormSession") -> None:
        s.remove_rows(self.part_id, self.table, [it.row_id for it in reversed(self.items)])


@dataclass
class RemoveRows(Command):
    part_id: str
    table: str
    items: list[RowItem]  # in ascending index order
    text: str = "删除行"

    def do(self, s: "FormSession") -> None:
        s.remove_rows(self.part_id, self.table, [it.row_id for it in reversed(self.items)])

    def undo(self, s: "FormSession") -> None:
        s.insert_rows(self.part_id, self.table, self.items)


@dataclass
class MoveRow(Command):
    part_id: str
    table: str
    row_id: str
    old_index: int
    new_index: int
    text: str = "移动行"

    def do(self, s: "FormSession") -> None:
        s.move_row(self.part_id, self.table, self.row_id, self.new_index)

    def undo(self, s: "FormSession") -> None:
        s.move_row(self.part_id, self.table, self.row_id, self.old_index)


@dataclass
class Batch(Command):
    """Several commands as one undo step (a paste)."""

    commands: list[Command]
    text: str = "粘贴"

    def do(self, s: "FormSession") -> None:
        with s.bulk():
            for c in self.commands:
                c.do(s)

    def undo(self, s: "FormSession") -> None:
        with s.bulk():
            for c in reversed(self.commands):
                c.undo(s)


@dataclass
class SwapPart(Command):
    """A part replaced by one computed on a copy (an import worked out off the GUI thread): its values
    are taken over, not recomputed.  Doing and undoing are the same exchange."""

    part_id: str
    other: Any  # a PartState of the same form
    text: str = "导入"

    def do(self, s: "FormSession") -> None:
        s.swap_part(self.part_id, self.other)

    def undo(self, s: "FormSession") -> None:
        s.swap_part(self.part_id, self.other)


@dataclass
class AddPart(Command):
    index: int
    data: dict  # Part.to_dict()
    text: str = "增加项目"

    def do(self, s: "FormSession") -> None:
        s.add_part(self.index, Part.from_dict(self.data))

    def undo(self, s: "FormSession") -> None:
        s.remove_part(self.data["id"])


@dataclass
class RemovePart(Command):
    index: int
    data: dict
    text: str = "删除项目"

    def do(self, s: "FormSession") -> None:
        s.remove_part(self.data["id"])

    def undo(self, s: "FormSession") -> None:
        s.add_part(self.index, Part.from_dict(self.data))


@dataclass
class MovePart(Command):
    part_id: str
    old_index: int
    new_index: int
    text: str = "移动项目"

    def do(self, s: "FormSession") -> None:
        s.move_part(self.part_id, self.new_index)

    def undo(self, s: "FormSession") -> None:
        s.move_part(self.part_id, self.old_index)


class History:
    """A plain undo/redo list (the UI uses QUndoStack over the same commands)."""

    def __init__(self, session: "FormSession"):
        self.session = session
        self.done: list[Command] = []
        self.undone: list[Command] = []

    def push(self, cmd: Command, merge: bool = True) -> None:
        self.session.apply(cmd)
        if merge and self.done and cmd.merge_key is not None and self.done[-1].merge(cmd):
            return
        self.done.append(cmd)
        self.undone.clear()

    def undo(self) -> bool:
        if not self.done:
            return False
        cmd = self.done.pop()
        self.session.revert(cmd)
        self.undone.append(cmd)
        return True

    def redo(self) -> bool:
        if not self.undone:
            return False
        cmd = self.undone.pop()
        self.session.apply(cmd)
        self.done.append(cmd)
        return True
