"""Pages: A4 size and margins, 第 N 页 共 M 页, the verification code, the 草稿 watermark, metadata,
and the running head of a continuation page (项目：…（续）) so that a loose page can be matched to its
project and document.

The page count is only known at the end, so the canvas keeps every page's
drawing until ``save`` and then adds the footer to each (the ReportLab
"NumberedCanvas" recipe).  The watermark is added then too, beneath the page's
content and clear of the QR code (whose place the seal block records).
"""
from __future__ import annotations

import math
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
HEAD_Y = 9 * mm  # the running head's baseline, from the top edge
WATERMARK = "草稿"
WATERMARK_SIZE = 150
WATERMARK_ANGLE = 35


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

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=size)])
    return doc


def watermark_box(font: str) -> tuple[float, float, float, float]:
    """The watermark's text box (x0, y0, x1, y1) around its centre, before rotation."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    half = stringWidth(WATERMARK, font, WATERMARK_SIZE) / 2
    return -half, -50 - 0.15 * WATERMARK_SIZE, half, -50 + 0.9 * WATERMARK_SIZE


def watermark_centre(size: tuple[float, float], font: str,
                     keep_clear: tuple[float, float, float, float] | None) -> tuple[float, float]:
    """Where the watermark's centre goes: the middle of the page, moved up (or down) until it does not
    cross ``keep_clear`` (x, y, w, h: the QR code, with a margin)."""
    cx, cy = size[0] / 2, size[1] / 2
    if keep_clear is None:
        return cx, cy
    for step in range(0, 40):
        for dy in ((step * 10.0, -step * 10.0) if step else (0.0,)):
            if not _crosses(watermark_box(font), (cx, cy + dy), keep_clear) and \
                    MARGIN_BOTTOM < cy + dy < size[1] - MARGIN_TOP:
                return cx, cy + dy
    return cx, cy


def _crosses(box: tuple[float, float, float, float], centre: tuple[float, float],
             rect: tuple[float, float, float, float]) -> bool:
    """Whether the rotated watermark box at ``centre`` overlaps ``rect`` (separating-axis test)."""
    a = math.radians(WATERMARK_ANGLE)
    ca, sa = math.cos(a), math.sin(a)
    x0, y0, x1, y1 = box
    poly = [(centre[0] + x * ca - y * sa, centre[1] + x * sa + y * ca) for x, y in
            ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
    rx, ry, rw, rh = rect
    square = [(rx, ry), (rx + rw, ry), (rx + rw, ry + rh), (rx, ry + rh)]
    for axis in ((1.0, 0.0), (0.0, 1.0), (ca, sa), (-sa, ca)):
        p = [x * axis[0] + y * axis[1] for x, y in poly]
        q = [x * axis[0] + y * axis[1] for x, y in square]
        if max(p) < min(q) or max(q) < min(p):
            return False
    return True


def draw_watermark(canv: Canvas, size: tuple[float, float], font: str,
                   keep_clear: tuple[float, float, float, float] | None = None) -> None:
    cx, cy = watermark_centre(size, font, keep_clear)
    canv.saveState()
    canv.setFillColorRGB(0.82, 0.82, 0.82)
    canv.setFont(font, WATERMARK_SIZE)
    canv.translate(cx, cy)
    canv.rotate(WATERMARK_ANGLE)
    canv.drawCentredString(0, -50, WATERMARK)
    canv.restoreState()


def canvas_maker(info: PageInfo) -> type[Canvas]:
    """A canvas class that adds 第 N 页 共 M 页 and the code to every page when saving."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs["initialFontName"] = info.font  # no unembedded Helvetica in the page resources
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []
            self._jx_head = ""  # the running head of the part being printed (set by PartMark)
            self._jx_started = False  # a part started on this page: no running head here
            self._jx_qr: tuple[float, float, float] | None = None  # (x, y, size) of the QR code on this page

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()
            self._jx_started = False  # the part (its running head) carries on to the next page
            self._jx_qr = None

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                if info.watermark:
                    self._underlay_watermark()
                self._footer(total)
                Canvas.showPage(self)
            info.pages.append(total)
            for name, data in info.attachments:
                embed_file(self, name, data)
            Canvas.save(self)

        def _underlay_watermark(self) -> None:
            """Draw the watermark first on the page (beneath the content), clear of the QR code."""
            qr = getattr(self, "_jx_qr", None)
            clear = (qr[0] - 4 * mm, qr[1] - 4 * mm, qr[2] + 8 * mm, qr[2] + 8 * mm) if qr else None
            n = len(self._code)
            draw_watermark(self, self._pagesize, info.font, clear)
            ops = self._code[n:]
            del self._code[n:]
            self._code[0:0] = ops

        def _footer(self, total: int) -> None:
            w, h = self._pagesize
            self.saveState()
            head = getattr(self, "_jx_head", "")
            if head and not getattr(self, "_jx_started", False):  # a continuation page: name its part
                self.setFillColorRGB(0.25, 0.25, 0.25)
                self.setFont(info.font, 8.5)
                self.drawString(MARGIN_LEFT, h - HEAD_Y, _fit(head, info.font, 8.5, w - MARGIN_LEFT - MARGIN_RIGHT))
                self.setLineWidth(0.4)
                self.line(MARGIN_LEFT, h - HEAD_Y - 2.5, w - MARGIN_RIGHT, h - HEAD_Y - 2.5)
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


def _fit(text: str, font: str, size: float, width: float) -> str:
    """*text* cut with “…” to fit *width* (a running head is one line; the page itself says it all)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…（续）", font, size) > width:
        text = text[:-1]
    return text + "…（续）"
