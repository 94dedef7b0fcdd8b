"""The window of a new draft of every form opens without a 错误: checks of inputs nobody has filled yet are 未填
until one is typed, 全部检查 is asked for, or the draft is exported."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from desktop.core.catalog import form_ids, load_form  # noqa: E402
from desktop.core.document import cell_addr  # noqa: E402
from desktop.core.engine import DocumentState  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
SZ = "shenzhen-project-selfeval-2021"
E = "suzhou-project-selfeval-2023"


def new_window(qtbot, form_id):
    from ui.form_window import FormWindow
    from ui.new_draft import new_document

    form = load_form(form_id)
    win = FormWindow(FormSession(DocumentState(form, new_document(form))))
    qtbot.addWidget(win)
    win.show()
    return win


def shown_errors(win) -> list[str]:
    return [text for _i, p, text, quiet in win.problems.lines if p.level == "error" and not quiet]


@pytest.mark.parametrize("form_id", form_ids())
def test_a_new_draft_window_of_every_form_shows_no_error(app, qtbot, form_id):
    win = new_window(qtbot, form_id)
    assert shown_errors(win) == []
    assert win.problems.summary.text().startswith(("错误 0 个", "没有发现问题"))
    win.check_everything()  # what an export does first
    total = sum(len(ps.problems) for ps in win.session.state.parts)
    assert len(win.problems.lines) == total and not any(q for *_x, q in win.problems.lines)


@pytest.mark.parametrize("form_id, addr", [(SZ, "total_weight"), (E, "weight_total")])
def test_the_weight_total_shows_after_full_check(app, qtbot, form_id, addr):
    win = new_window(qtbot, form_id)
    assert [q for _i, p, _t, q in win.problems.lines if p.addr == addr] == [True]
    assert "未填" in win.problems.summary.text()
    editor = next(iter(win.views.values())).editors.get(addr)  # Shenzhen's total is shown in its table only
    assert editor is None or editor.property("mark") == ""
    win.check_everything()
    assert any(p.addr == addr for _i, p, _t, q in win.problems.lines if p.level == "error" and not q)
    assert editor is None or editor.property("mark") == "error"


def test_typing_a_weight_shows_the_total_check_at_once(app, qtbot):
    win = new_window(qtbot, E)
    session = win.session
    pid = session.state.doc.parts[0].id
    row = session.state.parts[0].data_rows("indicators")[0]
    win.push(session.set_cell_command(pid, cell_addr("indicators", row, "weight"), "1"))  # the preset value
    qtbot.waitUntil(lambda: bool(shown_errors(win)), timeout=2000)
    assert win.problems.summary.text().startswith("错误 1 个")
    assert next(iter(win.views.values())).editors["weight_total"].property("mark") == "error"


def shown_lines(win) -> list[str]:
    return [win.problems.list.item(k).text() for k in range(win.problems.list.count())]


@pytest.mark.parametrize("form_id", form_ids())
def test_a_quiet_line_says_unfilled_once(app, qtbot, form_id):
    """The tag 未填 (as in the summary's “未填 N 项”) and the message's own 未填 are not both shown."""
    win = new_window(qtbot, form_id)
    quiet = [line for line, (*_x, q) in zip(shown_lines(win), win.problems.lines) if q]
    assert quiet and all(line.startswith("未填  ") for line in quiet)
    assert [line for line in quiet if line.count("未填") > 1] == []


def test_a_quiet_line_keeps_what_the_message_adds(app, qtbot):
    win = new_window(qtbot, E)
    lines = shown_lines(win)
    assert any(line.startswith("未填  ") and line.endswith("“实际完成值”：本项得 0 分") for line in lines)
    win.check_everything()  # shown as a 提示, the message is whole again
    assert any(line.startswith("提示  ") and line.endswith("“实际完成值”：未填实际完成值，本项得 0 分")
               for line in shown_lines(win))
