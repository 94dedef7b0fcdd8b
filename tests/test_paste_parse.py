"""Clipboard text from Excel and WPS read as rows of cells (the csv module's excel-tab dialect)."""
from __future__ import annotations

import pytest

from ui.table_view import parse_clipboard


@pytest.mark.parametrize("text,rows", [
    ("a\tb\r\nc\td\r\n", [["a", "b"], ["c", "d"]]),  # Excel: CRLF after every row, the last too
    ("a\tb\nc\td", [["a", "b"], ["c", "d"]]),  # no trailing line break
    ('"第一行\n第二行"\t2\r\n', [["第一行\n第二行", "2"]]),  # a cell with a line break is quoted
    ('"含""引号"""\t"制表\t符"\n', [['含"引号"', "制表\t符"]]),
    ('5"寸\t"x"y\n', [['5"寸', "xy"]]),  # a quote inside a cell is text; after a closing quote, text goes on
    ("a\n\nb\n", [["a"], [""], ["b"]]),  # a blank line is a row with one empty cell
    ("a\n\n", [["a"], [""]]),  # only one trailing line break ends the block
    ("a\rb\r", [["a"], ["b"]]),  # old Mac line ends
    ("\t\n", [["", ""]]),
    ("", []),
    ("\n", []),
    ('"未完', [["未完"]]),  # an unclosed quote keeps the rest as the cell's text
    ("尾\uffff", [["尾\uffff"]]),  # the end mark is removed exactly once
])
def test_clipboard_rows(text, rows):
    assert parse_clipboard(text) == rows
