"""The content of the printed form laid out as ReportLab flowables.

:class:`StoryBuilder` lays out the :class:`~desktop.export.printed_model.PrintedDocument` of a
:class:`~desktop.core.engine.DocumentState` (computed once, see :mod:`desktop.export.printed_model`):
``grid`` and ``table`` sections become bordered :class:`Grid` s (header repeated on every page, equal
类别 cells merged), ``text`` sections titled paragraphs, and the last part ends with the seal block.
Every string it prints comes from the model, which records where it comes from (``texts``) so that
the font can be checked before anything is drawn.  Every flowable is tagged with what it prints
(``where``) so that a layout failure can name it.
"""
from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from desktop.core.engine import DocumentState
from desktop.export.pdf_grid import Cell, GRow, Grid
from desktop.export.pdf_seal import KeepWithTail, SealBlock, Stack
from desktop.export.pdf_text import NumberedItem, PartMark, TextBlock, TitleBlock
from desktop.export.printed_model import PrintedDocument, PrintedPart, PrintedRow, PrintedSection, printed_document
from desktop.export.printed_problems import DRAFT_HEADING, RUNNING_HEAD, draft_summary


class StoryBuilder:
    def __init__(self, state: DocumentState, font: str, qr_payload: str = "", qr_caption: str = "",
                 model: PrintedDocument | None = None):
        self.state = state
        self.model = model or printed_document(state)
        self.font = font
        self.landscape = self.model.landscape
        self.size = 9.5 if self.landscape else 10.0
        self.qr_payload = qr_payload
        self.qr_caption = qr_caption
        self.texts: list[tuple[str, Any]] = list(self.model.texts)  # (printed text, where) for the font check
        self.wheres: dict[int, str] = {}  # id(flowable) → what it prints, to name it when it cannot be laid out

    def note(self, text: str, where: Any) -> str:
        if text:
            self.texts.append((text, where))
        return text

    def _tag(self, f: Flowable, where: str) -> Flowable:
        self.wheres[id(f)] = where
        return f

    # ------------------------------------------------------------------ styles
    def title(self, text: str, size: float, where: str, space_after: float = 2) -> TitleBlock:
        return self._tag(TitleBlock(text, self.font, size, size * 1.4, align="center", bold=True,
                                    space_after=space_after), where)

    def heading(self, text: str, sub: bool = False, where: str = "标题", bold: bool = True) -> TitleBlock:
        size = 10.5 if sub else 11.5
        return self._tag(TitleBlock(text, self.font, size, 17 if sub else 18, align="left", bold=bold and not sub,
                                    space_before=4 if sub else 6, space_after=1 if sub else 2), where)

    def small(self, text: str, where: str = "说明") -> TextBlock:
        """填表说明, notes and footnotes: small type under the table."""
        return self._tag(TextBlock(text, self.font, 8.5, 12.5, indent=False, space_before=3), where)

    # ------------------------------------------------------------------ the whole document
    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        for part in self.model.parts:
            if part.index:
                out.append(PageBreak())
            out.extend(self.part(part))
        out.extend(self.review_page())
        out.extend(self.draft_pages())
        return out

    def draft_pages(self) -> list[Flowable]:
        """A draft copy's 错误 and unexplained 提示, numbered, per project, on pages of their own after
        everything else (a final copy has none).  Each item is a block of its own: a long list runs on
        over as many pages as it needs."""
        drafts = self.model.drafts
        if not drafts:
            return []
        where = "草稿的问题清单"
        out: list[Flowable] = [PageBreak(), PartMark(self.note(RUNNING_HEAD, where)),
                               self.title(self.note(DRAFT_HEADING, where), 15, where, 4),
                               self._tag(TextBlock(self.note(draft_summary(drafts), where), self.font, 10.5, 16,
                                                   indent=False, space_after=2), where)]
        for d in drafts:
            if d.project:
                out += [CondPageBreak(30 * mm), self.heading(d.project, where=where)]
            for heading, items in d.lists():
                out += [CondPageBreak(20 * mm), self.heading(self.note(heading, where), sub=True, where=where)]
                out += [self._tag(NumberedItem(number, text, self.font, 10, 15, 1.5, items[-1][0]), where)
                        for number, text in items]
        return out

    def review_page(self) -> list[Flowable]:
        """A returned document's 审核意见, on a page of their own after the form."""
        from desktop.core.review import read_review

        review = read_review(self.state.doc)
        if review is None:
            return []
        out: list[Flowable] = [PageBreak(), self.title(self.note("审核意见", "审核意见"), 16, "审核意见")]
        for line in review.lines():
            out.append(self._tag(TextBlock(self.note(line, "审核意见"), self.font, 10.5, 16, indent=False,
                                           space_after=3), "审核意见"))
        return out

    def part(self, part: PrintedPart) -> list[Flowable]:
        out: list[Flowable] = [PartMark(part.running_head)]
        if part.doc_title:
            out.append(self.title(part.doc_title, 17, "表单标题", 6))
        out.append(self.title(part.title, 16, "表单标题"))
        if part.subtitle:
            out.append(self._tag(TitleBlock(part.subtitle, self.font, 11, 16, align="center", space_after=4),
                                 "副标题（年度）"))
        for line in part.header_lines:
            out.append(self._tag(TextBlock(line, self.font, 10.5, 16, indent=False, space_after=3), line[:20]))
        out.append(Spacer(1, 2 * mm))
        prev_grid = False
        for k, section in enumerate(part.sections):
            if k == part.notes_at and part.notes:
                out.append(self.small(part.notes, "填表说明"))
                prev_grid = False
            if section.page_break:
                out.append(PageBreak())
            block = self.section(section)
            is_grid = section.kind in ("grid", "table")
            if not is_grid or not prev_grid:
                out.append(Spacer(1, 3 * mm if is_grid else 1 * mm))
            out.extend(block)
            prev_grid = is_grid and not section.explanations and not section.note
        if part.notes_at >= len(part.sections) and part.notes:
            out.append(self.small(part.notes, "填表说明"))
        if part.unit_in_full:
            out.append(self._tag(TextBlock(part.unit_in_full, self.font, 10.5, 16, indent=False, space_before=4),
                                 "签章栏的单位名称"))
        tail: list[Flowable] = []
        if part.footnote:
            tail.append(self.small(part.footnote, "表单脚注"))
        if part.signature is not None:  # one block for the whole document, after its last part
            sig = part.signature
            tail.append(self._tag(SealBlock(sig.others, sig.unit_line, sig.date_line, self.font,
                                            qr_payload=self.qr_payload or None, qr_caption=self.qr_caption),
                                  "签章栏"))
        if tail:
            while out and isinstance(out[-1], (Spacer, CondPageBreak)):
                out.pop()
            content: list[Flowable] = []  # the last few flowables, up to a page break
            while out and len(content) < 4 and not isinstance(out[-1], (PageBreak, CondPageBreak, PartMark)):
                content.insert(0, out.pop())
            out.append(self._tag(KeepWithTail(content or [Spacer(1, 1)], Stack(tail), gap=5 * mm), "签章栏"))
        return out

    # ------------------------------------------------------------------ sections
    def section(self, s: PrintedSection) -> list[Flowable]:
        out: list[Flowable] = []
        if s.kind in ("grid", "table"):
            if s.title:  # a report's numbered heading, printed above the table
                out = [CondPageBreak(35 * mm), self.heading(s.title)]
            out.append(self.grid(s))
        elif s.kind == "lines":
            out = [self.heading(line, where=line[:20], bold=False) for line in s.lines]  # label and typed value
        else:
            if s.title:
                out.append(self.heading(s.title))
            for label, text in s.paragraphs:
                out.append(self.heading(label, sub=bool(s.title)))
                if text.strip():
                    out.append(self._tag(TextBlock(text, self.font, 10.5, 17, indent=True), f"“{label}”"))
        if s.note:
            out.append(self.small(s.note))
        if s.explanations:
            numbered = "\n".join(f"{i}. {text}" for i, text in enumerate(s.explanations, 1))
            out.append(self.small(f"说明：\n{numbered}"))
        return out

    def grid(self, s: PrintedSection) -> Grid:
        header = [_grow(r) for r in s.header]
        rows = [_grow(r) for r in s.rows]
        where = f"“{s.header[0].cells[0].text}”" if s.header and s.header[0].cells else "表格"
        return self._tag(Grid(s.widths, rows, header, font=self.font, size=self.size, group_cols=s.group_cols), where)


def _grow(row: PrintedRow) -> GRow:
    return GRow([Cell(c.col, c.text, span=c.span, align=c.align, merge_up=c.merge_up, label=c.label)
                 for c in row.cells])
