"""A clerk's first look at a window: it fits a laptop screen, speaks Chinese, a new draft is calm,
the grids follow the paper, the seal line is the PDF's, an empty table can be started."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton  # noqa: E402

from desktop.core.catalog import load_form, load_sample  # noqa: E402
from desktop.core.engine import DocumentState  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
SZ = "shenzhen-project-selfeval-2021"
SH = "shanghai-project-goals-2020"
DECLARE = "suzhou-project-declare-2020"
DEPT = "suzhou-dept-selfeval-2022"


def open_window(qtbot, doc, form_id):
    from ui.form_window import FormWindow

    win = FormWindow(FormSession(DocumentState(load_form(form_id), doc)))
    qtbot.addWidget(win)
    win.show()
    return win


def new_window(qtbot, form_id):
    from ui.new_draft import new_document

    return open_window(qtbot, new_document(load_form(form_id)), form_id)


def test_a_form_window_fits_the_screen_it_opens_on(app, qtbot):
    win = open_window(qtbot, load_sample(SZ), SZ)
    avail = win.screen().availableGeometry()
    assert win.width() <= avail.width() and win.height() + 30 <= avail.height()  # room for the title bar
    status = win.status_label
    bottom = status.mapTo(win, status.rect().bottomLeft()).y()
    assert bottom <= win.height() and win.problems.explain_button.isVisible()


def test_qt_dialogs_speak_chinese(app):
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert box.button(QMessageBox.StandardButton.Yes).text().startswith("是")
    assert box.button(QMessageBox.StandardButton.No).text().startswith("否")


def test_the_settings_dialogs_input_boxes_have_frames(app, qtbot):
    """The form's borderless inputs are the page's look only: a dialog's line edit is drawn exactly as
    Qt draws it without the app's style sheet (its frame visible)."""
    from PySide6.QtWidgets import QApplication

    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    edit = next(e for e in dlg.findChildren(QLineEdit) if e.isVisible())

    def left_edge() -> list[int]:
        image = edit.grab().toImage()
        return [image.pixelColor(x, image.height() // 2).lightness() for x in range(3)]

    styled = left_edge()
    sheet = app.styleSheet()
    QApplication.instance().setStyleSheet("")
    try:
        plain = left_edge()
    finally:
        QApplication.instance().setStyleSheet(sheet)
    assert styled == plain
    assert min(plain) < 200  # the frame is there to be seen


def test_a_new_draft_has_its_year_and_no_sea_of_red(app, qtbot):
    win = new_window(qtbot, SZ)
    session, view = win.session, next(iter(win.views.values()))
    ps = session.state.parts[0]
    assert ps.raw("year") == "2021"
    assert view.editors["project_name"].property("mark") == ""  # required, untouched: quiet
    kinds = [(p.level, quiet) for _i, p, _t, quiet in win.problems.lines]
    assert any(q for _l, q in kinds) and "未填" in win.problems.summary.text()
    assert kinds == sorted(kinds, key=lambda k: (k[1], k[0] != "error"))  # 错误, then 提示, then 未填
    win.check_everything()
    assert view.editors["project_name"].property("mark") == "error"
    assert not any(q for *_x, q in win.problems.lines)


def test_typing_in_a_required_cell_then_clearing_it_is_an_error_at_once(app, qtbot):
    win = new_window(qtbot, SZ)
    session, view = win.session, next(iter(win.views.values()))
    pid = session.state.doc.parts[0].id
    win.push(session.set_cell_command(pid, "project_name", "x"))
    win.push(session.set_cell_command(pid, "project_name", ""))
    assert view.editors["project_name"].property("mark") == "error"


def test_errors_are_listed_before_hints(app, qtbot):
    doc = load_sample("suzhou-project-selfeval-2023")
    win = open_window(qtbot, doc, "suzhou-project-selfeval-2023")
    pid = win.session.state.doc.parts[0].id
    win.push(win.session.set_cell_command(pid, "d_paid", "２１００"))  # an 错误 and a 提示
    win.problems.refresh()
    levels = [p.level for _i, p, *_ in win.problems.lines]
    assert "error" in levels and "warning" in levels
    assert levels == sorted(levels, key=lambda lv: lv != "error")


def test_the_problems_panel_can_be_widened(app, qtbot):
    from PySide6.QtCore import Qt

    win = open_window(qtbot, load_sample(SZ), SZ)
    win.resize(1300, 700)
    win.resizeDocks([win.problems_dock], [620], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: win.problems_dock.width() >= 560, timeout=2000)


def grid_labels(view) -> list[list[str]]:
    """The label cells of the header grid, line by line."""
    from ui.part_view import GridSection

    grid = view.widget().findChild(GridSection)
    lay = grid.layout()
    rows: dict[int, list[tuple[int, str]]] = {}
    for k in range(lay.count()):
        w = lay.itemAt(k).widget()
        if isinstance(w, QLabel):
            r, c, _rs, _cs = lay.getItemPosition(k)
            rows.setdefault(r, []).append((c, w.text()))
    return [[t for _c, t in sorted(v)] for _r, v in sorted(rows.items())]


def test_shenzhen_header_follows_the_paper(app, qtbot):
    win = open_window(qtbot, load_sample(SZ), SZ)
    view = next(iter(win.views.values()))
    assert grid_labels(view) == [["项目名称", "项目金额"], ["主管部门", "实施单位"]]
    assert "total_score" not in view.editors and "total_weight" not in view.editors  # the table's 总分 row says it
    assert "year" in view.editors  # still typed, above the grid


def test_no_unlabelled_empty_box_and_nothing_twice(app, qtbot):
    from ui.part_view import GridSection

    win = open_window(qtbot, load_sample(SH), SH)
    view = next(iter(win.views.values()))
    for grid in view.widget().findChildren(GridSection):
        lay = grid.layout()
        for k in range(lay.count()):
            w = lay.itemAt(k).widget()
            if w is not None and w.property("cell") == "value":
                assert w.findChild(QLineEdit) or w.layout() and w.layout().count(), "an empty box"
    win = open_window(qtbot, load_sample(DECLARE), DECLARE)
    view = next(iter(win.views.values()))
    labels = [w.text() for w in view.widget().findChildren(QLabel) if w.isVisible()]
    assert sum(t.startswith("项目年度") for t in labels) == 1


def test_the_seal_line_shows_the_whole_unit_name_as_the_pdf(app, qtbot):
    from desktop.export.printed import signature_lines

    win = open_window(qtbot, load_sample(DEPT), DEPT)
    view = next(iter(win.views.values()))
    expected = signature_lines(win.session.state, win.session.state.parts[0]).unit_line
    assert view.sig_unit.text() == expected
    assert "（盖章）" in expected and "苏州市体育信息中心（苏州市体育文化中心）" in expected
    assert view.sig_unit.isVisible() and view.sig_unit.wordWrap()


def test_an_empty_unit_gets_a_line_to_write_on(app, qtbot):
    doc = load_sample(SZ)
    doc.parts = doc.parts[:1]
    doc.parts[0].fields["implementer"] = ""
    win = open_window(qtbot, doc, SZ)
    view = next(iter(win.views.values()))
    assert view.sig_unit.text().startswith("填报单位（盖章）：") and view.sig_unit.text().endswith("____")


def test_an_empty_table_shows_an_add_row_button(app, qtbot):
    doc = load_sample(SZ)
    doc.parts = doc.parts[:1]
    doc.parts[0].rows["indicators"] = []
    win = open_window(qtbot, doc, SZ)
    view = next(iter(win.views.values()))
    button = view.widget().findChild(QPushButton, "add_indicators")
    assert button is not None and button.isVisible() and button.text() == "增加一行"
    button.click()
    assert len(win.session.state.parts[0].data_rows("indicators")) == 1
    assert not button.isVisible()


def test_modules_imported_with_qt_running_leave_no_source_in_memory(app, tmp_path, monkeypatch):
    """PySide6 reads every module imported after it for the word PySide6; the app's check lets the
    source go instead of keeping all of it in linecache (14 MB with SQLAlchemy and the app)."""
    import linecache

    path = tmp_path / "jixiao_probe_module.py"
    path.write_text("VALUE = 1\n" + "# padding\n" * 1000, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__("jixiao_probe_module")  # an import statement: PySide6 hooks __import__
    assert module.VALUE == 1
    assert str(path) not in linecache.cache
