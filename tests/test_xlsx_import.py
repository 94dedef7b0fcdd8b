"""Importing a clerk's own spreadsheet through a column mapping (window and ``jixiao import-xlsx``)."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.export.xlsx_import import (NotOwnExport, XlsxImportError, apply_mapping, guess_mapping,
                                        read_sheet_table, read_xlsx, sheet_names)

E = "suzhou-project-selfeval-2023"


def clerk_sheet(path, *, formula_text=False):
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws["A1"] = "2023年项目绩效指标（同事整理）"
    ws.merge_cells("A1:E1")
    ws.append(["类别", "指标名称", "目标值（单位）", "实际 完成值", "备注"])
    ws.append(["产出目标", "应用系统运营指数", ">=3 个", 3, "x"])
    ws.append([None, None, None, None, None])
    ws.append(["效益目标", "系统稳定性", "稳定", "稳定", None])
    ws.append(["决策目标", "立项程序规范性", "规范", "规范", None])  # an indicator already in the form
    ws.append(["满意度目标", "用户满意度", ">=95%", 0.96, None])
    ws.append(["", "合计", "", 100, ""])
    ws.append(["产出目标", "完成时间", "2023-12-31", dt.datetime(2023, 11, 30), None])
    if formula_text:
        ws.append(["产出目标", "=1+1", "=2", "@x", None])
    wb.create_sheet("第二页")["A1"] = "空"
    wb.save(path)
    return path


def test_read_sheet_table_finds_the_header(tmp_path):
    path = clerk_sheet(tmp_path / "同事的表.xlsx")
    table = read_sheet_table(path)
    headers, rows = table
    assert table.sheet == "指标" and table.header_row == 2
    assert headers == ["类别", "指标名称", "目标值（单位）", "实际完成值", "备注"]
    assert len(rows) == 6  # the blank row is left out
    assert rows[0]["实际完成值"] == "3"
    assert rows[5]["实际完成值"] == "2023-11-30"
    assert table.row_numbers[:2] == [3, 5]
    assert sheet_names(path) == ["指标", "第二页"]


def test_header_row_and_sheet_can_be_given(tmp_path):
    path = clerk_sheet(tmp_path / "t.xlsx")
    table = read_sheet_table(path, sheet="指标", header_row=3)
    assert table.headers[:2] == ["产出目标", "应用系统运营指数"]
    with pytest.raises(XlsxImportError) as err:
        read_sheet_table(path, sheet="不存在")
    assert "不存在" in err.value.text


def test_guess_mapping_by_similarity():
    table = load_form(E).table("indicators")
    mapping = guess_mapping(["类别", "指标名称", "目标值（单位）", "实际完成值", "备注"], table)
    assert mapping == {"类别": "cls", "指标名称": "name", "目标值（单位）": "target", "实际完成值": "actual"}
    # other wordings of the same columns
    m2 = guess_mapping(["三级指标", "指标值", "完成值", "分值"], table)
    assert m2["三级指标"] == "name" and m2["指标值"] == "target" and m2["完成值"] == "actual"
    assert m2["分值"] == "weight"  # weight is an input for 决策/过程 rows


def test_apply_mapping_merges_appends_and_skips(tmp_path):
    path = clerk_sheet(tmp_path / "t.xlsx")
    table = read_sheet_table(path)
    state = DocumentState.new(load_form(E))
    ps = state.parts[0]
    before = len(ps.data_rows("indicators"))
    mapping = guess_mapping(table.headers, state.form.table("indicators"))
    result = apply_mapping(ps, "indicators", mapping, table.rows, row_numbers=table.row_numbers)
    assert result.added == 4 and result.updated == 1 and result.skipped == 1
    assert any("第 8 行" in n and "合计" in n for n in result.notes)
    rows = ps.data_rows("indicators")
    assert len(rows) == before + 4
    names = [ps.raw(f"indicators/{r}/name") for r in rows]
    assert "应用系统运营指数" in names and "合计" not in names
    existing = rows[names.index("立项程序规范性")]
    assert ps.raw(f"indicators/{existing}/actual") == "规范"
    new = rows[names.index("用户满意度")]
    assert ps.raw(f"indicators/{new}/actual") == "0.96" and ps.raw(f"indicators/{new}/cls") == "满意度目标"


def test_apply_mapping_append_and_replace_modes(tmp_path):
    table = read_sheet_table(clerk_sheet(tmp_path / "t.xlsx"))
    state = DocumentState.new(load_form(E))
    ps = state.parts[0]
    mapping = guess_mapping(table.headers, state.form.table("indicators"))
    res = apply_mapping(ps, "indicators", mapping, table.rows, mode="replace")
    assert res.added == 5 and len(ps.data_rows("indicators")) == 5
    res = apply_mapping(ps, "indicators", mapping, table.rows, mode="append")
    assert len(ps.data_rows("indicators")) == 10


def test_apply_mapping_into_fixed_rows_by_label():
    state = DocumentState(load_form("shenzhen-project-selfeval-2021"), load_sample("shenzhen-project-selfeval-2021"))
    ps = state.parts[0]
    rows = [{"项目": "其中：当年财政拨款", "年初预算数": "1,000", "全年执行数": "900"},
            {"项目": "不存在的行", "年初预算数": "5"}]
    result = apply_mapping(ps, "funds", {"项目": "item", "年初预算数": "initial", "全年执行数": "spent"}, rows)
    assert result.updated == 1 and result.skipped == 1
    assert ps.raw("funds/current/initial") == "1,000"
    assert ps.raw("funds/current/spent") == "900"
    assert any("不存在的行" in n for n in result.notes)


def test_bad_values_are_kept_and_flagged(tmp_path):
    state = DocumentState.new(load_form(E))
    ps = state.parts[0]
    rows = [{"类别": "不是类别", "名称": "新指标", "目标": ">=3 个"}]
    apply_mapping(ps, "indicators", {"类别": "cls", "名称": "name", "目标": "target"}, rows)
    rid = ps.data_rows("indicators")[-1]
    assert ps.raw(f"indicators/{rid}/cls") == "不是类别"
    assert any(p.addr == f"indicators/{rid}/cls" for p in ps.errors)


def test_unknown_table_or_column_is_a_chinese_error():
    ps = DocumentState.new(load_form(E)).parts[0]
    with pytest.raises(XlsxImportError):
        apply_mapping(ps, "nope", {}, [])
    with pytest.raises(XlsxImportError) as err:
        apply_mapping(ps, "indicators", {"x": "nope"}, [])
    assert "nope" in err.value.text


def test_formula_like_cells_come_in_as_text(tmp_path):
    table = read_sheet_table(clerk_sheet(tmp_path / "t.xlsx", formula_text=True))
    last = table.rows[-1]
    # openpyxl wrote "=1+1" as a formula without a saved result: it reads as blank, never evaluated
    assert last["指标名称"] == "" and last["目标值（单位）"] == ""
    assert last["实际完成值"] == "@x"


def test_clerk_sheet_is_not_our_export(tmp_path):
    with pytest.raises(NotOwnExport):
        read_xlsx(clerk_sheet(tmp_path / "t.xlsx"))


def test_cli_import_with_a_map(tmp_path, capsys):
    from desktop.cli import main
    from desktop.commands import load_state

    path = clerk_sheet(tmp_path / "同事 的表.xlsx")
    out = tmp_path / "导入.json"
    code = main(["import-xlsx", str(path), "-o", str(out), "--form", E,
                 "--map", "类别=cls,指标名称=name，目标值（单位）=target,实际完成值=actual"])
    assert code == 0
    text = capsys.readouterr().out
    assert "新增 4 行，更新 1 行" in text
    ps = load_state(out).parts[0]
    assert "用户满意度" in [ps.raw(f"indicators/{r}/name") for r in ps.data_rows("indicators")]


def test_cli_import_guesses_the_map_and_into(tmp_path, capsys):
    from desktop.cli import main
    from desktop.commands import load_state, save_document

    into = tmp_path / "e.json"
    save_document(load_sample(E), into)
    out = tmp_path / "out.json"
    assert main(["import-xlsx", str(clerk_sheet(tmp_path / "t.xlsx")), "-o", str(out), "--into", str(into)]) == 0
    assert "导入到“项目绩效实现情况" in capsys.readouterr().out
    ps = load_state(out).parts[0]
    assert "应用系统运营指数" in [ps.raw(f"indicators/{r}/name") for r in ps.data_rows("indicators")]


def test_cli_import_needs_a_form_for_a_foreign_sheet(tmp_path, capsys):
    from desktop.cli import main

    code = main(["import-xlsx", str(clerk_sheet(tmp_path / "t.xlsx")), "-o", str(tmp_path / "o.json")])
    assert code == 2
    assert "--form" in capsys.readouterr().err


def test_cli_bad_map(tmp_path, capsys):
    from desktop.cli import main

    code = main(["import-xlsx", str(clerk_sheet(tmp_path / "t.xlsx")), "-o", str(tmp_path / "o.json"),
                 "--form", E, "--map", "没有这列=name"])
    assert code == 2 and "没有这些表头" in capsys.readouterr().err


def test_cli_import_errors_carry_their_code_and_a_suggestion(tmp_path):
    import argparse

    from desktop.core.errors import Code, JixiaoError
    from desktop.export_commands import cmd_import_xlsx, parse_map

    with pytest.raises(JixiaoError) as err:
        parse_map("指标名称")
    assert err.value.code is Code.CLI_MAP_ITEM and err.value.data == {"item": "指标名称"}
    assert "应写成 表头=列标识" in err.value.text
    args = argparse.Namespace(xlsx=str(clerk_sheet(tmp_path / "t.xlsx")), output=str(tmp_path / "o.json"),
                              form=E, map="指标明称=name", into=None)
    with pytest.raises(JixiaoError) as err:
        cmd_import_xlsx(args)
    assert err.value.code is Code.CLI_MISSING_HEADERS and err.value.data["missing"] == "指标明称"
    assert "您是不是想写“指标名称”" in err.value.text
    args.map = "指标名称=no_such_column"
    with pytest.raises(JixiaoError) as err:
        cmd_import_xlsx(args)
    assert err.value.code is Code.CLI_NO_TABLE and "no_such_column" in err.value.text
    assert not (tmp_path / "o.json").exists()


def test_the_cell_reader_gives_what_openpyxl_gives(tmp_path):
    """Only the cells present, but each with the value openpyxl's data_only reading gives."""
    from openpyxl import load_workbook

    from desktop.export.xlsx_safety import open_workbook, sheet_rows

    wb = Workbook()
    ws = wb.active
    ws.append(["文字", 12, 3.5, True, dt.datetime(2023, 11, 30, 8, 15), dt.date(2024, 1, 2), None, "=1+1"])
    ws["B3"] = -0.25
    ws["E3"] = 1e20
    ws["Z9"] = "远处"
    ws["C3"].number_format = "0.00%"
    path = tmp_path / "类型.xlsx"
    wb.save(path)
    ref = load_workbook(path, read_only=True, data_only=True).active
    expected = {}
    for row in ref.iter_rows():
        for c in row:
            if getattr(c, "value", None) is not None:
                expected[(c.row, c.column)] = c.value
    mine, _ = open_workbook(path)
    got = {(r, col): v for r, cells in sheet_rows(mine.active) for col, v in cells.items()}
    assert got == expected
    assert [r for r, _ in sheet_rows(mine.active)] == [1, 3, 9]  # the gaps are not made up
