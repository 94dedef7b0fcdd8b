"""Pages: A4 size and margins, 第 N 页 共 M 页, the verification code, the 草稿 watermark, metadata.

The page count is only known at the end, so the canvas keeps every page's
drawing until ``save`` and then adds the footer to each (the ReportLab
"NumberedCanvas" recipe).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

MARGIN_LEFT = 28 * mm  # room for binding
MARGIN_RIGHT = 15 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 18 * mm
FOOTER_Y = 9 * mm


@dataclass
class PageInfo:
    """What every page shows besides the content."""

    font: str
    code: str = ""  # the verification code
    watermark: bool = False  # 草稿
    draft_note: str = ""  # the small line saying why it is a draft
    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: str = ""
    created: datetime = field(default_factory=datetime.now)
    pages: list[int] = field(default_factory=list)  # filled in: the page count after saving
    attachments: list[tuple[str, bytes]] = field(default_factory=list)  # embedded files (name, data)


def page_size(orientation: str) -> tuple[float, float]:
    return landscape(A4) if orientation == "landscape" else A4


def make_doc(target: Any, orientation: str, info: PageInfo) -> BaseDocTemplate:
    size = page_size(orientation)
    doc = BaseDocTemplate(
        target, pagesize=size, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=info.title, author=info.author,
        subject=info.subject, creator="绩效填报", keywords=info.keywords, producer="绩效填报 (ReportLab)",
        lang="zh-CN", invariant=0,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, size[0] - MARGIN_LEFT - MARGIN_RIGHT,
                  size[1] - MARGIN_TOP - MARGIN_BOTTOM, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="body")

    def on_page(canv: Canvas, _doc: Any) -> None:
        if info.watermark:
            draw_watermark(canv, size, info.font)

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page, pagesize=size)])
    return doc


def draw_watermark(canv: Canvas, size: tuple[float, float], font: str) -> None:
    canv.saveState()
    canv.setFillColorRGB(0.82, 0.82, 0.82)
    canv.setFont(font, 150)
    canv.translate(size[0] / 2, size[1] / 2)
    canv.rotate(35)
    canv.drawCentredString(0, -50, "草稿")
    canv.restoreState()


def canvas_maker(info: PageInfo) -> type[Canvas]:
    """A canvas class that adds 第 N 页 共 M 页 and the code to every page when saving."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs["initialFontName"] = info.font  # no unembedded Helvetica in the page resources
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._footer(total)
                Canvas.showPage(self)
            info.pages.append(total)
            for name, data in info.attachments:
                embed_file(self, name, data)
            Canvas.save(self)

        def _footer(self, total: int) -> None:
            w, _ = self._pagesize
            self.saveState()
            self.setFillColorRGB(0, 0, 0)
            self.setFont(info.font, 9)
            self.drawCentredString(MARGIN_LEFT + (w - MARGIN_LEFT - MARGIN_RIGHT) / 2, FOOTER_Y,
                                   f"第 {self._pageNumber} 页 共 {total} 页")
            if info.code:
                self.setFont(info.font, 8)
                self.drawRightString(w - MARGIN_RIGHT, FOOTER_Y, f"校验码 {info.code}")
            if info.draft_note:
                self.setFont(info.font, 8)
                self.setFillColorRGB(0.35, 0.35, 0.35)
                self.drawString(MARGIN_LEFT, FOOTER_Y, info.draft_note)
            self.restoreState()

    return NumberedCanvas


def embed_file(canv: Canvas, name: str, data: bytes) -> None:
    """Embed ``data`` as a document-level file attachment (the catalog's EmbeddedFiles name tree)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString

    doc = canv._doc
    stream = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile"), "Subtype": PDFName("application#2Fjson"),
                                      "Params": PDFDictionary({"Size": len(data)})}), content=data)
    spec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString(name), "UF": PDFString(name),
                          "EF": PDFDictionary({"F": doc.Reference(stream)}), "AFRelationship": PDFName("Data"),
                          "Desc": PDFString("绩效填报表单数据（JSON 交换格式）")})
    names = getattr(doc, "_jx_embedded", None)
    if names is None:
        names = doc._jx_embedded = PDFArray([])
        doc.Catalog.Names = doc.Reference(PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": names})}))
    names.sequence.extend([PDFString(name), doc.Reference(spec)])
