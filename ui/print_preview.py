"""Print preview and printing of exactly the pages the PDF export makes.

The form is exported to PDF in memory (``desktop.export.pdf.export_pdf``) and
each PDF page is rasterised with pypdfium2 (PDFium, bundled in its wheel, works
on Windows) at the printer's resolution (at most 300 dpi; 150 dpi in the preview,
which keeps every page), in grey unless the page has colour, one page at a time,
and painted 1:1 on the paper, so the
printed sheet is the exported PDF: same breaks, same seal room, same
verification code.  QtPdf is not part of PySide6-Essentials, hence PDFium.

The chosen printer, duplex and colour mode are remembered with ``QSettings``
(paper is always A4; orientation comes from the form).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QMarginsF, QRectF, QSettings
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.engine import DocumentState
from desktop.core.errors import Code, JixiaoError

MAX_DPI = 300  # raster resolution cap for paper: sharp text; A4 at 300 dpi ≈ 8.7 MB grey, 26 MB colour
PREVIEW_DPI = 150  # the preview dialog keeps every page it is shown: a screen needs no more
PROBE_DPI = 18  # a thumbnail to tell whether a page has any colour at all
SETTINGS_GROUP = "print"


class PrintUnavailable(JixiaoError):
    """The PDF renderer (pypdfium2) is missing."""


@dataclass
class PrintJob:
    pdf: bytes
    pages: int
    code: str
    landscape: bool


def make_job(state: DocumentState, *, font: Any = None, draft_id: str = "", allow_missing: bool = False) -> PrintJob:
    """Export the form to PDF in memory: the pages to preview and print."""
    from desktop.export.pdf import export_pdf

    buf = io.BytesIO()
    result = export_pdf(state, buf, font=font, draft_id=draft_id, allow_missing=allow_missing)
    return PrintJob(buf.getvalue(), result.pages, result.code, state.form.orientation == "landscape")


def _pdfium():
    try:
        import pypdfium2
    except ImportError:
        raise PrintUnavailable(Code.PRINT_NO_PDFIUM) from None
    return pypdfium2


def render_page(pdf: Any, index: int, dpi: float, grey: bool = False) -> QImage:
    """One PDF page as a QImage at ``dpi`` (8-bit grey when ``grey``); PDFium's bitmap is freed at once."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72.0, grayscale=grey, rev_byteorder=not grey)
        try:
            fmt = QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGB888
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, fmt)
            return image.copy()  # own the pixels: the bitmap buffer is freed with the bitmap
        finally:
            bitmap.close()
    finally:
        page.close()


def has_colour(pdf: Any, index: int) -> bool:
    """Does the page show anything in colour (judged on a small thumbnail)?"""
    image = render_page(pdf, index, PROBE_DPI)
    data = bytes(image.constBits())[: image.sizeInBytes()]
    stride, width = image.bytesPerLine(), image.width() * 3
    for row in range(image.height()):
        line = data[row * stride: row * stride + width]
        for i in range(0, width, 3):
            r, g, b = line[i], line[i + 1], line[i + 2]
            if max(r, g, b) - min(r, g, b) > 24:
                return True
    return False


def setup_printer(printer: QPrinter, landscape: bool) -> None:
    layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                         QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
                         QMarginsF(0, 0, 0, 0))
    printer.setPageLayout(layout)
    printer.setFullPage(True)  # coordinates from the paper's edge: the PDF's margins are the margins


def paint_job(printer: QPrinter, job: PrintJob, max_dpi: float = MAX_DPI) -> int:
    """Paint every page of the job on the printer, one page at a time; returns the number of pages.

    At most ``max_dpi``; a page without colour (most are) is rasterised in 8-bit grey, a third
    of the memory and spool size.  Only one page's image exists at any time.
    """
    pdfium = _pdfium()
    pdf = pdfium.PdfDocument(job.pdf)
    painter = QPainter()
    if not painter.begin(printer):
        pdf.close()
        raise JixiaoError(Code.PRINT_NOT_STARTED)
    try:
        dpi = min(printer.resolution(), max_dpi)
        want_colour = printer.colorMode() == QPrinter.ColorMode.Color
        count = len(pdf)
        for i in range(count):
            if i:
                printer.newPage()
            page = pdf[i]
            w_pt, h_pt = page.get_size()
            page.close()
            grey = not (want_colour and has_colour(pdf, i))
            image = render_page(pdf, i, dpi, grey=grey)
            painter.drawImage(paper_rect(printer, w_pt, h_pt), image)
            del image
        return count
    finally:
        painter.end()
        pdf.close()


def paper_rect(printer: QPrinter, w_pt: float, h_pt: float) -> QRectF:
    """Where a PDF page of w × h points goes on the printer page, in device pixels, at true size."""
    res = printer.resolution()
    full = printer.pageLayout().fullRectPixels(res)
    w, h = w_pt / 72.0 * res, h_pt / 72.0 * res
    # the page is A4 like the paper; centre it in case the driver's paper differs slightly
    return QRectF(full.x() + (full.width() - w) / 2, full.y() + (full.height() - h) / 2, w, h)


# ---------------------------------------------------------------------------------- remembered settings
def save_settings(printer: QPrinter, settings: QSettings | None = None) -> None:
    s = settings or QSettings()
    s.beginGroup(SETTINGS_GROUP)
    s.setValue("printer", printer.printerName())
    s.setValue("duplex", int(printer.duplex().value))
    s.setValue("color", int(printer.colorMode().value))
    s.setValue("copies", printer.copyCount())
    s.endGroup()
    s.sync()


def restore_settings(printer: QPrinter, settings: QSettings | None = None) -> None:
    s = settings or QSettings()
    s.beginGroup(SETTINGS_GROUP)
    try:
        name = str(s.value("printer", "") or "")
        if name and name in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(name)
        duplex = s.value("duplex")
        if duplex is not None:
            printer.setDuplex(QPrinter.DuplexMode(int(duplex)))
        color = s.value("color")
        if color is not None:
            printer.setColorMode(QPrinter.ColorMode(int(color)))
        copies = s.value("copies")
        if copies is not None and int(copies) > 0:
            printer.setCopyCount(int(copies))
    except (TypeError, ValueError):
        pass  # settings from another version: ignore
    finally:
        s.endGroup()


# ---------------------------------------------------------------------------------- dialogs
class FormPrinter:
    """Preview and print a form from a window.

    ``state`` gives the current DocumentState; ``after_print`` runs after the
    pages went to the printer (the draft takes a snapshot, reason 'print').
    """

    def __init__(self, parent: QWidget | None, state: Callable[[], DocumentState], *, font: Any = None,
                 draft_id: str = "", after_print: Callable[[PrintJob], None] | None = None,
                 settings: QSettings | None = None):
        self.parent = parent
        self.state = state
        self.font = font
        self.draft_id = draft_id
        self.after_print = after_print
        self.settings = settings

    def _job(self) -> PrintJob | None:
        from desktop.export.pdf_font import MissingCharsError

        try:
            return make_job(self.state(), font=self.font, draft_id=self.draft_id)
        except MissingCharsError as exc:
            answer = QMessageBox.warning(self.parent, "字体缺字", exc.text + "\n\n仍然打印（缺的字会印成空白）？",
                                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                         QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return None
            return make_job(self.state(), font=self.font, draft_id=self.draft_id, allow_missing=True)
        except JixiaoError as exc:
            QMessageBox.warning(self.parent, "无法打印", exc.text)
            return None

    def _printer(self, job: PrintJob) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        restore_settings(printer, self.settings)
        setup_printer(printer, job.landscape)
        printer.setDocName(f"{self.state().form.title}（校验码 {job.code}）")
        return printer

    def preview(self) -> bool:
        job = self._job()
        if job is None:
            return False
        try:
            _pdfium()
        except PrintUnavailable as exc:
            QMessageBox.warning(self.parent, "无法预览", exc.text)
            return False
        printer = self._printer(job)
        dialog = QPrintPreviewDialog(printer, self.parent)
        dialog.setWindowTitle(f"打印预览 — 共 {job.pages} 页，校验码 {job.code}")
        dialog.paintRequested.connect(lambda p: self._paint(p, job, PREVIEW_DPI))
        accepted = dialog.exec() == QPrintPreviewDialog.DialogCode.Accepted
        if accepted:
            save_settings(printer, self.settings)
            if self.after_print is not None:
                self.after_print(job)
        return accepted

    def print(self) -> bool:
        job = self._job()
        if job is None:
            return False
        printer = self._printer(job)
        dialog = QPrintDialog(printer, self.parent)
        dialog.setWindowTitle("打印")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        setup_printer(printer, job.landscape)  # the form's paper, whatever the dialog left
        if not self._paint(printer, job):
            return False
        save_settings(printer, self.settings)
        if self.after_print is not None:
            self.after_print(job)
        return True

    def _paint(self, printer: QPrinter, job: PrintJob, max_dpi: float = MAX_DPI) -> bool:
        try:
            paint_job(printer, job, max_dpi)
            return True
        except JixiaoError as exc:
            QMessageBox.warning(self.parent, "无法打印", exc.text)
            return False
