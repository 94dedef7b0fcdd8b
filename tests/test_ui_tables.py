"""The form window's tables look and work like the paper: multi-line 长文本 cells, merged 类别 cells,
and form E's label-above-value grids (offscreen, pytest-qt)."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from desktop.core.catalog import load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui


def open_form(qtbot, tmp_path, form_id):
    from ui.form_window import FormWindow

    s0 = FormSession.create(tmp_path / f"填报 {form_id}.jxd", load_sample(form_id))
    path = s0.path
    s0.close()
    win = FormWindow(FormSession.open(path))
    qtbot.addWidget(win)
    win.resize(1200, 900)
    win.show()
    qtbot.waitExposed(win)
    view = win.views[win.session.state.doc.parts[0].id]
    return win, view


def type_chars(widget, text):
    """Chinese as IME commits (QTest only types ASCII)."""
    from PySide6.QtGui import QInputMethodEvent

    for ch in text:
        ev = QInputMethodEvent("", [])
        ev.setCommitString(ch)
        QApplication.sendEvent(widget, ev)


def open_text_editor(tv, idx):
    from ui.cell_delegates import CellTextEdit

    tv.setFocus()
    tv.setCurrentIndex(idx)
    tv.edit(idx)
    editors = [w for w in tv.viewport().findChildren(CellTextEdit) if w.isVisible()]
    assert editors, "no multi-line editor opened"
    return editors[-1]


# ---------------------------------------------------------------------------------------------- long text
def test_longtext_cell_takes_line_breaks_and_undoes_in_one_step(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "shenzhen-project-selfeval-2021")
    ps = win.session.state.parts[0]
    tv = view.tables["indicators"]
    model = tv.model()
    rid = ps.data_rows("indicators")[0]
    addr = f"indicators/{rid}/reason"
    assert ps.raw(addr) == ""
    idx = model.index_of(addr)
    before_height = tv.rowHeight(idx.row())
    before_steps = win.undo_stack.index()

    editor = open_text_editor(tv, idx)
    type_chars(editor, "偏差较小")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)  # Alt+Enter: a new line
    type_chars(editor, "下一步加强培训")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    type_chars(editor, "配置零配件")
    assert ps.raw(addr) == "偏差较小\n下一步加强培训\n配置零配件"  # applied while typing
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter: done, as in Excel — no line break added
    QApplication.processEvents()
    assert ps.raw(addr) == "偏差较小\n下一步加强培训\n配置零配件"
    assert not editor.isVisible() or tv.state() != tv.State.EditingState
    assert tv.currentIndex().row() == idx.row() + 1  # and the cursor went down
    assert tv.rowHeight(idx.row()) > before_height  # the row shows all three lines

    assert win.undo_stack.index() == before_steps + 1  # the whole cell edit is one undo step
    win.undo_stack.undo()
    QApplication.processEvents()
    assert ps.raw(addr) == ""
    assert tv.rowHeight(idx.row()) == before_height
    win.undo_stack.redo()
    assert ps.raw(addr) == "偏差较小\n下一步加强培训\n配置零配件"


def test_longtext_editor_grows_and_tab_moves_on(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "suzhou-dept-selfeval-2022")
    ps = win.session.state.parts[0]
    tv = view.tables["tasks"]
    model = tv.model()
    rid = ps.data_rows("tasks")[0]
    addr = f"tasks/{rid}/duty"
    idx = model.index_of(addr)
    editor = open_text_editor(tv, idx)
    assert editor.toPlainText() == ps.raw(addr)  # the cell's text, line breaks and all
    editor.selectAll()
    type_chars(editor, "一")
    h1 = editor.height()
    for _ in range(24):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
        type_chars(editor, "更多内容")
    QApplication.processEvents()
    assert editor.height() > h1  # the editor grows with its text
    assert ps.raw(addr).count("\n") == 24
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert tv.currentIndex().row() == idx.row()
    assert tv.currentIndex().column() == idx.column() + 1  # Tab: committed, next cell to the right
    assert ps.raw(addr).count("\n") == 24


# ---------------------------------------------------------------------------------------------- merged 类别
def expected_runs(ps, table, col):
    """Runs of two or more equal, non-empty 类别 among data rows (what the PDF merges)."""
    rows = ps.display_rows(table)
    fixed = set(ps.data_rows(table)) ^ set(rows)
    runs, start, prev = [], 0, None
    for i, rid in enumerate(rows + [None]):
        text = ps.text(f"{table}/{rid}/{col}").strip() or None if rid is not None and rid not in fixed else None
        if text is None or text != prev:
            if prev is not None and i - start > 1:
                runs.append((start, i - start))
            start, prev = i, text
    return runs


def spans(tv, col=None):
    """(first row, rows) of every merged cell of column ``col`` (the outermost group column by default)."""
    g = tv.model().group_col() if col is None else col
    out, r = [], 0
    while r < tv.model().rowCount():
        n = tv.rowSpan(r, g)
        if n > 1:
            out.append((r, n))
        r += max(1, n)
    return out


def test_group_cells_are_merged_and_follow_every_change(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "suzhou-project-selfeval-2023")
    ps = win.session.state.parts[0]
    tv = view.tables["indicators"]
    model = tv.model()
    g = model.group_col()
    assert spans(tv) == expected_runs(ps, "indicators", "cls")
    assert spans(tv)[:3] == [(0, 6), (6, 5), (11, 5)]  # 决策目标 ×6, 过程目标 ×5, 产出目标 ×5
    assert "只改本组第一行" in model.index(0, g).data(Qt.ItemDataRole.ToolTipRole)

    # an edit in the merged cell changes the group's first row only; the rest stay merged below it
    model.setData(model.index(0, g), "其他目标")
    tv.seal()
    assert ps.raw(f"indicators/{model.rows[1]}/cls") == "决策目标"
    assert spans(tv)[:2] == [(1, 5), (6, 5)]
    win.undo_stack.undo()
    assert spans(tv)[:3] == [(0, 6), (6, 5), (11, 5)]

    # a different 类别 in the middle of a group splits it
    model.setData(model.index(8, g), "产出目标")
    tv.seal()
    assert spans(tv)[:3] == [(0, 6), (6, 2), (9, 2)]
    win.undo_stack.undo()
    assert spans(tv) == expected_runs(ps, "indicators", "cls")

    # a row inserted inside a group (empty 类别) splits it; removing it joins the group again
    tv.setCurrentIndex(model.index(2, 1))
    tv.insert_row(below=True)
    assert spans(tv)[:2] == [(0, 3), (4, 3)]
    tv.remove_rows()
    assert spans(tv)[:3] == [(0, 6), (6, 5), (11, 5)]
    win.undo_stack.undo()  # the row is back
    assert spans(tv)[:2] == [(0, 3), (4, 3)]
    win.undo_stack.undo()  # and gone again
    assert spans(tv)[:3] == [(0, 6), (6, 5), (11, 5)]

    # a row moved out of its group
    tv.setCurrentIndex(model.index(5, 1))
    tv.move_row(1)
    assert spans(tv)[:3] == [(0, 5), (7, 4), (11, 5)]  # 决策 ×5, 过程 (row 6 is a 决策 now) ×4
    win.undo_stack.undo()
    assert spans(tv)[:3] == [(0, 6), (6, 5), (11, 5)]

    # a paste that writes 类别
    tv.setCurrentIndex(model.index(0, g))
    tv.paste("过程目标\n过程目标\n")
    assert spans(tv) == expected_runs(ps, "indicators", "cls")
    assert spans(tv)[0] == (0, 2)
    win.undo_stack.undo()
    assert spans(tv)[:3] == [(0, 6), (6, 5), (11, 5)]


def test_keyboard_moves_through_merged_cells(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "suzhou-project-selfeval-2023")
    tv = view.tables["indicators"]
    model = tv.model()
    g = model.group_col()
    tv.setFocus()
    tv.setCurrentIndex(model.index(0, g))
    seen = [0]
    for _ in range(10):
        qtbot.keyClick(tv, Qt.Key.Key_Down)
        seen.append(tv.currentIndex().row())
    assert seen[:5] == [0, 6, 11, 16, 22]  # one step per merged cell, never stuck inside one
    tv.setCurrentIndex(model.index(0, g))
    qtbot.keyClick(tv, Qt.Key.Key_Return)  # Enter goes below the group too
    assert tv.currentIndex().row() == 6
    tv.setCurrentIndex(model.index(3, g + 1))  # from a row inside a group, ← lands on the group
    qtbot.keyClick(tv, Qt.Key.Key_Left)
    assert tv.currentIndex().column() == g
    qtbot.keyClick(tv, Qt.Key.Key_Right)
    assert tv.currentIndex().column() == g + 1


# ---------------------------------------------------------------------------------------------- stacked grids
@pytest.mark.parametrize("fields", [
    ["a_initial", "b_adjust", "c_allocated", "quota_balance", "quota_recovered"],
    ["c_allocated_again", "d_paid", "balance", "e_carry", "f_recovered"],
])
def test_e_money_sections_print_labels_above_values(app, qtbot, tmp_path, fields):
    win, view = open_form(qtbot, tmp_path, "suzhou-project-selfeval-2023")
    form = win.session.form
    page = view.widget()
    label_ys, value_ys = [], []
    xs = []
    for fid in fields:
        editor = view.editors[fid]
        grid = editor.parentWidget().parentWidget()
        labels = [lab for lab in grid.findChildren(QLabel) if getattr(lab, "full_text", lab.text()) == form.field(fid).label]
        holder = editor.parentWidget()
        # the label cell right above this value cell: same column, higher up
        pos = holder.mapTo(page, QPoint(0, 0))
        above = [lab for lab in labels if abs(lab.mapTo(page, QPoint(0, 0)).x() - pos.x()) <= 2]
        assert above, fid
        lab = above[0]
        assert lab.mapTo(page, QPoint(0, 0)).y() < pos.y(), fid
        label_ys.append(lab.mapTo(page, QPoint(0, 0)).y())
        value_ys.append(pos.y())
        xs.append(pos.x())
    assert len(set(label_ys)) == 1 and len(set(value_ys)) == 1  # one row of labels, one row of values
    assert xs == sorted(xs) and len(set(xs)) == 5  # five columns side by side


def test_stacked_rule_is_the_pdf_rule():
    from desktop.core.catalog import all_forms

    stacked = [(f.id, s.id) for f in all_forms() for s in f.sections if s.stacked]
    assert ("suzhou-project-selfeval-2023", "budget") in stacked
    assert ("suzhou-project-selfeval-2023", "use") in stacked
    assert all(s.columns >= 3 for f in all_forms() for s in f.sections if s.stacked)


def test_typing_over_a_longtext_cell_replaces_it(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "shenzhen-project-selfeval-2021")
    ps = win.session.state.parts[0]
    tv = view.tables["indicators"]
    rid = ps.data_rows("indicators")[-1]
    addr = f"indicators/{rid}/reason"
    old = ps.raw(addr)
    assert old
    tv.setFocus()
    tv.setCurrentIndex(tv.model().index_of(addr))
    qtbot.keyClick(tv, "o")  # as in Excel: typing on a cell starts it anew
    from ui.cell_delegates import CellTextEdit

    editor = [w for w in tv.viewport().findChildren(CellTextEdit) if w.isVisible()][-1]
    qtbot.keyClick(editor, "k")  # the editor has the focus now
    assert ps.raw(addr) == "ok"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    win.undo_stack.undo()
    assert ps.raw(addr) == old


def test_a_problem_in_a_merged_cell_focuses_the_merged_cell(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "suzhou-project-selfeval-2023")
    tv = view.tables["indicators"]
    model = tv.model()
    addr = model.addr(3, model.group_col())  # covered by the 决策目标 cell of rows 0–5
    assert view.focus_addr(addr)
    assert tv.currentIndex().row() == 0 and tv.currentIndex().column() == model.group_col()
