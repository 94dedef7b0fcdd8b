"""The form window: the paper page(s), the problems panel, undo, save status, exports."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QToolBar, QWidget)

from desktop.core.errors import JixiaoError
from desktop.session import Change, FormSession, SessionError
from ui import settings as user_settings
from ui.part_view import PartView
from ui.problems_panel import ProblemsPanel
from ui.theme import repolish
from ui.undo import SessionCommand

log = logging.getLogger(__name__)

FLUSH_DELAY_MS = 300  # typing pauses this long: write to the draft
PREFERRED_SIZE = (1200, 860)
FRAME_PX = (16, 48)  # window frame and title bar, which availableGeometry does not leave room for


class FormWindow(QMainWindow):
    def __init__(self, session: FormSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        session.autoflush = False
        # every window's session was made with the print font's check (ui.new_draft and the other openers);
        # one made without it (a script) is checked again here — a no-op for the rest
        session.use_glyphs(user_settings.print_font_check())
        self.form = session.form
        self.undo_stack = QUndoStack(self)
        self.views: dict[str, PartView] = {}
        self._told_failure = False
        self.setWindowTitle(self._title())
        self.fit_to_screen()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_DELAY_MS)
        self._flush_timer.timeout.connect(self.flush)
        if self.form.multi:
            self.tabs: QTabWidget | None = QTabWidget()
            self.tabs.setMovable(True)
            self.tabs.tabBar().tabMoved.connect(self._tab_moved)
            bar = self.tabs.tabBar()
            bar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            bar.customContextMenuRequested.connect(self._tab_menu)
            self._building_tabs = False
            self._rebuild_tabs()
            self.setCentralWidget(self.tabs)
        else:
            self.tabs = None
            part_id = session.state.doc.parts[0].id
            self.views[part_id] = PartView(session, part_id, self.push)
            self.setCentralWidget(self.views[part_id])
        self.problems = ProblemsPanel(session, self.jump, self.push)
        dock = QDockWidget("问题（错误与提示）", self)
        dock.setObjectName("problemsDock")
        dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.problems_dock = dock
        self.status_label = QLabel()
        self.status_label.setObjectName("saveStatus")
        self.statusBar().addPermanentWidget(self.status_label)
        self.place_label = QLabel()
        self.place_label.setObjectName("placeWarning")
        self.place_label.setStyleSheet("color: #9a5b00;")
        self.statusBar().addPermanentWidget(self.place_label)
        self._warn_place()
        self._actions()
        session.listeners.append(self._changed)
        session.status_listeners.append(self._status)
        self._status(session.status, session.status_text)
        self._restore_layout()
        self.fit_to_screen(only_if_larger=True)  # a size saved on a bigger screen

    def fit_to_screen(self, only_if_larger: bool = False) -> None:
        """At most 1200×860, and never larger than the screen it opens on (a 1366×768 laptop shows the
        save status and the 填写说明 button), with room for the title bar and the taskbar."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            if not only_if_larger:
                self.resize(*PREFERRED_SIZE)
            return
        avail = screen.availableGeometry()
        w = min(PREFERRED_SIZE[0], avail.width() - FRAME_PX[0])
        h = min(PREFERRED_SIZE[1], avail.height() - FRAME_PX[1])
        if only_if_larger:
            if self.width() <= avail.width() - FRAME_PX[0] and self.height() <= avail.height() - FRAME_PX[1]:
                return
            w, h = min(self.width(), w), min(self.height(), h)
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w - FRAME_PX[0]) // 2,
                  avail.y() + max(0, (avail.height() - h - FRAME_PX[1]) // 2))

    def follow_print_font(self) -> None:
        """The print font setting changed: the 提示 for characters it lacks follow it (the form is evaluated
        again; the problems list and the marks refresh through the session's listeners)."""
        self.session.use_glyphs(user_settings.print_font_check())

    def check_everything(self) -> None:
        """全部检查: every 必须填写 counts as an 错误 from now on (also before any export)."""
        if self.session.check_all:
            return
        self.session.check_all = True
        for pid, view in self.views.items():
            view.on_change(Change(part_ids={pid}, everything=True))
        self.problems.refresh()

    def _title(self) -> str:
        path = self.session.path
        name = path.name if path is not None else "（未保存）"
        ro = "（只读）" if self.session.readonly else ""
        return f"{name}{ro} — {self.form.title} — 绩效填报"

    # ------------------------------------------------------------------ parts (tabs)
    def _rebuild_tabs(self) -> None:
        assert self.tabs is not None
        self._building_tabs = True
        current = self.current_part_id()
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        parts = self.session.state.doc.parts
        live = {p.id for p in parts}
        for pid in [p for p in self.views if p not in live]:
            self.views.pop(pid).deleteLater()
        for i, part in enumerate(parts):
            view = self.views.get(part.id)
            if view is None:
                view = self.views[part.id] = PartView(self.session, part.id, self.push)
            self.tabs.addTab(view, self.session.state.part_title(i))
        ids = [p.id for p in parts]
        if current in ids:
            self.tabs.setCurrentIndex(ids.index(current))
        self.tabs.blockSignals(False)
        self._building_tabs = False

    def _retitle_tabs(self) -> None:
        if self.tabs is None:
            return
        for i in range(self.tabs.count()):
            self.tabs.setTabText(i, self.session.state.part_title(i))

    def current_part_id(self) -> str:
        if self.tabs is None or self.tabs.count() == 0:
            return self.session.state.doc.parts[0].id
        view = self.tabs.currentWidget()
        return getattr(view, "part_id", self.session.state.doc.parts[0].id)

    def _tab_menu(self, pos: Any) -> None:
        from PySide6.QtWidgets import QMenu

        assert self.tabs is not None
        index = self.tabs.tabBar().tabAt(pos)
        if index >= 0:
            self.tabs.setCurrentIndex(index)
        label = self.form.part_label
        menu = QMenu(self)
        menu.addAction(f"增加{label}", self.add_part)
        if index >= 0:
            menu.addAction(f"重命名{label}（填写项目名称）", self.rename_part)
            menu.addAction(f"{label}左移", lambda: self.move_part(-1))
            menu.addAction(f"{label}右移", lambda: self.move_part(1))
            menu.addSeparator()
            menu.addAction(f"删除{label}…", self.remove_part)
        menu.exec(self.tabs.tabBar().mapToGlobal(pos))

    def _tab_moved(self, to: int, frm: int) -> None:
        if self._building_tabs:
            return
        part_id = self.session.state.doc.parts[frm].id
        QTimer.singleShot(0, lambda: self.push(self.session.move_part_command(part_id, to)))

    def add_part(self) -> None:
        index = self.session.state.parts.index(self.session.part(self.current_part_id())) + 1
        self.push(self.session.add_part_command(index))
        if self.tabs is not None:
            self.tabs.setCurrentIndex(index)
            view = self.views[self.session.state.doc.parts[index].id]
            name_field = self.form.part_name_field
            if name_field and name_field in view.editors:
                view.editors[name_field].setFocus()

    def remove_part(self) -> None:
        pid = self.current_part_id()
        i = self.session.part_index(pid)
        title = self.session.state.part_title(i)
        answer = QMessageBox.question(self, f"删除{self.form.part_label}", f"删除“{title}”？（可以撤销）")
        if answer == QMessageBox.StandardButton.Yes:
            self.push(self.session.remove_part_command(pid))

    def move_part(self, delta: int) -> None:
        pid = self.current_part_id()
        i = self.session.part_index(pid)
        if 0 <= i + delta < len(self.session.state.parts):
            self.push(self.session.move_part_command(pid, i + delta))

    def rename_part(self) -> None:
        """The name of a project is its 项目名称 field: go there."""
        name_field = self.form.part_name_field
        if name_field:
            self.jump(self.session.part_index(self.current_part_id()), name_field)

    # ------------------------------------------------------------------ edits
    def push(self, cmd: Any) -> None:
        try:
            self.undo_stack.push(SessionCommand(self.session, cmd))
        except SessionError as exc:
            QMessageBox.information(self, "不能这样修改", exc.text)
        except JixiaoError as exc:
            QMessageBox.warning(self, "出错了", exc.text)

    def _changed(self, change: Change) -> None:
        if change.parts and self.tabs is not None:
            ids = [p.id for p in self.session.state.doc.parts]
            if set(ids) != set(self.views) or [self.tabs.widget(i).part_id for i in range(self.tabs.count())] != ids:  # type: ignore[attr-defined]
                self._rebuild_tabs()
            self._retitle_tabs()
        for view in self.views.values():
            view.on_change(change)
        if change.problems:
            self.problems.schedule()
        if self.session.pending:
            if self.session.draft is not None:
                self.session.draft.expect_write()  # the write's imports start now, done by the flush
            self._flush_timer.start()

    def jump(self, part_index: int, addr: str) -> None:
        pid = self.session.state.doc.parts[part_index].id
        view = self.views.get(pid)
        if view is None:
            return
        if self.tabs is not None:
            self.tabs.setCurrentWidget(view)
        view.focus_addr(addr)

    # ------------------------------------------------------------------ saving
    def flush(self) -> bool:
        self._flush_timer.stop()
        return self.session.flush()

    def _warn_place(self) -> None:
        """Warn, for as long as the window is open, when the draft lives in a folder OneDrive syncs."""
        from desktop.osfiles import onedrive_folder

        path = self.session.path
        root = onedrive_folder(path) if path is not None else None
        text = "" if root is None else "此草稿在 OneDrive 同步的文件夹中"
        self.place_label.setText(text)
        self.place_label.setToolTip("" if root is None else (
            f"草稿位于 OneDrive 同步的文件夹 {root} 中。同步时草稿可能被另存出冲突副本（文件名带电脑名），"
            "在另一台电脑上同时打开时尤其如此。建议把草稿放在不同步的本机文件夹，填好后再复制过去。"))
        self.place_label.setVisible(root is not None)

    def _status(self, status: str, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)
        self.status_label.setProperty("state", status)
        repolish(self.status_label)
        if status == "failed" and not self._told_failure:
            self._told_failure = True
            QTimer.singleShot(0, self._tell_failure)
        elif status == "saved":
            self._told_failure = False
        self.setWindowTitle(self._title())
        if hasattr(self, "place_label"):
            self._warn_place()  # the path changes with 另存为

    def _tell_failure(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "保存失败", self.session.status_text, parent=self)
        box.setInformativeText("您填写的内容都还在窗口中，不会丢失。程序会在下次修改时自动重试；"
                               "也可以现在“另存为”到其他位置（如本机的“文档”文件夹）。")
        save_as = box.addButton("另存为…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("稍后重试", QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda *_: box.clickedButton() is save_as and self.save_as())
        box.open()
        self._failure_box = box

    def save_as(self) -> bool:
        base = self.session.path.name if self.session.path else f"{self.form.title}.jxd"
        path, _ = QFileDialog.getSaveFileName(self, "另存为草稿", str(user_settings.draft_folder() / base),
                                              "草稿 (*.jxd)")
        if not path:
            return False
        try:
            new = self.session.save_as(path)
        except JixiaoError as exc:
            QMessageBox.warning(self, "另存为失败", exc.text)
            return False
        from desktop.store.library import add_recent

        try:
            add_recent(new)
        except Exception:  # noqa: BLE001 - the recent list is a convenience
            log.warning("最近打开的草稿列表无法更新：%s", new, exc_info=True)
        self.setWindowTitle(self._title())
        return True

    # ------------------------------------------------------------------ menus
    def _actions(self) -> None:
        from ui import exports

        mb = self.menuBar()
        file_menu = mb.addMenu("文件(&F)")
        self._add(file_menu, "立即保存", self.flush, QKeySequence.StandardKey.Save)
        self._add(file_menu, "另存为…", self.save_as, QKeySequence.StandardKey.SaveAs)
        file_menu.addSeparator()
        self._add(file_menu, "导出 PDF…", lambda: exports.export_pdf(self, final=False), "Ctrl+E")
        self._add(file_menu, "导出正式版 PDF（供盖章）…", lambda: exports.export_pdf(self, final=True))
        self._add(file_menu, "打印预览…", lambda: exports.print_preview(self), QKeySequence.StandardKey.Print)
        self._add(file_menu, "导出 Excel…", lambda: exports.export_xlsx(self))
        self._add(file_menu, "从 Excel 导入…", lambda: exports.import_xlsx(self))
        self._add(file_menu, "发送邮件（生成带附件的邮件）…", lambda: exports.send_mail(self))
        self._add(file_menu, "打包到 U 盘（PDF + Excel + 草稿）…", lambda: exports.bundle(self))
        self._add(file_menu, "核对 PDF 与本草稿是否同一版本…", lambda: exports.verify_pdf(self))
        from ui import continue_dialog

        if continue_dialog.can_continue(self.form.id):  # a 申报表: its 自评表 can be made from it
            file_menu.addSeparator()
            self._add(file_menu, continue_dialog.MENU_TEXT, self.continue_document)
        file_menu.addSeparator()
        self._add(file_menu, "关闭", self.close, QKeySequence.StandardKey.Close)
        edit = mb.addMenu("编辑(&E)")
        undo = self.undo_stack.createUndoAction(self, "撤销")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "重做")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        bar = QToolBar("工具栏")
        bar.setObjectName("mainToolbar")
        for text, fn, signal in (("撤销", self.undo_stack.undo, self.undo_stack.canUndoChanged),
                                 ("重做", self.undo_stack.redo, self.undo_stack.canRedoChanged)):
            act = self._add(None, text, fn)  # short text on the toolbar; the menu says what will be undone
            act.setEnabled(False)
            signal.connect(act.setEnabled)
            bar.addAction(act)
        self.addToolBar(bar)
        if self.form.multi:
            label = self.form.part_label
            parts = mb.addMenu(f"{label}(&P)")
            for text, fn in ((f"增加{label}", self.add_part), (f"删除{label}…", self.remove_part),
                             (f"{label}左移", lambda: self.move_part(-1)), (f"{label}右移", lambda: self.move_part(1)),
                             (f"重命名{label}（填写项目名称）", self.rename_part)):
                act = self._add(parts, text, fn)
                if text.startswith("增加") or text.startswith("删除"):
                    bar.addAction(act)
        view_menu = mb.addMenu("视图(&V)")
        view_menu.addAction(self.problems_dock.toggleViewAction())
        check = self._add(view_menu, "全部检查（未填的必填项也算错误）", self.check_everything, "F7")
        check.setToolTip("新草稿里还没填的必填项、还没有数据可查的校验（如空表的权重合计）先显示为“未填”；\n"
                         "全部检查或导出时照常算作错误或提示")
        bar.addSeparator()
        bar.addAction(self._add(None, "全部检查", self.check_everything))
        bar.addAction(self._add(None, "打印预览", lambda: exports.print_preview(self)))
        bar.addAction(self._add(None, "导出 PDF", lambda: exports.export_pdf(self, final=False)))
        bar.addAction(self._add(None, "导出 Excel", lambda: exports.export_xlsx(self)))

    def continue_document(self) -> Any:
        """文件 → 由申报表生成自评表…: the form that continues this one, its targets filled, in a new draft."""
        from ui import continue_dialog

        self.flush()
        return continue_dialog.from_state(self, self.session.state, self.session.path)

    def _add(self, menu: Any, text: str, fn: Any, shortcut: Any = None) -> QAction:
        act = QAction(text, self)
        act.triggered.connect(lambda *_: fn())
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if menu is not None:
            menu.addAction(act)
        return act

    # ------------------------------------------------------------------ layout memory, closing
    def _restore_layout(self) -> None:
        s = user_settings.settings()
        geo = s.value("form_window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        state = s.value("form_window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_layout(self) -> None:
        s = user_settings.settings()
        s.setValue("form_window/geometry", self.saveGeometry())
        s.setValue("form_window/state", self.saveState())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        focus = self.focusWidget()
        if focus is not None:
            focus.clearFocus()
        if not self.session.close():
            box = QMessageBox(QMessageBox.Icon.Warning, "尚未保存", self.session.status_text, parent=self)
            box.setInformativeText("关闭窗口会丢失没有保存的修改。建议先“另存为”到其他位置。")
            save_as = box.addButton("另存为…", QMessageBox.ButtonRole.AcceptRole)
            discard = box.addButton("不保存，关闭", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is save_as and self.save_as() and self.session.close():
                pass
            elif box.clickedButton() is not discard:
                event.ignore()
                return
            if self.session.draft is not None:
                self.session.draft.close()
        self._save_layout()
        event.accept()

