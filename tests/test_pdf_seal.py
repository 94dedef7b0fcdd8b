"""The signature and seal block: never alone on a page, with clear room for a 42 mm seal.

The content is grown row by row (and line by line) so that its end falls at
every position on a page; each time the page with the block must also carry
content, and no text but the unit name and the date may lie under the seal.
"""
from __future__ import annotations

import math

import pytest
from reportlab.lib.units import mm

from desktop.export.pdf_layout import MARGIN_RIGHT
from desktop.export.pdf_seal import SEAL_DIAMETER, SEAL_ROOM
from test_pdf_helpers import TextItem, export_bytes, reader, sample_state, squeeze, text_items

BLOCK_WORDS = ("签名", "填报人", "联系电话", "盖章", "填报日期", "年月日", "校验码", "标注")


def seal_page(data: bytes) -> int:
    """The block is the document's last flowable: it is on the last page, and only there."""
    r = reader(data)
    last = len(r.pages) - 1
    assert "填报日期" in squeeze(r.pages[last].extract_text())
    return last


def page_content(data: bytes, page: int) -> str:
    t = squeeze(reader(data).pages[page].extract_text())
    cut = t.rfind(f"第{page + 1}页共")
    return t[:cut] if cut >= 0 else t


def content_besides_block(page_text: str, state) -> str:
    """The page text with the block's own lines taken out."""
    form = state.form
    t = page_text
    cut = t.find("填报")  # the block starts with its first signature line
    first_line = squeeze(form.signatures.lines[0]) if form.signatures.lines else "填报"
    pos = t.find(first_line)
    if pos >= 0:
        cut = pos
    body = t[:cut] if cut >= 0 else t
    for word in BLOCK_WORDS:
        body = body.replace(word, "")
    return body


def lines_of(data: bytes, page: int) -> list[tuple[str, float, float, float]]:
    """(text, y, x from, x to) of each printed line (text pieces on one baseline joined)."""
    by_y: dict[float, list] = {}
    for it in text_items(data, page):
        by_y.setdefault(round(it.y), []).append(it)
    out = []
    for y, items in by_y.items():
        items.sort(key=lambda i: i.x)
        text = "".join(i.text for i in items)
        out.append((squeeze(text), float(y), items[0].x, max(i.x + len(i.text) * i.size for i in items)))
    return out


def check_seal_room(data: bytes, page: int, state) -> None:
    """No text but the unit line and the date line inside the 42 mm circle over them."""
    lines = lines_of(data, page)
    width = float(reader(data).pages[page].mediabox.width)
    date = [ln for ln in lines if "填报日期" in ln[0] or ln[0].endswith("年月日")]
    unit = [ln for ln in lines if "盖章" in ln[0]]
    assert date and unit, lines
    date_y = min(ln[1] for ln in date)
    unit_y = max(ln[1] for ln in unit)
    assert unit_y - date_y >= 15 * mm  # the seal presses over both, they are apart
    cx = width - MARGIN_RIGHT - 4 * mm - SEAL_ROOM / 2
    cy = (unit_y + date_y) / 2 + 2 * mm
    r = SEAL_DIAMETER / 2
    for text, y, x0, x1 in lines:
        if y < 15 * mm:  # the footer is below the block
            continue
        if date_y - 1 <= y <= unit_y + 1 and x0 > width / 2:  # the unit name (may wrap) and the date
            continue
        nearest_x = min(max(cx, x0), x1)  # the point of the baseline nearest to the centre
        assert math.hypot(nearest_x - cx, y - cy) > r, (text, x0, y)


def grow_rows(form_id: str, table: str, cells) -> None:
    state = sample_state(form_id)
    ps = state.parts[-1]
    pages_seen = set()
    for n in range(64):
        ps.insert_row(table, cells=cells(n))
        data, result = export_bytes(state)
        page = seal_page(data)
        pages_seen.add(result.pages)
        text = page_content(data, page)
        assert len(content_besides_block(text, state)) > 4, (n, page, text[:80])
        if n % 8 == 0:
            check_seal_room(data, page, state)
    assert len(pages_seen) >= 2  # the end of the content crossed a page end


@pytest.mark.slow
def test_block_never_alone_growing_indicator_rows():
    grow_rows("suzhou-project-declare-2020", "indicators",
              lambda n: {"cls": "影响力", "name": f"新增指标{n}", "target": "建立", "source": "说明文字"})


@pytest.mark.slow
def test_block_never_alone_growing_a_report_text():
    state = sample_state("suzhou-project-selfeval-2023")
    ps = state.parts[0]
    base = ps.raw("suggestions")
    seen = set()
    for n in range(70):
        ps.set_value("suggestions", base + "补充一句建议文字，使报告正文逐行增加。" * (n * 2))
        data, result = export_bytes(state)
        page = seal_page(data)
        seen.add(result.pages)
        text = page_content(data, page)
        assert len(content_besides_block(text, state)) > 4, (n, page)
    assert len(seen) >= 2


def test_block_never_alone_multi_part_landscape():
    state = sample_state("shenzhen-project-selfeval-2021")
    ps = state.parts[-1]
    for n in range(0, 24, 3):
        for _ in range(3):
            ps.insert_row("indicators", cells={"level1": "效益指标", "level2": "社会效益指标",
                                               "name": f"指标{n}", "target": "100%", "actual": "100%"})
        data, _ = export_bytes(state)
        page = seal_page(data)
        assert len(content_besides_block(page_content(data, page), state)) > 4
        check_seal_room(data, page, state)


def test_seal_room_on_every_seed(tmp_path):
    from desktop.core.catalog import form_ids

    for fid in form_ids():
        state = sample_state(fid)
        data, _ = export_bytes(state)
        page = seal_page(data)
        check_seal_room(data, page, state)
        assert len(content_besides_block(page_content(data, page), state)) > 4


def test_long_unit_name_grows_the_block_without_overlap():
    from desktop.export.pdf_text import measure

    state = sample_state("suzhou-project-declare-2020")
    state.parts[0].set_value("unit_name", "苏州市体育信息中心" * 8)
    data, _ = export_bytes(state)
    page = seal_page(data)
    strings: dict[tuple[float, float], str] = {}  # pieces of one drawString share its start
    for i in text_items(data, page):
        if i.y > 15 * mm and i.size == 10.5:  # the block's text, not the footer or the QR caption
            strings[(i.x, i.y)] = strings.get((i.x, i.y), "") + i.text
    top = max(y for (x, y), t in strings.items() if "签名" in t) + 5
    m = measure("NotoSerifSC", 10.5)
    items = [TextItem(t, x, y, 10.5) for (x, y), t in strings.items() if y <= top]
    left = [i for i in items if i.x < 150]
    right = [i for i in items if i.x >= 150]
    for a in left:  # the signature lines (with the lines to sign on) end before the unit name begins
        for b in right:
            if abs(a.y - b.y) < 8:
                assert a.x + m.width(a.text) + 38 * mm <= b.x, (a.text, b.text)
    unit_text = squeeze("".join(i.text for i in sorted(right, key=lambda i: (-i.y, i.x))))
    assert unit_text.count("苏州市体育信息中心") == 8
