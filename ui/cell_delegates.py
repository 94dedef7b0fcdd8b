"""Pieces of the table grid that make it look and work like the paper form.

* :class:`CellTextEdit` — the editor of a ``longtext`` cell: several lines, word-wrapped, growing
  downwards with its text.  As in Excel, Enter commits and goes down, Alt+Enter (or Ctrl+Enter,
  Shift+Enter) breaks the line, Tab commits and goes right.
* :func:`group_runs` — runs of equal consecutive 类别 cells, shown as one merged cell (the same
  rule the PDF uses: equal, non-empty printed text, data rows only).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QWidget

from desktop.core.document import cell_addr

LINE_BREAK_MODIFIERS = (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
                        | Qt.KeyboardModifier.ShiftModifier)
GROUP_TIP = ("相同的{label}合并成一格显示（与打印相同）。在合并格里修改只改本组第一行；"
             "改后其余各行另成一格，可再分别修改。")


class CellTextEdit(QPlainTextEdit):
    """A multi-line cell editor; ``line_break`` inserts a line break, other keys are the grid's."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("cellText")  # opaque, so a text taller than its row never shows the row below
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTabChangesFocus(True)
        self.cell_height = 0  # the cell's own height; the editor never gets smaller than the cell
        self.document().contentsChanged.connect(self.grow)

    def set_text(self, text: str) -> None:
        if self.toPlainText() == text:
            return
        self.blockSignals(True)
        self.setPlainText(text)
        self.blockSignals(False)
        self.moveCursor(self.textCursor().MoveOperation.End)
        self.grow()

    def line_break(self) -> None:
        self.textCursor().insertText("\n")
        self.ensureCursorVisible()

    def needed_height(self) -> int:
        doc = self.document()
        lines = sum(max(1, doc.findBlockByNumber(i).layout().lineCount()) for i in range(doc.blockCount()))
        fm = self.fontMetrics()
        return int(lines * fm.lineSpacing() + 2 * doc.documentMargin() + 2 * self.frameWidth() + 4)

    def grow(self) -> None:
        """Taller as the text grows (the row follows once the text is applied; this covers the gap)."""
        want = max(self.cell_height, self.needed_height())
        if want != self.height() and self.width() > 0:
            self.resize(self.width(), want)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.grow()


def is_line_break(event: QEvent) -> bool:
    """Alt/Ctrl/Shift + Enter in a multi-line cell: a new line instead of leaving the cell."""
    return (event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
            and bool(event.modifiers() & LINE_BREAK_MODIFIERS))  # type: ignore[attr-defined]


def group_runs(ps: Any, table: Any, rows: list[str], fixed: set[str]) -> list[tuple[int, int]]:
    """(first row, length) of each run of two or more data rows with the same non-empty 类别."""
    g = table.group_column
    if not g:
        return []
    runs: list[tuple[int, int]] = []
    start, prev = 0, None
    for i, rid in enumerate(rows + [None]):  # type: ignore[operator]
        text = None
        if rid is not None and rid not in fixed:
            text = ps.text(cell_addr(table.id, rid, g)).strip() or None
        if text is None or text != prev:
            if prev is not None and i - start > 1:
                runs.append((start, i - start))
            start, prev = i, text
    return runs
