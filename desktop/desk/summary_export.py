"""The 汇总 as a workbook (openpyxl) and as a sealed-ready A4 PDF (ReportLab).

Both print :func:`desktop.desk.summary.summary_table` and
:func:`~desktop.desk.summary.summary_facts`, so they show the same figures.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from desktop.core.errors import Code, JixiaoError
from desktop.desk.summary import Summary, summary_facts, summary_table
from desktop.export.filenames import write_file_atomically

NUMERIC = (5, 6, 7)  # 预算数, 执行数, 执行率: right-aligned, numbers in the workbook
RIGHT = NUMERIC + (8,)  # and the score (“80.00/80” stays text)
WIDTHS = (6, 18, 24, 7, 26, 14, 14, 13, 11, 6, 6, 11)  # characters (workbook); the PDF scales them
UNIT_LINE = "金额单位：万元（以元填报的表已折算为万元）"


def pending_line(summary: Summary) -> str:
    """Said under the title when the 汇总 includes submissions not yet marked 通过."""
    pending = summary.submissions - summary.statuses.get("通过", 0)
    return f"注意：本表含尚未审核通过的报送 {pending} 份（见“审核状态”列）" if pending else ""


class SummaryExportError(JixiaoError):
    """The 汇总 file cannot be written."""


def export_summary(summary: Summary, path: str | Path, unit_name: str = "") -> Path:
    """``unit_name``: the collecting unit (主管部门), printed on the seal line."""
    """Write ``path`` (.xlsx or .pdf) and return it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        data = _xlsx(summary, unit_name)
    elif suffix == ".pdf":
        data = _pdf(summary, unit_name)
    else:
        raise SummaryExportError(Code.SUMMARY_BAD_SUFFIX, name=path.name)
    write_file_atomically(path, data, lambda why: SummaryExportError(Code.EXPORT_WRITE, what="", path=path, why=why))
    return path


def _xlsx(summary: Summary, unit_name: str) -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    header, rows = summary_table(summary)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    right = Alignment(horizontal="right", vertical="center")
    ws.append([summary.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([" ".join(x for x in (UNIT_LINE, pending_line(summary)) if x)])
    ws.append(header)
    for cell in ws[3]:
        cell.font, cell.border, cell.alignment = bold, border, wrap
    for row in rows:
        values: list[Any] = list(row)
        for i in NUMERIC:
            if values[i]:
                values[i] = Decimal(values[i].replace(",", ""))
        ws.append(values)
        subtotal = not row[0]
        for i, cell in enumerate(ws[ws.max_row]):
            cell.border = border
            cell.alignment = right if i in RIGHT else wrap
            if i in NUMERIC and isinstance(cell.value, Decimal):
                decimals = len(row[i].rsplit(".", 1)[1]) if "." in row[i] else 0
                cell.number_format = ("#,##0." + "0" * decimals) if i in (5, 6) else "0.00"
            if subtotal:
                cell.font = bold
    ws.append([])
    for fact in summary_facts(summary):
        ws.append([fact])
    ws.append([])
    for line in seal_lines(unit_name):
        ws.append([line])
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def seal_lines(unit_name: str) -> list[str]:
    """The signature block: the collecting unit with the date under it (one 42 mm seal covers both)."""
    return [f"汇总单位（盖章）：{unit_name or '＿' * 14}", "负责人（签名）：＿＿＿＿＿＿　　经办人：＿＿＿＿＿＿　　联系电话：＿＿＿＿＿＿",
            "日期：＿＿＿＿年＿＿月＿＿日"]


def _pdf(summary: Summary, unit_name: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    from desktop.export.pdf_font import choose_font
    from desktop.export.pdf_layout import PageInfo, canvas_maker, make_doc, page_size

    font = choose_font(None).name
    header, rows = summary_table(summary)
    body = ParagraphStyle("b", fontName=font, fontSize=8.5, leading=11)
    num = ParagraphStyle("n", parent=body, alignment=2)
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
    fact = ParagraphStyle("f", parent=body, fontSize=10, leading=15)

    def cell(text: str, i: int) -> Paragraph:
        return Paragraph(escape(text), num if i in RIGHT else body)

    unit_row = [Paragraph(UNIT_LINE, num)] + [""] * (len(header) - 1)
    data = [unit_row, [cell(h, -1) for h in header]] + [[cell(v, i) for i, v in enumerate(r)] for r in rows]
    size = page_size("landscape")
    width = size[0] - 28 * mm - 15 * mm
    scale = width / sum(WIDTHS)
    table = Table(data, colWidths=[w * scale for w in WIDTHS], repeatRows=2)
    style = [("SPAN", (0, 0), (-1, 0)), ("GRID", (0, 1), (-1, -1), 0.5, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("BACKGROUND", (0, 1), (-1, 1), colors.Color(0.92, 0.92, 0.92)),
             ("LEFTPADDING", (0, 0), (-1, -1), 1.5 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * mm)]
    for i, r in enumerate(rows, start=2):
        if not r[0]:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.Color(0.96, 0.96, 0.96)))
    table.setStyle(TableStyle(style))
    # the seal block: the unit's name with the date under it, in a 45 mm high box on the right, so one
    # 42 mm seal covers both; kept with the figures above it, never alone on a page
    seal = Table([[ "", [Paragraph(escape(line), fact) for line in seal_lines(unit_name)]]],
                 colWidths=[width * 0.35, width * 0.65], rowHeights=[45 * mm])
    seal.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    facts = [Paragraph(escape(f), fact) for f in summary_facts(summary)]
    head = [Paragraph(escape(summary.title), title)]
    if pending_line(summary):
        head.append(Paragraph(escape(pending_line(summary)), ParagraphStyle("p", parent=fact, alignment=1,
                                                                             textColor=colors.Color(0.7, 0, 0))))
    story = head + [Spacer(1, 1.5 * mm), table, Spacer(1, 3 * mm), KeepTogether(facts + [seal])]
    # not all reviewed: every page says so at its foot (the seal would otherwise cover unreviewed figures)
    info = PageInfo(font=font, title=summary.title, author=unit_name, subject="绩效自评汇总",
                    draft_note=("草稿：" + pending_line(summary)[3:]) if pending_line(summary) else "")
    buffer = io.BytesIO()
    make_doc(buffer, "landscape", info).build(story, canvasmaker=canvas_maker(info))
    return buffer.getvalue()
