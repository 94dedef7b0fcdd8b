"""Golden tests: each seed's own data reproduces every figure the seed prints.

Where a seed's numbers disagree with its own rules the engine says so, and these
tests assert that it does (they are not bent to the paper).
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState


def state_of(form_id: str) -> DocumentState:
    return DocumentState(load_form(form_id), load_sample(form_id))


def problems(ps, check=None, level=None):
    return [p for p in ps.problems.values() if (check is None or p.check == check)
            and (level is None or p.level == level)]


# ---------------------------------------------------------------------------------------
# E. 苏州市级财政支出项目绩效自评表 (2023) — seed 004
# ---------------------------------------------------------------------------------------

E = "suzhou-project-selfeval-2023"


@pytest.fixture(scope="module")
def e():
    return state_of(E).parts[0]


def test_e_budget_execution(e):
    # 指标结余数 = A + B − C: 2343.7 + 0 − 2077.78 = 265.92
    assert e.value("quota_balance") == D("265.92")
    assert e.text("quota_balance") == "265.92"
    assert e.text("c_allocated_again") == "2077.78"
    # 资金结余、结转数 = C − D = 2077.78 − 2077.6 = 0.18 = E + F = 0 + 0.18
    assert e.value("balance") == D("0.18")
    assert e.text("balance") == "0.18"
    assert not problems(e, "balance_parts")


def test_e_composition(e):
    assert e.value("composition/total/budget") == D("2343.7")
    assert e.text("composition/total/budget") == "2343.70"
    assert e.value("composition/total/actual") == D("2077.604168")  # the precision typed is kept
    assert e.text("composition/total/actual") == "2077.60"
    assert not problems(e, "composition_budget")  # 预算数 合计 = A + B
    assert not problems(e, "composition_actual")  # 实际数 合计 = D to 2 decimals


def test_e_weights(e):
    rows = e.data_rows("indicators")
    shared = [r for r in rows if e.raw(f"indicators/{r}/cls") in ("产出目标", "效益目标", "满意度目标")]
    common = [r for r in rows if r not in shared]
    assert len(shared) == 12 and len(common) == 11
    weights = [e.value(f"indicators/{r}/weight") for r in shared]
    assert weights.count(D("4.58")) == 11
    assert weights.count(D("4.62")) == 1
    assert sum(weights) == D("55")
    assert [e.text(f"indicators/{r}/weight") for r in shared].count("4.58") == 11
    assert sum(e.value(f"indicators/{r}/weight") for r in common) == 25
    assert e.value("weight_total") == 80
    assert e.text("weight_total") == "80.00"
    assert not problems(e, "weights_80") and not problems(e, "weights_25")


def test_e_scores(e):
    rows = e.data_rows("indicators")
    for r in rows:  # every indicator met: each scores its full weight
        assert e.value(f"indicators/{r}/score") == e.value(f"indicators/{r}/weight"), e.row_label("indicators", r)
    decision = [r for r in rows if e.raw(f"indicators/{r}/cls") == "决策目标"]
    process = [r for r in rows if e.raw(f"indicators/{r}/cls") == "过程目标"]
    assert sum(e.value(f"indicators/{r}/score") for r in decision) == 6
    assert sum(e.value(f"indicators/{r}/score") for r in process) == 19
    assert e.value("total_score") == 80  # 6 + 19 + 55
    assert e.text("total_score") == "80.00"


def test_e_lower_is_better_targets_are_met(e):
    rows = {e.row_label("indicators", r): r for r in e.data_rows("indicators")}
    for name in ("驻场运维周期", "基础云平台重大故障次数"):  # <=12个月 with 12; <=2次 with 0
        r = rows[name]
        assert e.value(f"indicators/{r}/score") == e.value(f"indicators/{r}/weight")


def test_e_has_no_problems(e):
    assert e.problems == {}


# ---------------------------------------------------------------------------------------
# C. 深圳 项目支出绩效自评表 (2021) — seed 002, six projects
# ---------------------------------------------------------------------------------------

C = "shenzhen-project-selfeval-2021"
C_TOTALS = ["97.9", "98", "100", "96", "96", "95.9"]
C_FUNDS = [  # 全年预算数, 全年执行数, 执行率, 得分
    ("685600", "679600", "0.99", "9.90"),
    ("75000", "75000", "1.00", "10.00"),
    ("264600", "264200", "1.00", "10.00"),
    ("79415", "79415", "1.00", "10.00"),
    ("98443", "98443", "1.00", "10.00"),
    ("580000", "576800", "0.99", "9.90"),
]
C_SATISFACTION = ["18.00", "18.00", "20.00", "16.00", "16.00", "16.00"]  # the seed prints 18.0; scores show 2 decimals (issue 11)


@pytest.fixture(scope="module")
def c():
    return state_of(C)


def test_c_has_six_projects(c):
    assert len(c.parts) == 6
    assert c.parts[0].name() == "深圳市文化广电旅游体育局信息化维护项目"


@pytest.mark.parametrize("i", range(6))
def test_c_totals(c, i):
    ps = c.parts[i]
    assert ps.value("total_score") == D(C_TOTALS[i])
    assert ps.value("total_weight") == 100
    assert D(ps.text("total_score")) == D(C_TOTALS[i])


@pytest.mark.parametrize("i", range(6))
def test_c_funds(c, i):
    ps = c.parts[i]
    budget, spent, rate, score = C_FUNDS[i]
    assert ps.value("funds/total/budget") == D(budget)
    assert ps.value("funds/total/spent") == D(spent)
    assert ps.text("funds/total/rate") == rate  # 执行率 rounded to 2 decimals
    assert ps.text("funds/total/score") == score  # 得分 = 分值 × 执行率
    assert ps.value("funds/total/weight") == 10
    assert ps.text("funds/current/weight") == "—"


@pytest.mark.parametrize("i", range(6))
def test_c_satisfaction(c, i):
    ps = c.parts[i]
    rows = [r for r in ps.data_rows("indicators") if ps.raw(f"indicators/{r}/level1").startswith("满意度")
            or "满意" in ps.raw(f"indicators/{r}/name")]
    assert rows
    assert ps.text(f"indicators/{rows[-1]}/score") == C_SATISFACTION[i]
    assert ps.value(f"indicators/{rows[-1]}/weight") == 20


def test_c_proportional_satisfaction(c):
    # 满意度 target 100%, actual 90%, 分值 20 → 18.0
    ps = c.parts[0]
    r = ps.data_rows("indicators")[-1]
    assert ps.raw(f"indicators/{r}/target").strip() == "100%"
    assert ps.raw(f"indicators/{r}/actual").strip() == "90%"
    assert ps.value(f"indicators/{r}/score") == 18


def test_c_checks_hold(c):
    for ps in c.parts:
        assert not ps.errors, [ps.problem_text(p) for p in ps.errors]
        for r in ps.data_rows("indicators"):
            score = ps.value(f"indicators/{r}/score")
            weight = ps.value(f"indicators/{r}/weight")
            assert score <= weight  # 得分 ≤ 分值
            if score < weight and weight:
                assert ps.raw(f"indicators/{r}/reason").strip()  # a 偏差原因分析 is written


def test_c_score_le_weight_is_checked(c):
    ps = c.parts[0]
    r = ps.data_rows("indicators")[0]
    ps.set_override(f"indicators/{r}/score", "99")
    try:
        assert [p for p in ps.errors if p.check == "score_le_weight"]
    finally:
        ps.set_override(f"indicators/{r}/score", None)
    assert not ps.errors


# ---------------------------------------------------------------------------------------
# B. 苏州 财政支出项目绩效目标申报表 (2020) — seed 001
# ---------------------------------------------------------------------------------------

B = "suzhou-project-declare-2020"


@pytest.fixture(scope="module")
def b():
    return state_of(B).parts[0]


def test_b_last_year_rates(b):
    assert b.value("ly_arrival_rate") == 1  # 45 / 45
    assert b.value("ly_exec_rate") == 1
    assert b.text("ly_arrival_rate") == "100.00"  # the column says （%）
    assert D(b.text("ly_exec_rate")) == 100  # the seed prints 100


def test_b_composition_and_sources(b):
    assert b.value("composition/total/amount") == D("134.55")  # 124.55 + 10.00
    assert b.text("composition/total/amount") == "134.55"
    assert b.value("sources/total/plan") == D("134.55")
    assert b.text("sources/total/plan") == "134.55"
    assert b.text("sources/total/total_invest") == "200.00"
    assert b.text("sources/total/last_year") == "45.00"
    assert not problems(b, "plan_equals_composition")  # 本年度计划数 合计 = 资金构成 合计


def test_b_plan_must_equal_composition(b):
    b.set_value("sources/city/plan", "130")
    try:
        (p,) = problems(b, "plan_equals_composition")
        assert p.level == "error"
        assert "134.55" in b.problem_text(p) and "130" in b.problem_text(p)
    finally:
        b.set_value("sources/city/plan", "134.55")
    assert not problems(b, "plan_equals_composition")


def test_b_has_no_problems(b):
    assert b.problems == {}


# ---------------------------------------------------------------------------------------
# A. 苏州 部门整体支出预算绩效自评报告 (2022) — seed 000
# ---------------------------------------------------------------------------------------

A = "suzhou-dept-selfeval-2022"


@pytest.fixture(scope="module")
def a():
    return state_of(A).parts[0]


def test_a_budget_totals(a):
    assert a.value("budget/basic/initial") == D("285.2")
    assert a.value("budget/project/initial") == D("151.31")
    assert a.value("budget/total/initial") == D("436.51")  # 285.2 + 151.31
    assert a.value("budget/total/change") == D("18.89")
    assert a.value("budget/total/adjusted") == D("455.4")  # 436.51 + 18.89
    assert a.text("budget/total/adjusted") == "455.40"
    assert a.value("budget/total/actual") == D("455.4")
    assert a.value("budget/total/rate") == 1
    assert a.text("budget/total/rate") == "100.00%"  # 455.4 / 455.4


def test_a_item_rows(a):
    rows = {a.row_label("budget", r): r for r in a.data_rows("budget")}
    r = rows["职工体检经费"]
    assert a.value(f"budget/{r}/change") == D("-0.36")  # typed '- .36'
    assert a.text(f"budget/{r}/adjusted") == "2.34"
    r = rows["党团活动经费"]
    assert a.text(f"budget/{r}/adjusted") == "0.16"
    for r in a.data_rows("budget"):
        assert a.text(f"budget/{r}/rate") == "100.00%"


def test_a_paper_figures_that_disagree_with_the_item_rows_are_kept_and_reported(a):
    # On paper 项目支出 has 追加追减数 blank and 实际支出数 151.31; its item rows add up to −1.40
    # and 149.91.  The sample keeps the paper's figures as overrides; the engine reports both.
    assert a.is_overridden("budget/project/change")
    assert a.is_overridden("budget/project/actual")
    assert a.value("budget/project/change") is None
    assert a.computed_value("budget/project/change") == D("-1.40")
    assert a.value("budget/project/actual") == D("151.31")
    assert a.computed_value("budget/project/actual") == D("149.91")
    assert a.text("budget/project/actual") == "151.31"  # printed as on paper
    differs = {p.addr: p for p in problems(a, "override")}
    assert set(differs) == {"budget/project/change", "budget/project/actual"}
    for p in differs.values():
        assert p.level == "warning" and p.level_text == "提示"
    assert "-1.40" in differs["budget/project/change"].body
    assert "151.31" in differs["budget/project/actual"].body and "149.91" in differs["budget/project/actual"].body
    assert "项目支出" in a.problem_text(differs["budget/project/actual"])


def test_a_deviation_without_reason_is_a_warning(a):
    warned = problems(a, "reason_needed")
    assert len(warned) == 2
    for p in warned:
        assert p.level == "warning"
        tid, rid, _ = p.addr.split("/")
        assert a.raw(f"{tid}/{rid}/deviation").strip() == "100%"
        assert not a.raw(f"{tid}/{rid}/reason").strip()
        assert a.row_label(tid, rid).startswith("对促进政务信息公开情况的影响")
        assert "原因分析" in a.problem_text(p)


def test_a_has_no_errors(a):
    assert not a.errors, [a.problem_text(p) for p in a.errors]
    assert len(a.warnings) == 4


# ---------------------------------------------------------------------------------------
# D. 上海 财政项目支出绩效目标表 (2020) — seed 003, five projects
# ---------------------------------------------------------------------------------------

D_ID = "shanghai-project-goals-2020"


def test_d_five_projects_and_their_targets():
    state = state_of(D_ID)
    assert len(state.parts) == 5
    for ps in state.parts:
        assert not ps.errors, [ps.problem_text(p) for p in ps.errors]
        assert ps.value("start_date") <= ps.value("end_date")
    ps = state.parts[0]
    targets = [ps.value(f"indicators/{r}/target") for r in ps.data_rows("indicators")]
    by_text = {t.text: t for t in targets}
    assert by_text[">=80分"].op == ">=" and by_text[">=80分"].number == 80 and by_text[">=80分"].unit == "分"
    assert not by_text["高于全市平均水平"].quantitative


def test_d_start_after_end_is_an_error():
    state = state_of(D_ID)
    ps = state.parts[2]
    ps.set_value("start_date", "2021年1月")
    (p,) = [p for p in ps.errors if p.check == "dates_order"]
    assert "日期" in ps.problem_text(p)


# ---------------------------------------------------------------------------------------
# every sample: no 错误
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", [A, B, C, D_ID, E])
def test_no_sample_has_an_error(form_id):
    state = state_of(form_id)
    assert not state.has_errors, [t for _, _, t in state.problem_lines()]


# ---------------------------------------------------------------------------------------
# the cross-field checks of the seeds fire when their rule is broken
# ---------------------------------------------------------------------------------------


def test_e_carry_plus_recovered_must_equal_the_balance():
    ps = state_of(E).parts[0]
    ps.set_value("f_recovered", "0.2")  # E + F = 0.2 ≠ C − D = 0.18
    (p,) = problems(ps, "balance_parts")
    assert p.level == "error"
    assert ps.problem_text(p) == "“其中：财政收回数”：结转数 0.00 + 财政收回数 0.20 应等于资金结余、结转数 0.18"


def test_e_composition_must_add_up_to_the_budget():
    ps = state_of(E).parts[0]
    rid = ps.data_rows("composition")[0]
    ps.set_value(f"composition/{rid}/budget", "300")
    (p,) = problems(ps, "composition_budget")
    assert "2351.70" in p.body and "2343.7" in p.body


def test_e_score_falling_short_is_scored_by_the_rules():
    ps = state_of(E).parts[0]
    rows = {ps.row_label("indicators", r): r for r in ps.data_rows("indicators")}
    r = rows["部门反馈满意度"]  # >=95%, weight 4.62 (满意度: outcome class)
    ps.set_value(f"indicators/{r}/actual", "90%")  # 94.7 % of the target: −5 % per point below 100 %
    assert ps.value(f"indicators/{r}/score") < D("4.62")
    assert ps.value("total_score") < 80


def test_c_a_score_short_of_its_weight_needs_a_reason():
    ps = state_of(C).parts[0]
    r = ps.data_rows("indicators")[-1]  # 满意度 18.0 of 20, with a reason on paper
    assert not problems(ps, "reason_needed")
    ps.set_value(f"indicators/{r}/reason", "")
    (p,) = problems(ps, "reason_needed")
    assert p.level in ("error", "warning") and p.addr.endswith("/reason")


def test_b_phone_must_be_a_phone_number():
    ps = state_of(B).parts[0]
    ps.set_value("phone", "6915956")  # 7 digits
    ps.set_value("phone", "691595")
    (p,) = [p for p in ps.errors if p.addr == "phone"]
    assert "电话号码" in p.body
    ps.set_value("phone", "０５１２－６９１５９５６２")
    assert not [p for p in ps.errors if p.addr == "phone"]


def test_a_month_end_date_is_the_whole_month():
    """计划完成日期 2021年12月 is not before a start on 2021-12-15; 2021年11月 is."""
    ps = DocumentState(load_form("shanghai-project-goals-2020"), load_sample("shanghai-project-goals-2020")).parts[0]
    ps.set_value("start_date", "2021-12-15")
    ps.set_value("end_date", "2021年12月")
    assert not [p for p in ps.errors if p.check == "dates_order"]
    ps.set_value("end_date", "2021年11月")
    assert [p for p in ps.errors if p.check == "dates_order"]
