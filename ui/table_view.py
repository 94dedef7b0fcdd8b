"""A form table as a spreadsheet: keys, dropdowns, live typing, row operations, paste from Excel/WPS."""
from __future__ import annotations

import csv
import io

from typing import Any, Callable

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QHeaderView, QInputDialog, QLineEdit,
                               QMenu, QMessageBox, QStyle, QTableView, QWidget)

from desktop.session import SessionError
from ui.cell_delegates import LABEL_HOW, CellDelegate, group_runs
from ui.label_fit import LabelHeader, fit_columns
from ui.table_model import HOW_ROLE, TableModel

MAX_AUTO_HEIGHT_ROWS = 200  # tables up to this many rows are shown whole, rows sized to their text
MAX_VIEW_HEIGHT = 640


class FormTableView(QTableView):
    def __init__(self, model: TableModel, push: Callable[[Any], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setHorizontalHeader(LabelHeader(self))  # titles broken as labels: “预算金额 / （万元）”
        self.push = push
        self.enter_pressed = False
        self.key_edit = False  # an editor is being opened by a typed key
        self.setModel(model)
        model.edit_requested = self._edit_requested  # type: ignore[method-assign]
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch if len(model.columns) < 3
                                    else QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setMinimumHeight(34)
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setMinimumWidth(28)
        self.verticalHeader().setVisible(model.table.repeat)  # row numbers only where rows can be added
        model.rowsInserted.connect(self._fit)
        model.rowsRemoved.connect(self._fit)
        model.modelReset.connect(self._fit)
        model.dataChanged.connect(self._maybe_resize_rows)
        self._runs: list[tuple[int, int, int]] | None = None  # (column, first row, length) of merged cells
        if model.group_col() >= 0:
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged,
                           model.dataChanged):
                signal.connect(self.update_spans)
            self.update_spans()
        from PySide6.QtCore import QTimer

        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(lambda: self._maybe_resize_rows())
        header.sectionResized.connect(lambda *_: self._rows_timer.start())  # text wraps anew at the new width
        self._fit()

    # ------------------------------------------------------------------ size
    def model(self) -> TableModel:  # type: ignore[override]
        return super().model()  # type: ignore[return-value]

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._widths()

    def _widths(self) -> None:
        """The paper's relative column widths, label columns widened (from the others) where that keeps
        a label from leaving one or two characters alone on its last line; the header grows to show its
        wrapped titles whole."""
        model = self.model()
        avail = self.viewport().width()
        if avail <= 0:
            return
        if len(model.columns) >= 3:
            total = sum(c.width for c in model.columns)
            widths = [avail * c.width / total for c in model.columns]
            for i, w in enumerate(fit_columns(widths, self._label_cells(), self.font(), self._text_pad())):
                self.setColumnWidth(i, w)
        self._header_height()
        self._maybe_resize_rows()

    def _text_pad(self) -> float:
        """Room between a cell's text and each of its borders: the style's text margin and the grid line,
        or a column title's padding, whichever is more."""
        grid = 1 if self.showGrid() else 0
        cell = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1 + grid / 2
        header: LabelHeader = self.horizontalHeader()  # type: ignore[assignment]
        title = (100 - header.text_width(0, 100)) / 2 if self.model().columns else 0
        return max(cell, title)

    def _label_cells(self) -> list[tuple[int, str, bool]]:
        """(column, text, is a label) of the column titles and of the cells shown on their own (not
        inside a merged group cell) of the first rows, as :func:`fit_columns` takes them."""
        model = self.model()
        if not model.alive():
            return []
        groups = set(model.group_cols())
        cells = [(i, str(model.headerData(i, Qt.Orientation.Horizontal) or ""), True) for i in range(len(model.columns))]
        covered = {(col, r) for col, start, length in self._runs or [] for r in range(start + 1, start + length)}
        for row in range(min(model.rowCount(), MAX_AUTO_HEIGHT_ROWS)):
            for col in range(len(model.columns)):
                if (col, row) not in covered:
                    index = model.index(row, col)
                    label = col in groups or index.data(HOW_ROLE) in LABEL_HOW
                    cells.append((col, str(index.data() or ""), label))
        return cells

    def _header_height(self) -> None:
        header = self.horizontalHeader()
        fm = header.fontMetrics()
        need = 0
        for i in range(len(self.model().columns)):
            text = header.shown_text(i)  # type: ignore[attr-defined]
            rect = fm.boundingRect(QRect(0, 0, max(10, header.sectionSize(i) - 10), 2000),
                                   int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter), text)
            need = max(need, rect.height() + 12)
        if need and header.height() != max(34, need):
            header.setFixedHeight(max(34, need))
            self._fit()

    def _maybe_resize_rows(self, *args: Any) -> None:
        if self.model().rowCount() <= MAX_AUTO_HEIGHT_ROWS:
            if args and len(args) >= 2 and args[0] == args[1]:
                row = args[0].row()
                old = self.rowHeight(row)
                self.resizeRowToContents(row)
                if self.rowHeight(row) < 26:
                    self.setRowHeight(row, 26)
                if self.rowHeight(row) != old:
                    self._fit()
                return
            self.resizeRowsToContents()
            for r in range(self.model().rowCount()):
                if self.rowHeight(r) < 26:
                    self.setRowHeight(r, 26)
            self._fit()

    def _fit(self, *args: Any) -> None:
        """Small tables are shown whole, like on paper; big ones scroll inside."""
        rows = self.model().rowCount()
        if rows <= MAX_AUTO_HEIGHT_ROWS:
            h = sum(self.rowHeight(r) for r in range(rows))
        else:
            h = MAX_VIEW_HEIGHT
        h += self.horizontalHeader().height() + 2 * self.frameWidth() + 2
        self.setFixedHeight(min(max(h, 60), MAX_VIEW_HEIGHT) if rows > MAX_AUTO_HEIGHT_ROWS else max(h, 60))

    # ------------------------------------------------------------------ edits
    def _edit_requested(self, cmd: Any) -> None:
        self.push(cmd)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        self.seal()
        super().closeEditor(editor, hint)
        enter, self.enter_pressed = self.enter_pressed, False
        # Enter: go down like a spreadsheet (SubmitModelCache alone also comes from a click on another row)
        if enter and hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.go_down()

    def edit(self, index: Any, trigger: Any = None, event: Any = None) -> bool:  # type: ignore[override]
        if trigger is None:
            return super().edit(index)  # type: ignore[call-arg]
        self.key_edit = trigger == QAbstractItemView.EditTrigger.AnyKeyPressed
        try:
            return super().edit(index, trigger, event)
        finally:
            self.key_edit = False

    def go_down(self) -> None:
        """The cell below the current one; below a merged 类别 cell that is the row after the group."""
        cur = self.currentIndex()
        if not cur.isValid():
            return
        below = cur.row() + max(1, self.rowSpan(cur.row(), cur.column()))
        if below < self.model().rowCount():
            self.setCurrentIndex(self.model().index(below, cur.column()))

    # ------------------------------------------------------------------ merged 类别 cells
    def update_spans(self, *args: Any) -> None:
        """Equal consecutive group cells (类别; 一级, and 二级 within it) as one merged cell, as on paper
        (recomputed after every change)."""
        model = self.model()
        cols = model.group_cols()
        if not cols:
            return
        if len(args) >= 2 and isinstance(args[1], QModelIndex) and \
                not any(args[0].column() <= g <= args[1].column() for g in cols):
            return  # an edit elsewhere cannot change the groups
        found = group_runs(model.ps, model.table, model.rows, model.fixed) if model.alive() else []
        runs = [(model.col_index[g], start, length) for g, start, length in found]
        if runs == self._runs:
            return
        self._runs = runs
        self.clearSpans()
        for col, start, length in runs:
            self.setSpan(start, col, length, 1)
        cur = self.currentIndex()  # the cursor never rests inside a merged cell
        if cur.isValid() and self.state() != QAbstractItemView.State.EditingState:
            top = self.span_top(cur)
            if top.row() != cur.row():
                self.setCurrentIndex(top)

    def span_top(self, index: QModelIndex) -> QModelIndex:
        """The merged group cell that covers ``index`` (or ``index`` itself)."""
        if index.isValid():
            for col, start, length in self._runs or []:
                if col == index.column() and start < index.row() < start + length:
                    return self.model().index(start, col)
        return index

    def seal(self) -> None:
        """The next typing is a new undo step."""
        stack = getattr(self.window(), "undo_stack", None)
        if stack is not None and stack.count():
            cmd = stack.command(stack.index() - 1) if stack.index() > 0 else None
            inner = getattr(cmd, "cmd", None)
            if inner is not None and hasattr(inner, "sealed"):
                inner.sealed = True

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            self.go_down()
            return
        if event.key() == Qt.Key.Key_Delete and self.state() != QAbstractItemView.State.EditingState:
            self.clear_selected()
            return
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if ctrl and event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):  # Ctrl + +: a row below, as in Excel
            self.insert_row(below=True)
            return
        if ctrl and event.key() == Qt.Key.Key_Minus:  # Ctrl + -: delete the selected rows
            self.remove_rows()
            return
        if alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):  # Alt + ↑/↓: move the row
            self.move_row(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)

    def _push(self, make: Callable[[], Any]) -> None:
        try:
            self.push(make())
        except SessionError as exc:
            QMessageBox.information(self, "不能这样修改", exc.text)

    def clear_selected(self) -> None:
        model = self.model()
        indexes = [i for i in self.selectedIndexes() if model.flags(i) & Qt.ItemFlag.ItemIsEditable and i.data(Qt.ItemDataRole.EditRole)]
        if not indexes:
            return
        from desktop.session import Batch

        s = model.session
        cmds = [s.set_cell_command(model.part_id, model.addr(i.row(), i.column()), "", False) for i in indexes]
        self.push(Batch(cmds, "清除内容"))

    def copy(self) -> None:
        indexes = sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return
        rows: dict[int, dict[int, str]] = {}
        for i in indexes:
            rows.setdefault(i.row(), {})[i.column()] = str(i.data(Qt.ItemDataRole.DisplayRole) or "")
        cols = sorted({i.column() for i in indexes})
        text = "\n".join("\t".join(rows[r].get(c, "") for c in cols) for r in sorted(rows))
        QGuiApplication.clipboard().setText(text)

    def paste(self, text: str | None = None) -> None:
        """Paste tab-separated cells (from Excel or WPS) at the current cell; rows are added as needed."""
        if text is None:
            text = QGuiApplication.clipboard().text()
        block = parse_clipboard(text)
        if not block:
            return
        model = self.model()
        cur = self.currentIndex()
        row, col = (cur.row(), cur.column()) if cur.isValid() else (0, 0)
        data = model.ps.data_rows(model.table.id)
        rid = model.rows[row] if 0 <= row < len(model.rows) else None
        if rid in data:
            start = data.index(rid)
        else:  # on a total row: the top one pastes into the first data row, a bottom one after the last
            top = [r.id for r in model.table.fixed_rows if r.position == "top"]
            start = 0 if rid in top else len(data)
        left_out = []
        if not model.table.repeat and len(block) > len(data) - start:
            left_out.append(f"{len(block) - max(0, len(data) - start)} 行")
            block = block[:max(0, len(data) - start)]
        extra = max(len(r) for r in block) - (len(model.columns) - col) if block else 0
        if extra > 0:
            left_out.append(f"每行右边 {extra} 列")
        if not block:
            return
        self._push(lambda: model.session.paste_command(model.part_id, model.table.id, start, col, block))
        self.tell(f"已粘贴 {len(block)} 行" + (f"；表格放不下的{'、'.join(left_out)}没有粘贴" if left_out else ""))

    def tell(self, text: str) -> None:
        bar = getattr(self.window(), "statusBar", None)
        if bar is not None:
            bar().showMessage(text, 10000)

    # ------------------------------------------------------------------ rows
    def _selected_data_rows(self) -> list[str]:
        model = self.model()
        rows = sorted({i.row() for i in self.selectedIndexes()} | ({self.currentIndex().row()} if self.currentIndex().isValid() else set()))
        return [model.rows[r] for r in rows if model.is_data_row(r)]

    def insert_row(self, below: bool = True) -> None:
        model = self.model()
        if not model.table.repeat:
            return
        cur = self.currentIndex()
        data = model.ps.data_rows(model.table.id)
        if cur.isValid() and model.is_data_row(cur.row()):
            at = model.data_row_number(cur.row()) + (1 if below else 0)
        else:
            at = len(data)
        self._push(lambda: model.session.insert_rows_command(model.part_id, model.table.id, at))
        rid = model.ps.data_rows(model.table.id)[at]
        col = cur.column() if cur.isValid() else 0
        self.setCurrentIndex(model.index(model.row_index[rid], max(col, 0)))

    def remove_rows(self) -> None:
        model = self.model()
        rids = self._selected_data_rows()
        if not rids:
            return
        self._push(lambda: model.session.remove_rows_command(model.part_id, model.table.id, rids))

    def move_row(self, delta: int) -> None:
        model = self.model()
        cur = self.currentIndex()
        if not cur.isValid() or not model.is_data_row(cur.row()):
            return
        rid = model.rows[cur.row()]
        data = model.ps.data_rows(model.table.id)
        new = data.index(rid) + delta
        if not 0 <= new < len(data):
            return
        self._push(lambda: model.session.move_row_command(model.part_id, model.table.id, rid, new))
        self.setCurrentIndex(model.index(model.row_index[rid], cur.column()))

    def override(self, index: QModelIndex) -> None:
        model = self.model()
        addr = model.addr(index.row(), index.column())
        ps = model.ps
        current = ps.part.overrides.get(addr, ps.text(addr))
        text, ok = QInputDialog.getText(self, "手工改写", f"{ps.describe(addr)}\n计算值：{ps.text(addr)}\n改写为：",
                                        QLineEdit.EchoMode.Normal, current)
        if ok:
            self._push(lambda: model.session.set_cell_command(model.part_id, addr, text, True))

    def restore(self, index: QModelIndex) -> None:
        model = self.model()
        addr = model.addr(index.row(), index.column())
        self._push(lambda: model.session.set_cell_command(model.part_id, addr, None, True))

    def explain(self, problem: Any) -> None:
        """Answer a 提示 on this cell with an explanation (saved in the draft, printed with the form)."""
        model = self.model()
        old = model.ps.part.explanations.get(problem.key, "")
        text, ok = QInputDialog.getMultiLineText(self, "填写说明", f"提示：{problem.body}\n\n说明：", old)
        if ok:
            self._push(lambda: model.session.explain_command(model.part_id, problem.key, text.strip() or None))

    def _menu(self, pos: QPoint) -> None:
        model = self.model()
        index = self.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            addr = model.addr(index.row(), index.column())
            ps = model.ps
            if ps.overridable(addr) and not ps.is_overridden(addr):
                menu.addAction("手工改写…", lambda: self.override(index))
            if ps.is_overridden(addr):
                menu.addAction("修改手工值…", lambda: self.override(index))
                menu.addAction("恢复计算值", lambda: self.restore(index))
            for p in [p for p in ps.problems.values() if p.addr == addr and p.level == "warning"]:
                menu.addAction(f"说明此提示：{p.body[:24]}…", lambda p=p: self.explain(p))
            if not menu.isEmpty():
                menu.addSeparator()
        if model.table.repeat and not model.session.readonly:
            menu.addAction("在上方插入行", lambda: self.insert_row(below=False))
            menu.addAction("在下方插入行\tCtrl++", lambda: self.insert_row(below=True))
            delete = QAction("删除所选行\tCtrl+-", menu)
            delete.triggered.connect(self.remove_rows)
            delete.setEnabled(bool(self._selected_data_rows()))
            menu.addAction(delete)
            menu.addAction("上移一行\tAlt+↑", lambda: self.move_row(-1))
            menu.addAction("下移一行\tAlt+↓", lambda: self.move_row(1))
            menu.addSeparator()
        menu.addAction("复制", self.copy)
        if not model.session.readonly:
            menu.addAction("粘贴（可从 Excel/WPS 复制）", self.paste)
        menu.exec(self.viewport().mapToGlobal(pos))

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and e.matches(QKeySequence.StandardKey.Paste):
            e.accept()
            return True
        return super().event(e)


def parse_clipboard(text: str) -> list[list[str]]:
    """Tab-separated rows as Excel and WPS copy them (quoted cells may hold newlines and tabs).

    One trailing line break ends the last row; a blank line is a row with one empty cell."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    # the end mark keeps a last row the reader would drop (an empty line); it lands in the last cell
    rows = [row or [""] for row in csv.reader(io.StringIO(text + _END, newline=""), dialect="excel-tab")]
    rows[-1][-1] = rows[-1][-1].removesuffix(_END)
    return rows


_END = "\uffff"  # a noncharacter: never typed, and removed again exactly once
