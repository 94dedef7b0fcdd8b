"""No 得分 is ever above its 分值, in any rule set (issue 11): over-execution earns the full weight and a 提示;
an indicator the rules cannot score and nobody scored is an 错误 (it blocks a 正式版)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.core.scoring import RULES, make_rules

OVER = [  # targets met many times over, in every kind of target
    (">=100个", "300个"), ("=100%", "250%"), (">=95%", "120%"), ("≥50个", "51个"), ("<=2次", "0次"),
    ("满意", "120%"), ("规范", "规范"), ("2021年12月", "2021年1月"),
]


@pytest.mark.parametrize("rules", sorted(RULES))
@pytest.mark.parametrize("target, actual", OVER)
@pytest.mark.parametrize("weight", ["10", "4.62", "0.5", "4.625"])
def test_no_score_above_its_weight_in_any_rule_set(rules, target, actual, weight):
    got = make_rules({"rules": rules}).score([target, actual, D(weight), "产出指标"])
    assert got is not None and D(0) <= got <= D(weight)


@pytest.mark.parametrize("rules", sorted(RULES))
def test_a_weight_with_more_decimals_than_the_score_is_not_exceeded_by_rounding(rules):
    got = make_rules({"rules": rules, "places": 1}).score([">=1个", "1个", D("4.66")])
    assert got == D("4.6")  # not 4.7 (rounded up above the weight)


def test_shenzhen_overspent_project_scores_10_and_gets_a_hint():
    """全年执行数 above 全年预算数: 执行率 1.17 is shown, 得分 stays 10.00 of 10, 总分 ≤ 100, and a 提示 says so."""
    state = DocumentState(load_form("shenzhen-project-selfeval-2021"), load_sample("shenzhen-project-selfeval-2021"))
    ps = state.parts[1]  # 75000 / 75000 on paper, total 98
    before = ps.value("total_score")
    ps.set_value("funds/current/spent", str(ps.value("funds/current/spent") * D("1.17")))
    assert ps.text("funds/total/rate") == "1.17"
    assert ps.text("funds/total/score") == "10.00"
    assert ps.value("total_score") == before <= 100
    (hint,) = [p for p in ps.problems.values() if p.check == "spent_le_budget"]
    assert hint.level == "warning" and "超过全年预算数" in hint.body


def test_suzhou2023_over_executed_indicator_keeps_its_weight():
    state = DocumentState(load_form("suzhou-project-selfeval-2023"), load_sample("suzhou-project-selfeval-2023"))
    ps = state.parts[0]
    rows = {ps.row_label("indicators", r): r for r in ps.data_rows("indicators")}
    r = rows["预算执行率"]
    for actual in ("120%", "130%", "250%", "1000%"):
        ps.set_value(f"indicators/{r}/actual", actual)
        assert D(0) <= ps.value(f"indicators/{r}/score") <= ps.value(f"indicators/{r}/weight")
    assert ps.value("total_score") <= 80


@pytest.mark.parametrize("form_id", ["shenzhen-project-selfeval-2021", "suzhou-project-selfeval-2023"])
def test_an_indicator_left_without_a_score_is_an_error(form_id):
    state = DocumentState(load_form(form_id), load_sample(form_id))
    ps = state.parts[0]
    r = ps.data_rows("indicators")[-1]
    ps.set_value(f"indicators/{r}/actual", "略有提升")  # words the rules cannot score
    assert ps.value(f"indicators/{r}/score") is None
    (p,) = [p for p in ps.errors if p.check == "unscored"]
    assert p.addr == f"indicators/{r}/score" and "手工" in p.body
    ps.set_override(f"indicators/{r}/score", "1")  # the clerk scores it by hand
    assert not [p for p in ps.errors if p.check == "unscored"]
