"""Colours and the style sheet: paper-like grids, computed cells, marks for 错误 and 提示."""
from __future__ import annotations

PAPER = "#ffffff"
LABEL_BG = "#eeeeea"  # label cells, shaded as on the printed form
COMPUTED_BG = "#e6eef8"  # read-only, computed from other cells
TOTAL_BG = "#dde6f2"
ERROR_BG = "#ffe1e1"
ERROR_LINE = "#d32f2f"
WARNING_BG = "#fff3d6"
WARNING_LINE = "#e69500"
OVERRIDE_MARK = "#7b1fa2"
GRID = "#444444"
MUTED = "#9a9a9a"

STYLE = f"""
QWidget#page {{ background: {PAPER}; }}
QScrollArea#pageScroll {{ background: #d9d9d9; }}
QLabel#formTitle {{ font-size: 20pt; font-weight: bold; }}
QLabel#formSubtitle {{ font-size: 12pt; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: bold; padding: 6px 0 2px 0; }}
QLabel#unitNote {{ color: #555555; }}
QLabel#notes {{ color: #222222; padding: 6px; border: 1px solid #bbbbbb; background: #fafaf5; }}
QFrame#grid {{ border-top: 1px solid {GRID}; border-left: 1px solid {GRID}; background: {PAPER}; }}
QLabel[cell="label"] {{ background: {LABEL_BG}; border-right: 1px solid {GRID}; border-bottom: 1px solid {GRID};
    padding: 3px 6px; }}
QWidget[cell="value"] {{ background: {PAPER}; border-right: 1px solid {GRID}; border-bottom: 1px solid {GRID}; }}
/* the form's inputs look like the paper: no box until focused.  Only on the page: a dialog's input
   boxes (设置, 新建) keep their frames */
QWidget#page QLineEdit, QWidget#page QPlainTextEdit {{ border: 1px solid transparent; background: transparent;
    padding: 2px 4px; }}
QWidget#page QPlainTextEdit#cellText {{ background: {PAPER}; border: 1px solid #2b6cb0; padding: 0 1px; }}
QWidget#page QPlainTextEdit[boxed="true"] {{ border: 1px solid {GRID}; background: {PAPER}; }}
QWidget#page QLineEdit[boxed="true"] {{ border: 1px solid {GRID}; background: {PAPER}; }}
QWidget#page QLineEdit:focus, QWidget#page QPlainTextEdit:focus {{ border: 1px solid #2b6cb0; background: #fbfdff; }}
QWidget#page QLineEdit[how="computed"] {{ background: {COMPUTED_BG}; color: #1a3d6d; }}
QWidget#page QLineEdit[override="true"] {{ font-style: italic; color: {OVERRIDE_MARK};
    border-right: 3px solid {OVERRIDE_MARK}; }}
QWidget#page QLineEdit[mark="error"], QWidget#page QPlainTextEdit[mark="error"], QWidget#page QComboBox[mark="error"],
QWidget#page QWidget[mark="error"] {{ background: {ERROR_BG}; border: 2px solid {ERROR_LINE}; }}
QWidget#page QLineEdit[mark="warning"], QWidget#page QPlainTextEdit[mark="warning"],
QWidget#page QComboBox[mark="warning"], QWidget#page QWidget[mark="warning"] {{ background: {WARNING_BG};
    border: 2px solid {WARNING_LINE}; }}
QTableView {{ gridline-color: {GRID}; border: 1px solid {GRID}; background: {PAPER}; }}
QHeaderView::section {{ background: {LABEL_BG}; border: 0; border-right: 1px solid {GRID};
    border-bottom: 1px solid {GRID}; padding: 4px; }}
QLabel#saveStatus[state="failed"] {{ color: white; background: {ERROR_LINE}; padding: 1px 6px; }}
QLabel#saveStatus[state="saved"] {{ color: #2e7d32; }}
QLabel#saveStatus[state="readonly"] {{ color: #8d6e00; }}
"""


def repolish(widget) -> None:  # noqa: ANN001 - any QWidget
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
