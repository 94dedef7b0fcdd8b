"""Scoring rule sets: Suzhou 2023 bands, Shenzhen proportional, national (incl. 不适用 rescaling);
overrides of a computed score are kept and shown."""
from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest

from desktop.core.definition import parse_definition
from desktop.core.document import Document
from desktop.core.engine import DocumentState
from desktop.core.scoring import RULES, make_rules

SUZHOU = make_rules({"rules": "suzhou2023", "classes": {"产出目标": "output", "效益目标": "outcome",
                                                        "满意度目标": "outcome"}})
SHENZHEN = make_rules({"rules": "proportional"})
NATIONAL = make_rules({"rules": "national"})


def score(rules, target, actual, weight="10", cls="产出目标", reason=None):
    args = [target, actual, D(weight), cls] + ([reason] if reason is not None else [])
    return rules.score(args)


# ---------------------------------------------------------------------------------------
# Suzhou 2023 (the 填表说明 of seed E)
# ---------------------------------------------------------------------------------------

SUZHOU_CASES = [
    # 定量 产出: 100%–130% full; −5 % of the weight per point below 100 %; −1 % per point above 130 %
    (">=100个", "100个", "产出目标", "10.00"),
    (">=100个", "130个", "产出目标", "10.00"),
    (">=100个", "115个", "产出目标", "10.00"),
    (">=100个", "99个", "产出目标", "9.50"),
    (">=100个", "95个", "产出目标", "7.50"),
    (">=100个", "81个", "产出目标", "0.50"),
    (">=100个", "80个", "产出目标", "0.00"),
    (">=100个", "50个", "产出目标", "0.00"),  # never below 0
    (">=100个", "131个", "产出目标", "9.90"),
    (">=100个", "140个", "产出目标", "9.00"),
    (">=100个", "300个", "产出目标", "0.00"),
    ("=100%", "99%", "产出目标", "9.50"),
    ("=4 次", "4 次", "产出目标", "10.00"),
    # 定量 效益 (结果): 100%–200% full; −1 % per point above 200 %; −5 % per point below 100 %
    (">=100个", "200个", "效益目标", "10.00"),
    (">=100个", "150个", "效益目标", "10.00"),
    (">=100个", "210个", "效益目标", "9.00"),
    (">=100个", "90个", "效益目标", "5.00"),
    (">=99%", "99%", "效益目标", "10.00"),
    (">=95%", "95%", "满意度目标", "10.00"),
    # lower is better: met when actual ≤ target (seed: <=12 个月 with 12; <=2 次 with 0)
    ("<=12 个月", "12 个月", "产出目标", "10.00"),
    ("<=12 个月", "11 个月", "产出目标", "10.00"),
    ("<=2 次", "0 次", "效益目标", "10.00"),
    ("<2小时", "1.5小时", "产出目标", "10.00"),
    ("≤90万元", "100万元", "产出目标", "5.00"),  # 90 % of the way: −5 % × 10
    ("≤90万元", "900000元", "产出目标", "10.00"),  # 元 converted to 万元
    # 定性 grades 好/较好/一般/较差/差: 100/80/60/40/20 %
    ("好", "好", "产出目标", "10.00"),
    ("规范", "较好", "产出目标", "8.00"),
    ("规范", "一般", "产出目标", "6.00"),
    ("规范", "较差", "产出目标", "4.00"),
    ("规范", "差", "产出目标", "2.00"),
    ("规范", "规范", "产出目标", "10.00"),  # the actual is the target's own word
    ("稳定", "100%", "效益目标", "10.00"),  # seed E: qualitative target, actual 100%
    ("稳定", "90%", "效益目标", "9.00"),
    ("完善", "完成", "效益目标", "10.00"),
    # no value and no explanation: 0; 无 / 不适用: 0
    (">=95%", "", "产出目标", "0.00"),
    ("不适用", "", "产出目标", "0.00"),
    ("≥50个", "无", "产出目标", "0.00"),
    ("≥50个", "不适用", "产出目标", "0.00"),
]


@pytest.mark.parametrize("target, actual, cls, expected", SUZHOU_CASES)
def test_suzhou2023(target, actual, cls, expected):
    got = score(SUZHOU, target, actual, cls=cls)
    assert got == D(expected) and str(got) == expected


@pytest.mark.parametrize("weight, expected", [("4.58", "4.35"), ("4.62", "4.39"), ("1", "0.95"), ("8", "7.60")])
def test_suzhou_scores_round_half_up_to_2_places(weight, expected):
    assert str(score(SUZHOU, ">=100个", "99个", weight)) == expected  # 95 % of the weight


def test_suzhou_undecidable_is_left_blank():
    assert score(SUZHOU, ">=1个", "", reason="数据尚未统计") is None  # an explanation: the clerk scores
    assert score(SUZHOU, "高于全市平均水平", "略高") is None
    assert score(SUZHOU, "≥50个", "50次") is None  # other unit
    assert score(SUZHOU, "2021年12月", "2022年1月") is None  # a late deadline
    assert score(SUZHOU, "2021年12月", "2021年11月") == 10  # an early one
    assert score(SUZHOU, "2021年12月", "2021-12-15") == 10  # a month's deadline runs to its end
    assert score(SUZHOU, "2021年12月", "2021年12月") == 10
    assert score(SUZHOU, "2021-12-15", "2021-12-16") is None
    assert score(SUZHOU, "≤2021年12月", "2021-12-31") == 10


def test_weight_zero_or_missing():
    assert SUZHOU.score([">=1个", "1个", D(0), "产出目标"]) == 0
    assert SUZHOU.score([">=1个", "1个", None, "产出目标"]) is None


def test_unknown_class_scores_like_output():
    assert score(SUZHOU, ">=100个", "140个", cls="未知类") == 9


# ---------------------------------------------------------------------------------------
# Shenzhen (proportional)
# ---------------------------------------------------------------------------------------

SHENZHEN_CASES = [
    ("100%", "90%", "20", "18.00"),  # seed C: 满意度 target 100 %, actual 90 %, 分值 20 → 18.0
    ("100%", "80%", "20", "16.00"),
    ("满意", "90%", "20", "18.00"),  # a qualitative target answered with a percentage
    ("满意", "满意", "20", "20.00"),
    (">=100个", "95个", "10", "9.50"),
    (">=100个", "140个", "10", "10.00"),  # a met target earns the full weight, no more
    ("<=12个月", "15个月", "10", "7.50"),  # lower is better: linear to 0 at twice the target
    ("<=2次", "3次", "10", "5.00"),
    ("<=2次", "4次", "10", "0.00"),
    ("<=2次", "9次", "10", "0.00"),
    ("≤90万元", "100万元", "10", "8.89"),
    ("无", "无", "0", "0"),  # 无 / 不适用 with 分值 0
    ("不适用", "", "10", "0.00"),
]


@pytest.mark.parametrize("target, actual, weight, expected", SHENZHEN_CASES)
def test_shenzhen(target, actual, weight, expected):
    got = score(SHENZHEN, target, actual, weight)
    assert got == D(expected)


def test_shenzhen_execution_rate_rule():
    """执行率 = 全年执行数 / 全年预算数 rounded to 2 decimals; 得分 = 分值 × 执行率."""
    form = parse_definition({
        "id": "t-sz", "version": "1", "title": "资金",
        "sections": [{"id": "s", "kind": "fields", "fields": [
            {"id": "budget", "label": "全年预算数", "type": "amount", "unit": "元"},
            {"id": "spent", "label": "全年执行数", "type": "amount", "unit": "元"},
            {"id": "rate", "label": "执行率", "type": "number", "decimals": 2,
             "formula": "round(ratio(spent, budget), 2)"},
            {"id": "got", "label": "得分", "type": "number", "decimals": 2, "formula": "round(10 * rate, 2)"}]}],
    }, "sz.json")
    ps = DocumentState.new(form).parts[0]
    for budget, spent, rate, got in [("685600", "679600", "0.99", "9.90"), ("264600", "264200", "1.00", "10.00"),
                                     ("580000", "576800", "0.99", "9.90"), ("75000", "75000", "1.00", "10.00"),
                                     ("0", "0", "", "")]:
        ps.set_value("budget", budget)
        ps.set_value("spent", spent)
        assert (ps.text("rate"), ps.text("got")) == (rate, got)


# ---------------------------------------------------------------------------------------
# national rules: proportional, 定性 bands, grades, rescaling when indicators do not apply
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("actual, expected", [("达成年度指标", "10.00"), ("部分达成并具有一定效果", "7.99"),
                                              ("未达成且效果较差", "5.99"), ("部分达成", "7.99")])
def test_national_qualitative_bands(actual, expected):
    """The top of each band: 达成 [80 %, 100 %] → 10; 部分达成 [60 %, 80 %) and 未达成 [0, 60 %) exclude
    their upper limit, so the top is one hundredth below it (FORMS.md F)."""
    assert score(NATIONAL, "高于全市平均水平", actual) == D(expected)


@pytest.mark.parametrize("total, grade", [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"),
                                          ("79.9", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")])
def test_national_grades(total, grade):
    assert NATIONAL.grade(D(total)) == grade
    assert NATIONAL.grade(None) is None


NATIONAL_FORM = {
    "id": "t-national", "version": "1", "title": "全国通用模板",
    "scoring": {"rules": "national"},
    "sections": [
        {"kind": "table", "id": "ind", "title": "绩效指标", "repeat": True, "label_column": "name",
         "columns": [
             {"id": "cls", "label": "一级指标", "type": "text"},
             {"id": "name", "label": "三级指标", "type": "text"},
             {"id": "target", "label": "年度指标值", "type": "target"},
             {"id": "actual", "label": "实际完成值", "type": "actual"},
             {"id": "weight", "label": "分值", "type": "number"},
             {"id": "score", "label": "得分", "type": "number", "decimals": 2, "override": True,
              "formula": "if(target in ['不适用'], blank, score(target, actual, weight, cls))"},
         ]},
        {"id": "tot", "kind": "fields", "fields": [
            {"id": "applicable", "label": "适用分值", "type": "number",
             "formula": "sum(ind.weight, not (target in ['不适用']))"},
            {"id": "raw_total", "label": "得分合计", "type": "number", "decimals": 2, "formula": "sum(ind.score)"},
            {"id": "total", "label": "总分（折算为百分制）", "type": "number", "decimals": 2,
             "formula": "round(ratio(raw_total, applicable) * 100, 2)"},
            {"id": "grade", "label": "等级", "type": "text", "formula": "grade(total)"},
        ]},
    ],
}

NATIONAL_ROWS = [  # the national template: 预算执行率 10, 产出 50, 效益 30, 满意度 10
    {"cls": "预算执行", "name": "预算执行率", "target": "=100%", "actual": "95%", "weight": "10"},
    {"cls": "产出", "name": "培训人次", "target": "≥500人次", "actual": "500人次", "weight": "25"},
    {"cls": "产出", "name": "完成时限", "target": "2021年12月", "actual": "2021年11月", "weight": "25"},
    {"cls": "效益", "name": "社会效益", "target": "高于全市平均水平", "actual": "部分达成并具有一定效果", "weight": "20"},
    {"cls": "效益", "name": "生态效益", "target": "不适用", "actual": "", "weight": "10"},
    {"cls": "满意度", "name": "服务对象满意度", "target": "≥90%", "actual": "85%", "weight": "10"},
]


def _national_state():
    form = parse_definition(copy.deepcopy(NATIONAL_FORM), "national.json")
    state = DocumentState.new(form)
    for cells in NATIONAL_ROWS:
        state.parts[0].insert_row("ind", cells=cells)
    return state


def test_national_rescales_when_indicators_do_not_apply():
    ps = _national_state().parts[0]
    scores = [ps.value(f"ind/{r}/score") for r in ps.data_rows("ind")]
    # 9.5 + 25 + 25 + 15.99 (top of [60 %, 80 %) of 20) + (不适用) + 10 × 85/90
    assert scores == [D("9.50"), D("25.00"), D("25.00"), D("15.99"), None, D("9.44")]
    assert ps.value("applicable") == 90
    assert ps.value("raw_total") == D("84.93")
    assert ps.text("total") == "94.37"  # 84.93 / 90 × 100
    assert ps.value("grade") == "优"


def test_national_rescaling_follows_edits():
    ps = _national_state().parts[0]
    eco = ps.data_rows("ind")[4]
    ps.set_value(f"ind/{eco}/target", "≥10个")
    ps.set_value(f"ind/{eco}/actual", "5个")
    assert ps.value("applicable") == 100
    assert ps.value(f"ind/{eco}/score") == 5
    assert ps.text("total") == "89.93"
    assert ps.value("grade") == "良"


# ---------------------------------------------------------------------------------------
# overrides: a computed score typed over by hand is kept and shown as such
# ---------------------------------------------------------------------------------------


def test_score_override_is_kept_and_shown():
    state = _national_state()
    ps = state.parts[0]
    social = ps.data_rows("ind")[3]
    addr = f"ind/{social}/score"
    assert ps.overridable(addr)
    ps.set_override(addr, "14")  # the clerk's own figure inside the 60–80 % band
    assert ps.is_overridden(addr)
    assert ps.value(addr) == 14 and ps.computed_value(addr) == D("15.99")
    assert ps.text(addr) == "14.00"  # as typed, with the column's 2 decimals (a score)
    assert ps.value("raw_total") == D("82.94")  # the override counts in the totals
    (p,) = [p for p in ps.problems.values() if p.check == "override"]
    assert p.level_text == "提示" and p.addr == addr
    assert "14" in p.body and "15.99" in p.body
    assert "“绩效指标”第4行（社会效益）“得分”" in ps.problem_text(p)
    # kept in the document and through the JSON interchange
    data = state.doc.to_dict()
    assert data["parts"][0]["overrides"] == {addr: "14"}
    again = DocumentState(state.form, Document.from_dict(data)).parts[0]
    assert again.is_overridden(addr) and again.value(addr) == 14 and again.computed_value(addr) == D("15.99")
    # the inputs change: the override stays, the computed value follows
    ps.set_value(f"ind/{social}/actual", "达成年度指标")
    assert ps.value(addr) == 14 and ps.computed_value(addr) == 20
    # back to the computed value
    ps.set_override(addr, None)
    assert not ps.is_overridden(addr) and ps.value(addr) == 20
    assert not [p for p in ps.problems.values() if p.check == "override"]


def test_override_equal_to_the_computed_value_is_not_reported():
    ps = _national_state().parts[0]
    addr = f"ind/{ps.data_rows('ind')[1]}/score"
    ps.set_override(addr, "25")
    assert ps.is_overridden(addr)
    assert not [p for p in ps.problems.values() if p.check == "override"]


def test_rule_sets_are_chosen_by_name():
    assert set(RULES) >= {"suzhou2023", "proportional", "national"}
    assert make_rules(None).name == "proportional"
    with pytest.raises(ValueError):
        make_rules({"rules": "magic"})
