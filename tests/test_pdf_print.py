"""Printing from the app paints exactly the exported pages; printer settings are remembered."""
from __future__ import annotations

import os

import pytest
from conftest import require

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

require("pypdfium2", module="pypdfium2")
require("PySide6.QtPrintSupport", module="PySide6.QtPrintSupport")

from pypdf import PdfReader  # noqa: E402

from test_pdf_helpers import sample_state  # noqa: E402

pytestmark = pytest.mark.gui


def _pdf_printer(path, landscape):
    from PySide6.QtPrintSupport import QPrinter

    from ui.print_preview import setup_printer

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(150)
    setup_printer(printer, landscape)
    return printer


@pytest.mark.parametrize("form_id", ["suzhou-project-selfeval-2023", "shenzhen-project-selfeval-2021"])
def test_printed_pages_are_the_exported_pages(qapp, tmp_path, form_id):
    from ui.print_preview import make_job, paint_job

    state = sample_state(form_id)
    job = make_job(state)
    out = tmp_path / "printed.pdf"
    printer = _pdf_printer(out, job.landscape)
    assert paint_job(printer, job) == job.pages
    pages = PdfReader(str(out)).pages
    assert len(pages) == job.pages
    w, h = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    if job.landscape:
        w, h = h, w
    assert (w, h) == pytest.approx((595.28, 841.89), abs=2)


def test_rendered_page_has_ink_where_the_title_is(qapp):
    import pypdfium2

    from ui.print_preview import make_job, render_page

    job = make_job(sample_state("suzhou-project-selfeval-2023"))
    image = render_page(pypdfium2.PdfDocument(job.pdf), 0, 72)
    assert abs(image.width() - 595) <= 1 and abs(image.height() - 842) <= 1
    # the title is centred near the top: some dark pixels there, none in the left margin
    dark_title = sum(1 for x in range(150, 450) for y in range(40, 80) if image.pixelColor(x, y).lightness() < 128)
    dark_margin = sum(1 for x in range(0, 60) for y in range(100, 700) if image.pixelColor(x, y).lightness() < 128)
    assert dark_title > 50 and dark_margin == 0


def test_settings_remembered(qapp, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtPrintSupport import QPrinter

    from ui.print_preview import restore_settings, save_settings

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    p1 = QPrinter()
    p1.setDuplex(QPrinter.DuplexMode.DuplexLongSide)
    p1.setColorMode(QPrinter.ColorMode.GrayScale)
    p1.setCopyCount(3)
    save_settings(p1, settings)
    again = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    p2 = QPrinter()
    restore_settings(p2, again)
    assert p2.colorMode() == QPrinter.ColorMode.GrayScale
    assert p2.copyCount() == 3  # (duplex only sticks on a printer that has it: none here)


def test_missing_chars_asks_before_printing(qapp, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.print_preview import FormPrinter

    state = sample_state("suzhou-project-selfeval-2023")
    state.parts[0].set_value("project_name", "项目\u9fff")
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    fp = FormPrinter(None, lambda: state)
    assert fp._job() is None
    assert asked and "U+9FFF" in asked[0] and "项目名称" in asked[0]
