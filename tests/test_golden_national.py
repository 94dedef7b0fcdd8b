"""Golden tests of the national forms F (项目支出绩效自评表) and G (项目支出绩效目标申报表): every computed
value and every check of FORMS.md F on the made-up sample and on hand-made cases."""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from desktop.core.catalog import forms_dir, load_form, load_sample
from desktop.core.definition import parse_definition
from desktop.core.document import Document
from desktop.core.engine import DocumentState
from desktop.export.printed import printed_value

F, G = "national-project-selfeval", "national-project-declare"


def f_state(form=None) -> DocumentState:
    form = form or load_form(F)
    doc = load_sample(F)
    doc.form_id = form.id
    return DocumentState(form, doc)


def rows(ps) -> dict[str, str]:
    return {ps.row_label("indicators", r): r for r in ps.data_rows("indicators")}


def checks(ps, level=None) -> list[str]:
    return sorted(p.check for p in ps.problems.values() if level is None or p.level == level)


def problem(ps, check):
    (p,) = [p for p in ps.problems.values() if p.check == check]
    return p


# ---------------------------------------------------------------------------------------
# F: the sample
# ---------------------------------------------------------------------------------------


def test_f_sample_meta_says_it_is_made_up():
    data = json.loads((forms_dir().parent / "samples" / f"{F}.json").read_text(encoding="utf-8"))
    assert "虚构" in data["meta"]["note"]


def test_f_sample_funds():
    ps = f_state().parts[0]
    assert [ps.text(f"funds/total/{c}") for c in ("initial", "budget", "spent", "weight", "rate", "score")] == \
        ["120.00", "140.00", "134.00", "10", "95.71%", "9.57"]
    assert ps.value("funds/total/rate") == D("0.9571")
    for row in ("current", "carryover", "other"):  # — in 分值 / 执行率 / 得分 of the rows below
        assert [ps.text(f"funds/{row}/{c}") for c in ("weight", "rate", "score")] == ["—", "—", "—"]
    assert ps.describe("funds/total/spent") == "“项目资金（万元）”“年度资金总额”行“全年执行数”"


F_SCORES = {
    "维修养护集中供水工程数量": "15.00",  # ≥45个, 47个: met
    "更换老旧供水管网长度": "9.50",  # ≥12公里, 11.4公里: 11.4 / 12 × 10
    "水质检测合格率": "10.00",
    "维修养护任务完成时间": "5.00",  # 2022年11月, done 2022年10月
    "单处工程平均维修成本": "10.00",  # ≤3万元, 2.8万元
    "受益农村人口": "10.00",
    "农村集中供水保证率": "10.00",
    "工程长效运行管护机制": "10.00",  # 健全 / 已建立并有效运行: met, no negation
    "受益群众满意度": "10.00",
}


def test_f_sample_indicator_scores_total_and_grade():
    ps = f_state().parts[0]
    assert {name: ps.text(f"indicators/{r}/score") for name, r in rows(ps).items()} == F_SCORES
    assert ps.text("indicators/total/weight") == "100"
    assert ps.text("indicators/total/score") == "99.07"  # 9.57 + 89.5
    assert ps.text("indicators/grade/score") == "优"
    assert ps.value("grade") == "优"
    assert not ps.problems, [ps.problem_text(p) for p in ps.problems.values()]


def test_f_sample_prints_subtitle_year_and_headings():
    state = f_state()
    ps = state.parts[0]
    assert ps.fill(state.form.subtitle) == "（2022年度）"
    assert ps.fill(state.form.tables["funds"].title) == "项目资金（万元）"


# ---------------------------------------------------------------------------------------
# F: the 执行率 score
# ---------------------------------------------------------------------------------------


def test_f_overspent_scores_10_and_gets_a_hint():
    ps = f_state().parts[0]
    ps.set_value("funds/current/spent", "130")  # 130 + 14.8 + 2.7 = 147.5 of 140
    assert ps.text("funds/total/rate") == "105.36%"
    assert ps.text("funds/total/score") == "10.00"  # never 10.54
    assert D(ps.text("indicators/total/score")) <= 100
    p = problem(ps, "overspent")
    assert p.level == "warning" and "147.50" in p.body and "140.00" in p.body


def test_f_underspent_scores_the_rate_and_below_80_percent_is_a_hint():
    ps = f_state().parts[0]
    ps.set_value("funds/current/spent", "90")  # 90 + 14.8 + 2.7 = 107.5 of 140
    assert ps.text("funds/total/rate") == "76.79%"
    assert ps.text("funds/total/score") == "7.68"
    assert problem(ps, "rate_low").level == "warning"
    # the indicators (89.5 of 90) now claim far more than the money shows
    p = problem(ps, "claims_more")
    assert p.level == "warning" and "76.79%" in p.body


def test_f_claims_more_than_the_money_fires_above_5_points_only():
    ps = f_state().parts[0]
    ps.set_value("funds/current/spent", "111")  # 128.5 / 140 = 91.79 %; indicators 99.44 %: 7.65 points
    assert "claims_more" in checks(ps)
    ps.set_value("funds/current/spent", "120")  # 137.5 / 140 = 98.21 %: 1.23 points
    assert "claims_more" not in checks(ps)


def test_f_negative_money_is_an_error():
    ps = f_state().parts[0]
    ps.set_value("funds/other/spent", "-2.7")
    p = [p for p in ps.errors if p.addr == "funds/other/spent"][0]
    assert p.check == "range" and "不能为负数" in p.body


# ---------------------------------------------------------------------------------------
# F: scoring one indicator
# ---------------------------------------------------------------------------------------


def _score(ps, name, target, actual, weight="10", reason="说明"):
    r = rows(ps)[name]
    ps.set_value(f"indicators/{r}/target", target)
    ps.set_value(f"indicators/{r}/actual", actual)
    ps.set_value(f"indicators/{r}/weight", weight)
    ps.set_value(f"indicators/{r}/reason", reason)
    return ps.text(f"indicators/{r}/score")


@pytest.mark.parametrize("target, actual, expected", [
    ("≥12公里", "12公里", "10.00"), ("≥12公里", "15公里", "10.00"), ("≥12公里", "9公里", "7.50"),  # 正向
    (">12公里", "12公里", "10.00"), ("≥95%", "85.5%", "9.00"),
    ("≤3万元", "2.5万元", "10.00"), ("≤3万元", "3.6万元", "8.00"), ("≤3万元", "4.5万元", "5.00"),  # 反向, variant 1
    ("≤3万元", "6万元", "0.00"), ("≤3万元", "9万元", "0.00"), ("≤3万元", "36000元", "8.00"),  # 元 → 万元
    ("=0次", "0次", "10.00"), ("=0次", "1次", "0.00"), ("=100%", "100%", "10.00"), ("=100%", "90%", "9.00"),  # 等于
    ("=100%", "120%", "10.00"),
])
def test_f_quantitative(target, actual, expected):
    ps = f_state().parts[0]
    assert _score(ps, "更换老旧供水管网长度", target, actual) == expected


def _with_scoring(**changes):
    data = json.loads((forms_dir() / "national_project_selfeval.json").read_text(encoding="utf-8"))
    data["scoring"].update(changes)
    return parse_definition(data, "national_project_selfeval.json")


@pytest.mark.parametrize("actual, linear, ratio", [("3.6万元", "8.00", "8.33"), ("4.5万元", "5.00", "6.67"),
                                                   ("6万元", "0.00", "5.00"), ("2万元", "10.00", "10.00")])
def test_f_lower_is_better_both_variants(actual, linear, ratio):
    assert _score(f_state().parts[0], "单处工程平均维修成本", "≤3万元", actual) == linear
    form = _with_scoring(lower_is_better="ratio")
    assert _score(f_state(form).parts[0], "单处工程平均维修成本", "≤3万元", actual) == ratio


@pytest.mark.parametrize("actual, expected, band", [
    ("达成年度指标", "10.00", "[8.00, 10.00]"),
    ("部分达成年度指标并具有一定效果", "7.99", "[6.00, 8.00)"),
    ("未达成年度指标且效果较差", "5.99", "[0.00, 6.00)"),
    ("部分达成", "7.99", "[6.00, 8.00)"),
    ("按时完成", "10.00", "[8.00, 10.00]"), ("符合", "10.00", "[8.00, 10.00]"),
    ("达成预期指标", "10.00", "[8.00, 10.00]"), ("效果明显", "10.00", "[8.00, 10.00]"),
    ("严格执行相关制度规定", "10.00", "[8.00, 10.00]"),  # the target's own words
])
def test_f_qualitative_grades(actual, expected, band):
    ps = f_state().parts[0]
    assert _score(ps, "工程长效运行管护机制", "严格执行相关制度规定", actual) == expected
    r = rows(ps)["工程长效运行管护机制"]
    assert ps.rule("band", [ps.value(f"indicators/{r}/target"), ps.value(f"indicators/{r}/actual"), D(10)]) == band


@pytest.mark.parametrize("actual", ["未按时完成", "没有达到", "部分完成", "尚未完成", "不符合", "略有改善"])
def test_f_negated_or_unknown_qualitative_actual_is_left_to_the_clerk(actual):
    ps = f_state().parts[0]
    assert _score(ps, "工程长效运行管护机制", "效果明显", actual) == ""
    p = problem(ps, "unscored")
    assert p.level == "error" and "手工" in p.body
    r = rows(ps)["工程长效运行管护机制"]
    ps.set_override(f"indicators/{r}/score", "6.5")
    assert "unscored" not in checks(ps)


def test_f_a_score_typed_outside_its_band_is_an_error_naming_the_band():
    ps = f_state().parts[0]
    _score(ps, "工程长效运行管护机制", "效果明显", "部分达成年度指标并具有一定效果", weight="8")
    r = rows(ps)["工程长效运行管护机制"]
    addr = f"indicators/{r}/score"
    assert ps.text(addr) == "6.39"  # the top of [4.80, 6.40)
    ps.set_override(addr, "6.4")
    p = problem(ps, "score_in_band")
    assert p.level == "error"
    assert "实际得分区间为 [4.80, 6.40)" in p.body and "部分达成年度指标并具有一定效果" in p.body
    ps.set_override(addr, "4.8")
    assert "score_in_band" not in checks(ps)
    ps.set_override(addr, "4.79")
    assert "score_in_band" in checks(ps)
    ps.set_value(f"indicators/{r}/actual", "达成年度指标")  # the band follows the grade: [6.40, 8.00]
    assert "实际得分区间为 [6.40, 8.00]" in problem(ps, "score_in_band").body


def test_f_no_score_above_its_weight():
    ps = f_state().parts[0]
    assert _score(ps, "受益群众满意度", "≥90%", "180%") == "10.00"
    r = rows(ps)["受益群众满意度"]
    ps.set_override(f"indicators/{r}/score", "11")
    assert problem(ps, "score_le_weight").level == "error"


def test_f_score_short_of_its_weight_needs_a_reason():
    ps = f_state().parts[0]
    r = rows(ps)["更换老旧供水管网长度"]
    assert "reason_needed" not in checks(ps)
    ps.set_value(f"indicators/{r}/reason", "")
    p = problem(ps, "reason_needed")
    assert p.level == "error" and p.addr.endswith("/reason")


def test_f_an_indicator_without_a_weight_or_score_is_an_error():
    ps = f_state().parts[0]
    r = rows(ps)["受益农村人口"]
    ps.set_value(f"indicators/{r}/weight", "")
    assert ("required", f"indicators/{r}/weight") in ps.problems


def test_f_level_pairs():
    ps = f_state().parts[0]
    r = rows(ps)["受益农村人口"]
    ps.set_value(f"indicators/{r}/level2", "数量指标")  # a 产出 pair under 效益指标
    assert problem(ps, "level_pair").level == "error"


def test_f_an_unreadable_quantitative_target_is_an_error():
    ps = f_state().parts[0]
    r = rows(ps)["受益农村人口"]
    ps.set_value(f"indicators/{r}/target", "≥三万人")
    p = [p for p in ps.errors if p.addr == f"indicators/{r}/target"][0]
    assert "不能读作指标值" in p.body


# ---------------------------------------------------------------------------------------
# F: weights, 不适用 rescaling, grades
# ---------------------------------------------------------------------------------------


def test_f_group_weights_and_total_other_than_the_template_are_hints():
    ps = f_state().parts[0]
    r = rows(ps)["维修养护集中供水工程数量"]
    ps.set_value(f"indicators/{r}/weight", "20")
    ps.set_value(f"indicators/{r}/reason", "")
    assert {c: problem(ps, c).level for c in ("weights_100", "output_50")} == \
        {"weights_100": "warning", "output_50": "warning"}
    assert "现为 105" in problem(ps, "weights_100").body and "为 55" in problem(ps, "output_50").body
    assert "outcome_30" not in checks(ps) and "satisfaction_10" not in checks(ps)
    r = rows(ps)["受益农村人口"]
    ps.set_value(f"indicators/{r}/weight", "5")  # 效益 25, 满意度 10
    assert "outcome_30" in checks(ps) and "weights_100" not in checks(ps)


def test_f_not_applicable_indicator_is_left_out_and_the_total_rescaled():
    ps = f_state().parts[0]
    r = rows(ps)["工程长效运行管护机制"]
    ps.set_value(f"indicators/{r}/actual", "不适用")
    assert ps.text(f"indicators/{r}/score") == ""
    assert not [p for p in ps.errors if p.addr.startswith(f"indicators/{r}/")]  # no 错误 for the row
    assert ps.value("na_weight") == 10
    assert ps.value("raw_score") == D("89.07")
    assert ps.text("indicators/total/score") == "98.97"  # 89.07 × 100 / 90
    assert ps.text("indicators/total/weight") == "100"
    r2 = rows(ps)["受益农村人口"]
    ps.set_value(f"indicators/{r2}/target", "不适用")
    assert ps.text("indicators/total/score") == "98.84"  # 79.07 × 100 / 80


@pytest.mark.parametrize("spent, satisfaction, grade", [("134", "93%", "优"), ("134", "0%", "良"), ("60", "50%", "良")])
def test_f_total_and_grade_follow(spent, satisfaction, grade):
    ps = f_state().parts[0]
    ps.set_value("funds/current/spent", str(D(spent) - D("17.5")))
    r = rows(ps)["受益群众满意度"]
    ps.set_value(f"indicators/{r}/actual", satisfaction)
    ps.set_value(f"indicators/{r}/reason", "原因")
    total = ps.value("total_score")
    assert total == ps.value("raw_score") and ps.text("indicators/grade/score") == grade
    assert ps.rule("qgrade", ["效果明显", "按时完成"]) == "达成年度指标"


@pytest.mark.parametrize("total, grade", [("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"), ("60", "中"),
                                          ("59.99", "差")])
def test_f_grades(total, grade):
    assert load_form(F).rules.grade(D(total)) == grade


# ---------------------------------------------------------------------------------------
# F: 元 and 万元 documents
# ---------------------------------------------------------------------------------------


def test_f_yuan_document_heading_and_reading():
    ps = f_state().parts[0]
    ps.set_value("money_unit", "元")
    assert ps.fill(load_form(F).tables["funds"].title) == "项目资金（元）"
    assert ps.describe("funds/current/budget") == "“项目资金（元）”“其中：当年财政拨款”行“全年预算数”"
    for row, (budget, spent) in {"current": ("1200000", "1165000"), "carryover": ("150000", "148000"),
                                 "other": ("50000", "27000")}.items():
        ps.set_value(f"funds/{row}/budget", budget)
        ps.set_value(f"funds/{row}/spent", spent)
    ps.set_value("funds/current/initial", "120万元")  # typed in 万元 into a 元 document: converted
    assert ps.value("funds/current/initial") == 1200000
    assert ps.text("funds/total/budget") == "1400000.00"
    assert ps.text("funds/total/rate") == "95.71%" and ps.text("funds/total/score") == "9.57"
    ps.set_value("money_unit", "万元")  # back to 万元: 120万元 is 120 again
    assert ps.value("funds/current/initial") == 120


def test_f_wan_document_reads_yuan_typed_amounts():
    ps = f_state().parts[0]
    ps.set_value("funds/other/budget", "50000元")
    assert ps.value("funds/other/budget") == 5
    assert ps.text("funds/total/budget") == "140.00"


def test_f_new_document_starts_in_wan_with_the_template_rows():
    state = DocumentState.new(load_form(F))
    ps = state.parts[0]
    assert ps.raw("money_unit") == "万元"
    assert [(ps.raw(f"indicators/{r}/level1"), ps.raw(f"indicators/{r}/level2"))
            for r in ps.data_rows("indicators")][-1] == ("满意度指标", "服务对象满意度指标")
    assert ps.text("funds/total/weight") == "10"


# ---------------------------------------------------------------------------------------
# G: the 申报表
# ---------------------------------------------------------------------------------------


def g_state() -> DocumentState:
    return DocumentState(load_form(G), load_sample(G))


def test_g_sample():
    state = g_state()
    ps = state.parts[0]
    assert ps.text("money_total") == "125.00"  # 120 + (blank) + 5
    assert ps.fill(state.form.subtitle) == "（2022年度）"
    assert printed_value(ps, state.form.fields["project_kind"], "project_kind") == "新增项目☐  延续项目☑"
    assert len(ps.data_rows("annual_indicators")) == 9 and len(ps.data_rows("long_indicators")) == 4
    assert not ps.problems, [ps.problem_text(p) for p in ps.problems.values()]
    data = json.loads((forms_dir().parent / "samples" / f"{G}.json").read_text(encoding="utf-8"))
    assert "虚构" in data["meta"]["note"]


def test_g_money_total_follows_and_negative_money_is_an_error():
    ps = g_state().parts[0]
    ps.set_value("money_own", "30.5")
    assert ps.text("money_total") == "155.50"
    ps.set_value("money_other", "-5")
    assert [p for p in ps.errors if p.addr == "money_other" and p.check == "range"]


def test_g_project_end_before_start_is_an_error():
    ps = g_state().parts[0]
    ps.set_value("end_date", "2021年12月")
    p = problem(ps, "dates_order")
    assert p.level == "error" and "早于" in p.body


def test_g_schedule_completion_before_start_is_an_error():
    ps = g_state().parts[0]
    r = ps.data_rows("schedule")[1]
    ps.set_value(f"schedule/{r}/end", "2022年2月")
    p = problem(ps, "schedule_order")
    assert p.level == "error" and p.addr == f"schedule/{r}/end"
    assert ps.problem_text(p).startswith("“项目实施进度计划”第2行（集中供水工程维修养护、更换老旧管网）“完成时间”")
    ps.set_value(f"schedule/{r}/end", "2022年3月")  # a month's completion runs to its end
    assert "schedule_order" not in checks(ps)


@pytest.mark.parametrize("value, ok", [("≥50个", True), ("≤90万元", True), ("=100%", True), ("≥100百分比", True),
                                       ("<2小时", True), ("≥300户", True), ("效果明显", True), ("2022年11月", True),
                                       ("高于全县平均水平", True), ("≥五十个", False), ("≥", False),
                                       ("不低于9成", False)])
def test_g_every_indicator_value_reads_as_a_target_or_a_qualitative_phrase(value, ok):
    ps = g_state().parts[0]
    for table in ("annual_indicators", "long_indicators"):
        r = ps.data_rows(table)[0]
        ps.set_value(f"{table}/{r}/value", value)
        bad = [p for p in ps.errors if p.addr == f"{table}/{r}/value"]
        assert (not bad) is ok, (value, bad)


def test_g_level_pairs_and_new_document_skeleton():
    ps = g_state().parts[0]
    r = ps.data_rows("long_indicators")[0]
    ps.set_value(f"long_indicators/{r}/level2", "服务对象满意度指标")
    assert problem(ps, "level_pair").level == "error"
    new = DocumentState(load_form(G), Document(G, load_form(G).version)).parts[0]
    assert len(new.data_rows("annual_indicators")) == 9


# ---------------------------------------------------------------------------------------
# the scoring block's keys are checked when the definition loads
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("changes, needle", [
    ({"clases": {}}, "不认识的键“clases”"),
    ({"lower_is_better": "inverse"}, "lower_is_better"),
    ({"places": "two"}, "places"),
    ({"bands": [{"name": "达成", "band": "80–100"}]}, "bands"),
    ({"bands": [{"name": "达成", "band": "[80, 100]", "words": []}]}, "不认识的键“words”"),
    ({"met_words": "完成"}, "met_words"),
    ({"negations": ["未", ""]}, "negations"),
])
def test_f_a_malformed_scoring_block_is_refused(changes, needle):
    from desktop.core.errors import DefinitionError

    with pytest.raises(DefinitionError) as exc:
        _with_scoring(**changes)
    assert needle in exc.value.text and "scoring" in exc.value.text


# ---------------------------------------------------------------------------------------
# the document's unit in the printed copies
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_f_pdf_and_workbook_headings_follow_the_document_unit(tmp_path, unit):
    from openpyxl import load_workbook

    from desktop.export.xlsx import export_xlsx
    from test_pdf_helpers import content_texts, export_bytes, squeeze

    state = f_state()
    state.parts[0].set_value("money_unit", unit)
    other = "元" if unit == "万元" else "万元"
    pages = "".join(squeeze(t) for t in content_texts(export_bytes(state)[0]))
    assert f"项目资金（{unit}）" in pages and f"项目资金（{other}）" not in pages
    assert "{money_unit}" not in pages
    export_xlsx(state, tmp_path / "f.xlsx")
    cells = [c.value for ws in load_workbook(tmp_path / "f.xlsx").worksheets if ws.sheet_state == "visible"
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert f"项目资金（{unit}）" in cells and not any("{money_unit}" in c for c in cells)
