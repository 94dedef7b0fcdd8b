"""The workbook as Excel/WPS/LibreOffice print it: page breaks, repeated headers, texts, margins, seal, 草稿."""
from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.document import Row
from desktop.core.engine import DocumentState
from desktop.export import xlsx_text as xt
from desktop.export.printed_problems import DRAFT_HEADING
from desktop.export.xlsx import export_xlsx
from desktop.export.xlsx_import import export_map, read_xlsx

SZ = "shenzhen-project-selfeval-2021"
DEPT = "suzhou-dept-selfeval-2022"
SENTENCE = "本项目按照年度计划推进信息化运行维护工作，各项任务均按时完成，服务质量稳定可靠。"


@pytest.fixture
def exported(tmp_path):
    """state -> (workbook, export map, path)"""
    def run(state: DocumentState):
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.xlsx"
        export_xlsx(state, path)
        return load_workbook(path), export_map(path), path
    return run


def sixty_rows() -> DocumentState:
    doc = load_sample(SZ)
    doc.parts = doc.parts[:1]
    rows = doc.parts[0].rows["indicators"]
    levels = ["产出指标", "效益指标", "满意度指标"]
    while len(rows) < 60:
        i = len(rows)
        rows.append(Row(f"s{i:03d}", {"level1": levels[min(2, i * 3 // 60)], "level2": "数量指标",
                                      "name": f"第{i}项：运行维护响应及时率", "target": "≥95%", "actual": "96%",
                                      "weight": "1"}))
    return DocumentState(load_form(SZ), doc)


def texts(ws) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                out.setdefault(c.row, []).append(c.value)
    return out


def pages(ws) -> list[tuple[int, int]]:
    """(first, last) row of every printed page, from the manual breaks."""
    starts = [1] + [b.id + 1 for b in ws.row_breaks.brk]
    last = ws.max_row
    return [(a, (starts[k + 1] - 1 if k + 1 < len(starts) else last)) for k, a in enumerate(starts)]


def test_the_repeated_rows_are_the_tables_column_labels_not_the_title(exported):
    wb, _m, _d = exported(sixty_rows())
    ws = wb.worksheets[0]
    assert not ws.print_title_rows  # the title is printed once, on the first page
    rows = texts(ws)
    spans = pages(ws)
    assert len(spans) >= 3
    for first, _last in spans[1:]:  # every page the indicator table continues on starts with its title（续）
        top = next(r for r in range(first, first + 3) if r in rows)  # and its labels
        if rows[top] == [DRAFT_HEADING]:  # the draft's list of problems, after the form
            break
        assert rows[top] == ["年度绩效指标（续）"], rows[top]
        assert "三级指标" in rows[top + 1] and "一级指标" in rows[top + 1]
    assert sum("项目支出绩效自评表" in v for vs in rows.values() for v in vs) == 1


def test_merged_category_labels_repeat_on_each_page_they_span(exported):
    state = sixty_rows()
    wb, smap, _d = exported(state)
    ws = wb.worksheets[0]
    spans = pages(ws)
    cells = smap[0]["cells"]
    ps = state.parts[0]
    seen = set()
    for rid in ps.data_rows("indicators"):
        ref = cells[f"indicators/{rid}/level1"]["c"][0]
        cell = ws[ref]
        assert cell.value == ps.raw(f"indicators/{rid}/level1")  # the merged cell's top-left has the label
        merged = next((m for m in ws.merged_cells.ranges if cell.coordinate in m), None)
        if merged is not None:
            page = [k for k, (a, b) in enumerate(spans) if a <= merged.min_row <= b]
            assert page and spans[page[0]][0] <= merged.max_row <= spans[page[0]][1]  # never across a break
        seen.add(ref)
    labelled_pages = {k for k, (a, b) in enumerate(spans) for ref in seen if a <= ws[ref].row <= b}
    assert len(labelled_pages) >= 3


def test_headings_stay_on_the_page_of_their_table(exported):
    doc = load_sample(DEPT)
    long = "\n".join(SENTENCE * 12 for _ in range(5))
    for key in ("duties", "profile", "performance"):
        doc.parts[0].fields[key] = long
    wb, _m, _d = exported(DocumentState(load_form(DEPT), doc))
    ws = wb.worksheets[0]
    rows = texts(ws)
    assert ws.row_breaks.brk
    for first, last in pages(ws):
        filled = [r for r in range(first, last + 1) if r in rows]
        tail = rows[filled[-1]]
        assert not any(xt_heading(v) for v in tail), (filled[-1], tail)  # a page never ends on a heading


def xt_heading(text: str) -> bool:
    return len(text) < 30 and text[:2] in ("七、", "八、", "九、", "一、", "二、", "三、", "四、", "五、", "六、")


def test_a_long_paragraph_is_cut_only_at_sentence_ends_and_keeps_its_indent(exported):
    doc = load_sample(DEPT)
    para = SENTENCE * 60  # one paragraph of 2,400 characters: longer than a row may be
    doc.parts[0].fields["profile"] = para + "\n" + "第二段。" * 3
    state = DocumentState(load_form(DEPT), doc)
    wb, smap, path = exported(state)
    ws = wb.worksheets[0]
    info = smap[0]["cells"]["profile"]
    refs = info["c"]
    assert len(refs) > 1
    pieces = [ws[r].value for r in refs]
    assert pieces[0].startswith(xt.INDENT)  # the first line of the paragraph is indented, as on the PDF
    for piece in pieces[:-1]:
        assert piece.endswith("。"), piece[-10:]  # never cut inside a sentence, let alone a word
    assert pieces[-1].split("\n")[-1].startswith(xt.INDENT + "第二段")
    back = read_xlsx(path)
    assert back.changed == [] and back.document.to_dict() == state.doc.to_dict()


def test_a_paragraph_that_fits_stays_one_cell(exported):
    doc = load_sample(DEPT)
    doc.parts[0].fields["profile"] = SENTENCE * 12  # about 12 lines
    wb, smap, _d = exported(DocumentState(load_form(DEPT), doc))
    assert len(smap[0]["cells"]["profile"]["c"]) == 1


def test_split_text_cuts_a_run_without_punctuation_between_lines_only_as_a_last_resort():
    text = "甲" * 3000
    pieces = xt.split_text(text, 40, 10.5, 20)
    assert "".join(p for p, _n, _j in pieces) == text and all(n <= 20 for _p, n, _j in pieces)
    words = ("word " * 2000).strip()
    pieces = xt.split_text(words, 40, 10.5, 20)
    assert all(p.endswith(" ") or p.endswith("word") for p, _n, _j in pieces)  # between words


@pytest.mark.parametrize("form_id", form_ids())
def test_binding_margin_and_one_scale_on_every_sheet(exported, form_id):
    wb, _m, _d = exported(DocumentState(load_form(form_id), load_sample(form_id)))
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    widths = {round(sum(d.width for d in ws.column_dimensions.values()), 1) for ws in sheets}
    assert len(widths) == 1  # the same grid width: fit to width gives the same scale on every sheet
    for ws in sheets:
        m = ws.page_margins
        assert m.left * 25.4 == pytest.approx(28, abs=0.5) and m.left > m.right  # room to bind on the left
        assert not ws.print_options.horizontalCentered  # centring would eat the binding margin
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0


def test_the_signature_block_has_room_for_the_seal_and_stays_whole(exported):
    wb, _m, _d = exported(sixty_rows())
    ws = wb.worksheets[-2]  # the last visible sheet
    rows = texts(ws)
    unit_row = next(r for r, vs in rows.items() if any("（盖章）" in v for v in vs))
    date_row = next(r for r, vs in rows.items() if any("日期" in v for v in vs) and r >= unit_row)
    height = sum(ws.row_dimensions[r].height or 15 for r in range(unit_row - 1, date_row + 1))
    assert height >= 100  # a 42 mm seal is pressed over the unit line and reaches the date
    first, last = next((a, b) for a, b in pages(ws) if a <= unit_row <= b)
    assert first <= date_row <= last
    assert any(r < unit_row - 1 for r in range(first, unit_row) if r in rows)  # not alone on its page


def test_an_empty_unit_gets_a_line_to_write_on(exported):
    doc = load_sample(SZ)
    for p in doc.parts:
        p.fields["implementer"] = ""
    wb, _m, _d = exported(DocumentState(load_form(SZ), doc))
    ws = [w for w in wb.worksheets if w.sheet_state == "visible"][-1]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "（盖章）" in c.value)
    assert cell.value.endswith("：")
    line = next(c for c in ws[cell.row] if c.column > cell.column and c.border.bottom.style)
    assert line.value is None and line.border.bottom.style == "thin"


def test_a_document_with_errors_says_draft_in_its_page_header(exported):
    state = DocumentState(load_form(SZ), load_sample(SZ))
    wb, _m, _d = exported(state)
    assert not state.has_errors
    assert all("草稿" not in (ws.oddHeader.right.text or "") for ws in wb.worksheets)
    state.parts[0].set_value("project_amount", "abc")  # not an amount: an 错误
    assert state.has_errors
    wb, _m, _d = exported(state)
    for ws in [w for w in wb.worksheets if w.sheet_state == "visible"]:
        assert "草稿" in ws.oddHeader.right.text


def test_cell_styles_are_shared_and_merged_ranges_not_formatted_cell_by_cell(exported):
    """What made the Shenzhen workbook slow: a style per cell and every cell of every merged range
    written; now shared named styles, and only the cells along a bordered range's edge."""
    wb, _m, path = exported(DocumentState(load_form(SZ), load_sample(SZ)))
    assert len(wb._cell_styles) < 60  # a few dozen looks for six sheets
    with zipfile.ZipFile(path) as z:
        written = sum(z.read(n).count(b"<c ") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert written < 3000  # 6,029 before: every cell of the 36/48-column grid inside merged ranges


def test_titles_are_bold_and_numbers_stay_clear_of_the_right_border(exported):
    """The title is in a bold face; the numbers of C's 项目资金 table (merged, right-aligned cells, whose
    indent LibreOffice ignores) end their format with a digit's width of room before the border."""
    wb, smaps, _p = exported(DocumentState(load_form(SZ), load_sample(SZ)))
    for smap in smaps:
        ws = wb[smap["sheet"]]
        assert ws["A1"].value == "项目支出绩效自评表" and ws["A1"].font.b
        money = [info["c"][0] for addr, info in smap["cells"].items() if addr.startswith("funds/") and info["n"]]
        assert len(money) >= 12
        for ref in money:
            cell = ws[ref]
            assert cell.alignment.horizontal == "right" and cell.number_format.endswith(xt.NUMBER_PAD), ref


def page_height(ws) -> float:
    """Row points one printed page holds (the writer's own plan, at the sheet's fit-to-width scale)."""
    from desktop.export.xlsx_pages import body_height, page_scale

    widths = [d.width for d in ws.column_dimensions.values()]
    return body_height(ws.page_setup.orientation, page_scale(widths, ws.page_setup.orientation))


def test_a_table_row_longer_than_a_page_continues_under_the_labels_with_its_name(exported):
    """A 3,000-character 偏差原因 splits its row over pages: every page it prints on starts with the
    table's column labels, the row's name is printed again with （续）, text is cut at sentence ends
    only, no page is taller than a page and no merged cell crosses a page break."""
    state = sixty_rows()
    rid = state.parts[0].data_rows("indicators")[3]
    name = state.parts[0].raw(f"indicators/{rid}/name")
    state.parts[0].set_value(f"indicators/{rid}/reason", SENTENCE * 70)
    wb, smap, path = exported(state)
    ws = wb.worksheets[0]
    rows = texts(ws)
    refs = smap[0]["cells"][f"indicators/{rid}/reason"]["c"]
    assert len(refs) > 1
    pieces = [ws[r].value for r in refs]
    assert all(p.endswith("。") for p in pieces)  # cut at sentence ends only
    spans = pages(ws)
    on = sorted({k for k, (a, b) in enumerate(spans) for r in refs if a <= ws[r].row <= b})
    assert len(on) >= 2  # the text is longer than a page
    for k in on[1:]:
        first, last = spans[k]
        top = next(r for r in range(first, last + 1) if r in rows and not rows[r][0].endswith("（续）"))
        assert "三级指标" in rows[top] and "一级指标" in rows[top], rows[top]  # the table's title（续）, its labels
        below = [v for r in range(top + 1, last + 1) for v in rows.get(r, [])]
        assert f"{name}（续）" in below  # the row's name again
    limit = page_height(ws)
    for first, last in spans:
        assert sum(ws.row_dimensions[r].height or 15 for r in range(first, last + 1)) <= limit + 0.5
    for m in ws.merged_cells.ranges:
        assert len({k for k, (a, b) in enumerate(spans) if a <= m.min_row <= b or a <= m.max_row <= b}) == 1, m
    back = read_xlsx(path)
    assert back.changed == [] and back.document.to_dict() == state.doc.to_dict()


def row_texts(ws) -> list[str]:
    """Each row's cell values joined, left to right (numbers as Python prints them)."""
    out: dict[int, list[tuple[int, str]]] = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                out.setdefault(c.row, []).append((c.column, str(c.value)))
    return ["".join(v for _c, v in sorted(vs)) for _r, vs in sorted(out.items())]


@pytest.mark.parametrize("form_id", form_ids())
def test_the_workbook_prints_the_lines_of_the_printed_model(exported, form_id):
    """Header lines and a report's numbered lines read as the PDF prints them: label, then value."""
    from desktop.export.printed_model import printed_document

    state = DocumentState(load_form(form_id), load_sample(form_id))
    wb, _m, _d = exported(state)
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    model = printed_document(state)
    for ws, part in zip(sheets, model.parts):
        rows = row_texts(ws)
        assert part.title in rows
        lines = list(zip(part.header_lines, part.header_values))
        lines += [(line, v) for s in part.sections for line, v in zip(s.lines, s.values)]
        for line, value in lines:
            if not value.numeric:
                assert xt.clean(line) in rows, line


def test_explanations_without_a_reason_column_are_printed_as_a_numbered_list(exported):
    state = DocumentState(load_form(DEPT), load_sample(DEPT))
    ps = state.parts[0]
    rid = ps.data_rows("budget")[0]
    ps.set_value(f"budget/{rid}/actual", "999")
    (p,) = [p for p in ps.warnings if p.check == "actual_le_adjusted"]
    ps.set_explanation(p.key, "年中追加预算未及时调整")
    wb, _m, path = exported(state)
    rows = row_texts(wb.worksheets[0])
    k = rows.index("说明：")
    assert rows[k + 1].startswith("1. ") and "年中追加预算未及时调整" in rows[k + 1] and "第1行" in rows[k + 1]
    back = read_xlsx(path)
    assert back.changed == []


def _merged_over(ws, text: str) -> list[int]:
    """Row counts of the merged ranges whose top-left cell prints ``text``."""
    return [r.max_row - r.min_row + 1 for r in ws.merged_cells.ranges if ws.cell(r.min_row, r.min_col).value == text]


def test_the_second_level_group_is_merged_within_the_first_as_in_the_pdf(exported):
    form = load_form("national-project-selfeval")
    wb, _, _ = exported(DocumentState(form, load_sample(form.id)))
    ws = wb.worksheets[0]
    assert any(n >= 2 for n in _merged_over(ws, "数量指标")), "二级 数量指标 spans its two rows in one cell"
    assert any(n >= 2 for n in _merged_over(ws, "社会效益指标"))


def test_column_totals_close_their_table_under_their_own_columns(exported):
    form = load_form("suzhou-project-selfeval-2023")
    wb, _, _ = exported(DocumentState(form, load_sample(form.id)))
    ws = wb.worksheets[0]
    header = next(r for r in ws.iter_rows() if any(c.value == "权重" for c in r))
    weight_col = next(c.column for c in header if c.value == "权重")
    total = next(r for r in ws.iter_rows(min_row=header[0].row) if any(c.value == "合计" for c in r))
    assert ws.cell(total[0].row, weight_col).value == 80
    assert not any(c.value == "权重合计" for r in ws.iter_rows() for c in r), "no loose 权重合计 grid below"


@pytest.mark.parametrize("form_id", form_ids())
def test_the_signature_block_never_starts_a_page_of_its_own(exported, form_id):
    """The last line above the signatures (the 总分 row, not the spacing after it) goes to the page with
    them: Shenzhen's sixth project printed its signatures alone on a last page."""
    wb, _m, _d = exported(DocumentState(load_form(form_id), load_sample(form_id)))
    ws = wb.worksheets[-2]  # the last visible sheet
    rows = texts(ws)
    sign = next((r for r, vs in rows.items() if any(v.startswith(("填报人", "填报单位", "单位负责人")) for v in vs)),
                None)
    assert sign is not None, "every form prints its signature lines"
    first, _last = next((a, b) for a, b in pages(ws) if a <= sign <= b)
    above = [r for r in rows if first <= r < sign]
    assert above, f"the page of row {sign} starts with the signatures"


def test_a_table_continued_on_a_new_page_repeats_its_title_before_its_labels(exported):
    """G's 长期绩效指标 went on at the top of page 2 under bare column labels, as if it were the 年度 table
    printed after it."""
    form = load_form("national-project-declare")
    wb, _m, _d = exported(DocumentState(form, load_sample(form.id)))
    ws = wb.worksheets[0]
    rows = texts(ws)
    starts = [a for a, _b in pages(ws)][1:]
    assert starts
    continued = [rows.get(a, []) for a in starts if any(v.endswith("（续）") for v in rows.get(a, []))]
    assert ["长期绩效指标（续）"] in continued, [rows.get(a) for a in starts]
    for a in starts:
        if rows.get(a) == ["长期绩效指标（续）"]:
            assert "一级指标" in rows[a + 1]


@pytest.mark.parametrize("form_id", form_ids())
def test_hand_signed_lines_have_a_rule_to_write_on(exported, form_id):
    """填报人, 联系电话, 单位负责人（签名）… are signed by hand: a ruled blank follows each label, as in the PDF."""
    form = load_form(form_id)
    wb, _m, _d = exported(DocumentState(form, load_sample(form_id)))
    ws = [w for w in wb.worksheets if w.sheet_state == "visible"][-1]
    labels = [c for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.value.endswith("：") and c.value[:-1] in form.signatures.lines
              and "盖章" not in c.value and "日期" not in c.value]
    assert labels
    for cell in labels:
        line = next(c for c in ws[cell.row] if c.column > cell.column and c.border.bottom.style)
        assert line.value is None and line.border.bottom.style == "thin", cell.value


def test_numbers_shrink_to_their_cell_rather_than_print_hashes(exported):
    """A's 偏差情况 printed ### for 100.00% where the renderer's digits were wider than planned."""
    wb, smap, _d = exported(DocumentState(load_form(DEPT), load_sample(DEPT)))
    ws = wb.worksheets[0]
    numbers = [c for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert numbers
    for c in numbers:
        assert c.alignment.shrink_to_fit and not c.alignment.wrap_text, c.coordinate


@pytest.mark.parametrize("form_id", form_ids())
def test_printed_labels_are_broken_as_the_pdf_breaks_them(exported, form_id):
    """A renderer wrapping a label itself left “（万/元）”, “情/况”: labels come already broken into balanced
    lines, none with one or two characters alone on its last line."""
    wb, smap, _d = exported(DocumentState(load_form(form_id), load_sample(form_id)))
    written = {ref for sheet in smap for cell in sheet["cells"].values() for ref in cell["c"]}
    broken = [c.value for ws in wb.worksheets if ws.sheet_state == "visible" for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and "\n" in c.value and c.coordinate not in written and len(c.value) < 40]
    for text in broken:
        last, before = (len(line.strip()) for line in text.split("\n")[-2:])
        assert last > 2 or (last == 2 and before < 4), text
    if form_id == DEPT:
        assert "年初预算数\n（万元）" in broken
