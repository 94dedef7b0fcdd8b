"""The window repaints exactly what an edit changed: one dataChanged per cell the engine reports (pytest-qt)."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from desktop.core.catalog import load_sample  # noqa: E402
from desktop.core.document import cell_addr  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
E = "suzhou-project-selfeval-2023"


def _cells(emitted):
    out = set()
    for top, left, bottom, right in emitted:
        out |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
    return out


@pytest.mark.parametrize("col,text", [("actual", "1 个"), ("name", "改过的指标"), ("target", ">=5 个")])
def test_data_changed_is_emitted_for_exactly_the_reported_cells(app, qtbot, tmp_path, col, text):
    from ui.form_window import FormWindow

    win = FormWindow(FormSession.create(tmp_path / "重绘.jxd", load_sample(E)))
    qtbot.addWidget(win)
    session = win.session
    pid = session.state.doc.parts[0].id
    model = win.views[pid].tables["indicators"].model()
    emitted: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda tl, br, *_: emitted.append((tl.row(), tl.column(), br.row(), br.column())))

    change = session.apply(session.set_cell_command(pid, cell_addr("indicators", "i02", col), text))

    expected = {(i.row(), i.column()) for i in map(model.index_of, change.repaint) if i.isValid()}
    assert expected, "the edit changed cells of this table"
    assert _cells(emitted) == expected
    assert len(emitted) == len(expected)  # one signal per cell: nothing repainted twice
    win.session.close()
