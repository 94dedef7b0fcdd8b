"""汇总与审核: the receiving desk's window.

Collect folders and files on a worker thread (``ui.worker``: progress bar, 取消), review the
submissions in a sortable, filterable table, open one read-only in its own form
window (with an action to comment on the current cell), mark 通过 / 退回, write
a return package, keep the list of units that owe a form, export the 汇总.
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QTableView, QToolBar,
                               QVBoxLayout, QWidget)

from desktop.core.cancel import CancelToken
from desktop.core.errors import Code, JixiaoError, message
from desktop.desk.library import Library
from ui import settings as user_settings
from ui.desk_model import COLUMNS, ID_ROLE, WIDTHS, DeskFilter, DeskModel
from ui.worker import Job, start_with_progress


class DeskWindow(QMainWindow):
    def __init__(self, library: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("汇总与审核 — 绩效填报")
        self.lib = Library.open(library or user_settings.get("desk_library") or None)
        self.reviewer = user_settings.get("people") or "审核人"
        self.model = DeskModel(self)
        self.job: Job | None = None  # the collecting under way
        self.windows: list[Any] = []
        self._build()
        self.reload()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        bar = QToolBar("汇总与审核")
        self.addToolBar(bar)
        for text, fn in (("添加文件夹…", self.add_folder), ("添加文件…", self.add_files), ("重新扫描", self.rescan),
                         ("应报单位…", self.edit_expected), ("打开（只读）", self.open_selected),
                         ("通过", lambda: self.set_status("通过")), ("退回…", lambda: self.set_status("退回")),
                         ("生成退回包…", self.write_return), ("导出汇总…", self.export_summary),
                         ("汇总审核库…", self.choose_library)):
            act = QAction(text, self)
            act.triggered.connect(lambda *_, f=fn: f())
            bar.addAction(act)
        central = QWidget()
        lay = QVBoxLayout(central)
        filters = QHBoxLayout()
        self.status_box = self._combo(["全部状态", "待审", "通过", "退回"])
        self.form_box = self._combo(["全部表单"])
        self.grade_box = self._combo(["全部等级", "优", "良", "中", "差"])
        self.errors_box = QCheckBox("只看有错误的")
        self.errors_box.toggled.connect(self.apply_filter)
        self.old_box = QCheckBox("显示已被取代的旧版")
        self.old_box.toggled.connect(self.apply_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索单位、项目、意见…")
        self.search.textChanged.connect(self.apply_filter)
        for w in (QLabel("筛选："), self.status_box, self.form_box, self.grade_box, self.errors_box, self.old_box,
                  self.search):
            filters.addWidget(w)
        lay.addLayout(filters)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda *_: self.open_selected())
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        for i, (col, _title) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, WIDTHS.get(col, 90))
        lay.addWidget(self.table, 1)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        lay.addWidget(self.facts)
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"汇总审核库：{self.lib.where}")
        self.resize(1280, 720)

    def _combo(self, items: list[str]) -> QComboBox:
        box = QComboBox()
        box.addItems(items)
        box.currentIndexChanged.connect(self.apply_filter)
        return box

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        keep_sid = self.selected_id()
        rows = [r.values for r in self.lib.submissions()]
        forms = sorted({(r["form_id"], r["form_title"]) for r in rows})
        keep = self.form_box.currentData()
        self.form_box.blockSignals(True)
        self.form_box.clear()
        self.form_box.addItem("全部表单", "")
        for fid, title in forms:
            self.form_box.addItem(title or fid, fid)
        self.form_box.setCurrentIndex(max(0, self.form_box.findData(keep)))
        self.form_box.blockSignals(False)
        self.model.load(rows)
        self.apply_filter()
        if keep_sid is not None:
            self._select(keep_sid)
        unreadable = self.lib.unreadable()
        missing = self.lib.missing_units()
        self.facts.setText(f"共 {len(rows)} 份报送；无法读取的文件 {len(unreadable)} 个"
                           + (f"；尚未报送的单位 {len(missing)} 个：{'、'.join(missing[:30])}" if missing else ""))
        self.facts.setToolTip("\n".join(f"{Path(f['path']).name}：{f['problem']}" for f in unreadable[:50]))

    def apply_filter(self, *_: Any) -> None:
        pick = lambda box: "" if box.currentIndex() <= 0 else box.currentText()  # noqa: E731
        self.model.apply(DeskFilter(status=pick(self.status_box), form=self.form_box.currentData() or "",
                                    grade=pick(self.grade_box), errors_only=self.errors_box.isChecked(),
                                    text=self.search.text(), show_superseded=self.old_box.isChecked()))

    def selected_id(self) -> int | None:
        idx = self.table.currentIndex()
        return self.model.data(idx, ID_ROLE) if idx.isValid() else None

    # ------------------------------------------------------------------ collecting
    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择收到报送的文件夹")
        if folder:
            self.collect([folder])

    def add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "选择报送文件", "",
                                                "报送文件 (*.jxd *.json *.xlsx *.pdf *.zip *.eml)")
        if files:
            self.collect(files)

    def rescan(self) -> None:
        roots = [f for f in user_settings.get("desk_roots").split("\n") if f]
        if roots:
            self.collect(roots, remember=False)

    def collect(self, paths: list[str], remember: bool = True) -> Job:
        """Collect ``paths`` into the library on a worker thread (``ui.worker``: a counting progress dialog,
        取消 stops between files and keeps what was read); the window stays usable and reloads when done."""
        if self.job is not None:  # one at a time (a click before its dialog showed): that one goes on
            return self.job
        if remember:
            roots = [f for f in user_settings.get("desk_roots").split("\n") if f]
            user_settings.put("desk_roots", "\n".join(dict.fromkeys(roots + [str(p) for p in paths])))
        lib, files = self.lib, [str(p) for p in paths]

        def work(token: CancelToken) -> Any:
            from desktop.desk.collect import collect

            return collect(lib, files, cancelled=token.is_set,
                           progress=lambda done, total, name: token.count(done, total, f"正在读取 {done}/{total}：{name}"))

        job = self.job = start_with_progress(self, "汇总与审核", "收集报送", work, label="正在收集报送…")
        job.done.connect(lambda: self._collected(job))
        return job

    def _collected(self, job: Job) -> None:
        job.deleteLater()
        if self.job is not job:  # the window is closing
            return
        self.job = None
        self.reload()
        if isinstance(job.error, JixiaoError):
            QMessageBox.warning(self, "收集报送", job.error.text)
        elif job.error is not None:  # shown to the clerk, never a crash of the window
            logging.getLogger(__name__).error("收集报送时出错", exc_info=job.error)
            QMessageBox.warning(self, "收集报送", message(Code.COLLECT_FAILED, kind=type(job.error).__name__))
        else:
            self.statusBar().showMessage(job.result.text())

    # ------------------------------------------------------------------ reviewing
    def set_status(self, status: str, comment: str | None = None) -> bool:
        sid = self.selected_id()
        if sid is None:
            return False
        row = self.lib.submission(sid)
        if comment is None and status == "退回":
            comment, ok = QInputDialog.getMultiLineText(self, "退回", "退回的原因（单位会看到）：", row["comment"])
            if not ok:
                return False
        try:
            self.lib.review(sid, status, reviewer=self.reviewer, comment=comment or "", seen_version=row["row_version"])
        except JixiaoError as exc:
            QMessageBox.warning(self, "审核", exc.text)
            self.reload()
            return False
        self.reload()
        return True

    def _select(self, sid: int) -> None:
        row = self.model.row_of(sid)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 1))
            self.table.selectRow(row)

    def comment_cell(self, sid: int, part: int, addr: str, label: str, text: str) -> bool:
        row = self.lib.submission(sid)
        try:
            self.lib.add_comment(sid, text, reviewer=self.reviewer, seen_version=row["row_version"], part=part,
                                 addr=addr, label=label)
        except JixiaoError as exc:
            QMessageBox.warning(self, "审核意见", exc.text)
            return False
        self.reload()
        return True

    def open_selected(self) -> Any:
        sid = self.selected_id()
        if sid is None:
            return None
        from desktop.session import FormSession
        from desktop.store import create_draft_from_document
        from ui.form_window import FormWindow

        folder = Path(tempfile.mkdtemp(prefix="jxdesk-"))
        path = folder / f"报送{sid}.jxd"
        try:
            create_draft_from_document(path, self.lib.document(sid))
            session = FormSession.open(path, readonly=True, missing_glyphs=user_settings.print_font_check())
        except JixiaoError as exc:
            QMessageBox.warning(self, "打开报送", exc.text)
            return None
        win = FormWindow(session)
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        row = self.lib.submission(sid)
        win.setWindowTitle(f"审核（只读）：{row['unit']} {row['project']} — {row['form_title']}")
        menu = win.menuBar().addMenu("审核(&R)")
        act = menu.addAction("对当前格写审核意见…")
        act.triggered.connect(lambda *_: self._comment_from(win, sid))
        self.windows.append(win)
        win.show()
        return win

    def _comment_from(self, win: Any, sid: int) -> None:
        where = current_address(win)
        if where is None:
            QMessageBox.information(win, "审核意见", "请先点一下要提意见的格子")
            return
        part, addr = where
        label = win.session.state.parts[part].describe(addr)
        text, ok = QInputDialog.getMultiLineText(win, "审核意见", f"{label}：")
        if ok and text.strip():
            self.comment_cell(sid, part, addr, label, text)

    def write_return(self) -> Path | None:
        sid = self.selected_id()
        if sid is None:
            return None
        from desktop.desk.returns import write_return_package

        path, _ = QFileDialog.getSaveFileName(self, "退回包保存为", str(Path.home() / f"退回{sid}.zip"), "退回包 (*.zip)")
        if not path:
            return None
        try:
            return write_return_package(self.lib, sid, path)
        except JixiaoError as exc:
            QMessageBox.warning(self, "生成退回包", exc.text)
            return None

    def edit_expected(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "应报单位", "每行一个单位名称（应报送本年度表单的单位）：")
        if ok:
            self.lib.set_expected(text.splitlines())
            self.reload()

    def export_summary(self) -> Path | None:
        from desktop.desk.summary import build_summary
        from desktop.desk.summary_export import export_summary

        path, _ = QFileDialog.getSaveFileName(self, "导出汇总", str(Path.home() / "汇总.xlsx"),
                                              "Excel (*.xlsx);;PDF (*.pdf)")
        if not path:
            return None
        flt = self.model.filter
        try:
            unit = user_settings.get("unit")
            return export_summary(build_summary(self.lib, form=flt.form, unit=unit), path, unit)
        except JixiaoError as exc:
            QMessageBox.warning(self, "导出汇总", exc.text)
            return None

    def choose_library(self) -> bool:
        """Where the library lives: a file (blank: the default one) or a PostgreSQL server shared by reviewers."""
        current = user_settings.get("desk_library")
        text, ok = QInputDialog.getText(
            self, "汇总审核库", "库文件的路径，或多人共用的 PostgreSQL 服务器地址\n"
            "（如 postgresql://用户:密码@服务器/数据库；留空用默认的库文件）：", text=current)
        if not ok or text.strip() == current:
            return False
        try:
            lib = Library.open(text.strip() or None)
        except JixiaoError as exc:
            QMessageBox.warning(self, "汇总审核库", exc.text)
            return False
        self.lib.close()
        self.lib = lib
        user_settings.put("desk_library", text.strip())
        self.statusBar().showMessage(f"汇总审核库：{self.lib.where}")
        self.reload()
        return True

    def closeEvent(self, e: Any) -> None:  # noqa: N802 (Qt's name)
        job, self.job = self.job, None
        if job is not None:  # stop between files, before the library closes under it
            job.cancel()
            job.wait(10)
        self.lib.close()
        super().closeEvent(e)


def current_address(win: Any) -> tuple[int, str] | None:
    """(part index, address) of the cell that has (or last had) focus in a form window."""
    focus = win.focusWidget()
    if focus is None:
        return None
    for i, ps in enumerate(win.session.state.parts):
        view = win.views.get(ps.part.id)
        if view is None:
            continue
        for fid, editor in view.editors.items():
            if editor is focus or editor.isAncestorOf(focus):
                return i, fid
        for table in view.tables.values():
            if table is focus or table.isAncestorOf(focus):
                idx = table.currentIndex()
                if idx.isValid():
                    return i, table.model().addr(idx.row(), idx.column())
    return None
