"""The PDF of every seed form: every value printed, fonts embedded, A4, metadata, drafts vs finals."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.catalog import form_ids, load_form
from desktop.core.engine import DocumentState
from desktop.export.pdf import NotFinalError, PdfWriteError, export_pdf
from desktop.export.pdf_font import FontError, MissingCharsError, choose_font
from test_pdf_helpers import content_texts, export_bytes, fonts, found_in, page_texts, reader, sample_state, squeeze

A4_PORTRAIT = (595.28, 841.89)
FORMS = form_ids()


@pytest.fixture(scope="module")
def pdfs() -> dict[str, tuple[DocumentState, bytes, object]]:
    out = {}
    for fid in FORMS:
        state = sample_state(fid)
        data, result = export_bytes(state)
        out[fid] = (state, data, result)
    return out


def printed_values(state: DocumentState) -> list[tuple[str, str]]:
    """(where, text) of every non-empty value of every part, as the engine prints it."""
    out = []
    for ps in state.parts:
        for addr in ps.addresses():
            text = squeeze(ps.text(addr))
            if text:
                out.append((ps.describe(addr), text))
    return out


@pytest.mark.parametrize("form_id", FORMS)
def test_every_value_of_the_seed_is_printed(pdfs, form_id):
    state, data, _ = pdfs[form_id]
    pages = content_texts(data)
    values = printed_values(state)
    assert len(values) > 20
    missing = [(where, text[:40]) for where, text in values if not found_in(text, pages)]
    assert not missing, missing[:10]


@pytest.mark.parametrize("form_id", FORMS)
def test_fonts_embedded_pages_a4_numbered(pdfs, form_id):
    state, data, result = pdfs[form_id]
    used = fonts(data)
    assert used and all(embedded for _, _, embedded in used), used
    r = reader(data)
    assert len(r.pages) == result.pages
    for page in r.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        size = (w, h) if state.form.orientation == "portrait" else (h, w)
        assert size == pytest.approx(A4_PORTRAIT, abs=0.5)
    texts = page_texts(data)
    for i, text in enumerate(texts):
        t = squeeze(text)
        assert f"第{i + 1}页共{len(texts)}页" in t
        assert squeeze(f"校验码 {result.code}") in t


@pytest.mark.parametrize("form_id", FORMS)
def test_metadata(pdfs, form_id):
    state, data, result = pdfs[form_id]
    meta = reader(data).metadata
    assert meta["/Subject"] == state.form.title
    assert meta["/Creator"] == "绩效填报"
    assert meta["/Author"] == state.meta().get("unit", "")
    assert state.form.title in meta["/Title"] or state.form.document_title in meta["/Title"]
    assert f"jixiao-hash:{result.hash}" in meta["/Keywords"]
    assert meta.get("/CreationDate")


def test_multi_part_forms_start_each_part_on_a_new_page(pdfs):
    for fid in FORMS:
        state, data, _ = pdfs[fid]
        if not state.form.multi:
            continue
        assert len(state.parts) >= 5
        pages = content_texts(data)
        title = squeeze(state.form.title)
        starts = [i for i, p in enumerate(pages) if p.startswith(title)]
        assert len(starts) == len(state.parts), (fid, starts)
        for ps, i in zip(state.parts, starts):
            assert squeeze(ps.name()) in pages[i]


def test_landscape_only_where_the_definition_says(pdfs):
    for fid in FORMS:
        state, data, _ = pdfs[fid]
        box = reader(data).pages[0].mediabox
        assert (float(box.width) > float(box.height)) == (state.form.orientation == "landscape")


def test_choices_print_as_boxes():
    state = sample_state("suzhou-project-declare-2020")
    data, _ = export_bytes(state)
    text = squeeze(page_texts(data)[0])
    assert "信息化工程及维护类☑" in text
    assert "公共事业类☐" in text


def test_notes_and_footnote_printed():
    state = sample_state("suzhou-project-selfeval-2023")
    data, _ = export_bytes(state)
    text = "".join(content_texts(data))
    assert squeeze(state.form.notes)[:60] in text
    assert squeeze(state.form.footnote) in text
    # the 填表说明 come under the table, before the report texts
    assert text.index(squeeze(state.form.notes)[:30]) < text.index("项目实施情况")


def test_user_text_is_escaped():
    state = sample_state("suzhou-project-selfeval-2023")
    ps = state.parts[0]
    nasty = "a<b>c</b> & d > e <font name=x>&amp;"
    ps.set_value("overview", nasty)  # a report text (Paragraph)
    ps.set_value("project_name", "名称<i>&")  # a grid cell
    data, _ = export_bytes(state)
    text = "".join(content_texts(data))
    assert squeeze(nasty) in text
    assert "名称<i>&" in text


def test_missing_characters_name_the_field():
    state = sample_state("suzhou-project-declare-2020")
    ps = state.parts[0]
    ps.set_value("leader", "陈\u9fff青")
    rid = ps.data_rows("indicators")[2]
    ps.set_value(f"indicators/{rid}/name", "满意度😀")
    with pytest.raises(MissingCharsError) as exc:
        export_bytes(state)
    text = exc.value.text
    assert "“项目负责人”" in text and "U+9FFF" in text
    assert ps.describe(f"indicators/{rid}/name") in text and "U+1F600" in text
    # allowed: exported, and the result says what is missing
    data, result = export_bytes(state, allow_missing=True)
    assert [w for w, _ in result.missing] == ["“项目负责人”", ps.describe(f"indicators/{rid}/name")]


def test_drafts_are_watermarked_and_finals_refused_with_errors():
    state = sample_state("suzhou-project-selfeval-2023")
    data, result = export_bytes(state, final=True)
    assert "草稿" not in "".join(page_texts(data))
    assert "jixiao-copy:final" in reader(data).metadata["/Keywords"]
    state.parts[0].set_value("a_initial", "二千")  # unreadable: an error
    assert state.has_errors
    with pytest.raises(NotFinalError) as exc:
        export_bytes(state, final=True)
    assert "年初预算数" in exc.value.text
    data, _ = export_bytes(state)
    first = squeeze(page_texts(data)[0])
    assert "草稿" in first and "二千" in first  # what was typed is printed as typed


def test_code_changes_with_content():
    state = sample_state("suzhou-project-selfeval-2023")
    _, r1 = export_bytes(state)
    _, r2 = export_bytes(state)
    assert (r1.code, r1.hash) == (r2.code, r2.hash)
    state.parts[0].set_value("project_name", "另一个项目")
    _, r3 = export_bytes(state)
    assert r3.code != r1.code and r3.hash != r1.hash
    _, r4 = export_bytes(state, draft_id="other-draft")
    assert r4.code != r3.code and r4.hash == r3.hash


def test_font_choice(tmp_path):
    assert choose_font(None).label.startswith("Noto")
    fallback = choose_font("宋体")  # not installed here: the bundled font, with a warning
    if fallback.path.name.lower().startswith("simsun"):
        pytest.skip("宋体 is installed")
    assert fallback.warning and "宋体" in fallback.warning
    with pytest.raises(FontError):
        choose_font(tmp_path / "nope.ttf")
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(FontError):
        choose_font(bad)


def test_font_by_path_is_used_and_embedded():
    from desktop.fonts import font_path

    state = sample_state("suzhou-project-selfeval-2023")
    data, _ = export_bytes(state, font=str(font_path()))
    assert all(e for _, _, e in fonts(data))


def test_write_to_file_and_unwritable(tmp_path):
    state = sample_state("suzhou-project-selfeval-2023")
    out = tmp_path / "自评表 2023.pdf"
    result = export_pdf(state, out)
    assert out.read_bytes().startswith(b"%PDF") and result.pages == len(PdfReader(str(out)).pages)
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(PdfWriteError):
        export_pdf(state, tmp_path / "no such folder" / "x.pdf")


def test_long_text_flows_across_pages_without_loss():
    state = sample_state("suzhou-project-declare-2020")
    ps = state.parts[0]
    long = "".join(f"第{i}句，体育安全管理平台运行维护内容说明。" for i in range(400))
    ps.set_value("overview", long)  # a grid cell far taller than a page
    data, result = export_bytes(state)
    assert result.pages >= 5
    assert found_in(squeeze(long), content_texts(data))


def test_amounts_right_aligned():
    from test_pdf_helpers import text_items

    state = sample_state("suzhou-project-selfeval-2023")
    data, _ = export_bytes(state)
    items = text_items(data, 0)
    amounts = [i for i in items if i.text in ("292.00", "336.50", "70.20", "210.00", "1435.00")]  # ≥ 2 decimals
    assert len(amounts) == 5
    # right-aligned: the right ends line up (the same column), the starts differ
    from desktop.export.pdf_text import measure

    ends = {round(i.x + measure("NotoSerifSC", i.size).width(i.text), 0) for i in amounts}
    assert len(ends) == 1, ends
    assert len({i.x for i in amounts}) > 1


def test_stress_rows_export_decimal_values():
    form = load_form("suzhou-project-selfeval-2023")
    state = DocumentState.new(form)
    ps = state.parts[0]
    for i in range(300):
        ps.insert_row("composition", cells={"name": f"子项{i}", "budget": str(Decimal(i) / 4), "actual": "1"})
    data, result = export_bytes(state)
    assert result.pages >= 5
    assert "子项299" in "".join(content_texts(data))


def test_export_to_memory_is_a_pdf():
    state = sample_state("suzhou-project-selfeval-2023")
    buf = io.BytesIO()
    export_pdf(state, buf)
    assert buf.getvalue().startswith(b"%PDF-")


def test_a_font_without_chinese_is_refused_naming_fields():
    """A clerk's chosen font lacking the characters: refused before anything is drawn."""
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    state = sample_state("suzhou-project-selfeval-2023")
    with pytest.raises(MissingCharsError) as exc:
        export_bytes(state, font=str(vera))
    assert "Vera.ttf" in exc.value.text
    assert "“项目名称”" in exc.value.text
    assert "另有" in exc.value.text  # long lists are cut, with the count of the rest
