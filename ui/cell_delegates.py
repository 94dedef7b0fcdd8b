"""Pieces of the table grid that make it look and work like the paper form.

* :class:`CellDelegate` — the cell editors: line edits and multi-line texts that apply each
  keystroke, dropdowns for choices; error/提示 marks and the override corner painted on the cell.
* :class:`CellTextEdit` — the editor of a ``longtext`` cell: several lines, word-wrapped, growing
  downwards with its text.  As in Excel, Enter commits and goes down, Alt+Enter (or Ctrl+Enter,
  Shift+Enter) breaks the line, Tab commits and goes right.
* :func:`group_runs` — runs of equal consecutive group cells (类别; nested 一级/二级指标), each shown
  as one merged cell (the same rule the PDF uses: equal, non-empty printed text, data rows only; a
  二级 cell merges only within its 一级 group).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPolygon
from PySide6.QtWidgets import (QAbstractItemDelegate, QComboBox, QFrame, QLineEdit, QPlainTextEdit, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QWidget)

from desktop.core.document import cell_addr
from desktop.export.printed_groups import merged_up
from desktop.core.types import Choice, LongText
from ui import theme
from ui.label_fit import shown_label
from ui.table_model import HOW_ROLE, MARK_ROLE, OVERRIDE_ROLE, TableModel

if TYPE_CHECKING:
    from ui.table_view import FormTableView

LABEL_HOW = ("label", "none")  # cells shown as labels (a row's name), with the group (类别) cells
LINE_BREAK_MODIFIERS = (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
                        | Qt.KeyboardModifier.ShiftModifier)


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


def group_runs(ps: Any, table: Any, rows: list[str], fixed: set[str]) -> list[tuple[str, int, int]]:
    """(group column, first row, length) of each run of two or more data rows with the same non-empty
    group cell — and, for a nested group column, the same cells in every group column before it."""
    groups = table.groups
    flags = merged_up([("",) * len(groups) if rid in fixed else
                       tuple(ps.text(cell_addr(table.id, rid, c)).strip() for c in groups) for rid in rows])
    runs: list[tuple[str, int, int]] = []
    for k, g in enumerate(groups):
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or not flags[i][k]:  # row i starts a new run (or the table ended)
                if i - start > 1:
                    runs.append((g, start, i - start))
                start = i
    return runs


def choice_options(model: TableModel, col: Any) -> tuple[list[str], bool]:
    t = col.type
    if not isinstance(t, Choice):
        return [], True
    if t.options_from:
        tid, _, cid = t.options_from.partition(".")
        ps = model.ps
        seen: list[str] = []
        for rid in ps.data_rows(tid) if tid in model.session.form.tables else []:
            v = ps.raw(f"{tid}/{rid}/{cid}").strip()
            if v and v not in seen:
                seen.append(v)
        return [""] + seen, True
    return [""] + list(t.options), bool(t.free)


class CellDelegate(QStyledItemDelegate):
    """Line edits that apply each keystroke; dropdowns for choices; marks painted in the corner."""

    def __init__(self, view: "FormTableView"):
        super().__init__(view)
        self.view = view

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QWidget:
        model: TableModel = self.view.model()
        col = model.columns[index.column()]
        if isinstance(col.type, Choice):
            options, free = choice_options(model, col)
            box = QComboBox(parent)
            box.setEditable(free)
            box.addItems(options)
            box.setProperty("addr", model.addr(index.row(), index.column()))
            box.currentTextChanged.connect(lambda text, i=QPersistentModelIndex(index): self._live(i, text))
            return box
        if isinstance(col.type, LongText):  # several lines: Alt+Enter breaks the line, Enter commits
            text = CellTextEdit(parent)
            text.textChanged.connect(lambda e=text, i=QPersistentModelIndex(index): self._live(i, e.toPlainText()))
            return text
        edit = QLineEdit(parent)
        edit.setFrame(False)
        if col.type.align == "right":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.textEdited.connect(lambda text, i=QPersistentModelIndex(index): self._live(i, text))
        return edit

    def eventFilter(self, obj: Any, event: QEvent) -> bool:
        if isinstance(obj, CellTextEdit) and event.type() == QEvent.Type.KeyPress:
            if is_line_break(event):
                obj.line_break()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter leaves the cell, as in Excel
                self.view.enter_pressed = True
                self.commitData.emit(obj)
                self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
                return True
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.view.enter_pressed = True  # closeEditor then moves down, as a spreadsheet does
        return super().eventFilter(obj, event)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        super().updateEditorGeometry(editor, option, index)
        if isinstance(editor, CellTextEdit):
            editor.cell_height = option.rect.height()
            editor.grow()
        elif isinstance(editor, QComboBox) and option.rect.height() > 2 * editor.sizeHint().height():
            r = option.rect  # a dropdown in a tall merged 类别 cell: its own height, centred
            h = editor.sizeHint().height()
            editor.setGeometry(r.x(), r.y() + (r.height() - h) // 2, r.width(), h)

    def _live(self, index: QPersistentModelIndex, text: str) -> None:
        if index.isValid():
            self.view.model().setData(QModelIndex(index), text)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.blockSignals(True)
            if editor.findText(text) < 0:
                if editor.isEditable():
                    editor.setEditText(text)
                else:
                    editor.addItem(text)
                    editor.setCurrentText(text)
            else:
                editor.setCurrentText(text)
            editor.blockSignals(False)
        elif isinstance(editor, QLineEdit):
            if editor.text() != text:
                editor.setText(text)
        elif isinstance(editor, CellTextEdit):
            editor.set_text(text)
            if self.view.key_edit:  # typing over a cell replaces its text, as a line edit (and Excel) does
                self.view.key_edit = False
                editor.selectAll()

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, CellTextEdit):
            model.setData(index, editor.toPlainText())
            return
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, text)

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        """A label or group cell's text broken as the PDF breaks it (“社会效益 / 指标”, not “社会效益指 / 标”)."""
        super().initStyleOption(option, index)
        view = self.view
        if option.text and view.wordWrap() and (index.column() in view.model().group_cols()
                                                or index.data(HOW_ROLE) in LABEL_HOW):
            style = view.style()
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
            avail = view.columnWidth(index.column()) - (1 if view.showGrid() else 0) - 2 * margin
            option.text = shown_label(option.text, avail, option.font)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        mark = index.data(MARK_ROLE)
        r: QRect = option.rect
        if mark in ("error", "warning"):
            painter.save()
            pen_color = QColor(theme.ERROR_LINE if mark == "error" else theme.WARNING_LINE)
            painter.setPen(pen_color)
            painter.drawRect(r.adjusted(1, 1, -2, -2))
            painter.restore()
        if index.data(OVERRIDE_ROLE):  # a corner mark: typed over a computed value
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.OVERRIDE_MARK))
            painter.drawPolygon(QPolygon([QPoint(r.right() - 7, r.top()), QPoint(r.right(), r.top()),
                                          QPoint(r.right(), r.top() + 7)]))
            painter.restore()
