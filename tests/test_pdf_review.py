"""Pages a reviewer sent back (issue 11): E's 权重合计 / 合计 printed as the indicator table's own total row
under their columns; continuation heads naming the unit and the project; 二级指标 merged within their 一级
group (and reprinted on a new page only over rows of that group); typed percents of one column printed
with the same (at least 2) decimals."""
from __future__ import annotations

import re

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from desktop.export.pdf_grid import Cell, GRow, Grid
from desktop.export.pdf_layout import HEAD_Y
from desktop.export.pdf_text import measure
from desktop.export.printed_model import printed_document
from test_pdf_helpers import content_texts, export_bytes, page_texts, reader, sample_state, squeeze, text_items

FONT = "NotoSerifSC"


def centre(item) -> float:
    return item.x + measure(FONT, item.size).width(item.text) / 2


def section(model, sid: str, part: int = 0):
    return next(s for s in model.parts[part].sections if s.id == sid)


# ----------------------------------------------------------------------------- totals under their columns
def test_e_weight_and_score_totals_are_the_indicator_tables_last_row():
    model = printed_document(sample_state("suzhou-project-selfeval-2023"))
    assert "score_total" not in [s.id for s in model.parts[0].sections]  # no grid of its own
    total = section(model, "indicators").rows[-1]
    assert total.kind == "total"
    assert [(c.col, c.span, c.text) for c in total.cells] == [
        (0, 3, "合计"), (3, 1, "80.00"), (4, 1, ""), (5, 1, "80.00")]  # 类别+指标名称+目标值 | 权重 | 实际完成值 | 自评分
    assert "权重合计" not in {t for t, _ in model.texts}


def test_e_totals_print_under_their_own_columns():
    data, _ = export_bytes(sample_state("suzhou-project-selfeval-2023"))
    found = 0
    for page in range(len(reader(data).pages)):
        items = text_items(data, page)
        headers = [i for i in items if i.text in ("目标值", "权重", "实际完成值", "自评分") and i.size >= 9.5]
        for label in [i for i in items if i.text == "合计" and headers and i.y < headers[0].y]:  # not composition's
            values = [i for i in items if abs(i.y - label.y) < 2 and re.fullmatch(r"\d+\.\d{2}", i.text)]
            under = [min(headers, key=lambda h: abs(centre(h) - centre(v))).text for v in sorted(values, key=lambda v: v.x)]
            assert under == ["权重", "自评分"], under
            assert label.x < min(h.x for h in headers if h.text == "目标值")  # 合计 spans the label columns
            found += 1
    assert found == 1
    assert not any("权重合计" in t for t in content_texts(data))


# ----------------------------------------------------------------------------- continuation running heads
def test_continuation_heads_name_the_unit_and_the_project():
    state = sample_state("suzhou-project-selfeval-2023")
    ps = state.parts[0]
    data, _ = export_bytes(state)
    texts = [squeeze(t) for t in page_texts(data)]
    head = f"苏州市级财政支出项目绩效自我评价报告{ps.raw('department').strip()}·项目：{ps.name()}（续）"
    assert len(texts) > 1 and all(head in t for t in texts[1:]), texts[1][-200:]


def test_a_department_report_names_its_department_on_continuation_pages():
    state = sample_state("suzhou-dept-selfeval-2022")
    unit = state.parts[0].raw("dept_name").strip()
    data, _ = export_bytes(state)
    texts = [squeeze(t) for t in page_texts(data)]
    assert len(texts) > 1 and all(f"自评报告{squeeze(unit)}（续）" in t for t in texts[1:])


def test_long_names_keep_the_head_on_one_line_with_both_names():
    state = sample_state("shanghai-project-goals-2020")
    ps = state.parts[0]
    ps.set_value("unit_name", "上海市体育局" * 40)
    ps.set_value("project_name", "上海体育公共服务经费" * 30)
    data, _ = export_bytes(state)
    items = [i for i in text_items(data, 1) if i.y > A4[1] - HEAD_Y - 2 and i.size < 9]
    assert len({i.y for i in items}) == 1  # one line
    head = items[0]
    head.text = "".join(i.text for i in items)
    assert head.text.startswith("财政项目支出绩效目标表") and head.text.endswith("（续）")
    assert "上海市体育局上海市体育局" in head.text and "项目：上海体育公共服务经费" in head.text
    assert head.text.count("…") == 2  # each name cut, neither lost
    assert head.x + measure(FONT, head.size).width(head.text) <= A4[0] - 15 * mm + 0.5


def test_running_head_cuts_the_longer_name_first():
    from desktop.export.printed_model import running_head

    head = running_head("项目支出绩效自评表", "示范县农村供水管理站", "维修养护" * 40, landscape=False)
    assert head.startswith("项目支出绩效自评表　示范县农村供水管理站 · 项目：维修养护") and head.endswith("…（续）")
    assert running_head("表", "", "", False) == "表（续）"


# ----------------------------------------------------------------------------- nested group columns
def test_level2_merges_within_its_level1_group():
    state = sample_state("national-project-selfeval")
    ps = state.parts[0]
    ps.insert_row("indicators", cells={"level1": "效益指标", "level2": "数量指标", "name": "借用二级", "target": "≥1个",
                                       "actual": "1个", "weight": "0"}, index=1)  # same 二级, other 一级: not merged
    table = section(printed_document(state), "indicators")
    assert table.group_cols == [0, 1]
    rows = [(r.cells[0].text, r.cells[1].text, r.cells[0].merge_up, r.cells[1].merge_up) for r in table.rows]
    k = next(i for i, r in enumerate(table.rows) if r.cells[2].text == "借用二级")  # printed in the 效益 block
    assert rows[k] == ("效益指标", "数量指标", False, False) and rows[k - 1][0] == "产出指标"
    assert rows[:2] == [("产出指标", "数量指标", False, False), ("产出指标", "数量指标", True, True)]
    rows = [(r.cells[0].merge_up, r.cells[1].merge_up) for r in section(printed_document(sample_state(
        "national-project-selfeval")), "indicators").rows[:3]]
    assert rows == [(False, False), (True, True), (True, False)]  # 产出/数量, 产出/数量, 产出/质量
    assert all(not c.merge_up for c in table.rows[-1].cells)  # 等级 / 总分 rows belong to no group


def test_level2_is_printed_once_per_group_and_again_on_a_new_page():
    state = sample_state("national-project-selfeval")
    ps = state.parts[0]
    for i in range(40):
        ps.insert_row("indicators", cells={"level1": "产出指标", "level2": "数量指标", "name": f"数量{i}",
                                           "target": "≥1个", "actual": "1个", "weight": "0"}, index=1)
    data, _ = export_bytes(state)
    pages = [p for p in range(len(reader(data).pages))
             if any(i.text.startswith("数量") and i.text[2:].isdigit() for i in text_items(data, p))]
    assert len(pages) >= 2
    for p in pages:
        items = text_items(data, p)
        assert [i.text for i in items].count("数量指标") == 1, p  # merged: once per page
        (level2,) = [i for i in items if i.text == "数量指标"]
        (level1,) = [i for i in items if i.text == "产出指标"]
        assert abs(level1.y - level2.y) < 30  # both labels over the same rows


def _nested_grid() -> Grid:
    from desktop.fonts import register_reportlab_font

    register_reportlab_font()
    rows = []
    for i in range(12):
        level2 = "数量指标" if i < 6 else "质量指标"
        rows.append(GRow([Cell(0, "产出指标", merge_up=i > 0, label=True),
                          Cell(1, level2, merge_up=i not in (0, 6), label=True), Cell(2, f"指标{i}")]))
    rows.append(GRow([Cell(0, "", label=True), Cell(1, "", label=True), Cell(2, "总分")]))
    return Grid([1, 1, 3], rows, [GRow([Cell(0, "一级指标", label=True), Cell(1, "二级指标", label=True),
                                       Cell(2, "三级指标", label=True)])], font=FONT, group_cols=[0, 1])


def _split_after(g: Grid, n: int) -> Grid:
    g.wrap(400, 2000)
    _, rest = g.split(400, g._header_h + sum(r.height for r in g.rows[:n]) + 1)
    return rest


def test_a_new_page_reprints_both_levels_only_over_their_group():
    assert [c.lines for c in _split_after(_nested_grid(), 3).rows[0].cells[:2]] == [["产出指标"], ["数量指标"]]
    first = _split_after(_nested_grid(), 6).rows[0]  # the page starts a new 二级 group of the same 一级
    assert [c.lines for c in first.cells[:2]] == [["产出指标"], ["质量指标"]]
    total = _split_after(_nested_grid(), 12).rows[0]
    assert not any(total.cells[0].lines) and not any(total.cells[1].lines)


# ----------------------------------------------------------------------------- percents of one column
def test_typed_percents_of_a_column_print_with_the_same_decimals():
    state = sample_state("suzhou-dept-selfeval-2022")
    ps = state.parts[0]
    typed = ["0", "-0", "- .36", "5", "3.125", "９９．５％"]
    rids = ps.data_rows("selfeval")[: len(typed)]
    for rid, raw in zip(rids, typed):
        ps.set_value(f"selfeval/{rid}/deviation", raw)
        ps.set_value(f"selfeval/{rid}/reason", "原因")
    table = section(printed_document(state), "selfeval")
    col = next(i for i, c in enumerate(table.header[-1].cells) if c.text == "偏差情况")
    shown = [r.cells[col].text for r in table.rows[: len(typed)]]
    assert shown == ["0.00%", "0.00%", "-0.36%", "5.00%", "3.125%", "99.50%"]
    data, _ = export_bytes(state)
    printed = {i.text for p in range(len(reader(data).pages)) for i in text_items(data, p)}
    assert {"0.00%", "-0.36%", "5.00%", "3.125%", "99.50%"} <= printed


def test_only_sections_that_wholly_sum_printed_columns_become_total_rows():
    from desktop.core.catalog import form_ids, load_form
    from desktop.export.printed_model import column_totals

    found = {fid: column_totals(load_form(fid)) for fid in form_ids()}
    e = found.pop("suzhou-project-selfeval-2023")
    assert {t: (sid, [(f.id, c) for f, c in sums]) for t, (sid, sums) in e.items()} == {
        "indicators": ("score_total", [("weight_total", "weight"), ("total_score", "score")])}
    assert not any(found.values()), found  # F's hidden 分值合计 etc., D's 年度 …: printed as they are


def test_rows_of_a_group_print_together_where_the_group_first_stands():
    """A row of 产出指标 added after 满意度指标 printed 产出指标 a second time, below 满意度 (a reviewer sent it
    back): on paper a group is one block.  A row whose 一级 is left empty belongs to the group above it."""
    state = sample_state("national-project-selfeval")
    ps = state.parts[0]
    ps.insert_row("indicators", cells={"level1": "", "level2": "", "name": "满意度续", "weight": "0"})
    ps.insert_row("indicators", cells={"level1": "产出指标", "level2": "数量指标", "name": "后加的产出", "weight": "0"})
    table = section(printed_document(state), "indicators")
    data = [r for r in table.rows if r.kind == "data"]
    level1 = [r.cells[0].text or "↑" for r in data]
    names = [r.cells[2].text for r in data]
    first_other = next(i for i, t in enumerate(level1) if t not in ("产出指标", "↑"))
    assert names.index("后加的产出") < first_other  # with the other 产出指标 rows
    assert names[-1] == "满意度续" and level1[-2] == "满意度指标"  # an empty 一级 stays under the group above
    assert level1.count("产出指标") - sum(r.cells[0].merge_up for r in data if r.cells[0].text == "产出指标") == 1
