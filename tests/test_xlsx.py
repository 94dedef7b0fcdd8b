"""Excel export: paper layout, the same values as the PDF, text never a formula, and exact round trips."""
from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.export import xlsx_text as xt
from desktop.export.xlsx import HIDDEN_SHEET, export_xlsx
from desktop.export.xlsx_import import export_map, read_xlsx

FORMS = form_ids()


def state_of(form_id: str) -> DocumentState:
    return DocumentState(load_form(form_id), load_sample(form_id))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = {}
    folder = tmp_path_factory.mktemp("xlsx")
    for fid in FORMS:
        state = state_of(fid)
        path = folder / f"{fid}.xlsx"
        result = export_xlsx(state, path)
        out[fid] = (state, path, result)
    return out


def test_every_shipped_form_is_there():
    assert len(FORMS) == 7 and {"national-project-selfeval", "national-project-declare"} <= set(FORMS)


# ---------------------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("form_id", FORMS)
def test_round_trip_is_exact(exported, form_id):
    state, path, _ = exported[form_id]
    back = read_xlsx(path)
    assert back.changed == []
    assert back.document.to_dict() == state.doc.to_dict()


def test_round_trip_keeps_raw_typed_text(tmp_path):
    state = state_of("suzhou-project-selfeval-2023")
    ps = state.parts[0]
    ps.set_value("a_initial", "２，３４３．７０")  # full-width, as typed
    ps.set_value("b_adjust", "- .5")
    ps.set_value("overview", "  第一段\n\n\t第二段 \x01控制符\n")
    ps.set_value("project_name", "abc（不是数字）")
    rid = ps.data_rows("indicators")[0]
    ps.set_value(f"indicators/{rid}/actual", "12个  ")
    before = state.doc.to_dict()
    path = tmp_path / "raw.xlsx"
    export_xlsx(state, path)
    back = read_xlsx(path)
    assert back.changed == []
    assert back.document.to_dict() == before


def test_edits_made_in_excel_are_taken_over(exported, tmp_path):
    state, path, _ = exported["suzhou-project-selfeval-2023"]
    cells = export_map(path)[0]["cells"]
    wb = load_workbook(path)
    ws = wb[export_map(path)[0]["sheet"]]
    ws[cells["d_paid"]["c"][0]].value = 2000.5
    ws[cells["project_name"]["c"][0]].value = "改过的项目名称"
    ws[cells["quota_balance"]["c"][0]].value = 1  # computed, not overridable: not taken
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    back = read_xlsx(edited)
    part = back.document.parts[0]
    assert part.fields["d_paid"] == "2000.5"
    assert part.fields["project_name"] == "改过的项目名称"
    assert any("实际支付数" in c for c in back.changed)
    assert any("指标结余数" in n and "计算值" in n for n in back.notes)


def test_edited_overridable_cell_becomes_an_override(exported, tmp_path):
    state, path, _ = exported["suzhou-project-selfeval-2023"]
    smap = export_map(path)[0]
    ps = state.parts[0]
    rid = [r for r in ps.data_rows("indicators") if ps.how(f"indicators/{r}/score") == "computed"][-1]
    addr = f"indicators/{rid}/score"
    wb = load_workbook(path)
    wb[smap["sheet"]][smap["cells"][addr]["c"][0]].value = 1.5
    wb.save(tmp_path / "o.xlsx")
    back = read_xlsx(tmp_path / "o.xlsx")
    assert back.document.parts[0].overrides[addr] == "1.5"


# ---------------------------------------------------------------------------------------
# the same values as the PDF
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("form_id", FORMS)
def test_cells_show_what_the_pdf_prints(exported, form_id):
    state, path, _ = exported[form_id]
    wb = load_workbook(path)
    smaps = export_map(path)
    checked = numbers = 0
    for i, smap in enumerate(smaps):
        ps = state.parts[i]
        ws = wb[smap["sheet"]]
        for addr, info in smap["cells"].items():
            refs = info["c"]
            if len(refs) != 1 or ps.how(addr) not in ("input", "computed"):
                continue
            value = ws[refs[0]].value
            printed = ps.text(addr)
            if info["n"] is not None:  # stored as a number: the printed number exactly
                numbers += 1
                assert isinstance(value, (int, float)), addr
                fmt = ws[refs[0]].number_format
                if ws[refs[0]].alignment.horizontal == "right":  # a digit's room from the border
                    assert fmt.endswith(xt.NUMBER_PAD), addr
                    fmt = fmt.removesuffix(xt.NUMBER_PAD)
                assert xt.number_cell(printed) == (value, fmt), addr
            elif isinstance(value, str) and "☐" not in value and "☑" not in value:
                shown = xt.indent_paragraphs(xt.clean(printed)) if info.get("i") else xt.clean(printed)
                assert value == shown, addr  # a report's paragraphs start indented, as on the PDF
            checked += 1
    figures = sum(1 for ps in state.parts for a in ps.addresses()
                  if ps.field_def(a).type.numeric and ps.how(a) in ("input", "computed") and ps.text(a))
    assert checked > 20 and numbers >= min(6, figures) > 0  # G (申报表) has only its three money figures


def test_computed_values_are_numbers_with_their_decimals(exported):
    state, path, _ = exported["suzhou-project-selfeval-2023"]
    smap = export_map(path)[0]
    wb = load_workbook(path)
    ws = wb[smap["sheet"]]
    cell = ws[smap["cells"]["quota_balance"]["c"][0]]
    assert cell.value == pytest.approx(265.92) and cell.number_format == "0.00" + xt.NUMBER_PAD
    total = ws[smap["cells"]["composition/total/budget"]["c"][0]]
    assert total.data_type == "n" and total.number_format == "0.00" + xt.NUMBER_PAD


def test_percent_and_thousands_formats():
    assert xt.number_cell("99.50%") == (0.995, "0.00%")
    assert xt.number_cell("3,890,000.00") == (3890000.0, "#,##0.00")
    assert xt.number_cell("-0.36") == (-0.36, "0.00")
    assert xt.number_cell("12") == (12.0, "0")
    assert xt.number_cell("12个") is None
    assert xt.number_cell("12345678901234567.89") is None  # a float cannot hold it: written as text
    assert xt.number_text(0.995, "0.00%") == "99.5%"
    assert xt.number_text(2343.7, "0.00") == "2343.7"


def test_thousands_amounts_of_form_d(exported):
    state, path, _ = exported["shanghai-project-goals-2020"]
    smap = export_map(path)[0]
    info = smap["cells"]["total_budget"]
    assert info["n"].startswith("#,##0")


# ---------------------------------------------------------------------------------------
# text that looks like a formula
# ---------------------------------------------------------------------------------------

FORMULA_LIKE = ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+SUM(A1:A2)", "-2+3", "@cmd", "\t=1+1", "\r=1+1",
                "=cmd|' /C calc'!A0"]


def test_formula_like_text_is_written_as_text(tmp_path):
    state = state_of("suzhou-project-selfeval-2023")
    ps = state.parts[0]
    rows = ps.data_rows("indicators")
    addrs = ["project_name", "department"] + [f"indicators/{r}/name" for r in rows[:6]]
    for addr, text in zip(addrs, FORMULA_LIKE):
        ps.set_value(addr, text)
    path = tmp_path / "f.xlsx"
    export_xlsx(state, path)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                xml = zf.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name
    wb = load_workbook(path)
    smap = export_map(path)[0]
    ws = wb[smap["sheet"]]
    for addr, text in zip(addrs, FORMULA_LIKE):
        cell = ws[smap["cells"][addr]["c"][0]]
        assert cell.data_type == "s", (addr, text)
        assert cell.value == xt.clean(text.strip() if addr.count("/") == 0 else text.strip()) or \
            cell.value == xt.clean(ps.text(addr))
        if cell.value.startswith(("=", "+", "-", "@")):
            assert cell.quotePrefix
    back = read_xlsx(path)
    for addr, text in zip(addrs, FORMULA_LIKE):
        assert DocumentState(state.form, back.document).parts[0].raw(addr) == text


# ---------------------------------------------------------------------------------------
# layout and page setup
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("form_id", FORMS)
def test_page_setup_and_layout(exported, form_id):
    state, path, result = exported[form_id]
    wb = load_workbook(path)
    assert wb[HIDDEN_SHEET].sheet_state == "veryHidden"
    sheets = [ws for ws in wb.worksheets if ws.title != HIDDEN_SHEET]
    assert len(sheets) == len(state.parts) == len(result.sheets)
    for ws in sheets:
        assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.orientation == state.form.orientation
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0  # as many pages as needed: the manual breaks decide
        # the page's number and the sheet's own number of pages (LibreOffice's &N counts every sheet's)
        assert ws.oddFooter.center.text == f"第 &P 页 共 {len(ws.row_breaks.brk) + 1} 页"
        assert ws.merged_cells.ranges
        heights = [d.height for r, d in ws.row_dimensions.items() if d.height]
        assert heights and max(heights) <= 409
        used = {c.row for row in ws.iter_rows() for c in row if c.value is not None}
        assert all(ws.row_dimensions[r].height for r in used)  # every row has its height written


def test_row_heights_follow_the_text(exported):
    state, path, _ = exported["suzhou-dept-selfeval-2022"]
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    assert max(heights.values()) > 100  # long report paragraphs
    assert min(heights.values()) < 30


def test_notes_and_signatures_are_printed(exported):
    state, path, _ = exported["suzhou-project-selfeval-2023"]
    wb = load_workbook(path)
    texts = [c.value for row in wb.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("填表说明") for t in texts)
    assert any(t.startswith("填报单位（盖章）") for t in texts)
    assert any("填报人" in t for t in texts)


def test_choice_boxes_are_text(exported):
    state, path, _ = exported["suzhou-project-declare-2020"]
    smap = export_map(path)[0]
    wb = load_workbook(path)
    value = wb[smap["sheet"]][smap["cells"]["project_type"]["c"][0]].value
    assert "☑" in value and "☐" in value


def test_group_column_is_merged(exported):
    """One merged cell per 类别 on each page it prints on."""
    state, path, _ = exported["suzhou-project-selfeval-2023"]
    smap = export_map(path)[0]["cells"]
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    breaks = [b.id for b in ws.row_breaks.brk]
    ps = state.parts[0]
    rows = ps.data_rows("indicators")
    refs = {smap[f"indicators/{r}/cls"]["c"][0] for r in rows}
    pages = {(ps.raw(f"indicators/{r}/cls"), sum(b < ws[smap[f"indicators/{r}/cls"]["c"][0]].row for b in breaks))
             for r in rows}
    assert len(refs) == len(pages) < len(rows)
    assert all(ws[ref].value for ref in refs)  # each carries its label


def test_multi_part_sheets_have_unique_valid_names(exported):
    state, path, result = exported["shenzhen-project-selfeval-2021"]
    assert len(result.sheets) == 6 == len(set(result.sheets))
    assert all(len(s) <= 31 for s in result.sheets)


def test_sheet_names():
    taken: set[str] = set()
    names = []
    for wanted in ["项目1 a[b]:c*d?e/f\\g", "x" * 40, "x" * 40, "'quoted'", "History", "", "Sheet", "sheet"]:
        name = xt.sheet_name(wanted, taken)
        taken.add(name)
        names.append(name)
    assert names[0] == "项目1 a_b__c_d_e_f_g"
    assert len(names[1]) == 31 and names[2] != names[1] and len(names[2]) <= 31
    assert names[3] == "quoted" and names[4] != "History" and names[5]
    assert names[7].lower() != names[6].lower()


def test_wrap_joins_back_exactly():
    text = "第一段 some english words 以及 2077.604168 数字，标点。\n\n第二段" + "很长" * 200
    lines = xt.wrap(text, 20)
    rebuilt = "".join(t + ("\n" if hard else "") for t, hard in lines)
    assert rebuilt == text
    assert all(xt.text_units(t) <= 20 + 2.5 for t, _ in lines)


def test_long_text_is_split_over_rows_and_reads_back(tmp_path):
    state = state_of("suzhou-project-declare-2020")
    long = "\n".join(f"第{i}段：" + "项目实施内容说明。" * 30 for i in range(30))
    state.parts[0].set_value("overview", long)
    path = tmp_path / "long.xlsx"
    export_xlsx(state, path)
    info = export_map(path)[0]["cells"]["overview"]
    assert len(info["c"]) > 1
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert all(ws.row_dimensions[r].height <= 409 for r in ws.row_dimensions)
    back = read_xlsx(path)
    assert back.document.parts[0].fields["overview"] == long and back.changed == []
    # an edit in one of the pieces is taken over with the rest intact
    ws[info["c"][1]].value = "改写的一段"
    wb.save(tmp_path / "long2.xlsx")
    edited = read_xlsx(tmp_path / "long2.xlsx").document.parts[0].fields["overview"]
    assert "改写的一段" in edited and edited.startswith("第0段")


def test_decimal_money_not_lost_in_floats(tmp_path):
    state = state_of("suzhou-project-selfeval-2023")
    state.parts[0].set_value("a_initial", "12345678901234567.01")
    path = tmp_path / "big.xlsx"
    export_xlsx(state, path)
    smap = export_map(path)[0]
    wb = load_workbook(path)
    cell = wb[smap["sheet"]][smap["cells"]["a_initial"]["c"][0]]
    assert cell.value == "12345678901234567.01"  # too many digits for a float: kept as printed text
    back = read_xlsx(path)
    assert back.document.parts[0].fields["a_initial"] == "12345678901234567.01"
    assert Decimal(back.document.parts[0].fields["a_initial"]) == Decimal("12345678901234567.01")


def test_unwritable_target_has_a_chinese_message(tmp_path):
    from desktop.export.xlsx import XlsxWriteError

    state = state_of("suzhou-project-selfeval-2023")
    with pytest.raises(XlsxWriteError) as err:
        export_xlsx(state, tmp_path / "no-such-folder" / "x.xlsx")
    assert "无法写入" in err.value.text


def test_cli_xlsx_and_import(tmp_path, capsys):
    from desktop.cli import main
    from desktop.commands import save_document

    src = tmp_path / "e.json"
    save_document(load_sample("suzhou-project-selfeval-2023"), src)
    out = tmp_path / "中文 名称.xlsx"
    assert main(["xlsx", str(src), "-o", str(out)]) == 0
    back = tmp_path / "back.json"
    assert main(["import-xlsx", str(out), "-o", str(back)]) == 0
    from desktop.commands import load_document

    doc = load_document(back)
    state = state_of("suzhou-project-selfeval-2023")
    assert doc.to_dict() == state.doc.to_dict()


def test_rows_inserted_in_excel_do_not_shift_values(exported, tmp_path):
    """Cells that moved are never taken as edits: the export's own content comes back, with a note."""
    state, path, _ = exported["suzhou-project-selfeval-2023"]
    wb = load_workbook(path)
    ws = wb[export_map(path)[0]["sheet"]]
    ws.insert_rows(12, amount=2)
    wb.save(tmp_path / "moved.xlsx")
    back = read_xlsx(tmp_path / "moved.xlsx")
    assert back.document.to_dict() == state.doc.to_dict() and back.changed == []
    assert any("插入" in n for n in back.notes)


@pytest.mark.slow
def test_a_file_saved_again_by_libreoffice_reads_back_exactly(exported, tmp_path):
    import subprocess

    from conftest import require

    require("soffice", why="LibreOffice round trip; tools/bootstrap.py test installs libreoffice-calc")

    state, path, _ = exported["suzhou-project-selfeval-2023"]
    profile = tmp_path / "profile"
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
                   check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    back = read_xlsx(out / path.name)
    assert back.changed == [] and back.document.to_dict() == state.doc.to_dict()


def test_ticking_another_box_in_excel_changes_the_choice(exported, tmp_path):
    state, path, _ = exported["suzhou-project-declare-2020"]
    smap = export_map(path)[0]
    wb = load_workbook(path)
    cell = wb[smap["sheet"]][smap["cells"]["project_type"]["c"][0]]
    cell.value = cell.value.replace("☑", "☐").replace("政策类☐", "政策类☑")
    wb.save(tmp_path / "boxes.xlsx")
    back = read_xlsx(tmp_path / "boxes.xlsx")
    assert back.document.parts[0].fields["project_type"] == "政策类"


@pytest.mark.parametrize("form_id", FORMS)
def test_merged_ranges_never_overlap(exported, form_id):
    """Overlapping merges make Excel “repair” the file."""
    state, path, _ = exported[form_id]
    wb = load_workbook(path)
    for ws in wb.worksheets:
        seen: dict[tuple[int, int], str] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    assert (r, c) not in seen, (ws.title, str(rng), seen.get((r, c)))
                    seen[(r, c)] = str(rng)
