"""The main window: new draft from the catalogue of forms, open, recent drafts, the drafts library."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMainWindow, QMessageBox, QPushButton, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from desktop.core.errors import JixiaoError
from ui import settings as user_settings

log = logging.getLogger(__name__)

# Qt.ItemDataRole.UserRole is 256.  Plain numbers, and ``Qt`` imported only inside the functions that
# need it: importing ``Qt`` builds its ~150 enums (about 11 ms of the window's first appearance)
PATH_ROLE = 256 + 1
FORM_ROLE = 256 + 2
ENTRY_COLUMNS = ["文件", "表单", "单位", "年度", "项目", "修改时间"]


def _entry_item(entry: Any) -> QTreeWidgetItem:
    item = QTreeWidgetItem([entry.name, entry.title or entry.form, entry.unit, entry.year, entry.project,
                            (entry.modified or "")[:16].replace("T", " ")])
    item.setData(0, PATH_ROLE, entry.path)
    tip = entry.path + (f"\n{entry.problem}" if entry.problem else "")
    for c in range(len(ENTRY_COLUMNS)):
        item.setToolTip(c, tip)
    if entry.problem or not entry.exists:
        from PySide6.QtCore import Qt

        item.setForeground(0, Qt.GlobalColor.gray)
    return item


def form_summaries() -> list[dict[str, Any]]:
    """Title, region, year, version and origin of every form (shipped or installed: its newest version),
    read from the JSON without loading the definitions (start-up stays fast; a definition is checked when
    a draft of it is made, and when it is installed)."""
    import json

    from desktop.core.catalog import form_ids, newest
    from desktop.forms.installed import origin_text

    out = []
    for fid in form_ids():
        file = newest(fid)
        try:
            data = json.loads(file.path.read_text(encoding="utf-8")) if file else None
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        parts = data.get("parts") if isinstance(data.get("parts"), dict) else {}
        out.append({"id": data["id"], "title": str(data.get("title", "")), "region": str(data.get("region", "")),
                    "year": str(data.get("year", "")), "document_title": str(data.get("document_title", "")),
                    "multi": bool(parts), "part_label": str(parts.get("label", "项目")),
                    "version": file.version, "origin": origin_text(file)})
    return out


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("绩效填报")
        self.windows: list[Any] = []
        self.resize(1000, 680)
        tabs = QTabWidget()
        tabs.addTab(self._new_tab(), "新建")
        tabs.addTab(self._recent_tab(), "最近的草稿")
        tabs.addTab(self._library_tab(), "草稿库")
        self.tabs = tabs
        self.setCentralWidget(tabs)
        self._after_paint: list[Any] = [self.refresh_recent]  # work that can wait until the window is seen
        self._menus()
        geo = user_settings.settings().value("main_window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)

    # ------------------------------------------------------------------ tabs
    def _new_tab(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.addWidget(QLabel("选择要填报的表单（与纸质表格一致）："))
        self.forms = QListWidget()
        self.forms.setObjectName("formsList")
        self.forms.setSpacing(2)
        self.reload_forms()
        self.forms.itemActivated.connect(lambda *_: self.new_draft())
        lay.addWidget(self.forms, 1)
        row = QHBoxLayout()
        button = QPushButton("新建草稿…")
        button.setDefault(True)
        button.clicked.connect(self.new_draft)
        row.addStretch(1)
        row.addWidget(button)
        lay.addLayout(row)
        return box

    def reload_forms(self, select: str | None = None) -> None:
        """The 新建 list: every form with its region, year, version and where it came from."""
        self.forms.clear()
        for f in sorted(form_summaries(), key=lambda f: (f["region"], f["year"], f["title"])):
            kind = f"，每份可含多个{f['part_label']}" if f["multi"] else ""
            edition = f"{f['year']} 年版" if f["year"] else "各年度通用（年度随草稿填写）"
            item = QListWidgetItem(f"{f['document_title'] or f['title']}\n    {f['region']} · {edition}{kind}"
                                   f" · 版本 {f['version']} · {f['origin']}")
            if f["document_title"] and f["document_title"] != f["title"]:
                item.setToolTip(f"{f['document_title']}（含“{f['title']}”）")
            item.setData(FORM_ROLE, f["id"])
            self.forms.addItem(item)
            if f["id"] == select:
                self.forms.setCurrentItem(item)
        if self.forms.count() and self.forms.currentItem() is None:
            self.forms.setCurrentRow(0)

    def _tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels(ENTRY_COLUMNS)
        tree.setRootIsDecorated(False)
        tree.setSortingEnabled(True)
        tree.itemActivated.connect(lambda item, _c: self.open_path(item.data(0, PATH_ROLE)))
        tree.setColumnWidth(0, 220)
        tree.setColumnWidth(1, 220)
        return tree

    def _recent_tab(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        self.recent = self._tree()
        lay.addWidget(self.recent, 1)
        row = QHBoxLayout()
        for text, fn in (("打开", self.open_selected_recent), ("复制为新年度…", self.duplicate_selected),
                         ("从列表中移除", self.forget_selected)):
            b = QPushButton(text)
            b.clicked.connect(fn)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        return box

    def _library_tab(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        top = QHBoxLayout()
        self.folder = QLineEdit(str(user_settings.draft_folder()))
        choose = QPushButton("选择文件夹…")
        choose.clicked.connect(self.choose_folder)
        top.addWidget(QLabel("文件夹："))
        top.addWidget(self.folder, 1)
        top.addWidget(choose)
        lay.addLayout(top)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索：单位、年度、项目、表单名称（空格分隔多个词）")
        self.search.textChanged.connect(self.filter_library)
        lay.addWidget(self.search)
        self.library = self._tree()
        lay.addWidget(self.library, 1)
        self.library_entries: list[Any] = []
        return box

    def _menus(self) -> None:
        m = self.menuBar().addMenu("文件(&F)")
        keyed = []
        for text, fn, key in (("新建草稿…", self.new_draft, "New"), ("打开…", self.open_dialog, "Open"),
                              ("复制为新年度…", self.duplicate_dialog, None),
                              ("由申报表生成自评表…", self.continue_dialog, None),
                              ("安装表单…", self.install_form_dialog, None),
                              ("打开退回包…", self.open_return_dialog, None),
                              ("汇总与审核…", self.open_desk, None), ("设置…", self.settings_dialog, None),
                              ("退出", self.close, "Quit")):
            act = QAction(text, self)
            act.triggered.connect(lambda *_, f=fn: f())
            if key is not None:
                keyed.append((act, key))
            m.addAction(act)
        # shortcuts after the first paint: a key sequence builds Qt's enums (about 20 ms)
        self._after_paint.append(lambda: [a.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, k)))
                                          for a, k in keyed])

    # ------------------------------------------------------------------ actions
    def new_draft(self) -> Any:
        from desktop.core.catalog import load_form
        from ui.new_draft import create_session

        item = self.forms.currentItem()
        if item is None:
            return None
        try:
            form = load_form(item.data(FORM_ROLE))
        except JixiaoError as exc:
            QMessageBox.warning(self, "表单定义有误", exc.text)
            return None
        session = create_session(self, form)
        return self.show_session(session) if session is not None else None

    def install_form_dialog(self) -> Any:
        path, _ = QFileDialog.getOpenFileName(self, "安装表单", str(user_settings.draft_folder()),
                                              "表单定义或表单工作簿 (*.json *.xlsx)")
        return self.install_form(path) if path else None

    def install_form(self, path: str | Path) -> Any:
        """Check the file completely, ask before an upgrade, install; a refusal shows why and nothing
        else changes."""
        from desktop.core.errors import message
        from desktop.forms.installed import check_upgrade, install
        from desktop.forms.lint import read_source

        try:
            definition = read_source(path)
            previous = check_upgrade(definition)
        except JixiaoError as exc:
            QMessageBox.warning(self, "未安装表单", message("form_refused", problems=exc.text))
            return None
        if previous:
            ask = message("form_upgrade_ask", title=definition.get("title", ""), id=definition["id"], old=previous,
                          version=definition["version"])
            yes = QMessageBox.StandardButton.Yes
            if QMessageBox.question(self, "升级表单", ask, yes | QMessageBox.StandardButton.No) != yes:
                return None
        try:
            done = install(path, definition)
        except JixiaoError as exc:
            QMessageBox.warning(self, "未安装表单", message("form_refused", problems=exc.text))
            return None
        self.reload_forms(select=done.id)
        QMessageBox.information(self, "已安装表单", done.text)
        return done

    def open_dialog(self) -> Any:
        path, _ = QFileDialog.getOpenFileName(self, "打开草稿", str(user_settings.draft_folder()),
                                              "草稿 (*.jxd);;JSON 交换文件 (*.json)")
        return self.open_path(path) if path else None

    def continue_dialog(self) -> Any:
        """文件 → 由申报表生成自评表…: choose a 申报表, name the new 自评表, open it."""
        from ui import continue_dialog

        return continue_dialog.from_file(self, user_settings.draft_folder())

    def open_desk(self) -> Any:
        """汇总与审核: the receiving desk, in a window of its own."""
        from ui.desk_window import DeskWindow

        try:
            desk = DeskWindow(parent=None)
        except JixiaoError as exc:
            QMessageBox.warning(self, "汇总与审核", exc.text)
            return None
        from PySide6.QtCore import Qt

        desk.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.windows = [w for w in self.windows if _alive(w)]
        self.desk = desk
        desk.show()
        return desk

    def open_return_dialog(self) -> Any:
        path, _ = QFileDialog.getOpenFileName(self, "打开退回包", "", "退回包 (*.zip)")
        return self.open_return(path) if path else None

    def open_return(self, package: str | Path) -> Any:
        """Unpack a returned package beside itself and open its draft: the 审核意见 show in the problems panel."""
        from desktop.desk.returns import open_return_package

        try:
            draft = open_return_package(package)
        except JixiaoError as exc:
            QMessageBox.warning(self, "打开退回包", exc.text)
            return None
        return self.open_path(draft)

    def open_path(self, path: str | Path) -> Any:
        from ui.new_draft import open_session

        for w in self.windows:
            if w.session.path is not None and Path(w.session.path) == Path(path) and w.isVisible():
                w.raise_()
                w.activateWindow()
                return w
        if Path(path).suffix.lower() == ".json":
            return self.import_json(path)
        session = open_session(self, path)
        return self.show_session(session) if session is not None else None

    def import_json(self, path: str | Path) -> Any:
        from desktop.store.loading import load_document
        from desktop.session import FormSession

        try:
            doc = load_document(Path(path))
        except JixiaoError as exc:
            QMessageBox.warning(self, "无法打开", exc.text)
            return None
        target, _ = QFileDialog.getSaveFileName(self, "保存为草稿", str(Path(path).with_suffix(".jxd")), "草稿 (*.jxd)")
        if not target:
            return None
        try:
            return self.show_session(FormSession.create(target, doc, missing_glyphs=user_settings.print_font_check()))
        except JixiaoError as exc:
            QMessageBox.warning(self, "无法保存草稿", exc.text)
            return None

    def show_session(self, session: Any) -> Any:
        from desktop.store.library import add_recent
        from ui.form_window import FormWindow

        from PySide6.QtCore import Qt

        win = FormWindow(session)
        win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        win.destroyed.connect(lambda *_: self.refresh_recent())
        self.windows = [w for w in self.windows if _alive(w)] + [win]
        if session.path is not None:
            try:
                add_recent(session.path)
            except Exception:  # noqa: BLE001 - the recent list is a convenience
                log.warning("最近打开的草稿列表无法更新：%s", session.path, exc_info=True)
        self.refresh_recent()
        if session.readonly and session.draft is not None and session.draft.notice:
            win.statusBar().showMessage(session.draft.notice)
        win.show()
        return win

    def refresh_recent(self) -> None:
        from desktop.store.library import recent_drafts

        if not _alive(self.recent):
            return
        self.recent.clear()
        try:
            entries = recent_drafts()
        except Exception:  # noqa: BLE001 - a broken recent list must not stop the app
            log.warning("最近打开的草稿列表无法读取", exc_info=True)
            entries = []
        for e in entries:
            self.recent.addTopLevelItem(_entry_item(e))

    def _selected_recent(self) -> str | None:
        item = self.recent.currentItem()
        return item.data(0, PATH_ROLE) if item is not None else None

    def open_selected_recent(self) -> None:
        path = self._selected_recent()
        if path:
            self.open_path(path)

    def forget_selected(self) -> None:
        from desktop.store.library import remove_recent

        path = self._selected_recent()
        if path:
            remove_recent(path)
            self.refresh_recent()

    def duplicate_selected(self) -> None:
        path = self._selected_recent()
        if path:
            self.duplicate(path)

    def duplicate_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择去年的草稿", str(user_settings.draft_folder()), "草稿 (*.jxd)")
        if path:
            self.duplicate(path)

    def duplicate(self, src: str | Path) -> Any:
        from desktop.store.library import duplicate_for_new_year

        src = Path(src)
        name = src.stem
        for y in range(2015, 2040):
            if str(y) in name:
                name = name.replace(str(y), str(y + 1))
                break
        else:
            name += "_新年度"
        dst, _ = QFileDialog.getSaveFileName(self, "新年度的草稿保存为", str(src.with_name(name + ".jxd")), "草稿 (*.jxd)")
        if not dst:
            return None
        try:
            path = duplicate_for_new_year(src, dst)
        except JixiaoError as exc:
            QMessageBox.warning(self, "复制失败", exc.text)
            return None
        return self.open_path(path)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "草稿所在文件夹", self.folder.text())
        if folder:
            self.folder.setText(folder)
            self.load_library()

    def load_library(self) -> None:
        from desktop.store.library import index_folder

        try:
            self.library_entries = index_folder(self.folder.text())
        except (JixiaoError, OSError) as exc:
            QMessageBox.warning(self, "草稿库", getattr(exc, "text", str(exc)))
            self.library_entries = []
        self.filter_library()

    def filter_library(self) -> None:
        from desktop.store.library import search_drafts

        self.library.clear()
        for e in search_drafts(self.library_entries, text=self.search.text()):
            self.library.addTopLevelItem(_entry_item(e))

    def settings_dialog(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if SettingsDialog(self).exec():
            from PySide6.QtWidgets import QApplication

            from ui.form_window import FormWindow

            for w in QApplication.topLevelWidgets():  # the draft windows, also those opened from 汇总与审核
                if isinstance(w, FormWindow):
                    w.follow_print_font()

    def event(self, e: Any) -> bool:
        result = super().event(e)
        if getattr(self, "_after_paint", None) and e.type() == QEvent.Type.UpdateRequest:  # the window has just been painted
            from PySide6.QtCore import QTimer

            todo, self._after_paint = self._after_paint, []
            QTimer.singleShot(0, lambda: [fn() for fn in todo])
        return result

    def showEvent(self, e: Any) -> None:
        super().showEvent(e)
        if not self.library_entries and user_settings.get("draft_folder") and Path(self.folder.text()).is_dir():
            from PySide6.QtCore import QTimer

            QTimer.singleShot(200, self.load_library)

    def closeEvent(self, e: Any) -> None:
        for w in list(self.windows):
            if _alive(w) and w.isVisible() and not w.close():
                e.ignore()
                return
        s = user_settings.settings()
        s.setValue("main_window/geometry", self.saveGeometry())
        s.sync()
        e.accept()


def _alive(obj: Any) -> bool:
    try:
        from shiboken6 import isValid

        return isValid(obj)
    except ImportError:  # pragma: no cover
        return True
