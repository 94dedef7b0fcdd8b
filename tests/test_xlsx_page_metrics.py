"""The workbook's grid is as wide in Excel (and WPS) as in LibreOffice, so that both print it at the scale
its pages are planned at; and every sheet's first page goes without the running head in both.

A ``<col width>`` counts digits of the Normal style's font.  Excel (WPS alike) makes a column
``trunc(((256 × width + trunc(128 / digit)) / 256) × digit)`` pixels at 96 dpi, the digit being measured
in whole pixels (ECMA-376 §18.3.1.13); LibreOffice makes it ``width × digit``, the digit measured
exactly (sc/source/filter/oox/unitconverter.cxx: the widest of 0–9 of the Normal font, in twips).
"""
from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.export.xlsx import export_xlsx
from desktop.export.xlsx_pages import body_height, page_scale

MM = 72 / 25.4
# the Normal font -> (Excel's digit in pixels at 96 dpi, the digit's exact advance in em): Calibri 11 is
# 7 px in Excel and 0.5068 em (Carlito, its metric twin, in LibreOffice on Linux)
DIGITS = {("Calibri", 11.0): (7, 1038 / 2048), ("Courier New", 10.0): (8, 1229 / 2048), ("Courier New", 15.0): (12, 1229 / 2048)}
USABLE = {"portrait": 595.3 - 43 * MM, "landscape": 841.9 - 43 * MM}  # between the 28 and 15 mm margins


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("metrics")
    out = {}
    for fid in form_ids():
        path = folder / f"{fid}.xlsx"
        export_xlsx(DocumentState(load_form(fid), load_sample(fid)), path)
        out[fid] = path
    return out


def normal_font(path) -> tuple[str, float, str | None]:
    """(name, size, theme scheme) of the Normal style's font, read from styles.xml as a renderer does."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/styles.xml").decode("utf-8")
    fonts = re.findall(r"<font>(.*?)</font>", re.search(r"<fonts[^>]*>(.*?)</fonts>", xml, re.S).group(1), re.S)
    normal = re.search(r'<cellStyle [^>]*name="Normal"[^>]*>', xml).group(0)
    xf_id = int(re.search(r'xfId="(\d+)"', normal).group(1))
    style_xfs = re.findall(r"<xf [^>]*>", re.search(r"<cellStyleXfs[^>]*>(.*?)</cellStyleXfs>", xml, re.S).group(1))
    font = fonts[int(re.search(r'fontId="(\d+)"', style_xfs[xf_id]).group(1))]
    scheme = re.search(r'<scheme val="(\w+)"', font)
    return (re.search(r'<name val="([^"]+)"', font).group(1), float(re.search(r'<sz val="([\d.]+)"', font).group(1)),
            scheme.group(1) if scheme else None)


def excel_px(width: float, digit: int) -> int:
    return int((256 * width + int(128 / digit)) / 256 * digit)


def test_the_normal_fonts_digit_is_whole_pixels_at_every_resolution(books):
    """Excel measures the digit in whole pixels, LibreOffice exactly: only a digit that is a whole number
    of pixels gives both the same columns, at 96 dpi and on scaled screens (120, 144 dpi) alike."""
    name, size, scheme = normal_font(books["shenzhen-project-selfeval-2021"])
    assert scheme is None  # a theme scheme would make Excel take the theme's font, not this one
    excel_digit, em = DIGITS[(name, size)]
    for dpi in (72, 96, 120, 144):
        exact = em * size * dpi / 72
        assert exact == pytest.approx(round(exact), abs=0.01), (name, size, dpi)
    assert excel_digit == round(em * size * 96 / 72)


@pytest.mark.parametrize("form_id", form_ids())
def test_the_grid_fills_the_page_width_alike_in_excel_and_libreoffice(books, form_id):
    """Every column is the same width in both, the grid fills the page between the margins at 100 %,
    and the pages are planned at that scale: what LibreOffice prints holds what was planned."""
    path = books[form_id]
    name, size, _scheme = normal_font(path)
    excel_digit, em = DIGITS[(name, size)]
    wb = load_workbook(path)
    for ws in (w for w in wb.worksheets if w.sheet_state == "visible"):
        widths = [d.width for d in ws.column_dimensions.values()]
        excel = [excel_px(w, excel_digit) * 0.75 for w in widths]
        libre = [w * em * size for w in widths]
        for e, lo in zip(excel, libre):
            assert e == pytest.approx(lo, abs=0.1), (ws.title, e, lo)
        usable = USABLE[ws.page_setup.orientation]
        assert usable - 1.5 <= sum(excel) <= usable  # at most 2 px short of the page's width, never wider
        assert page_scale(widths, ws.page_setup.orientation) == 100
        assert body_height(ws.page_setup.orientation, 100) == body_height(ws.page_setup.orientation,
                                                                          page_scale(widths, ws.page_setup.orientation))


def test_every_sheets_first_page_goes_without_the_running_head(books):
    """Excel takes each sheet's first page for the "first page"; LibreOffice only a page numbered 1, so
    every sheet numbers its pages from 1 (as Excel does) and says how many pages it has."""
    path = books["shenzhen-project-selfeval-2021"]
    wb = load_workbook(path)
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert len(sheets) > 1
    with zipfile.ZipFile(path) as z:
        for k, ws in enumerate(sheets, 1):
            xml = z.read(f"xl/worksheets/sheet{k}.xml").decode("utf-8")
            setup = re.search(r"<pageSetup [^>]*>", xml).group(0)
            assert 'useFirstPageNumber="1"' in setup and 'firstPageNumber="1"' in setup, setup
            assert '<headerFooter differentFirst="1"' in xml
            assert "（续）" in ws.oddHeader.left.text and not ws.firstHeader.left.text
            pages = len(ws.row_breaks.brk) + 1
            assert ws.oddFooter.center.text == ws.firstFooter.center.text == f"第 &P 页 共 {pages} 页"
