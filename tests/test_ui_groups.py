"""The window merges nested group cells as the printed form does: a 二级指标 cell spans the rows of its
run only within its 一级 group (offscreen, pytest-qt)."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from test_ui_tables import open_form, spans as col_spans  # noqa: E402

pytestmark = pytest.mark.gui


def test_level2_cells_merge_within_their_level1_group(app, qtbot, tmp_path):
    win, view = open_form(qtbot, tmp_path, "national-project-selfeval")
    tv = view.tables["indicators"]
    model = tv.model()
    level1, level2 = model.col_index["level1"], model.col_index["level2"]
    assert model.group_cols() == [level1, level2]
    assert col_spans(tv, level1)[:2] == [(0, 5), (5, 3)]  # 产出指标 ×5, 效益指标 ×3
    assert col_spans(tv, level2) == [(0, 2), (5, 2)]  # 数量指标 ×2, 社会效益指标 ×2
    assert model.index(1, level2).data() == "数量指标"

    # the same 二级 under another 一级 is a group of its own
    model.setData(model.index(1, level1), "效益指标")
    assert (0, 2) not in col_spans(tv, level2)
    win.undo_stack.undo()
    assert col_spans(tv, level2) == [(0, 2), (5, 2)]
    tv.setCurrentIndex(model.index(1, level2))  # the cursor rests on the merged cell's top
    assert tv.span_top(model.index(1, level2)).row() == 0


def test_e_totals_are_the_indicator_tables_bottom_row(app, qtbot, tmp_path):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLabel

    from ui.column_totals import ColumnTotals

    win, view = open_form(qtbot, tmp_path, "suzhou-project-selfeval-2023")
    tv = view.tables["indicators"]
    header = tv.horizontalHeader()
    (strip,) = view.findChildren(ColumnTotals)
    assert not [w for w in view.findChildren(QLabel) if w.text() == "权重合计" and w.isVisible()]

    def misplaced():  # (field, why) of a total not right below the table, under its column
        out = []
        for fid, cid in (("weight_total", "weight"), ("total_score", "score")):
            editor = view.editors[fid]
            col = tv.model().col_index[cid]
            left = tv.viewport().mapTo(view.page, QPoint(header.sectionViewportPosition(col), 0)).x()
            x = editor.mapTo(view.page, QPoint(editor.width() // 2, 0)).x()
            below = editor.mapTo(view.page, QPoint(0, 0)).y() - tv.mapTo(view.page, QPoint(0, tv.height())).y()
            if not (editor.isVisible() and editor.text() == "80.00" and left < x < left + header.sectionSize(col)
                    and 0 <= below < 10):
                out.append((fid, editor.text(), left, x, below))
        return out

    qtbot.waitUntil(lambda: not misplaced(), timeout=5000)  # the layout settles
    assert not misplaced()
    assert [c.text() for c in strip.findChildren(QLabel) if c.text()] == ["合计"]
