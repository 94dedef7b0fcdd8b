"""Hostile spreadsheets are refused or bounded, with a Chinese message, within 5 s and 200 MB.

Each file is built here in tmp_path: a zip bomb, a zip of too many members,
an XML entity bomb (billion laughs), a sheet of a million rows, formulas
(with and without saved results) and external links.
"""
from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest

from desktop.core.catalog import form_ids
from desktop.export.xlsx_import import NotOwnExport, read_sheet_table, read_xlsx
from desktop.export.xlsx_safety import XlsxRefused, check_xlsx
from xlsx_builders import SHEET_HEAD, inline, number, row, write_xlsx

SECONDS = 5.0
MEMORY = 200 * 1024 * 1024


def bounded(fn, *args, **kwargs):
    """Run fn; return (result or exception, seconds, peak bytes traced)."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        try:
            out = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            out = exc
        return out, time.monotonic() - start, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def small_rows():
    yield row(1, [inline("A1", "指标名称"), inline("B1", "目标值")])
    yield row(2, [inline("A2", "办件量"), inline("B2", "≥100件")])


# ---------------------------------------------------------------------------------------
# zip bombs
# ---------------------------------------------------------------------------------------

def test_zip_bomb_is_refused_before_inflating(tmp_path):
    path = tmp_path / "bomb.xlsx"

    def huge():  # 400 MB of one repeated row: compresses ~1000:1
        yield row(1, [inline("A1", "指标名称"), inline("B1", "目标值")])
        chunk = " " * (1 << 20)
        for _ in range(400):
            yield chunk

    write_xlsx(path, huge(), level=1)
    assert path.stat().st_size < 10 * 1024 * 1024
    for fn in (read_sheet_table, read_xlsx, check_xlsx):
        err, seconds, peak = bounded(fn, path)
        assert isinstance(err, XlsxRefused), err
        assert "压缩炸弹" in err.text or "上限" in err.text
        assert seconds < SECONDS and peak < MEMORY


def test_total_size_cap(tmp_path):
    """Many members each under the ratio and size caps still add up to a refusal."""
    from desktop.export.xlsx_safety import Limits

    path = write_xlsx(tmp_path / "big.xlsx", small_rows(),
                      extra_parts={f"xl/media/image{i}.bin": bytes(range(256)) * 4096 for i in range(8)})
    err, seconds, _ = bounded(check_xlsx, path, Limits(total=2 * 1024 * 1024))
    assert isinstance(err, XlsxRefused) and "MB" in err.text and seconds < SECONDS


def test_too_many_members_is_refused_from_the_directory(tmp_path):
    path = tmp_path / "many.xlsx"
    write_xlsx(path, small_rows(), extra_parts={f"xl/media/{i}.txt": "" for i in range(12000)})
    err, seconds, peak = bounded(check_xlsx, path)
    assert isinstance(err, XlsxRefused) and "内部文件" in err.text
    assert seconds < SECONDS and peak < MEMORY


def test_not_a_zip_and_old_xls_and_broken(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"hello, this is not excel")
    (tmp_path / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    good = write_xlsx(tmp_path / "c.xlsx", small_rows())
    data = good.read_bytes()
    (tmp_path / "d.xlsx").write_bytes(data[: len(data) // 2])  # cut in half: no central directory
    messages = {}
    for name in ("a.xlsx", "b.xls", "d.xlsx"):
        err, seconds, _ = bounded(read_sheet_table, tmp_path / name)
        assert isinstance(err, XlsxRefused), (name, err)
        messages[name] = err.text
    assert "不是 Excel" in messages["a.xlsx"]
    assert ".xls" in messages["b.xls"] and "另存为" in messages["b.xls"]
    assert "损坏" in messages["d.xlsx"]


# ---------------------------------------------------------------------------------------
# XML entity bomb
# ---------------------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']>')


def entity_bomb(path):
    head = LAUGHS + SHEET_HEAD.split("?>", 1)[1]
    return write_xlsx(path, [row(1, [inline("A1", "&lol9;")])], sheet_head=head)


def test_entity_bomb_is_refused(tmp_path):
    path = entity_bomb(tmp_path / "lol.xlsx")
    for fn in (read_sheet_table, read_xlsx):
        err, seconds, peak = bounded(fn, path)
        assert isinstance(err, XlsxRefused), err
        assert "实体" in err.text
        assert seconds < SECONDS and peak < MEMORY


def test_openpyxl_itself_uses_defusedxml(tmp_path):
    """Even without our pre-scan, openpyxl parses through defusedxml and refuses the entities."""
    import defusedxml
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    path = entity_bomb(tmp_path / "lol.xlsx")
    start = time.monotonic()
    with pytest.raises((ValueError, defusedxml.DefusedXmlException)) as err:
        wb = load_workbook(path, read_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
    chain = [err.value, err.value.__cause__, err.value.__context__]
    assert any(isinstance(e, defusedxml.DefusedXmlException) for e in chain)  # openpyxl wraps it
    assert time.monotonic() - start < SECONDS


def test_utf16_parts_are_refused(tmp_path):
    path = write_xlsx(tmp_path / "u16.xlsx", small_rows(),
                      extra_parts={"xl/sharedStrings.xml": "\ufeff<!DOCTYPE x>".encode("utf-16-le")})
    err, _, _ = bounded(check_xlsx, path)
    assert isinstance(err, XlsxRefused) and "UTF-8" in err.text


# ---------------------------------------------------------------------------------------
# a million rows
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def million(tmp_path_factory):
    path = tmp_path_factory.mktemp("million") / "million.xlsx"

    def rows():
        yield row(1, [inline("A1", "指标名称"), inline("B1", "目标值")])
        for r in range(2, 1_000_002):
            yield f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'

    return write_xlsx(path, rows(), level=1)


@pytest.mark.slow
def test_a_million_rows_are_bounded(million):
    check_xlsx(million)  # a legitimate (if large) file: not refused
    out, seconds, peak = bounded(read_sheet_table, million, max_rows=1000)
    assert not isinstance(out, Exception), out
    headers, rows = out
    assert headers == ["指标名称", "目标值"]
    assert len(rows) == 1000 and out.truncated
    assert any("只读取了前 1000 行" in n for n in out.notes)
    assert seconds < SECONDS and peak < MEMORY


@pytest.mark.slow
def test_a_million_rows_is_not_our_export(million):
    err, seconds, peak = bounded(read_xlsx, million)
    assert isinstance(err, NotOwnExport) and "按列对应" in err.text
    assert seconds < SECONDS and peak < MEMORY


def test_row_with_more_cells_than_excel_allows(tmp_path):
    cells = "".join(f'<c r="A1"><v>{i}</v></c>' for i in range(17000))
    path = write_xlsx(tmp_path / "wide.xlsx", [f'<row r="1">{cells}</row>'])
    err, seconds, _ = bounded(check_xlsx, path)
    assert isinstance(err, XlsxRefused) and "单元格" in err.text and seconds < SECONDS


# ---------------------------------------------------------------------------------------
# formulas and external links
# ---------------------------------------------------------------------------------------

def test_formulas_give_saved_results_or_nothing(tmp_path):
    rows = [
        row(1, [inline("A1", "指标名称"), inline("B1", "目标值"), inline("C1", "实际完成值")]),
        row(2, [inline("A2", "办件量"), '<c r="B2"><f>1+1</f><v>2</v></c>',  # a saved result
                '<c r="C2"><f>WEBSERVICE("http://127.0.0.1:9/x")</f></c>']),  # none saved: blank
        row(3, [inline("A3", "满意度"), '<c r="B3" t="str"><f>"=cmd|x"</f><v>=cmd|x</v></c>', number("C3", 95)]),
    ]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    report = check_xlsx(path)
    assert report.formulas == 3
    table, seconds, _ = bounded(read_sheet_table, path)
    headers, data = table
    assert data[0] == {"指标名称": "办件量", "目标值": "2", "实际完成值": ""}
    assert data[1]["目标值"] == "=cmd|x" and data[1]["实际完成值"] == "95"
    assert any("公式" in n and "不重新计算" in n for n in table.notes)


def test_external_links_are_ignored_and_reported(tmp_path):
    ext = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
           '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>42</v></cell></row></sheetData>'
           '</sheetDataSet></externalBook></externalLink>')
    ext_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/externalLinkPath" Target="file:///C:/机密/预算.xlsx" TargetMode="External"/>'
                '</Relationships>')
    rows = [row(1, [inline("A1", "指标名称"), inline("B1", "目标值")]),
            row(2, [inline("A2", "办件量"), '<c r="B2"><f>[1]Sheet1!A1</f><v>42</v></c>'])]
    path = write_xlsx(
        tmp_path / "ext.xlsx", rows,
        extra_parts={"xl/externalLinks/externalLink1.xml": ext,
                     "xl/externalLinks/_rels/externalLink1.xml.rels": ext_rels},
        wb_extra='<externalReferences><externalReference r:id="rId9"/></externalReferences>',
        wb_rels_extra='<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      'relationships/externalLink" Target="externalLinks/externalLink1.xml"/>',
        ct_extra='<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>')
    table, seconds, _ = bounded(read_sheet_table, path)
    assert not isinstance(table, Exception), table
    assert table.rows[0]["目标值"] == "42"  # the saved value; the other workbook is never opened
    assert any("外部工作簿" in n and "预算.xlsx" in n and "忽略" in n for n in table.notes)
    assert seconds < SECONDS


def test_zip_member_names_do_not_matter(tmp_path):
    """Nothing is extracted to disk, so ../ names cannot write anywhere."""
    path = write_xlsx(tmp_path / "slip.xlsx", small_rows(), extra_parts={"../../evil.txt": "x"})
    table = read_sheet_table(path)
    assert table.rows and not (tmp_path.parent / "evil.txt").exists()
    with zipfile.ZipFile(path) as zf:
        assert "../../evil.txt" in zf.namelist()


# ---------------------------------------------------------------------------------------
# tampered own exports and broken parts: a Chinese message naming the file, in bounded time,
# the file byte-identical afterwards
# ---------------------------------------------------------------------------------------

HARD_MEMORY = 300 * 1024 * 1024


def own_export(path):
    from desktop.core.catalog import load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.export.xlsx import export_xlsx

    form = load_form("suzhou-project-selfeval-2023")
    export_xlsx(DocumentState(form, load_sample(form.id)), path)
    return path


def rewrite_hidden(path, change):
    """Rewrite the hidden sheet's JSON through ``change(payload) -> payload or text``."""
    import json

    from openpyxl import load_workbook

    from desktop.export.xlsx import CHUNK, HIDDEN_SHEET

    wb = load_workbook(path)
    ws = wb[HIDDEN_SHEET]
    text = "".join(str(ws.cell(row=r, column=1).value) for r in range(2, ws.max_row + 1)
                   if ws.cell(row=r, column=1).value is not None)
    out = change(json.loads(text))
    text = out if isinstance(out, str) else json.dumps(out, ensure_ascii=True, separators=(",", ":"))
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=1).value = None
    for k in range(0, len(text), CHUNK):
        ws.cell(row=2 + k // CHUNK, column=1).value = text[k:k + CHUNK]
    wb.save(path)
    return path


def replace_part(path, part, change):
    data = {}
    with zipfile.ZipFile(path) as zf:
        for i in zf.infolist():
            data[i.filename] = zf.read(i)
    data[part] = change(data[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in data.items():
            zf.writestr(n, b)
    return path


def assert_refused_untouched(fn, path, *words, seconds=SECONDS):
    before = path.read_bytes()
    err, took, peak = bounded(fn, path)
    assert path.read_bytes() == before
    assert took < seconds, took
    assert peak < HARD_MEMORY, peak
    assert isinstance(err, XlsxRefused) or type(err).__name__ in ("XlsxImportError", "NotOwnExport"), repr(err)
    assert path.name in err.text, err.text
    for w in words:
        assert w in err.text, err.text
    return err


def test_hidden_sheet_naming_the_last_cell_is_bounded(tmp_path):
    def far(payload):
        cells = payload["sheets"][0]["cells"]
        first = next(iter(cells))
        cells[first]["c"] = ["XFD1048576"]
        return payload

    path = rewrite_hidden(own_export(tmp_path / "远.xlsx"), far)
    # and the sheet really has something in that last cell
    replace_part(path, "xl/worksheets/sheet1.xml", lambda b: b.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    before = path.read_bytes()
    out, took, peak = bounded(read_xlsx, path)
    assert took < SECONDS and peak < HARD_MEMORY, (took, peak)
    assert path.read_bytes() == before
    assert not isinstance(out, Exception), out  # the cell is simply not there: read as blank
    assert out.document.form_id == "suzhou-project-selfeval-2023"


def test_one_time_budget_for_the_whole_import(tmp_path, monkeypatch):
    from desktop.export import xlsx_import

    path = own_export(tmp_path / "慢.xlsx")
    monkeypatch.setattr(xlsx_import, "TIME_BUDGET", 0.0)
    monkeypatch.setattr(xlsx_import, "SECONDS_PER_MB", 0.0)
    err = assert_refused_untouched(read_xlsx, path, "秒")
    assert "超过" in err.text or "停止" in err.text


def test_malformed_sheet_xml_names_file_and_sheet(tmp_path):
    path = write_xlsx(tmp_path / "坏.xlsx", [row(1, [inline("A1", "指标名称")]), '<row r="2"><c r="A2"><v>1</c>'])
    assert_refused_untouched(read_sheet_table, path, "Sheet1", "第 2 行", "损坏")


def test_malformed_own_export_sheet(tmp_path):
    path = replace_part(own_export(tmp_path / "坏导出.xlsx"), "xl/worksheets/sheet1.xml",
                        lambda b: b.replace(b"</row>", b"</rw>", 3))
    assert_refused_untouched(read_xlsx, path, "损坏")


ODD_SHEET_CT = ('<Override PartName="/xl/worksheets/data.bin" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')


def test_entity_bomb_in_a_part_not_named_xml(tmp_path):
    """A sheet stored as ``data.bin`` (its content type says XML) with a DTD."""
    head = LAUGHS + SHEET_HEAD.split("?>", 1)[1]
    body = head + row(1, [inline("A1", "&lol9;")]) + "</sheetData></worksheet>"
    rels = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/data.bin"/>')
    path = write_xlsx(tmp_path / "炸弹.xlsx", small_rows(), extra_parts={"xl/worksheets/data.bin": body},
                      wb_extra="", wb_rels_extra=rels, ct_extra=ODD_SHEET_CT)
    # make the odd part the workbook's first sheet
    replace_part(path, "xl/workbook.xml", lambda b: b.replace(b'r:id="rId1"', b'r:id="rId2"'))
    for fn in (check_xlsx, read_sheet_table, read_xlsx):
        assert_refused_untouched(fn, path, "实体")


@pytest.mark.parametrize("part", ["xl/worksheets/_rels/sheet1.xml.RELS", "xl/drawings/vmlDrawing1.VML",
                                  "customXml/item1.dat"])
def test_entity_bomb_in_other_parts(tmp_path, part):
    ct = ('<Override PartName="/customXml/item1.dat" ContentType="application/xml"/>'
          if part.endswith(".dat") else "")
    path = write_xlsx(tmp_path / "部件.xlsx", small_rows(), extra_parts={part: LAUGHS + "<a>&lol9;</a>"},
                      ct_extra=ct)
    for fn in (check_xlsx, read_sheet_table):
        assert_refused_untouched(fn, path, "实体")


def test_deeply_nested_hidden_json(tmp_path):
    path = rewrite_hidden(own_export(tmp_path / "深.xlsx"), lambda p: "[" * 200_000 + "]" * 200_000)
    assert_refused_untouched(read_xlsx, path, "表单信息")
    path = rewrite_hidden(own_export(tmp_path / "深2.xlsx"),
                          lambda p: '{"format":"jixiao-xlsx","document":' + "[" * 100_000 + "]" * 100_000 + "}")
    err, took, _ = bounded(read_xlsx, path)
    assert took < SECONDS and not isinstance(err, RecursionError), err


def test_cli_import_of_a_broken_workbook_is_a_message(tmp_path, capsys):
    from desktop.cli import main

    path = write_xlsx(tmp_path / "坏.xlsx", [row(1, [inline("A1", "指标名称")]), '<row r="2"><c r="A2"><v>1</c>'])
    before = path.read_bytes()
    code = main(["import-xlsx", str(path), "-o", str(tmp_path / "out.jxd"), "--form",
                 "suzhou-project-selfeval-2023"])
    err = capsys.readouterr().err
    assert code != 0 and "坏.xlsx" in err and "Traceback" not in err
    assert path.read_bytes() == before


NASTY = "a\x01<b>&amp;\ud800\ufffe\x0b\"'=SUM(A1) ]]> \t\r\n尾 "


@pytest.mark.parametrize("form_id", form_ids())
def test_every_text_a_clerk_can_paste_makes_well_formed_xml(form_id):
    """Control characters, lone surrogates, U+FFFE, markup and a formula in every typed text (project and
    unit names become sheet names and the file's author): each part of the file is well-formed XML and
    the workbook reads back."""
    import io
    import zipfile
    from xml.dom import minidom

    from openpyxl import load_workbook

    from desktop.core.catalog import load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.export.xlsx import export_xlsx

    doc = load_sample(form_id)
    for p in doc.parts:
        p.fields = {k: v + NASTY for k, v in p.fields.items()}
        for rows in p.rows.values():
            for r in rows:
                r.cells = {k: v + NASTY for k, v in r.cells.items()}
    buf = io.BytesIO()
    export_xlsx(DocumentState(load_form(form_id), doc), buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                minidom.parseString(z.read(name))  # raises on a malformed part
    assert load_workbook(io.BytesIO(buf.getvalue())).worksheets
