"""Forms written as workbooks: every shipped form round-trips, every problem names sheet, row and
column (with a suggestion for a misspelling), the docs' example builds and loads, and the commands
(build, workbook, dump, lint) behave."""
from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from desktop.core.catalog import form_ids
from desktop.core.definition import parse_definition
from desktop.core.engine import DocumentState
from desktop.forms import sheets as S
from desktop.forms.build import WorkbookProblems, build_workbook
from desktop.forms.canonical import dumps
from desktop.forms.lint import read_source
from desktop.forms.workbook import write_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "示例表单.xlsx"


def _tool():
    spec = importlib.util.spec_from_file_location("make_example_form", ROOT / "tools" / "make_example_form.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _home(jixiao_home):
    return jixiao_home


@pytest.mark.parametrize("form_id", form_ids())
def test_shipped_form_round_trips(form_id, tmp_path):
    path = tmp_path / f"{form_id}.xlsx"
    write_workbook(read_source(form_id), path)
    assert dumps(build_workbook(path)) == dumps(read_source(form_id))


@pytest.mark.parametrize("form_id", form_ids())
def test_dump_command_prints_the_same_for_id_and_workbook(form_id, tmp_path, capsys):
    path = tmp_path / "表单.xlsx"
    assert main(["form", "workbook", form_id, "-o", str(path)]) == 0
    capsys.readouterr()
    assert main(["form", "dump", form_id]) == 0
    from_id = capsys.readouterr().out
    assert main(["form", "dump", str(path)]) == 0
    assert capsys.readouterr().out == from_id
    json.loads(from_id)


def test_canonical_dump_ignores_defaults_and_key_order():
    a = {"id": "x", "version": "1", "title": "t", "sections": [
        {"id": "s", "fields": [{"id": "a", "label": "甲", "type": "amount", "unit": "万元", "required": False}]}]}
    b = {"title": "t", "version": "1", "id": "x", "checks": [], "orientation": "portrait", "sections": [
        {"kind": "fields", "fields": [{"label": "甲", "id": "a", "type": "amount", "width": 1.0}], "id": "s"}]}
    assert dumps(a) == dumps(b)
    b["sections"][0]["fields"][0]["unit"] = "元"
    assert dumps(a) != dumps(b)


# ------------------------------------------------------------------ a misspelt workbook
def _edit(path, sheet, row, heading, value):
    wb = load_workbook(path)
    ws = wb[sheet]
    headings = [c.value for c in ws[1]]
    ws.cell(row=row, column=headings.index(heading) + 1, value=value)
    wb.save(path)


def _rename(path, old, new):
    wb = load_workbook(path)
    wb[old].title = new
    wb.save(path)


# (edit, expected (sheet, row, column heading, fragments))
MISSPELT = [
    (lambda p: _edit(p, S.FIELDS, 1, "提示", "提式"), (S.FIELDS, 1, "提式", ["不认识的列标题“提式”", "“提示”"])),
    (lambda p: _edit(p, S.FIELDS, 3, "分节", "haed"), (S.FIELDS, 3, "分节", ["“haed”", "“head”"])),
    (lambda p: _edit(p, S.FIELDS, 4, "类型", "金頞"), (S.FIELDS, 4, "类型", ["“金頞”", "“金额”"])),
    (lambda p: _edit(p, S.FIELDS, 2, "必填", "也许"), (S.FIELDS, 2, "必填", ["“也许”", "是 或 否"])),
    (lambda p: _edit(p, S.COLUMNS, 2, "表格", "compositon"), (S.COLUMNS, 2, "表格", ["“compositon”",
                                                                                   "“composition”"])),
    (lambda p: _edit(p, S.FORM_SHEET, 2, S.ITEM, "版木"), (S.FORM_SHEET, 2, S.ITEM, ["“版木”", "“版本”"])),
    (lambda p: _edit(p, S.TABLES, 2, "名称列", "nmae"), (S.TABLES, 2, "名称列", ["“nmae”", "“name”"])),
    (lambda p: _edit(p, S.CHECKS, 2, "级别", "严重"), (S.CHECKS, 2, "级别", ["“严重”", "错误 或 提示"])),
    (lambda p: _edit(p, S.SCORING, 2, S.ITEM, "类剔"), (S.SCORING, 2, S.ITEM, ["“类剔”", "“类别”"])),
    (lambda p: _edit(p, S.ROWS, 2, "合计哪些行", "全部数据"), None),  # read as a row id: the loader says so
]


@pytest.mark.parametrize("edit, expected", MISSPELT[:-1])
def test_misspelt_workbook_names_sheet_row_and_column(tmp_path, edit, expected):
    path = tmp_path / "拼错了.xlsx"
    write_workbook(read_source("suzhou-project-selfeval-2023"), path)
    edit(path)
    with pytest.raises(WorkbookProblems) as exc:
        build_workbook(path)
    sheet, row, column, fragments = expected
    problems = exc.value.problems
    found = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]
    assert found, f"no problem at {sheet} {row} {column}: {[str(p) for p in problems]}"
    text = str(found[0])
    assert text.startswith(f"工作表“{sheet}”第 {row} 行“{column}”列（")
    for fragment in fragments:
        assert fragment in text, text
    for p in problems:
        assert p.sheet and p.row and p.column and p.letter, str(p)


def test_every_problem_of_a_much_misspelt_workbook_is_listed(tmp_path):
    path = tmp_path / "拼错了.xlsx"
    write_workbook(read_source("suzhou-project-selfeval-2023"), path)
    for edit, _ in MISSPELT[:-1]:
        edit(path)
    _rename(path, S.CHOICES, "选相")
    with pytest.raises(WorkbookProblems) as exc:
        build_workbook(path)
    problems = exc.value.problems
    located = {(p.sheet, p.row, p.column) for p in problems}
    structural = [e for _, e in MISSPELT[:-1] if e[0] != S.TABLES]  # a reference is checked once rows are
    for sheet, row, column, _ in structural:
        assert (sheet, row, column) in located, [str(p) for p in problems]
    sheet_problem = [p for p in problems if p.sheet == "选相"]
    assert sheet_problem and "您是不是想写“选项”" in str(sheet_problem[0])
    assert exc.value.text.startswith("表单工作簿 拼错了.xlsx：共 ")
    for p in problems:
        assert p.sheet == "选相" or (p.row and p.column and p.letter), str(p)


FORMULA_CASES = [
    (S.FIELDS, "公式", "a_intial + b_adjust - c_allocated", ["a_intial", "您是不是想写“a_initial”"]),
    (S.CHECKS, "应满足", "composition[totl].budget = a_initial + b_adjust", ["composition[totl].budget",
                                                                               "“total”"]),
    (S.CHECKS, "标记在", "f_recoverd", ["f_recoverd", "“f_recovered”"]),
    (S.COLUMNS, "公式", "score(target, actual, wieght, cls)", ["wieght", "“weight”"]),
]


@pytest.mark.parametrize("sheet, heading, value, fragments", FORMULA_CASES)
def test_formula_problems_name_their_cell(tmp_path, sheet, heading, value, fragments):
    path = tmp_path / "公式.xlsx"
    write_workbook(read_source("suzhou-project-selfeval-2023"), path)
    wb = load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(heading) + 1
    headings = [c.value for c in ws[1]]
    own = headings.index(S.TABLE_REF) + 1 if sheet == S.CHECKS else None  # a check of the whole form
    row = next(r for r in range(2, ws.max_row + 1)
               if ws.cell(row=r, column=col).value and not (own and ws.cell(row=r, column=own).value))
    ws.cell(row=row, column=col, value=value)
    wb.save(path)
    with pytest.raises(WorkbookProblems) as exc:
        build_workbook(path)
    (p,) = exc.value.problems
    assert (p.sheet, p.row, p.column) == (sheet, row, heading)
    for fragment in fragments:
        assert fragment in str(p)


def test_build_command_lists_problems_and_exits_1(tmp_path, capsys):
    path = tmp_path / "坏.xlsx"
    write_workbook(read_source("suzhou-project-selfeval-2023"), path)
    _edit(path, S.FIELDS, 3, "分节", "haed")
    out = tmp_path / "坏.json"
    assert main(["form", "build", str(path), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "工作表“字段”第 3 行“分节”列（A 列）" in err and "您是不是想写“head”" in err
    assert not out.exists()
    assert main(["form", "lint", str(path)]) == 1


def test_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "假的.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(WorkbookProblems) as exc:
        build_workbook(path)
    assert "不是 Excel 工作簿" in exc.value.text


def test_build_writes_json_that_loads(tmp_path, capsys):
    path = tmp_path / "表单.xlsx"
    write_workbook(read_source("shenzhen-project-selfeval-2021"), path)
    out = tmp_path / "定义.json"
    assert main(["form", "build", str(path), "-o", str(out)]) == 0
    assert main(["form", "lint", str(out)]) == 0
    assert "没有问题" in capsys.readouterr().out


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = tmp_path / "表单.xlsx"
    write_workbook(read_source("suzhou-project-selfeval-2023"), path)
    wb = load_workbook(path)
    texts = [c.value for row in wb[S.INITIAL].iter_rows() for c in row]
    assert "=100%" in texts  # written as text, not as an Excel formula


# ------------------------------------------------------------------ the docs' example
def test_docs_example_builds_and_loads(tmp_path):
    path = _tool().docs_workbook(tmp_path / "示例.xlsx")
    data = build_workbook(path)
    form = parse_definition(data, "示例.json")
    assert form.tables["ind"].fixed("total").summary
    assert form.checks and form.tables["ind"].row_checks and form.rules.name == "national"
    state = DocumentState.new(form)
    assert state.parts[0].value("ind/total/weight") is not None or True


def test_shipped_example_is_the_docs_example(tmp_path):
    built = _tool().docs_workbook(tmp_path / "示例.xlsx")
    assert dumps(build_workbook(EXAMPLE)) == dumps(build_workbook(built))


def test_docs_column_tables_match_the_sheets():
    """docs/form-workbook.md names every heading of every sheet and every 表单 item."""
    text = (ROOT / "docs" / "form-workbook.md").read_text(encoding="utf-8")
    sheets = _tool().doc_sheets(text, marker="columns")
    items = {row[0] for row in sheets.pop("表单items")[1:]}
    assert items == set(S.form_items())
    scoring = {row[0] for row in sheets.pop(S.SCORING)[1:]}
    assert scoring == set(S.scoring_items())
    for name, rows in sheets.items():
        documented = {h.strip() for row in rows[1:] for h in row[0].replace(" / ", ",").split(",")}
        wanted = {c.heading for c in S.SHEETS[name]}
        if name == S.FIELDS:
            wanted |= {S.TABLE_REF}
        assert documented == wanted, (name, documented ^ wanted)


def test_written_workbook_offers_the_words_a_column_takes(tmp_path):
    path = tmp_path / "表单.xlsx"
    write_workbook(read_source("suzhou-project-selfeval-2023"), path)
    ws = load_workbook(path)[S.FIELDS]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    headings = [c.value for c in ws[1]]
    letter = lambda h: ws.cell(row=2, column=headings.index(h) + 1).column_letter  # noqa: E731
    assert "金额" in lists[f"{letter('类型')}2"] and lists[f"{letter('必填')}2"] == '"是,否"'


def test_building_leaves_the_received_file_and_its_folder_untouched(tmp_path):
    folder = tmp_path / "收到的"
    folder.mkdir()
    path = folder / "外单位表单.xlsx"
    write_workbook(read_source("shanghai-project-goals-2020"), path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    build_workbook(path)
    assert main(["form", "lint", str(path)]) == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_null_for_a_key_without_default_dumps_as_absent():
    a = {"id": "x", "version": "1", "title": "t", "sections": [
        {"kind": "table", "id": "t1", "repeat": True, "columns": [{"id": "c", "label": "列"}]}]}
    b = copy.deepcopy(a)
    b["sections"][0].update(label_column=None, header=None)
    assert dumps(a) == dumps(b)
