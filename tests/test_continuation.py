"""申报表 → 自评表: a national 自评表 (F) made from a 申报表 (G) arrives with 项目名称, units, money and every
年度 indicator with its target; the source is only read; the mapping lives in the definition."""
from __future__ import annotations

import copy
import hashlib
import json

import pytest

from desktop.cli import main
from desktop.core.catalog import all_forms, forms_dir, load_form, load_sample
from desktop.core.continuation import continue_document, continuing_forms, pick_target
from desktop.core.definition import parse_definition
from desktop.core.engine import DocumentState
from desktop.core.errors import DefinitionError, DocumentError

G, F = "national-project-declare", "national-project-selfeval"


def _declare() -> DocumentState:
    return DocumentState(load_form(G), load_sample(G))


def _continued() -> DocumentState:
    made = continue_document(_declare(), load_form(F))
    return DocumentState(load_form(F), made.document)


def test_the_selfeval_continues_the_declaration():
    assert [f.id for f in continuing_forms(G, all_forms())] == [F]
    assert pick_target(load_form(G), all_forms()).id == F


def test_header_money_and_goal_arrive_filled():
    ps = _continued().parts[0]
    assert ps.raw("project_name") == "农村饮水安全工程维修养护项目"
    assert ps.raw("department") == "示范县水利局"
    assert ps.raw("implementer") == "示范县农村供水管理站"
    assert ps.raw("year") == "2022"
    assert ps.raw("money_unit") == "万元"
    assert ps.raw("funds/current/initial") == "120"  # G's 财政拨款 → F's 年初预算数
    assert ps.text("funds/total/initial") == "120.00"
    assert ps.raw("goals/goal/expected").startswith("完成全县45处以上集中供水工程维修养护")


def test_every_annual_indicator_arrives_with_its_target():
    src = _declare().parts[0]
    ps = _continued().parts[0]
    expected = [(src.raw(f"annual_indicators/{r}/level1"), src.raw(f"annual_indicators/{r}/level2"),
                 src.raw(f"annual_indicators/{r}/content"), src.raw(f"annual_indicators/{r}/value"))
                for r in src.data_rows("annual_indicators")]
    got = [(ps.raw(f"indicators/{r}/level1"), ps.raw(f"indicators/{r}/level2"), ps.raw(f"indicators/{r}/name"),
            ps.raw(f"indicators/{r}/target")) for r in ps.data_rows("indicators")]
    assert got == expected and len(got) == 9
    assert ("产出指标", "数量指标", "维修养护集中供水工程数量", "≥45个") in got
    # the long-term indicators are not this year's: they stay in the 申报表
    assert not any(name == "累计维修养护集中供水工程" for _, _, name, _ in got)
    # actuals, weights and reasons are the clerk's to add
    assert all(not ps.raw(f"indicators/{r}/actual") and not ps.raw(f"indicators/{r}/weight")
               for r in ps.data_rows("indicators"))


def test_the_clerk_adds_actuals_and_the_form_scores():
    ps = _continued().parts[0]
    r = ps.data_rows("indicators")[0]  # ≥45个
    ps.set_value(f"indicators/{r}/weight", "15")
    ps.set_value(f"indicators/{r}/actual", "47个")
    assert ps.text(f"indicators/{r}/score") == "15.00"


def test_an_empty_source_table_leaves_the_skeleton_rows():
    src = _declare()
    src.parts[0].remove_rows("annual_indicators", src.parts[0].data_rows("annual_indicators"))
    made = continue_document(src, load_form(F))
    ps = DocumentState(load_form(F), made.document).parts[0]
    assert made.rows == 0
    assert len(ps.data_rows("indicators")) == len(load_form(F).tables["indicators"].initial_rows)


def test_a_form_that_does_not_continue_the_source_is_refused():
    with pytest.raises(DocumentError, match="不能由"):
        pick_target(load_form(G), all_forms(), "shenzhen-project-selfeval-2021")
    with pytest.raises(DocumentError, match="没有可由"):
        pick_target(load_form("suzhou-project-declare-2020"), all_forms())


def test_several_candidates_ask_for_a_choice():
    other = copy.deepcopy(json.loads((forms_dir() / "national_project_selfeval.json").read_text(encoding="utf-8")))
    other["id"] = "county-selfeval"
    forms = all_forms() + [parse_definition(other, "county.json")]
    with pytest.raises(DocumentError, match="--form"):
        pick_target(load_form(G), forms)
    assert pick_target(load_form(G), forms, "county-selfeval").id == "county-selfeval"


def _f_def() -> dict:
    return json.loads((forms_dir() / "national_project_selfeval.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, needle", [
    (lambda c: c["fields"].update(nowhere="project_name"), "nowhere"),
    (lambda c: c["fields"].update({"funds/total/initial": "money_fiscal"}), "funds/total/initial"),  # computed
    (lambda c: c.update(tabels=[]), "tabels"),
    (lambda c: c["tables"][0].update(to="goals"), "goals"),
    (lambda c: c["tables"][0]["columns"].update(score="value"), "score"),
])
def test_a_malformed_continues_block_is_refused_at_load(change, needle):
    data = _f_def()
    change(data["continues"])
    with pytest.raises(DefinitionError, match=needle):
        parse_definition(data, "f.json")


def test_a_mapping_naming_what_the_source_lacks_is_refused_when_used():
    data = _f_def()
    data["continues"]["fields"]["department"] = "dept_name"
    form = parse_definition(data, "f.json")
    with pytest.raises(DocumentError, match="dept_name"):
        continue_document(_declare(), form)


# ---------------------------------------------------------------------------------------
# the command line: jixiao continue 申报表.jxd -o 自评表.jxd [--form ID]
# ---------------------------------------------------------------------------------------


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_continue_makes_a_draft_and_leaves_the_source_alone(tmp_path, capsys):
    src = tmp_path / "申报表.jxd"
    assert main(["sample", G, "-o", str(src)]) == 0
    before = (_digest(src), sorted(p.name for p in tmp_path.iterdir()))
    out = tmp_path / "自评表.jxd"
    assert main(["continue", str(src), "-o", str(out), "--form", F]) == 0
    assert "9 行绩效指标" in capsys.readouterr().out
    assert _digest(src) == before[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before[1] + ["自评表.jxd"])
    out_json = tmp_path / "自评表.json"
    assert main(["export-json", str(out), "-o", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["form"] == F
    rows = data["parts"][0]["tables"]["indicators"]
    assert [r["target"] for r in rows][:3] == ["≥45个", "≥12公里", "≥95%"]


def test_cli_continue_refuses_to_overwrite(tmp_path, capsys):
    src = tmp_path / "申报表.json"
    assert main(["sample", G, "-o", str(src)]) == 0
    out = tmp_path / "已有.json"
    out.write_text("{}", encoding="utf-8")
    assert main(["continue", str(src), "-o", str(out)]) == 2
    assert "已经存在" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "{}"


def test_cli_continue_from_a_form_nothing_continues(tmp_path, capsys):
    src = tmp_path / "b.json"
    assert main(["sample", "suzhou-project-declare-2020", "-o", str(src)]) == 0
    assert main(["continue", str(src), "-o", str(tmp_path / "x.jxd")]) == 2
    assert "没有可由" in capsys.readouterr().err
