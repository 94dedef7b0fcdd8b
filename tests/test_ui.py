"""A clerk's session on every form, in the real windows (offscreen): type, watch totals and marks,
answer a 提示, undo/redo, paste from Excel, add/delete rows, close, reopen, find everything there."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit  # noqa: E402

from desktop.core.catalog import load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui

# form -> what the clerk does and sees (addresses relative to the first part)
SCENES = {
    "suzhou-project-selfeval-2023": dict(
        field=("a_initial", "２３４４．７", "quota_balance", "266.92"),
        warn=("d_paid", "３０００", "balance"),
        table="composition", paste="新子项\t１０\t５\n另一子项\t２\t１\n", total=("composition/total/budget", "920.70"),
        cell=("indicators", -1, "actual", "９０％", "indicators/{row}/score", "3.40"),
    ),
    "shenzhen-project-selfeval-2021": dict(
        field=("funds/current/spent", "６８５６００", "funds/total/spent", "685600.00"),
        warn=("funds/current/spent", "７０００００", "funds/total/spent"),
        table="indicators", paste="产出指标\t数量指标\t新增指标\t≥1次\t1次\t0\t0\n", total=None,
        cell=None,
    ),
    "suzhou-dept-selfeval-2022": dict(
        field=("budget/basic/initial", "３００", "budget/total/initial", "451.31"),
        warn=("budget/basic/actual", "９９９", "budget/total/actual"),
        table="tasks", paste="职责一\t任务一\t内容一\t已完成\n职责二\t任务二\t内容二\t进行中\n", total=None,
        cell=None,
    ),
    "suzhou-project-declare-2020": dict(
        field=("ly_allocated", "２２．５", "ly_arrival_rate", "50.00"),
        warn=("ly_allocated", "９０", "ly_allocated"),
        table="composition", paste="新子项目\t１０．５\n", total=("composition/total/amount", "135.05"),
        cell=None,
    ),
    "shanghai-project-goals-2020": dict(
        field=("total_budget", "１，０００，０００", None, None),
        warn=("year_budget", "９９９９９９９", "year_budget"),
        table="indicators", paste="产出目标\t数量\t培训人次\t≥100人次\n", total=None,
        cell=None,
    ),
}


def open_window(qtbot, path):
    from ui.form_window import FormWindow

    win = FormWindow(FormSession.open(path))
    qtbot.addWidget(win)
    win.resize(1200, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def type_chars(qtbot, widget, text):
    """Type as a clerk does: ASCII as key presses, Chinese and full-width characters as IME commits
    (QTest.keyClicks only knows ASCII)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii() and ch.isprintable():
            qtbot.keyClicks(widget, ch)
        else:
            ev = QInputMethodEvent("", [])
            ev.setCommitString(ch)
            QApplication.sendEvent(widget, ev)


def type_into_field(qtbot, view, addr, text):
    editor = view.editors[addr]
    editor.setFocus()
    if hasattr(editor, "selectAll"):
        editor.selectAll()
    type_chars(qtbot, editor, text)


def type_into_cell(qtbot, view, addr, text):
    table = addr.split("/")[0]
    tv = view.tables[table]
    idx = tv.model().index_of(addr)
    assert idx.isValid(), addr
    tv.setCurrentIndex(idx)
    tv.edit(idx)
    editors = [w for w in tv.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert editors, "no editor opened"
    editor = editors[-1]
    editor.selectAll()
    type_chars(qtbot, editor, text)
    return tv, editor


def type_text(qtbot, view, addr, text):
    if "/" in addr:
        tv, editor = type_into_cell(qtbot, view, addr, text)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # the delegate closes its editor through a queued call
    else:
        type_into_field(qtbot, view, addr, text)


def _scene(form_id, qtbot, tmp_path):
    scene = SCENES[form_id]
    s0 = FormSession.create(tmp_path / f"填报 {form_id}.jxd", load_sample(form_id))
    path = s0.path
    s0.close()
    win = open_window(qtbot, path)
    session = win.session
    pid = session.state.doc.parts[0].id
    view = win.views[pid]
    ps = session.state.parts[0]

    # 1. type (full-width digits) and watch the computed cell follow, keystroke by keystroke
    addr, text, watch, expected = scene["field"]
    type_text(qtbot, view, addr, text)
    if watch:
        assert ps.text(watch) == expected
        if "/" not in watch:
            assert view.editors[watch].text() == expected
        else:
            tv = view.tables[watch.split("/")[0]]
            assert tv.model().index_of(watch).data() == expected

    # 2. a value that breaks a rule: the cell is marked in place, the panel lists it; answer the 提示
    addr, text, marked = scene["warn"]
    type_text(qtbot, view, addr, text)
    win.problems.refresh()
    lines = [(i, p) for i, p, *_ in win.problems.lines if p.addr == marked]
    assert lines, f"no problem on {marked}: {[t for _i, _p, t, _q in win.problems.lines]}"
    i, problem = lines[0]
    if "/" in marked:
        tv = view.tables[marked.split("/")[0]]
        assert tv.model().index_of(marked).data(Qt.ItemDataRole.UserRole + 3) in ("error", "warning")
        assert problem.body in tv.model().index_of(marked).data(Qt.ItemDataRole.ToolTipRole)
    else:
        assert view.editors[marked].property("mark") in ("error", "warning")
        assert problem.body in view.editors[marked].toolTip()
    warning = next((p for j, p, *_ in win.problems.lines if p.level == "warning"), None)
    assert warning is not None
    win.problems.explain(0, warning.key, "已与财政局核对，情况属实")
    assert session.state.parts[0].part.explanations[warning.key] == "已与财政局核对，情况属实"
    item = next(win.problems.list.item(k) for k in range(win.problems.list.count())
                if (win.problems.list.item(k).data(Qt.ItemDataRole.UserRole + 10) or (0, "", ""))[2] == marked)
    win.problems.list.itemClicked.emit(item)  # a click in the panel jumps to the cell
    if "/" in marked:
        tv = view.tables[marked.split("/")[0]]
        assert tv.currentIndex() == tv.model().index_of(marked)

    # 3. undo and redo the last typing
    before = ps.raw(addr)
    win.undo_stack.undo()  # the explanation
    win.undo_stack.undo()  # the typing
    assert ps.raw(addr) != before
    win.undo_stack.redo()
    win.undo_stack.redo()
    assert ps.raw(addr) == before
    assert warning.key in ps.part.explanations

    # 4. paste a block from Excel/WPS at the end of a table: rows are added
    table = scene["table"]
    tv = view.tables[table]
    model = tv.model()
    n = len(ps.data_rows(table))
    last = ps.data_rows(table)[-1]
    tv.setCurrentIndex(model.index(model.row_index[last], 0))
    block = [line for line in scene["paste"].splitlines() if line]
    tv.paste(scene["paste"])  # the first pasted row overwrites the current (last) row
    assert len(ps.data_rows(table)) == n - 1 + len(block)
    assert model.rowCount() == len(ps.display_rows(table))
    if scene["total"]:
        tv.setCurrentIndex(model.index(model.row_index[ps.data_rows(table)[-1]], 0))
        tv.insert_row()  # ensure the total is recomputed through row operations too
        assert ps.text(scene["total"][0]) == scene["total"][1]
    # 5. add and delete rows
    count = len(ps.data_rows(table))
    tv.setCurrentIndex(model.index(model.row_index[ps.data_rows(table)[0]], 0))
    tv.insert_row(below=False)
    assert len(ps.data_rows(table)) == count + 1
    tv.clearSelection()
    tv.setCurrentIndex(model.index(model.row_index[ps.data_rows(table)[0]], 0))
    tv.remove_rows()
    assert len(ps.data_rows(table)) == count
    rows_after = list(ps.data_rows(table))

    # 6. a table cell typed live: the score follows before Enter
    if scene["cell"]:
        tid, row, col, text, watch, expected = scene["cell"]
        rid = ps.data_rows(tid)[row]
        tv2, editor = type_into_cell(qtbot, view, f"{tid}/{rid}/{col}", text)
        assert ps.text(watch.format(row=rid)) == expected
        assert tv2.model().index_of(watch.format(row=rid)).data() == expected
        qtbot.keyClick(editor, Qt.Key.Key_Return)

    typed = {a: ps.raw(a) for a in ps.addresses() if ps.how(a) == "input"}
    explanations = dict(ps.part.explanations)
    assert session.status in ("saved", "pending")
    win.close()
    assert session.status == "saved"

    # 7. reopen: everything is there
    again = FormSession.open(path)
    ps2 = again.state.parts[0]
    assert ps2.data_rows(table) == rows_after
    assert {a: ps2.raw(a) for a in ps2.addresses() if ps2.how(a) == "input"} == typed
    assert ps2.part.explanations == explanations
    again.close()
    return win


@pytest.mark.parametrize("form_id", list(SCENES))
def test_clerk_plays_form(form_id, app, qtbot, tmp_path):
    _scene(form_id, qtbot, tmp_path)
