"""QUndoStack commands over the session's own commands (desktop.session)."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from desktop.session import Command, FormSession

MERGE_ID = 1


class SessionCommand(QUndoCommand):
    def __init__(self, session: FormSession, cmd: Command):
        super().__init__(cmd.text)
        self.session = session
        self.cmd = cmd

    def redo(self) -> None:
        self.session.apply(self.cmd)

    def undo(self) -> None:
        self.session.revert(self.cmd)

    def id(self) -> int:
        return MERGE_ID if self.cmd.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SessionCommand):
            return False
        if self.cmd.merge(other.cmd):
            self.setText(self.cmd.text)
            return True
        return False
