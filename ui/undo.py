"""QUndoStack commands over the session's own commands (desktop.session)."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from desktop.core.errors import JixiaoError
from desktop.session import Command, FormSession

MERGE_ID = 1


class SessionCommand(QUndoCommand):
    def __init__(self, session: FormSession, cmd: Command):
        super().__init__(cmd.text)
        self.session = session
        self.cmd = cmd
        self._first = True

    def redo(self) -> None:
        self._run(self.session.apply)

    def undo(self) -> None:
        self._run(self.session.revert)

    def _run(self, fn) -> None:  # noqa: ANN001
        try:
            fn(self.cmd)
        except JixiaoError as exc:  # exceptions cannot leave a Qt virtual: tell the clerk here
            from PySide6.QtWidgets import QApplication, QMessageBox

            if self._first:
                self.setObsolete(True)  # the edit did not happen: nothing to undo
            QMessageBox.warning(QApplication.activeWindow(), "不能修改" if self._first else "不能撤销或重做", exc.text)
        finally:
            self._first = False

    def id(self) -> int:
        return MERGE_ID if self.cmd.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SessionCommand):
            return False
        if self.cmd.merge(other.cmd):
            self.setText(self.cmd.text)
            return True
        return False
