"""A draft copy names its problems: after the form, every 错误 and every unexplained 提示, numbered, in
the problems panel's words — in the PDF and in the workbook; a final copy prints none of it."""
from __future__ import annotations

from openpyxl import load_workbook

from desktop.core.catalog import load_form, load_sample
from desktop.core.document import Row
from desktop.core.engine import DocumentState
from desktop.export.printed_model import printed_document
from desktop.export.printed_problems import DRAFT_HEADING, ERRORS_HEADING, WARNINGS_HEADING
from desktop.export.xlsx import export_xlsx
from test_pdf_helpers import content_texts, export_bytes, page_texts, sample_state, squeeze

SZ23 = "suzhou-project-selfeval-2023"
SZ21 = "shenzhen-project-selfeval-2021"  # six projects
DEPT = "suzhou-dept-selfeval-2022"  # its sample has four unexplained 提示
HEADING = squeeze(DRAFT_HEADING)


def with_errors(fid: str = SZ23, rows: int = 0, bad: int = 2) -> DocumentState:
    """The sample with *rows* indicator rows in all and *bad* of them with an unreadable 权重 (an 错误 each)."""
    doc = load_sample(fid)
    table = doc.parts[0].rows["indicators"]
    while len(table) < rows:
        i = len(table)
        table.append(Row(f"s{i:04d}", {**table[0].cells, "name": f"第{i}项：运行维护响应及时率"}))
    state = DocumentState(load_form(fid), doc)
    ps = state.parts[0]
    weights = [a for a in (f"indicators/{rid}/weight" for rid in ps.data_rows("indicators")) if ps.how(a) == "input"]
    for addr in weights[:bad]:
        ps.set_value(addr, "二十")
    return state


def panel_lines(state: DocumentState, level: str) -> list[str]:
    """What the problems panel shows for each problem of *level*, with the project in a multi-part one."""
    return [squeeze(text) for _, p, text in state.problem_lines() if p.level == level]


def test_a_draft_pdf_names_every_error_after_the_form_and_a_final_one_does_not():
    state = with_errors()
    data, _ = export_bytes(state)
    pages = content_texts(data)
    errors = panel_lines(state, "error")
    assert len(errors) == 2
    start = next(i for i, p in enumerate(pages) if HEADING in p)
    assert start == len(pages) - 1 and "（盖章）" not in pages[start]  # a page of its own, after the seals
    assert squeeze(ERRORS_HEADING) in pages[start]
    listed = "".join(pages[start:])
    for n, text in enumerate(errors, 1):
        assert f"{n}.{text}" in listed

    final, _ = export_bytes(sample_state(SZ23), final=True)
    assert all(HEADING not in p and squeeze(ERRORS_HEADING) not in p for p in content_texts(final))


def test_unexplained_hints_follow_the_errors_and_explained_ones_are_left_out():
    state = sample_state(DEPT)
    ps = state.parts[0]
    hints = ps.sorted_problems()
    assert len(hints) == 4 and all(p.level == "warning" for p in hints)
    ps.set_explanation(hints[0].key, "已核实，情况属实。")
    ps.set_value(f"budget/{ps.data_rows('budget')[0]}/initial", "二千万")  # unreadable: an 错误
    assert state.has_errors
    draft = printed_document(state).parts[0].draft
    assert draft is not None
    assert draft.errors == [ps.problem_text(p) for p in ps.sorted_problems() if p.level == "error"]
    assert draft.warnings == [ps.problem_text(p) for p in hints[1:]]
    listed = "".join(content_texts(export_bytes(state)[0]))
    at = listed.index(squeeze(WARNINGS_HEADING))
    assert listed.index(squeeze(ERRORS_HEADING)) < at
    assert squeeze(ps.problem_text(hints[0])) not in listed[at:]
    for n, p in enumerate(hints[1:], 1):
        assert f"{n}.{squeeze(ps.problem_text(p))}" in listed[at:]


def test_a_multi_project_draft_lists_the_problems_under_each_project():
    state = sample_state(SZ21)
    for i in (1, 4):
        ps = state.parts[i]
        ps.set_value(f"indicators/{ps.data_rows('indicators')[0]}/weight", "<b>&")
    model = printed_document(state)
    assert [d.project for d in model.drafts] == [state.part_title(1), state.part_title(4)]
    listed = "".join(content_texts(export_bytes(state)[0]))
    listed = listed[listed.index(HEADING):]
    first, second = (listed.index(squeeze(state.part_title(i))) for i in (1, 4))
    assert first < second
    one, four = panel_lines(state, "error")
    assert one.startswith(squeeze(state.part_title(1)))
    assert "1." + one.split("：", 1)[1] in listed[first:second]
    assert "1." + four.split("：", 1)[1] in listed[second:]


def test_hostile_problem_text_prints_as_typed():
    state = with_errors(bad=0)
    ps = state.parts[0]
    rid = ps.data_rows("indicators")[0]
    ps.set_value(f"indicators/{rid}/name", "<b>&x</b>")
    ps.set_value(f"indicators/{rid}/weight", "<b>&amp;\x07")
    text = squeeze(ps.problem_text(ps.errors[0]))
    assert "<b>&x</b>" in text
    listed = "".join(content_texts(export_bytes(state)[0]))
    assert "1." + text.replace("\x07", "") in listed[listed.index(HEADING):]


def test_a_long_list_runs_over_several_pages(tmp_path):
    state = with_errors(rows=2000, bad=300)
    errors = panel_lines(state, "error")
    assert len(errors) >= 300
    data, _ = export_bytes(state)
    pages = content_texts(data)
    start = next(i for i, p in enumerate(pages) if HEADING in p)
    assert len(pages) - start >= 5
    assert all(squeeze(ERRORS_HEADING) not in p for p in pages[start + 1:])  # continued, not started again
    assert "草稿：尚需处理的问题（续）" in squeeze(page_texts(data)[start + 1])  # the running head
    listed = "".join(pages[start:])
    assert all(f"{n}.{text}" in listed for n, text in enumerate(errors, 1))
    path = tmp_path / "long.xlsx"
    export_xlsx(state, path)
    ws = load_workbook(path).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    at = values.index(DRAFT_HEADING)
    assert [v for v in values[at:] if v[:1].isdigit()][-1].startswith(f"{len(errors)}. ")
    breaks = [b.id for b in ws.row_breaks.brk]
    heading_row = next(c.row for row in ws.iter_rows() for c in row if c.value == DRAFT_HEADING)
    assert sum(1 for b in breaks if b >= heading_row) >= 3  # the list's rows paginate too


def test_the_workbook_of_a_draft_lists_the_problems_at_the_end_of_each_sheet(tmp_path):
    state = with_errors()
    ps = state.parts[0]
    rid = ps.data_rows("indicators")[0]
    ps.set_value(f"indicators/{rid}/name", "<b>&x\x01")
    path = tmp_path / "draft.xlsx"
    export_xlsx(state, path)
    ws = load_workbook(path).worksheets[0]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    at = values.index(DRAFT_HEADING)
    assert at > max(i for i, v in enumerate(values) if "（盖章）" in v)  # after the seal lines
    tail = values[at:]
    assert any(v.startswith(ERRORS_HEADING) for v in tail)
    errors = [ps.problem_text(p).replace("\x01", "") for p in ps.sorted_problems() if p.level == "error"]
    assert [v for v in tail if v[:2] in ("1.", "2.")] == [f"{n}. {t}" for n, t in enumerate(errors, 1)]
    assert any("（<b>&x）" in v for v in tail)

    final = tmp_path / "final.xlsx"
    export_xlsx(sample_state(SZ23), final)
    assert all(c.value != DRAFT_HEADING for ws in load_workbook(final).worksheets for row in ws.iter_rows()
               for c in row)


def test_a_multi_project_workbook_lists_each_projects_problems_on_its_sheet(tmp_path):
    state = sample_state(SZ21)
    ps = state.parts[2]
    ps.set_value(f"indicators/{ps.data_rows('indicators')[0]}/weight", "x")
    path = tmp_path / "multi.xlsx"
    export_xlsx(state, path)
    sheets = [ws for ws in load_workbook(path).worksheets if ws.sheet_state == "visible"]
    for i, ws in enumerate(sheets):
        values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        tail = values[values.index(DRAFT_HEADING):]
        assert tail[1] == state.part_title(i)
        if i == 2:
            assert f"1. {ps.problem_text(ps.errors[0])}" in tail
        else:
            assert any("没有错误" in v for v in tail) and not any(v.startswith("1. ") for v in tail)


def test_a_numbered_item_longer_than_a_page_splits_and_keeps_its_hanging_indent():
    from desktop.export.pdf_font import choose_font
    from desktop.export.pdf_text import NumberedItem

    font = choose_font(None).name
    item = NumberedItem("7.", "“权重”：<b>&" + "很长的说明" * 400, font, 10, 15, widest="300.")
    _, height = item.wrap(400, 10_000)
    first, rest = item.split(400, height / 2)
    assert (first.numbered, rest.numbered) == (True, False)  # the number only where the item starts
    assert first.hang == rest.hang == item.hang > NumberedItem("7.", "x", font, 10, 15).hang
    assert len(first.lines) + len(rest.lines) == len(item.lines) and "<b>&" in first.lines[0][0]
