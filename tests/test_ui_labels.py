"""The window's table labels wrap as the PDF's do: no label, group (类别, 一级/二级指标), column title
or shaded field label leaves one or two characters alone on its last line (“社会效益指/标”, “（万/元）”), and the table still fits
the window.  Each cell's text is laid out the way Qt draws it (the delegate's text, the style's text
rectangle, QTextLayout), so the test sees what a clerk sees."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtGui import QTextLayout, QTextOption  # noqa: E402
from PySide6.QtWidgets import QLabel, QStyle, QStyleOptionHeader, QStyleOptionViewItem  # noqa: E402

from desktop.core.catalog import form_ids, load_form, load_sample  # noqa: E402
from desktop.core.engine import DocumentState  # noqa: E402
from desktop.core.linebreak import orphaned  # noqa: E402
from desktop.session import FormSession  # noqa: E402
from ui.table_model import HOW_ROLE  # noqa: E402

pytestmark = pytest.mark.gui
SCREENS = [(1366, 768), (1024, 768)]  # the reviewer's screen, and a small one


def laid_out(text: str, font, width: int, wrap: QTextOption.WrapMode) -> list[list[str]]:
    """The lines of each paragraph of ``text`` as Qt breaks it at ``width`` pixels."""
    out = []
    for para in text.split("\n"):
        layout = QTextLayout(para, font)
        option = QTextOption()
        option.setWrapMode(wrap)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines.append(para[line.textStart():line.textStart() + line.textLength()])
        layout.endLayout()
        out.append(lines)
    return out


def broken(paragraphs: list[list[str]]) -> bool:
    return any(len(lines) > 1 and orphaned(lines) for lines in paragraphs)


def cell_lines(view, row: int, col: int) -> list[list[str]]:
    """A cell's text as the delegate paints it: its display text, in the text rectangle of the cell
    without the grid line, less the style's text margin, wrapped at words or anywhere."""
    index = view.model().index(row, col)
    opt = QStyleOptionViewItem()
    view.initViewItemOption(opt)
    r = view.visualRect(index)
    opt.rect = QRect(r.x(), r.y(), r.width() - (1 if view.showGrid() else 0), r.height())
    view.itemDelegate().initStyleOption(opt, index)
    style = view.style()
    text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, view)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return laid_out(opt.text, opt.font, text_rect.width() - 2 * margin, QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)


def header_lines(view, col: int) -> list[list[str]]:
    """A column title as the header paints it: the style sheet's padding off, wrapped at words."""
    header = view.horizontalHeader()
    opt = QStyleOptionHeader()
    header.initStyleOption(opt)
    header.initStyleOptionForIndex(opt, col)
    opt.rect = QRect(header.sectionViewportPosition(col), 0, header.sectionSize(col), header.height())
    rect = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, opt, header)
    return laid_out(opt.text, header.font(), rect.width(), QTextOption.WrapMode.WordWrap)


def covered(view, row: int, col: int) -> bool:
    """Inside a merged cell, below its first row: not drawn on its own."""
    return view.rowSpan(row, col) >= 1 and view.span_top(view.model().index(row, col)).row() != row


def label_cells(view):
    model = view.model()
    groups = set(model.group_cols())
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            if (col in groups or index.data(HOW_ROLE) in ("label", "none")) and index.data() and not covered(view, row, col):
                yield row, col


def open_window(qtbot, form_id, screen):
    from ui.form_window import FormWindow

    win = FormWindow(FormSession(DocumentState(load_form(form_id), load_sample(form_id))))
    qtbot.addWidget(win)
    win.resize(*screen)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("form_id", form_ids())
def test_no_label_of_a_table_wraps_leaving_one_or_two_characters(app, qtbot, form_id, screen):
    win = open_window(qtbot, form_id, screen)
    bad = []
    for part in win.views.values():
        for tid, view in part.tables.items():
            for row, col in label_cells(view):
                lines = cell_lines(view, row, col)
                if broken(lines):
                    bad.append((tid, row, col, lines))
            for col in range(view.model().columnCount()):
                lines = header_lines(view, col)
                if broken(lines):
                    bad.append((tid, "表头", col, lines))
        for label in part.findChildren(QLabel):  # the shaded label cells of a grid of fields
            if label.property("cell") == "label" and label.isVisible():
                lines = laid_out(label.text(), label.font(), label.contentsRect().width(), QTextOption.WrapMode.WordWrap)
                if broken(lines):
                    bad.append(("字段", label.text(), lines))
    assert bad == []


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("form_id", form_ids())
def test_every_table_still_fits_the_window(app, qtbot, form_id, screen):
    win = open_window(qtbot, form_id, screen)
    for part in win.views.values():
        for view in [v for v in part.tables.values() if v.isVisible()]:  # the part shown (a tab of several)
            used = sum(view.columnWidth(c) for c in range(view.model().columnCount()))
            assert used <= view.viewport().width()
            assert all(view.columnWidth(c) >= 30 for c in range(view.model().columnCount()))
