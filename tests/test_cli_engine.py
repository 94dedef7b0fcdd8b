"""The command line of the form engine: jixiao forms / sample / check [--json]."""
from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.core.catalog import form_ids, load_form


def test_forms_lists_ids_and_titles(capsys):
    assert main(["forms"]) == 0
    out = capsys.readouterr().out
    for fid in form_ids():
        assert fid in out
        assert load_form(fid).title in out
    assert "suzhou-project-selfeval-2023" in out


@pytest.mark.parametrize("form_id", form_ids())
def test_sample_writes_the_seed_data(tmp_path, capsys, form_id):
    out = tmp_path / f"{form_id}样例.json"
    assert main(["sample", form_id, "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["form"] == form_id
    assert data["version"] == load_form(form_id).version
    assert data["parts"]
    capsys.readouterr()


def test_sample_of_multi_part_forms_has_every_project(tmp_path, capsys):
    for form_id, n in (("shenzhen-project-selfeval-2021", 6), ("shanghai-project-goals-2020", 5)):
        if form_id not in form_ids():
            continue
        out = tmp_path / "s.json"
        assert main(["sample", form_id, "-o", str(out)]) == 0
        assert len(json.loads(out.read_text(encoding="utf-8"))["parts"]) == n
    capsys.readouterr()


def test_sample_of_an_unknown_form_fails_with_a_chinese_message(tmp_path, capsys):
    assert main(["sample", "no-such-form", "-o", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "未知的表单“no-such-form”" in err


def _sample(tmp_path, form_id="suzhou-project-selfeval-2023"):
    path = tmp_path / "自评表.json"
    assert main(["sample", form_id, "-o", str(path)]) == 0
    return path


def test_check_prints_computed_values_and_problems(tmp_path, capsys):
    path = _sample(tmp_path)
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "“指标结余数” = 265.92" in out
    assert "“资金结余、结转数” = 0.18" in out
    assert "“权重合计” = 80.00" in out
    assert "共 0 个错误，0 个提示" in out


def test_check_json(tmp_path, capsys):
    path = _sample(tmp_path)
    capsys.readouterr()
    assert main(["check", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["form"] == "suzhou-project-selfeval-2023"
    assert data["errors"] == 0 and data["warnings"] == 0
    (part,) = data["parts"]
    assert part["computed"]["quota_balance"] == "265.92"
    assert part["computed"]["total_score"] == "80.00"
    assert part["problems"] == []


def test_check_exits_1_when_there_is_an_error(tmp_path, capsys):
    path = _sample(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parts"][0]["fields"]["a_initial"] = "两千三百万"  # unreadable: kept, flagged, never zeroed
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "[错误] “年初预算数”：“两千三百万”不是有效的数字" in out
    assert "“指标结余数” = #" in out
    assert main(["check", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] >= 1
    (p,) = [p for p in report["parts"][0]["problems"] if p["address"] == "a_initial"]
    assert p["level"] == "error" and p["level_text"] == "错误" and p["check"] == "read"
    assert report["parts"][0]["computed"]["quota_balance"] == "#"


def test_check_warnings_only_exits_0(tmp_path, capsys):
    if "suzhou-dept-selfeval-2022" not in form_ids():
        pytest.skip("form A not shipped")
    path = _sample(tmp_path, "suzhou-dept-selfeval-2022")
    capsys.readouterr()
    assert main(["check", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 0 and report["warnings"] == 4
    checks = sorted(p["check"] for p in report["parts"][0]["problems"])
    assert checks == ["override", "override", "reason_needed", "reason_needed"]


def test_check_keeps_explanations(tmp_path, capsys):
    if "suzhou-dept-selfeval-2022" not in form_ids():
        pytest.skip("form A not shipped")
    path = _sample(tmp_path, "suzhou-dept-selfeval-2022")
    capsys.readouterr()
    main(["check", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    first = report["parts"][0]["problems"][0]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parts"][0]["explanations"][f"{first['check']}@{first['address']}"] = "按纸质原件填写"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "（说明：按纸质原件填写）" in capsys.readouterr().out


def test_check_multi_part_names_each_project(tmp_path, capsys):
    if "shenzhen-project-selfeval-2021" not in form_ids():
        pytest.skip("form C not shipped")
    path = _sample(tmp_path, "shenzhen-project-selfeval-2021")
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "== 项目1《深圳市文化广电旅游体育局信息化维护项目》 ==" in out
    assert out.count("== 项目") == 6


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "不是有效的 JSON"),
    ('{"parts": []}', "缺少 form"),
    ('{"form": "no-such-form", "parts": []}', "未知的表单"),
    ('{"form": "suzhou-project-selfeval-2023", "version": "9999.1", "parts": []}', "更新的表单定义版本"),
])
def test_check_refuses_bad_files_with_a_chinese_message(tmp_path, capsys, content, fragment):
    path = tmp_path / "坏文件.json"
    path.write_text(content, encoding="utf-8")
    assert main(["check", str(path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("错误：") and fragment in err


def test_check_missing_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "没有.json")]) == 3
    assert "文件不存在" in capsys.readouterr().err


def test_check_accepts_json_numbers_from_other_tools(tmp_path, capsys):
    path = _sample(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parts"][0]["fields"]["a_initial"] = 2343.7  # a JSON number, not text
    data["parts"][0]["fields"]["b_adjust"] = 0
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["parts"][0]["computed"]["quota_balance"] == "265.92"


def test_docs_interchange_example_is_a_valid_file(tmp_path, capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "interchange.md").read_text(encoding="utf-8")
    block = text.split("```json", 1)[1].split("```", 1)[0]
    path = tmp_path / "申报表.json"
    path.write_text(block, encoding="utf-8")
    assert main(["check", str(path), "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    computed = report["parts"][0]["computed"]
    assert computed["composition/total/amount"] == "134.55"
    assert computed["sources/total/plan"] == "134.55"
    assert computed["ly_arrival_rate"] == "100.00"


def test_unknown_ids_survive_a_round_trip(tmp_path, capsys):
    from desktop.core.interchange import dumps, read_json

    path = _sample(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parts"][0]["fields"]["from_a_newer_tool"] = "保留"
    data["parts"][0]["tables"]["unknown_table"] = [{"id": "x1", "c": "1"}]
    path.write_text("\ufeff" + json.dumps(data, ensure_ascii=False), encoding="utf-8")  # with a BOM
    doc = read_json(path)
    again = json.loads(dumps(doc))
    assert again["parts"][0]["fields"]["from_a_newer_tool"] == "保留"
    assert again["parts"][0]["tables"]["unknown_table"] == [{"id": "x1", "c": "1"}]
    capsys.readouterr()
    assert main(["check", str(path)]) == 0


# Row ids from a file are not trusted: '/' in one would break cell addresses, a repeated id or one
# equal to a fixed row's id would drop that row's numbers from the totals; such rows get new ids.
ROW_IDS = ()


@pytest.mark.parametrize("rows, total", [
    pytest.param([{"id": "a/b", "name": "甲", "budget": "5"}, {"id": "c2", "name": "乙", "budget": "2"}], "7.00",
                 marks=ROW_IDS),
    pytest.param([{"id": "c", "name": "甲", "budget": "1"}, {"id": "c", "name": "乙", "budget": "2"}], "3.00",
                 marks=ROW_IDS),
    pytest.param([{"id": "total", "name": "甲", "budget": "7"}], "7.00", marks=ROW_IDS),
    ([{"id": " ", "name": "甲", "budget": "4"}, {"id": "", "name": "乙", "budget": "4"}], "8.00"),
])
def test_hostile_row_ids_neither_crash_nor_lose_numbers(tmp_path, capsys, rows, total):
    path = _sample(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["parts"][0]["tables"]["composition"] = rows
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(path), "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert report["parts"][0]["computed"]["composition/total/budget"] == total
