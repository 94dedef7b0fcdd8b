"""从 Excel 导入: our own export taken back, or a clerk's sheet through a column-mapping step.

Reading the workbook and working out the import (on a copy of the part) run on a worker thread
behind a progress dialog with 取消; only the final apply runs on the GUI thread, as ONE undo step
written to the draft like any edit (:mod:`desktop.session_import`).  Whatever goes wrong — the
project's own refusals or anything else — is told in Chinese and the window stays up.
"""
from __future__ import annotations

import logging

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QRadioButton, QScrollArea, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop.core.cancel import Cancelled, CancelToken
from desktop.core.engine import DocumentState
from desktop.core.errors import JixiaoError
from desktop.session import Command, FormSession
from desktop.session_import import ImportBatch, diff_commands, import_command, plan_table_import
from ui import settings as user_settings
from ui.worker import run_with_progress

SKIP = "（不导入）"
PREVIEW_ROWS = 8
MODES = [("merge", "合并（名称相同的行更新，其余追加）"), ("append", "全部追加到表末"),
         ("replace", "替换（先删除表中原有的行）")]

log = logging.getLogger(__name__)


def push_import(win: Any, cmds: list[Command], text: str = "从 Excel 导入") -> list[str]:
    """Apply ``cmds`` in the window as one undo step; returns notes on what could not be applied."""
    batch = ImportBatch(cmds, text)
    win.push(batch)
    return batch.failed


# ---------------------------------------------------------------------------------- the menu action
def import_xlsx(win: Any, path: str | Path | None = None) -> str | None:
    """从 Excel 导入…: returns a summary of what was done (None when nothing was).  Nothing that goes
    wrong escapes: it is told in Chinese and the window stays up."""
    try:
        return _import_xlsx(win, path)
    except Exception as exc:  # noqa: BLE001 - the window stays up whatever happens
        log.warning("从 Excel 导入失败：%s", path, exc_info=True)
        _tell_failure(win, Path(path or "Excel 文件"), exc)
        return None


def _import_xlsx(win: Any, path: str | Path | None) -> str | None:
    if win.session.readonly:
        QMessageBox.information(win, "从 Excel 导入", "草稿以只读方式打开，不能导入。")
        return None
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(win, "选择要导入的 Excel 文件", str(user_settings.export_folder()),
                                                "Excel 文件 (*.xlsx *.xlsm)")
        if not chosen:
            return None
        path = chosen
    path = Path(path)
    try:
        from desktop.export.xlsx_import import NotOwnExport, read_xlsx, sheet_names
    except ImportError as exc:
        QMessageBox.information(win, "从 Excel 导入", f"本程序的“从 Excel 导入”功能尚未安装（{exc}）。")
        return None
    own_note = ""

    def read_own(token: CancelToken) -> Any:
        try:
            return read_xlsx(path, cancel=token, progress=token.progress)
        except NotOwnExport:
            return None

    ok, own = _background(win, path, read_own)
    if not ok:
        return None
    if own is not None:
        if own.document.form_id == win.form.id:
            return _take_over(win, path, own)
        own_note = (f"{path.name} 是本程序导出的另一种表（{own.document.form_id}），不能整表导入；"
                    "可以按列对应导入其中的表格。")
    ok, sheets = _background(win, path, lambda token: sheet_names(path))
    if not ok:
        return None
    if not sheets:
        QMessageBox.warning(win, "无法导入", f"{path.name} 中没有可见的工作表。")
        return None
    dialog = MappingDialog(win, path, sheets, note=own_note)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return apply_dialog(win, dialog)


def _tell_failure(win: Any, path: Path, exc: BaseException) -> None:
    if isinstance(exc, JixiaoError):
        text = exc.text
    else:
        text = (f"导入 {path.name} 时出错（程序内部错误 {exc.__class__.__name__}），没有导入任何内容："
                "表单没有改动，文件也没有被改动。")
    QMessageBox.warning(win, "无法导入", text)


def _background(win: Any, path: Path, work: Any, label: str = "") -> tuple[bool, Any]:
    """``work(token)`` on a worker thread behind a progress dialog: ``(True, result)``; ``(False, None)``
    when cancelled or failed (the failure told in Chinese)."""
    try:
        return True, run_with_progress(win, "从 Excel 导入", "导入", work, label=label or f"正在读取 {path.name}…")
    except Cancelled:
        win.statusBar().showMessage("已取消导入，表单没有改动", 8000)
    except Exception as exc:  # noqa: BLE001 - the window stays up whatever happens
        log.warning("从 Excel 导入失败：%s", path, exc_info=True)
        _tell_failure(win, path, exc)
    return False, None


def _take_over(win: Any, path: Path, own: Any) -> str | None:
    session = win.session
    form = win.form
    imported = DocumentState(form, own.document)
    current = [p.id for p in session.state.doc.parts]
    cmds: list[Command] = []
    ids = {p.id for p in imported.doc.parts}
    for i, part in enumerate(imported.doc.parts):
        if part.id in current:
            target = part.id
        elif len(imported.doc.parts) == 1:
            target = win.current_part_id()
        elif i < len(current) and current[i] not in ids:
            target = current[i]
        else:
            continue
        cmds += diff_commands(session, target, part)
    if not cmds:
        QMessageBox.information(win, "从 Excel 导入", f"{path.name} 与当前表单的内容相同，没有需要导入的修改。")
        return None
    lines = [f"{path.name} 是本程序导出的“{form.title}”，共 {len(cmds)} 处与当前表单不同。"]
    if own.changed:
        lines.append("在 Excel 中修改过的单元格：")
        lines += [f"  · {c}" for c in own.changed[:15]]
        if len(own.changed) > 15:
            lines.append(f"  ……共 {len(own.changed)} 处")
    if own.notes:
        lines.append("说明：")
        lines += [f"  · {n}" for n in own.notes[:8]]
    lines.append("\n用 Excel 文件中的内容替换当前表单的内容吗？（可以撤销）")
    answer = QMessageBox.question(win, "从 Excel 导入", "\n".join(lines),
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return None
    notes = push_import(win, cmds, f"从 Excel 导入 {path.name}")
    summary = f"已从 {path.name} 导入 {len(cmds) - len(notes)} 处修改"
    if notes:
        QMessageBox.information(win, "从 Excel 导入", summary + "；以下未导入：\n" + "\n".join(notes[:20]))
    win.statusBar().showMessage(summary + "（可撤销）", 15000)
    return summary


def apply_dialog(win: Any, dialog: "MappingDialog") -> str | None:
    table_id, mapping, mode = dialog.table_id(), dialog.mapping(), dialog.mode()
    data = dialog.data
    if data is None or not mapping:
        QMessageBox.information(win, "从 Excel 导入", "没有选择要导入的列。")
        return None
    part_id = dialog.part_id
    session = win.session
    snapshot, revision = session.part(part_id).part.copy(), session.revision
    form, glyphs = win.form, session.state.missing_glyphs

    def plan(token: CancelToken) -> Any:
        before = snapshot.to_dict()
        new_ps, result = plan_table_import(form, snapshot, data.rows, table_id, mapping, mode, data.row_numbers,
                                           missing_glyphs=glyphs)
        return new_ps, result, new_ps.part.to_dict() != before

    ok, planned = _background(win, dialog.path, plan, f"正在导入 {len(data.rows)} 行…")
    if not ok:
        return None
    new_ps, result, changed = planned
    title = f"从 Excel 导入“{form.tables[table_id].title}”"
    failed: list[str] = []
    if changed:
        cmd = import_command(session, part_id, new_ps, revision, title)
        win.push(cmd)
        failed = list(getattr(cmd, "failed", []))
    summary = result.summary()
    notes = list(data.notes) + list(result.notes) + failed
    text = f"“{form.tables[table_id].title}”：{summary}。"
    if not changed:
        text += "\n表中内容没有变化。"
    if notes:
        text += "\n\n" + "\n".join(f"· {n}" for n in notes[:25])
        if len(notes) > 25:
            text += f"\n……另有 {len(notes) - 25} 条"
    if changed:
        text += "\n\n如导入有误，可用“撤销”（Ctrl+Z）一步恢复。"
    QMessageBox.information(win, "从 Excel 导入", text)
    win.statusBar().showMessage(f"已从 {dialog.path.name} 导入：{summary}", 15000)
    return summary


# ---------------------------------------------------------------------------------- the mapping dialog
class MappingDialog(QDialog):
    """Sheet, target table, preview, one combo per sheet column, and the mode."""

    def __init__(self, win: Any, path: Path, sheets: list[str], note: str = ""):
        super().__init__(win)
        self.win = win
        self.form = win.form
        self.path = Path(path)
        self.part_id = win.current_part_id()
        self.data: Any = None
        self.combos: dict[str, QComboBox] = {}
        self.setWindowTitle(f"从 Excel 导入 — {self.path.name}")
        lay = QVBoxLayout(self)
        if note:
            lay.addWidget(self._wrap_label(note))
        top = QFormLayout()
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItems(sheets)
        top.addRow("工作表", self.sheet_combo)
        self.table_combo = QComboBox()
        top.addRow("导入到", self.table_combo)
        if self.form.multi:
            index = session_index(win.session, self.part_id)
            top.addRow(self.form.part_label or "项目", QLabel(win.session.state.part_title(index)))
        lay.addLayout(top)
        self.info = self._wrap_label("")
        lay.addWidget(self.info)
        lay.addWidget(QLabel(f"预览（前 {PREVIEW_ROWS} 行）"))
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setMinimumHeight(200)
        self.preview.verticalHeader().setDefaultSectionSize(24)
        lay.addWidget(self.preview, 2)
        box = QGroupBox("列的对应（Excel 的列 → 表中的列）")
        box_lay = QVBoxLayout(box)
        self.map_area = QScrollArea()
        self.map_area.setWidgetResizable(True)
        self.map_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.map_area.setMinimumHeight(130)
        box_lay.addWidget(self.map_area)
        lay.addWidget(box, 1)
        mode_box = QGroupBox("导入方式")
        mode_lay = QHBoxLayout(mode_box)
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for i, (key, label) in enumerate(MODES):
            b = QRadioButton(label)
            self.mode_buttons[key] = b
            self.mode_group.addButton(b, i)
            mode_lay.addWidget(b)
        mode_lay.addStretch(1)
        self.mode_buttons["merge"].setChecked(True)
        lay.addWidget(mode_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("导入")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self.load_sheet())
        self.table_combo.currentIndexChanged.connect(lambda _i: self._table_changed())
        self.resize(820, 640)
        self.load_sheet()

    @staticmethod
    def _wrap_label(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    # ------------------------------------------------------------------ state
    def tables(self) -> list[Any]:
        from desktop.export.xlsx_import import mappable_columns

        return [t for t in self.form.tables.values() if mappable_columns(t)]

    def table_id(self) -> str:
        return str(self.table_combo.currentData())

    def mode(self) -> str:
        for key, b in self.mode_buttons.items():
            if b.isChecked():
                return key
        return "merge"

    def mapping(self) -> dict[str, str]:
        out = {}
        for header, combo in self.combos.items():
            cid = combo.currentData()
            if cid:
                out[header] = str(cid)
        return out

    def set_column(self, header: str, column: str | None) -> None:
        """Choose the target column of a sheet column (``None``: not imported); for tests and scripts."""
        combo = self.combos[header]
        i = combo.findData(column) if column else 0
        combo.setCurrentIndex(max(i, 0))

    # ------------------------------------------------------------------ loading
    def load_sheet(self) -> None:
        from desktop.export.xlsx_import import guess_mapping, read_sheet_table

        sheet = self.sheet_combo.currentText() or None
        ok, self.data = _background(self.win, self.path, lambda token: read_sheet_table(
            self.path, sheet, cancel=token, progress=token.progress))
        if not ok:
            self.info.setText("没有读到这个工作表（已取消或无法读取）。")
            self._fill_preview()
            self._fill_combos()
            return
        notes = list(self.data.notes)
        if self.data.headers:
            notes.insert(0, f"表头在第 {self.data.header_row} 行，共 {len(self.data.rows)} 行数据。")
        self.info.setText("\n".join(notes))
        # the table whose columns match the most headers (a repeating one first)
        best = None
        for t in self.tables():
            key = (len(guess_mapping(self.data.headers, t)), t.repeat, "指标" in t.title)
            if best is None or key > best[0]:
                best = (key, t.id)
        self.table_combo.blockSignals(True)
        self.table_combo.clear()
        for t in self.tables():
            self.table_combo.addItem(t.title, t.id)
        if best is not None:
            self.table_combo.setCurrentIndex(max(self.table_combo.findData(best[1]), 0))
        self.table_combo.blockSignals(False)
        self._fill_preview()
        self._table_changed()

    def _fill_preview(self) -> None:
        headers = self.data.headers if self.data is not None else []
        rows = self.data.rows[:PREVIEW_ROWS] if self.data is not None else []
        self.preview.clear()
        self.preview.setColumnCount(len(headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(headers)
        numbers = self.data.row_numbers if self.data is not None else []
        self.preview.setVerticalHeaderLabels([str(numbers[i]) if i < len(numbers) else str(i + 1)
                                              for i in range(len(rows))])
        for r, row in enumerate(rows):
            for c, h in enumerate(headers):
                self.preview.setItem(r, c, QTableWidgetItem(row.get(h, "")))
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self._fit_preview()

    def _fit_preview(self) -> None:
        self.preview.resizeColumnsToContents()
        for c in range(self.preview.columnCount()):
            width = self.preview.columnWidth(c) + 12
            self.preview.setColumnWidth(c, min(width, 260))

    def _table_changed(self) -> None:
        self._fill_combos()
        table = self.form.tables.get(self.table_id())
        repeat = bool(table is not None and table.repeat)
        for b in self.mode_buttons.values():
            b.setEnabled(repeat)
        if table is not None and not repeat:
            self.info.setText((self.info.text() + "\n" if self.info.text() else "")
                              + f"“{table.title}”的行是固定的：按行名称（第一列）对应填入。")

    def _fill_combos(self) -> None:
        from desktop.export.xlsx_import import guess_mapping, mappable_columns

        self.combos = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(12)
        table = self.form.tables.get(self.table_id())
        headers = self.data.headers if self.data is not None else []
        if table is None or not headers:
            grid.addWidget(QLabel("（没有可对应的列）"), 0, 0)
            self.map_area.setWidget(inner)
            return
        guess = guess_mapping(headers, table)
        cols = [table.column(cid) for cid in mappable_columns(table)]
        per_line = 2
        for k, h in enumerate(headers):
            combo = QComboBox()
            combo.addItem(SKIP, None)
            for c in cols:
                combo.addItem(c.label, c.id)
            if h in guess:
                combo.setCurrentIndex(max(combo.findData(guess[h]), 0))
            combo.setMinimumContentsLength(10)
            combo.currentIndexChanged.connect(lambda _i: self._mark_preview())
            self.combos[h] = combo
            r, c = divmod(k, per_line)
            name = QLabel(f"{h} →")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(name, r, c * 2)
            grid.addWidget(combo, r, c * 2 + 1)
        for c in range(per_line):
            grid.setColumnStretch(c * 2 + 1, 1)
        grid.setRowStretch(grid.rowCount(), 1)
        self.map_area.setWidget(inner)
        self._mark_preview()

    def _mark_preview(self) -> None:
        """Preview columns that are imported show their target; the others are greyed."""
        from PySide6.QtGui import QBrush, QColor

        headers = self.data.headers if self.data is not None else []
        grey = QBrush(QColor("#9a9a9a"))
        for c, h in enumerate(headers):
            combo = self.combos.get(h)
            target = combo.currentText() if combo is not None and combo.currentData() else ""
            item = QTableWidgetItem(f"{h}\n→ {target}" if target else f"{h}\n（不导入）")
            if not target:
                item.setForeground(grey)
            self.preview.setHorizontalHeaderItem(c, item)
            for r in range(self.preview.rowCount()):
                cell = self.preview.item(r, c)
                if cell is not None:
                    cell.setForeground(grey if not target else QBrush())
        self._fit_preview()

    def accept(self) -> None:
        mapping = self.mapping()
        if not mapping:
            QMessageBox.information(self, "从 Excel 导入", "请至少为一列选择对应的表中列。")
            return
        taken: dict[str, str] = {}
        for h, cid in mapping.items():
            if cid in taken:
                table = self.form.tables[self.table_id()]
                QMessageBox.information(self, "从 Excel 导入", f"“{taken[cid]}”和“{h}”都对应到了"
                                        f"“{table.column(cid).label}”，每一列只能对应一次。")
                return
            taken[cid] = h
        super().accept()


def session_index(session: FormSession, part_id: str) -> int:
    return session.part_index(part_id)
