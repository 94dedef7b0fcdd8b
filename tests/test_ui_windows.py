"""The form window's other duties: projects as tabs, overrides, the save status on a failed write,
the main window (catalogue, new draft with the unit from the settings, recent drafts, new year)."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from desktop.core.catalog import load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
C = "shenzhen-project-selfeval-2021"
E = "suzhou-project-selfeval-2023"


def type_chars(qtbot, widget, text):
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:  # as an input method sends it: a composition (preedit), then the committed character
        QApplication.sendEvent(widget, QInputMethodEvent("j", []))
        ev = QInputMethodEvent("", [])
        ev.setCommitString(ch)
        QApplication.sendEvent(widget, ev)


def window(qtbot, tmp_path, form_id, name="表.jxd"):
    from ui.form_window import FormWindow

    s = FormSession.create(tmp_path / name, load_sample(form_id))
    win = FormWindow(s)
    qtbot.addWidget(win)
    win.show()
    return win


def test_projects_as_tabs(app, qtbot, tmp_path):
    win = window(qtbot, tmp_path, C)
    s = win.session
    n = len(s.state.parts)
    assert win.tabs.count() == n
    assert "深圳市文化广电旅游体育局信息化维护项目" in win.tabs.tabText(0)
    win.tabs.setCurrentIndex(n - 1)
    win.add_part()
    assert win.tabs.count() == n + 1 and win.tabs.currentIndex() == n
    new_id = s.state.doc.parts[n].id
    view = win.views[new_id]
    view.editors["project_name"].setFocus()
    type_chars(qtbot, view.editors["project_name"], "新建项目")
    assert win.tabs.tabText(n).endswith("《新建项目》")  # renamed by its 项目名称
    win.move_part(-1)
    assert s.state.doc.parts[n - 1].id == new_id
    assert win.tabs.widget(n - 1) is view
    win.undo_stack.undo()
    assert s.state.doc.parts[n].id == new_id
    win.push(s.remove_part_command(new_id))
    assert win.tabs.count() == n
    win.undo_stack.undo()
    assert win.tabs.count() == n + 1
    path = s.path
    win.close()
    again = FormSession.open(path)
    assert again.state.parts[n].name() == "新建项目"
    again.close()


def test_override_and_restore_score(app, qtbot, tmp_path, monkeypatch):
    win = window(qtbot, tmp_path, E)
    s = win.session
    ps = s.state.parts[0]
    view = win.views[s.state.doc.parts[0].id]
    tv = view.tables["indicators"]
    rid = ps.data_rows("indicators")[0]
    idx = tv.model().index_of(f"indicators/{rid}/score")
    assert not (tv.model().flags(idx) & tv.model().flags(idx).ItemIsEditable)  # computed: read-only
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("0.5", True)))
    tv.override(idx)
    assert ps.is_overridden(f"indicators/{rid}/score")
    assert idx.data() == "0.50"  # a score shows its 2 decimals
    assert "计算值为 1.00" in idx.data(0x03)  # tooltip
    assert ps.text("total_score") == "79.50"
    tv.restore(idx)
    assert not ps.is_overridden(f"indicators/{rid}/score") and ps.text("total_score") == "80.00"
    win.undo_stack.undo()
    assert ps.is_overridden(f"indicators/{rid}/score")


def test_failed_write_is_told_and_nothing_lost(app, qtbot, tmp_path, monkeypatch):
    from desktop.store.errors import draft_error

    win = window(qtbot, tmp_path, E)
    s = win.session
    monkeypatch.setattr(QMessageBox, "open", lambda self: None)

    def broken(*a, **k):
        raise draft_error("write_failed", s.draft.path, why="磁盘已满")

    real = s.draft.set_value
    monkeypatch.setattr(s.draft, "set_value", broken)
    view = win.views[s.state.doc.parts[0].id]
    type_chars(qtbot, view.editors["d_paid"], "9")
    win.flush()
    assert win.status_label.text().startswith("保存失败")
    assert win.status_label.property("state") == "failed"
    qtbot.waitUntil(lambda: getattr(win, "_failure_box", None) is not None)
    assert "另存为" in win._failure_box.informativeText()
    monkeypatch.setattr(s.draft, "set_value", real)
    type_chars(qtbot, view.editors["d_paid"], "9")
    win.flush()
    assert win.status_label.text() == "已保存"
    path = s.path
    raw = s.state.parts[0].raw("d_paid")
    win.close()
    again = FormSession.open(path)
    assert again.state.parts[0].raw("d_paid") == raw
    again.close()


def test_main_window_new_open_recent_new_year(app, qtbot, tmp_path, monkeypatch):
    from ui import settings as user_settings
    from ui.main_window import FORM_ROLE, MainWindow

    user_settings.put("unit", "苏州市体育信息中心")
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    ids = [main.forms.item(i).data(FORM_ROLE) for i in range(main.forms.count())]
    assert set(ids) >= {E, C}
    assert "苏州市 · 2023" in main.forms.item(ids.index(E)).text()
    main.forms.setCurrentRow(ids.index("suzhou-project-declare-2020"))
    target = tmp_path / "申报表 2020.jxd"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    win = main.new_draft()
    assert win is not None and win.session.path == target
    assert win.session.state.parts[0].raw("unit_name") == "苏州市体育信息中心"
    win.close()
    main.refresh_recent()
    assert main.recent.topLevelItemCount() == 1
    nxt = tmp_path / "申报表 2021.jxd"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(nxt), "")))
    win2 = main.duplicate(target)
    assert win2 is not None and win2.session.path == nxt
    win2.close()
    main.close()


def test_draft_open_elsewhere_opens_read_only(app, qtbot, tmp_path, monkeypatch):
    from ui.form_window import FormWindow
    from ui.new_draft import open_session

    first = FormSession.create(tmp_path / "共用.jxd", load_sample(E))
    asked = _answer_lock_dialog(monkeypatch, "只读打开")
    second = open_session(None, first.path)
    assert asked and "已在" in asked[0]
    assert second is not None and second.readonly
    win = FormWindow(second)
    qtbot.addWidget(win)
    win.show()
    assert win.status_label.text().startswith("只读")
    view = win.views[second.state.doc.parts[0].id]
    assert view.editors["d_paid"].isReadOnly()
    tv = view.tables["composition"]
    idx = tv.model().index(1, 1)
    assert not (tv.model().flags(idx) & tv.model().flags(idx).ItemIsEditable)
    win.close()
    first.close()


def _editor(tv):
    from PySide6.QtWidgets import QComboBox, QLineEdit

    found = [w for cls in (QComboBox, QLineEdit) for w in tv.viewport().findChildren(cls)
             if w.isVisible() and not isinstance(w.parent(), QComboBox)]
    return found[-1] if found else None


def test_table_keys_dropdown_delete_copy(app, qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QComboBox

    win = window(qtbot, tmp_path, E)
    s = win.session
    ps = s.state.parts[0]
    view = win.views[s.state.doc.parts[0].id]
    tv = view.tables["indicators"]
    model = tv.model()
    tv.setFocus()
    rows = ps.data_rows("indicators")
    # a dropdown for 类别: choosing applies at once and re-weights the indicators
    idx = model.index_of(f"indicators/{rows[11]}/cls")
    tv.setCurrentIndex(idx)
    tv.edit(idx)
    box = _editor(tv)
    assert isinstance(box, QComboBox) and box.findText("效益目标") >= 0
    box.setCurrentText("效益目标")
    assert ps.raw(f"indicators/{rows[11]}/cls") == "效益目标"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate closes its editor through a queued call
    # typing on a cell starts editing (an IME commit, as a Chinese input method sends it); Enter goes down
    idx = model.index_of(f"indicators/{rows[2]}/actual")
    tv.setCurrentIndex(idx)
    type_chars(qtbot, tv, "９")  # the first character opens the editor, which then has the focus
    editor = _editor(tv)
    assert editor is not None
    type_chars(qtbot, editor, "９％")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert ps.raw(f"indicators/{rows[2]}/actual") == "９９％"
    assert tv.currentIndex().row() == idx.row() + 1
    # Tab moves right
    qtbot.keyClick(tv, Qt.Key.Key_Tab)
    assert tv.currentIndex().column() == idx.column() + 1
    # Delete clears, undo brings it back
    idx = model.index_of(f"indicators/{rows[2]}/actual")
    tv.setCurrentIndex(idx)
    qtbot.keyClick(tv, Qt.Key.Key_Delete)
    assert ps.raw(f"indicators/{rows[2]}/actual") == ""
    win.undo_stack.undo()
    assert ps.raw(f"indicators/{rows[2]}/actual") == "９９％"
    # Ctrl++ inserts a row below, Alt+↑ moves it up, Ctrl+- deletes it
    n = len(ps.data_rows("indicators"))
    qtbot.keyClick(tv, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert len(ps.data_rows("indicators")) == n + 1
    new = ps.data_rows("indicators")[3]
    qtbot.keyClick(tv, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert ps.data_rows("indicators")[2] == new
    qtbot.keyClick(tv, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert new not in ps.data_rows("indicators") and len(ps.data_rows("indicators")) == n
    # copy a block as tab-separated text
    from PySide6.QtCore import QItemSelection

    tv.setCurrentIndex(model.index_of(f"indicators/{rows[0]}/name"))
    block = QItemSelection(model.index_of(f"indicators/{rows[0]}/name"), model.index_of(f"indicators/{rows[1]}/target"))
    tv.selectionModel().select(block, tv.selectionModel().SelectionFlag.ClearAndSelect)
    tv.copy()
    assert QApplication.clipboard().text().split("\n")[0] == "立项程序规范性\t规范"
    win.close()


def test_settings_and_window_size_remembered(app, qtbot, tmp_path):
    from ui import settings as user_settings
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog()
    qtbot.addWidget(dlg)
    dlg.edits["unit"].setText("苏州市信息中心")
    dlg.edits["phone"].setText("69159562")
    dlg.accept()
    assert user_settings.get("unit") == "苏州市信息中心" and user_settings.get("phone") == "69159562"
    win = window(qtbot, tmp_path, E, "一.jxd")
    win.resize(700, 500)  # within the offscreen screen (800×600): restoreGeometry keeps windows on screen
    win.close()
    win2 = window(qtbot, tmp_path, E, "二.jxd")
    assert (win2.width(), win2.height()) == (700, 500)
    win2.close()


def test_parse_clipboard_from_excel():
    from ui.table_view import parse_clipboard

    assert parse_clipboard("a\tb\r\nc\td\r\n") == [["a", "b"], ["c", "d"]]
    assert parse_clipboard('"多行\n文字"\t"含""引号"""\n') == [["多行\n文字", '含"引号"']]
    assert parse_clipboard("") == []
    assert parse_clipboard("\t\n") == [["", ""]]


def test_menu_exports_pdf_and_excel(app, qtbot, tmp_path, monkeypatch):
    from ui import exports

    win = window(qtbot, tmp_path, E)
    pdf, xlsx = tmp_path / "导出.pdf", tmp_path / "导出.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(pdf), "")))
    assert exports.export_pdf(win) == pdf
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "校验码" in win.statusBar().currentMessage()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(xlsx), "")))
    assert exports.export_xlsx(win) == xlsx
    assert xlsx.read_bytes()[:2] == b"PK"
    win.close()


def test_library_search(app, qtbot, tmp_path):
    from ui.main_window import MainWindow

    folder = tmp_path / "草稿"
    folder.mkdir()
    for name, fid in (("苏州自评.jxd", E), ("深圳自评.jxd", C)):
        FormSession.create(folder / name, load_sample(fid)).close()
    main = MainWindow()
    qtbot.addWidget(main)
    main.folder.setText(str(folder))
    main.load_library()
    assert main.library.topLevelItemCount() == 2
    main.search.setText("深圳")
    assert main.library.topLevelItemCount() == 1
    assert main.library.topLevelItem(0).text(0) == "深圳自评.jxd"
    main.close()


def test_main_window_finishes_setting_up_after_first_paint(app, qtbot):
    from PySide6.QtGui import QKeySequence

    from ui.main_window import MainWindow

    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: not main._after_paint)
    qtbot.wait(10)
    actions = {a.text(): a for a in main.menuBar().actions()[0].menu().actions()}
    assert actions["新建草稿…"].shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    main.close()


def test_an_edit_the_engine_refuses_is_told_not_kept(app, qtbot, tmp_path, monkeypatch):
    from desktop.session import SetCell

    win = window(qtbot, tmp_path, E)
    told = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: told.append(a[2])))
    pid = win.session.state.doc.parts[0].id
    win.push(SetCell(pid, "quota_balance", "", "1"))  # a computed cell typed into: the engine refuses
    assert told and "计算值" in told[0]
    assert win.undo_stack.count() == 0
    win.close()


def test_paste_too_big_for_a_fixed_table_is_told(app, qtbot, tmp_path):
    win = window(qtbot, tmp_path, C)
    s = win.session
    ps = s.state.parts[0]
    view = win.views[s.state.doc.parts[0].id]
    tv = view.tables["funds"]
    tv.setCurrentIndex(tv.model().index_of("funds/current/initial"))
    tv.paste("1\t2\t3\n4\t5\t6\n7\t8\t9\n10\t11\t12\n")  # 3 data rows below 当年财政拨款: one row too many
    assert ps.raw("funds/current/initial") == "1" and ps.raw("funds/other/spent") == "9"
    assert ps.text("funds/total/initial") == "12.00"
    assert "没有粘贴" in win.statusBar().currentMessage()
    win.undo_stack.undo()
    assert ps.raw("funds/current/initial") == "685600.00"
    win.close()


def test_moving_to_another_row_while_editing_does_not_skip_a_row(app, qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    win = window(qtbot, tmp_path, E)
    s = win.session
    ps = s.state.parts[0]
    tv = win.views[s.state.doc.parts[0].id].tables["indicators"]
    model = tv.model()
    rows = ps.data_rows("indicators")
    tv.setCurrentIndex(model.index_of(f"indicators/{rows[2]}/actual"))
    tv.edit(tv.currentIndex())
    type_chars(qtbot, _editor(tv), "8")
    target = model.index_of(f"indicators/{rows[6]}/name")
    tv.setCurrentIndex(target)  # as a click on another row does: the editor closes, the cursor stays there
    QApplication.processEvents()
    assert tv.currentIndex() == target
    win.close()


def _answer_lock_dialog(monkeypatch, button_text):
    """Answer the “草稿已被打开” dialog with the button called ``button_text``; returns the texts shown."""
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: asked.append(self.text()) or 0)
    monkeypatch.setattr(QMessageBox, "clickedButton",
                        lambda self: next(b for b in self.buttons() if b.text() == button_text))
    return asked


def test_a_stale_lock_can_be_broken_after_confirming(app, qtbot, tmp_path, monkeypatch):
    from ui.new_draft import open_session

    first = FormSession.create(tmp_path / "别人开着.jxd", load_sample(E))
    _answer_lock_dialog(monkeypatch, "强制解除占用…")
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    assert open_session(None, first.path) is None  # not confirmed: nothing happens
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    second = open_session(None, first.path)
    assert second is not None and not second.readonly
    second.close()


def test_verify_a_pdf_against_the_open_draft(app, qtbot, tmp_path, monkeypatch):
    from ui import exports

    win = window(qtbot, tmp_path, "suzhou-project-declare-2020", "核对.jxd")
    pdf = tmp_path / "报送.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(pdf), "")))
    assert exports.export_pdf(win) == pdf
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(pdf), "")))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: shown.append(("same", a[2]))))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: shown.append(("differs", a[2]))))
    assert "一致" in exports.verify_pdf(win)
    assert shown[-1][0] == "same"
    ps = win.session.state.parts[0]
    win.session.execute(win.session.set_cell_command(ps.part.id, "contact", "李四"))  # changed after printing
    text = exports.verify_pdf(win)
    assert text.startswith("不一致") and shown[-1][0] == "differs"
    win.close()


def test_printing_keeps_a_version_with_the_drafts_code(app, qtbot, tmp_path, monkeypatch):
    """A printed copy carries the draft's verification code and is kept as a 版本 of the draft."""
    require("pypdfium2", module="pypdfium2")
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from ui import exports

    win = window(qtbot, tmp_path, "suzhou-project-declare-2020", "打印.jxd")
    codes = []
    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: QPrintPreviewDialog.DialogCode.Accepted)
    monkeypatch.setattr(QPrintPreviewDialog, "setWindowTitle", lambda self, t: codes.append(t))
    before = len(win.session.draft.snapshots())
    exports.print_preview(win)
    assert len(win.session.draft.snapshots()) == before + 1
    assert win.session.draft.snapshots()[-1].reason == "print"
    pdf = tmp_path / "同一版本.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(pdf), "")))
    exports.export_pdf(win)
    from desktop.export.pdf_verify import read_stamp

    assert read_stamp(pdf).code in codes[-1]  # the same draft, the same content: the same code on paper
    win.close()


@pytest.mark.parametrize("answer, exported", [("先去写说明", False), ("仍然导出正式版", True)])
def test_a_final_copy_with_unexplained_hints_is_exported_only_knowingly(app, qtbot, tmp_path, monkeypatch,
                                                                         answer, exported):
    """A's filed sample has 提示 nobody explained (项目支出 151.31 against items adding to 149.91): a final copy
    prints them with no mark, so the clerk is told which ones and chooses."""
    from ui import exports

    win = window(qtbot, tmp_path, "suzhou-dept-selfeval-2022")
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: asked.append(self.text()) or 0)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda self: next(b for b in self.buttons() if b.text() == answer))
    target = tmp_path / "正式版.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    got = exports.export_pdf(win, final=True)
    assert asked and "4 个提示没有写说明" in asked[0] and "项目支出" in asked[0]
    assert (got == target) is exported and target.exists() is exported


def test_a_final_copy_whose_hints_are_explained_is_not_questioned(app, qtbot, tmp_path, monkeypatch):
    from ui import exports

    win = window(qtbot, tmp_path, C)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail(f"asked: {self.text()}"))
    target = tmp_path / "正式版.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert exports.export_pdf(win, final=True) == target and target.exists()
