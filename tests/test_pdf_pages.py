"""Printed pages a reviewer accepts (issue 11): the seal line, group labels over a carried 总分, printed
explanations, continuation pages that name their project, columns that line up, labels that do not
leave one character alone, bold titles, characters beyond U+FFFF, over-long unit names."""
from __future__ import annotations

import re

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from desktop.export.pdf_blocks import StoryBuilder
from desktop.export.pdf_grid import PAD_X, Cell, GRow, Grid
from desktop.export.pdf_layout import MARGIN_LEFT, MARGIN_RIGHT, page_size
from desktop.export.pdf_seal import KeepWithTail
from desktop.export.pdf_text import measure, wrap
from test_pdf_helpers import content_texts, export_bytes, found_in, page_texts, reader, sample_state, squeeze, \
    text_items

FONT = "NotoSerifSC"


def all_items(data: bytes) -> list:
    return [i for p in range(len(reader(data).pages)) for i in text_items(data, p)]


def right_end(item) -> float:
    return item.x + measure(FONT, item.size).width(item.text)


# ------------------------------------------------------------------------------------------ seal line
def test_an_empty_unit_leaves_a_line_to_write_it_on():
    state = sample_state("shenzhen-project-selfeval-2021")
    for ps in state.parts:
        ps.set_value("implementer", "")
    data, _ = export_bytes(state)
    last = len(reader(data).pages) - 1
    (label,) = [i for i in text_items(data, last) if "盖章" in i.text and i.x > 200]  # the seal line's start
    end = label.x + measure(FONT, label.size).width("填报单位（盖章）：")
    assert end <= page_size("landscape")[0] - MARGIN_RIGHT - 40 * mm  # room left on the line for the name
    from desktop.export.printed_model import printed_document

    model = printed_document(state)
    assert model.parts[-1].signature.unit_line == "填报单位（盖章）："


# ---------------------------------------------------------------------------- group labels at a break
def _grid_with_total() -> Grid:
    from desktop.fonts import register_reportlab_font

    register_reportlab_font()
    rows = []
    for i in range(30):
        rows.append(GRow([Cell(0, "满意度指标", merge_up=i > 0, label=True), Cell(1, f"指标{i}")]))
    rows.append(GRow([Cell(0, "", label=True), Cell(1, "总分")]))
    return Grid([1, 3], rows, [GRow([Cell(0, "一级指标", label=True), Cell(1, "三级指标", label=True)])],
                font=FONT, group_col=0)


def test_a_total_carried_to_a_new_page_has_no_group_label():
    g = _grid_with_total()
    g.wrap(400, 2000)
    header_and_rows = g._header_h + sum(r.height for r in g.rows[:-1])
    first, rest = g.split(400, header_and_rows + 1)  # the 总分 row alone goes on
    assert len(first.rows) == 30
    assert [c.text for c in rest.rows[0].cells] == ["", "总分"]
    assert not any(rest.rows[0].cells[0].lines), rest.rows[0].cells[0].lines


def test_a_group_row_carried_to_a_new_page_repeats_its_label():
    g = _grid_with_total()
    g.wrap(400, 2000)
    room = g._header_h + sum(r.height for r in g.rows[:10]) + 1
    _, rest = g.split(400, room)
    assert rest.rows[0].cells[0].lines == ["满意度指标"]


def test_sixty_indicator_rows_never_print_a_group_beside_the_total():
    from desktop.export.printed_model import printed_document

    state = sample_state("shenzhen-project-selfeval-2021")
    ps = state.parts[0]
    for i in range(60):
        ps.insert_row("indicators", cells={"level1": "满意度指标", "level2": "服务对象满意度指标", "name": f"满意度{i}",
                                           "target": "≥90%", "actual": "95%", "weight": "0", "score": "0"})
    model = printed_document(state)
    table = next(s for s in model.parts[0].sections if s.id == "indicators")
    total = table.rows[-1]
    assert total.group is None and not total.cells[table.group_col].merge_up
    data, _ = export_bytes(state)
    for page in range(len(reader(data).pages)):
        items = text_items(data, page)
        for t in [i for i in items if i.text == "总分"]:
            beside = [i.text for i in items if abs(i.y - t.y) < 8 and i.x < t.x]
            assert "满意度指标" not in beside and "产出指标" not in beside, (page, beside)


# ------------------------------------------------------------------------------------ explanations
def test_explanations_print_in_the_rows_reason_column():
    from desktop.export.printed_model import printed_document

    state = sample_state("shenzhen-project-selfeval-2021")
    ps = state.parts[0]
    rid = ps.data_rows("indicators")[0]
    ps.set_value(f"indicators/{rid}/target", "无")
    ps.set_value(f"indicators/{rid}/weight", "5")
    (p,) = [p for p in ps.warnings if p.check == "not_applicable_weight"]
    ps.set_explanation(p.key, "本年度该指标由市局统一考核")
    data, _ = export_bytes(state)
    assert found_in(squeeze("本年度该指标由市局统一考核"), content_texts(data))
    model = printed_document(state)
    table = next(s for s in model.parts[0].sections if s.id == "indicators")
    row = next(r for r in table.rows if r.row_id == rid)
    assert "本年度该指标由市局统一考核" in row.cells[-1].text
    assert not table.explanations


def test_explanations_without_a_reason_column_print_as_a_numbered_list():
    from desktop.export.printed_model import printed_document

    state = sample_state("suzhou-dept-selfeval-2022")
    ps = state.parts[0]
    rid = ps.data_rows("budget")[0]
    ps.set_value(f"budget/{rid}/actual", "999")
    (p,) = [p for p in ps.warnings if p.check == "actual_le_adjusted"]
    ps.set_explanation(p.key, "年中追加预算未及时调整")
    model = printed_document(state)
    table = next(s for s in model.parts[0].sections if s.id == "budget")
    assert len(table.explanations) == 1 and "年中追加预算未及时调整" in table.explanations[0]
    assert "第1行（职工伙食费）" in table.explanations[0]
    data, _ = export_bytes(state)
    text = "".join(content_texts(data))
    assert "说明：1." in text and "年中追加预算未及时调整" in text


# --------------------------------------------------------------------------------- continuation pages
def test_every_continuation_page_names_its_project():
    state = sample_state("shanghai-project-goals-2020")
    data, _ = export_bytes(state)
    texts = [squeeze(t) for t in page_texts(data)]
    names = [(ps.raw("unit_name").strip(), ps.name()) for ps in state.parts]
    continued = 0
    for page, text in enumerate(texts):
        if text.startswith("财政项目支出绩效目标表（2020年度）"):  # a project's first page
            continue
        heads = [n for u, n in names if f"财政项目支出绩效目标表{u}·项目：{n}（续）" in text]  # document, unit, project
        assert heads, (page, text[-120:])
        continued += 1
    assert continued >= 3


# ------------------------------------------------------------------------------------ columns, labels
def test_amounts_keep_clear_of_the_border_and_line_up():
    data, _ = export_bytes(sample_state("suzhou-project-selfeval-2023"))
    items = text_items(data, 0)
    frame_right = A4[0] - MARGIN_RIGHT  # the last column's right border
    last_col = [i for i in items if re.fullmatch(r"-?[\d,]+\.\d{2,}", i.text) and right_end(i) > frame_right - 20]
    assert last_col
    for i in last_col:
        assert right_end(i) <= frame_right - 1.5 * mm + 0.2, (i.text, right_end(i), frame_right)
    assert PAD_X >= 1.5 * mm


def _grids(flowables: list) -> list[Grid]:
    out = []
    for f in flowables:
        if isinstance(f, Grid):
            out.append(f)
        elif isinstance(f, KeepWithTail):
            out.extend(_grids(f.content))
    return out


@pytest.mark.parametrize("form_id", ["suzhou-dept-selfeval-2022", "shanghai-project-goals-2020",
                                     "shenzhen-project-selfeval-2021", "suzhou-project-declare-2020",
                                     "suzhou-project-selfeval-2023"])
def test_labels_never_leave_one_or_two_characters_alone(form_id):
    from desktop.core.linebreak import orphaned as _orphaned

    state = sample_state(form_id)
    width = page_size(state.form.orientation)[0] - MARGIN_LEFT - MARGIN_RIGHT
    bad = []
    for g in _grids(StoryBuilder(state, FONT).story()):
        g.wrap(width, 10000)
        for row in g.header + g.rows:
            bad += [c.lines for c in row.cells if c.label and c.span == 1 and _orphaned(c.lines)]
    assert not bad, bad
    assert wrap("本年度预算资金（万元）", 60, measure(FONT, 10), label=True)[-1].endswith("（万元）")


def test_titles_are_bold():
    data, _ = export_bytes(sample_state("suzhou-project-selfeval-2023"))
    content = reader(data).pages[0].get_contents().get_data().decode("latin-1")
    assert " 2 Tr " in content


def test_the_watermark_keeps_clear_of_the_qr_code():
    from desktop.export.pdf_layout import _crosses, watermark_box, watermark_centre

    size = A4
    box = watermark_box(FONT)
    centre_of_page = (size[0] / 2 - 30, size[1] / 2 - 30, 60, 60)
    assert _crosses(box, (size[0] / 2, size[1] / 2), centre_of_page)
    moved = watermark_centre(size, FONT, centre_of_page)
    assert not _crosses(box, moved, centre_of_page)
    # a real draft: the seal block's QR code and the watermark
    state = sample_state("suzhou-project-selfeval-2023")
    state.parts[0].set_value("composition/c1/budget", "abc")  # an 错误: printed as a draft
    data, _ = export_bytes(state)
    assert "草稿" in page_texts(data)[-1]


# ------------------------------------------------------------------------------ beyond U+FFFF, huge names
def test_characters_beyond_the_bmp_survive_copy_and_search():
    state = sample_state("shenzhen-project-selfeval-2021")
    state.parts[0].set_value("implementer", "深圳市𠀾𪜀中心")
    data, _ = export_bytes(state, allow_missing=True)
    assert "𠀾" in "".join(page_texts(data))
    stream = b"".join(obj.get_object().get_data() for obj in _tounicode_streams(data))
    assert b"<D840DC3E>" in stream and b"<2003E>" not in stream
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(data)
    assert "𠀾" in doc[0].get_textpage().get_text_range()


def _tounicode_streams(data: bytes) -> list:
    out = []
    for page in reader(data).pages:
        for _, ref in (page["/Resources"].get_object().get("/Font") or {}).items():
            f = ref.get_object()
            if "/ToUnicode" in f:
                out.append(f["/ToUnicode"])
    return out


@pytest.mark.parametrize("form_id, field", [("shenzhen-project-selfeval-2021", "implementer"),
                                            ("suzhou-project-declare-2020", "unit_name")])
def test_a_ten_thousand_character_unit_name_prints(form_id, field):
    state = sample_state(form_id)
    name = ("苏州市体育信息中心" * 1200)[:10000]
    state.parts[-1].set_value(field, name)
    data, result = export_bytes(state)
    assert result.pages > 3
    assert found_in(squeeze(name[:3000]), content_texts(data))


def test_layout_errors_name_the_part_in_chinese():
    from desktop.core.errors import Code
    from desktop.export.pdf import _layout_error

    err = _layout_error("Flowable <Grid at 0x10 frame=body>...(1 x 2) too large on page 1", {0x10: "“绩效目标”"})
    assert err.text == "无法排版：“绩效目标”的内容比一页还高，放不下，请缩短它"
    assert err.code is Code.PDF_TOO_TALL and err.data == {"where": "“绩效目标”"}
    said = _layout_error("Flowable <KeepWithTail at 0x99> too large", {}).text
    assert "Flowable" not in said and "KeepWithTail" not in said and said.startswith("无法排版")


# ---------------------------------------------------------------------------------- the printed model
def test_the_model_holds_what_the_pdf_prints():
    from desktop.export.printed_model import printed_document

    state = sample_state("suzhou-project-selfeval-2023")
    model = printed_document(state)
    (part,) = model.parts
    comp = next(s for s in part.sections if s.id == "composition")
    total = comp.rows[0]
    assert total.kind == "fixed" and [c.text for c in total.cells] == ["合计", "2343.70", "2077.60"]
    assert [c.align for c in total.cells] == ["left", "right", "right"]
    assert [c.kind for c in total.cells] == ["label", "computed", "computed"]
    ind = next(s for s in part.sections if s.id == "indicators")
    groups = [r.group for r in ind.rows]
    assert groups[0] == "决策目标" and ind.rows[1].cells[ind.group_col].merge_up
    assert part.signature is not None and part.running_head.endswith("（续）")
    texts = {t for t, _ in model.texts}
    assert "2077.60" in texts and part.title in texts


def test_a_text_box_split_across_pages_names_its_label_again():
    from desktop.fonts import register_reportlab_font

    register_reportlab_font()
    label = Cell(0, "总目标及阶段性目标", label=True, lines=["总目标及", "阶段性目标"])
    text = "本项目按照年度计划推进各项工作。" * 60
    g = Grid([1, 4], [GRow([label, Cell(1, text, span=1)])], font=FONT)
    g.wrap(400, 5000)
    first, rest = g.split(400, g.rows[0].height / 2)
    assert first.rows[0].cells[0].lines == ["总目标及", "阶段性目标"]
    assert rest.rows[0].cells[0].lines == ["总目标及", "阶段性目标", "（续）"]
    assert rest.rows[0].height >= 3 * g.leading
    _second, third = rest.split(400, rest.rows[0].height / 2)  # and again on a third page: （续） once
    assert third.rows[0].cells[0].lines == ["总目标及", "阶段性目标", "（续）"]
