"""The engine: incremental recompute equals a fresh full recompute; only dependents are recomputed;
unreadable input is kept as typed, flagged and never zeroed."""
from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.errors import DefinitionError
from desktop.core.definition import parse_definition
from desktop.core.document import Document, Part
from desktop.core.engine import DocumentState, PartState, ReadOnlyCell
from desktop.core.expr import BAD

# ---------------------------------------------------------------------------------------
# an inline definition that exercises every kind of node
# ---------------------------------------------------------------------------------------

MIXED = {
    "id": "t-engine", "version": "1", "title": "引擎测试",
    "scoring": {"rules": "suzhou2023", "classes": {"产出": "output", "效益": "outcome"}},
    "sections": [
        {"id": "head", "kind": "fields", "fields": [
            {"id": "name", "label": "项目名称", "type": "text", "required": True},
            {"id": "a", "label": "年初预算数", "type": "amount", "required": True},
            {"id": "b", "label": "调整数", "type": "amount"},
            {"id": "ab", "label": "调整后预算", "type": "amount", "formula": "a + b", "override": True},
            {"id": "rate", "label": "执行率", "type": "percent", "formula": "ratio(src[total].plan, ab)"},
            {"id": "start", "label": "开始日期", "type": "date"},
            {"id": "end", "label": "完成日期", "type": "date"},
        ]},
        {"kind": "table", "id": "src", "title": "资金来源", "label_column": "item",
         "columns": [{"id": "item", "label": "项目", "type": "label"},
                     {"id": "plan", "label": "本年度计划数", "type": "amount"},
                     {"id": "score", "label": "分值", "type": "number"},
                     {"id": "got", "label": "得分", "type": "number", "decimals": 2, "override": True}],
         "rows": [{"id": "total", "label": "合计", "sum_rows": ["city", "own"], "total": True,
                   "cells": {"score": "10", "got": "round(score * ratio(plan, ab), 2)"}},
                  {"id": "city", "label": "市级财政资金", "cells": {"score": None, "got": None}},
                  {"id": "own", "label": "单位自筹", "cells": {"score": None, "got": None}}]},
        {"kind": "table", "id": "ind", "title": "绩效指标", "repeat": True, "label_column": "iname",
         "group_column": "cls",
         "columns": [{"id": "cls", "label": "类别", "type": "choice", "options": ["决策", "产出", "效益"]},
                     {"id": "iname", "label": "指标名称", "type": "text", "required": True},
                     {"id": "target", "label": "目标值", "type": "target"},
                     {"id": "weight", "label": "权重", "type": "number", "decimals": 2,
                      "formula": "share(55, cls in ['产出', '效益'])", "input_when": "cls = '决策'"},
                     {"id": "actual", "label": "实际完成值", "type": "actual"},
                     {"id": "score", "label": "得分", "type": "number", "decimals": 2, "override": True,
                      "formula": "score(target, actual, weight, cls)"},
                     {"id": "no", "label": "序号", "type": "integer", "formula": "rowno()"}],
         "initial_rows": [{"cls": "决策", "iname": "立项规范性", "target": "规范", "weight": "5"}],
         "row_checks": [{"id": "le", "assert": "score <= weight", "cell": "score", "message": "得分 {score} 超过 {weight}"},
                        {"id": "why", "level": "warning", "assert": "not isblank(actual)", "when": "not isblank(target)",
                         "cell": "actual", "message": "请填写实际完成值"}]},
        {"id": "tot", "kind": "fields", "fields": [
            {"id": "wsum", "label": "权重合计", "type": "number", "formula": "sum(ind.weight)"},
            {"id": "ssum", "label": "得分合计", "type": "number", "decimals": 2,
             "formula": "sum(ind.score) + src[total].got"},
            {"id": "n_out", "label": "产出指标数", "type": "integer", "formula": "count(ind, cls = '产出')"},
            {"id": "grade", "label": "等级", "type": "text", "formula": "grade(ssum)"},
        ]},
    ],
    "checks": [
        {"id": "plan_eq", "assert": "src[total].plan = ab", "cell": "src/total/plan",
         "message": "计划数合计 {src[total].plan} 应等于调整后预算 {ab}"},
        {"id": "dates", "assert": "start <= end", "when": "not isblank(start) and not isblank(end)", "cell": "end",
         "message": "开始日期应不晚于完成日期"},
        {"id": "w55", "level": "warning", "assert": "wsum <= 60", "cell": "wsum", "message": "权重合计 {wsum}"},
    ],
}

POOL = ["", " ", "0", "1", "5", "5.0", "10", "12.5", "-3", "- .36", ".16", "１２３，４５６．７８", "3,890,000", "99%",
        "100%", "2 个", "12万元", "abc", "NaN", "1e5", "--3", "🙂", "≥50个", "<=12 个月", "=100%", "规范", "好", "较好",
        "决策", "产出", "效益", "2021年12月", "2021-12-31", "2020.1", "不适用", "无", "9" * 30]


def mixed_form():
    return parse_definition(copy.deepcopy(MIXED), "mixed.json")


def fresh(state: DocumentState) -> DocumentState:
    return DocumentState(state.form, Document.from_dict(copy.deepcopy(state.doc.to_dict())))


def snapshot(ps: PartState) -> dict:
    out = {}
    for addr in ps.addresses():
        value = ps.value(addr)
        calc = ps.computed_value(addr)
        out[addr] = (ps.how(addr), _canon(value), _canon(calc), ps.text(addr))
    problems = {(p.check, p.addr): (p.level, p.body) for p in ps.problems.values()}
    return {"cells": out, "problems": problems}


def _canon(v):
    """Values compared by what they are (how they print is compared through text())."""
    if isinstance(v, D):
        return ("D", str(v.normalize()) if v else "0")
    if v is BAD:
        return ("BAD",)
    return (type(v).__name__, repr(v))


def assert_same_as_fresh(state: DocumentState) -> None:
    again = fresh(state)
    for i, (ps, fs) in enumerate(zip(state.parts, again.parts)):
        a, b = snapshot(ps), snapshot(fs)
        for addr in b["cells"]:
            assert a["cells"].get(addr) == b["cells"][addr], f"part {i} {addr}: incremental {a['cells'].get(addr)} " \
                                                             f"!= fresh {b['cells'][addr]}"
        assert a["problems"] == b["problems"], f"part {i}"


def test_fixed_row_cell_formula_follows_its_own_row():
    """得分 = 分值 × 执行率 on the 合计 row must follow 执行率 of the same row (seed C's 项目资金)."""
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    ps.set_value("a", "10")
    ps.set_value("src/city/plan", "10")
    assert ps.value("src/total/got") == 10
    ps.set_value("src/city/plan", "5")
    assert ps.value("src/total/got") == 5
    assert_same_as_fresh(state)


# ---------------------------------------------------------------------------------------
# random edit sequences (hypothesis)
# ---------------------------------------------------------------------------------------


def _apply_random_edit(data, ps: PartState) -> None:
    kind = data.draw(st.sampled_from(["value", "value", "value", "override", "insert", "remove", "move"]))
    form = ps.form
    repeat_tables = [t.id for t in form.tables.values() if t.repeat]
    if kind == "value":
        inputs = [a for a in ps.addresses() if ps.how(a) == "input"]
        if inputs:
            ps.set_value(data.draw(st.sampled_from(inputs)), data.draw(st.sampled_from(POOL)))
    elif kind == "override":
        cells = [a for a in ps.addresses() if ps.overridable(a) or ps.is_overridden(a)]
        if cells:
            addr = data.draw(st.sampled_from(cells))
            raw = data.draw(st.one_of(st.none(), st.sampled_from(POOL)))
            if raw is not None and not ps.overridable(addr):
                raw = None
            ps.set_override(addr, raw)
    elif repeat_tables:
        tid = data.draw(st.sampled_from(repeat_tables))
        rows = ps.data_rows(tid)
        table = form.tables[tid]
        if kind == "insert":
            cells = data.draw(st.dictionaries(st.sampled_from(table.column_ids), st.sampled_from(POOL), max_size=4))
            ps.insert_row(tid, data.draw(st.integers(0, len(rows))), cells)
        elif rows and kind == "remove":
            ps.remove_row(tid, data.draw(st.sampled_from(rows)))
        elif rows:
            ps.move_row(tid, data.draw(st.sampled_from(rows)), data.draw(st.integers(0, len(rows))))


EDITS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])


@EDITS
@given(st.data())
def test_incremental_equals_fresh_on_the_mixed_form(data):
    form = mixed_form()
    state = DocumentState.new(form)
    ps = state.parts[0]
    for _ in range(data.draw(st.integers(1, 25))):
        _apply_random_edit(data, ps)
    assert_same_as_fresh(state)


@pytest.mark.parametrize("form_id", form_ids())
def test_incremental_equals_fresh_on_each_seed_sample(form_id):
    form = load_form(form_id)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.data_too_large])
    @given(st.data())
    def run(data):
        state = DocumentState(form, load_sample(form_id))
        ps = state.parts[data.draw(st.integers(0, len(state.parts) - 1))]
        for _ in range(data.draw(st.integers(1, 15))):
            _apply_random_edit(data, ps)
        assert_same_as_fresh(state)

    run()


def test_each_sample_evaluates_the_same_twice():
    for form_id in form_ids():
        state = DocumentState(load_form(form_id), load_sample(form_id))
        assert_same_as_fresh(state)


def test_seed_c_funds_score_follows_an_edit():
    """C's 年度资金总额 得分 = round(分值 × 执行率, 2) is a fixed-row cell formula of its own row."""
    state = DocumentState(load_form("shenzhen-project-selfeval-2021"), load_sample("shenzhen-project-selfeval-2021"))
    ps = state.parts[1]
    assert ps.text("funds/total/score") == "10.00"
    ps.set_value("funds/current/spent", "67500")  # 67500 / 75000 = 0.90
    assert ps.text("funds/total/rate") == "0.90"
    assert ps.text("funds/total/score") == "9.00"
    assert ps.value("total_score") == D("97.0")
    ps.set_value("funds/current/budget", "")
    assert ps.text("funds/total/score") == ""
    assert_same_as_fresh(state)


def test_retyping_the_same_number_with_more_decimals_prints_as_typed():
    """5 then 5.0: equal Decimals, but the second prints (and propagates) as 5.0."""
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    ps.set_value("a", "5")
    ps.set_value("b", "1")
    ps.set_value("a", "5.000")
    assert ps.text("a") == "5.000"
    assert_same_as_fresh(state)


# ---------------------------------------------------------------------------------------
# only what depends on an edit is recomputed
# ---------------------------------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    calls: list[tuple] = []
    col, node = PartState._eval_column, PartState._eval_node

    def eval_column(self, n, rid, *args):
        calls.append((n.col, rid))
        return col(self, n, rid, *args)

    def eval_node(self, n, *args):
        calls.append((n.col, n.row))
        return node(self, n, *args)

    monkeypatch.setattr(PartState, "_eval_column", eval_column)
    monkeypatch.setattr(PartState, "_eval_node", eval_node)
    return calls


def _e_state():
    form = load_form("suzhou-project-selfeval-2023")
    return DocumentState(form, load_sample(form.id)).parts[0]


def test_editing_text_recomputes_nothing(counted):
    ps = _e_state()
    counted.clear()
    ps.set_value("project_name", "另一个项目")
    ps.set_value("overview", "新的概况")
    assert counted == []


def test_editing_a_field_recomputes_its_dependents_only(counted):
    ps = _e_state()
    counted.clear()
    ps.set_value("a_initial", "2400")
    assert counted == [("quota_balance", None)]
    assert ps.text("quota_balance") == "322.22"


def test_editing_one_cell_recomputes_that_row_only(counted):
    ps = _e_state()
    counted.clear()
    ps.set_value("indicators/i12/actual", "2 个")
    assert sorted(counted, key=str) == sorted([("score", "i12"), ("total_score", None)], key=str)
    assert ps.text("indicators/i12/score") != "4.58"


def test_editing_a_summed_cell_recomputes_the_sum_only(counted):
    ps = _e_state()
    counted.clear()
    ps.set_value("composition/c1/budget", "300")
    assert counted == [("budget", "total")]
    assert ps.text("composition/total/budget") == "2351.70"


def test_a_value_that_does_not_change_stops_the_wave(counted):
    ps = _e_state()
    counted.clear()
    ps.set_value("a_initial", "2343.7")  # the same as before
    ps.set_value("c_allocated", "2077.78")
    assert counted == []


def test_group_change_recomputes_the_shares(counted):
    ps = _e_state()
    counted.clear()
    ps.set_value("indicators/i12/cls", "效益目标")  # still in the 55 group: every weight is re-read
    assert ("weight", "i23") in counted
    assert ps.value("weight_total") == 80


def test_recompute_after_one_edit_touches_far_fewer_nodes_than_a_full_recompute(counted):
    ps = _e_state()
    counted.clear()
    ps.recompute_all()
    full = len(counted)
    counted.clear()
    ps.set_value("indicators/i20/actual", "98%")
    assert 0 < len(counted) <= 3 < full


# ---------------------------------------------------------------------------------------
# unreadable input: kept as typed, flagged, never zeroed
# ---------------------------------------------------------------------------------------

RUBBISH = ["abc", "🙂", "NaN", "Infinity", "1e5", "1,2", "--3", "12个", "\x07", "很长" * 300]


@pytest.mark.parametrize("raw", RUBBISH)
def test_rubbish_in_a_field_is_kept_flagged_and_never_zeroed(raw):
    state = DocumentState(load_form("suzhou-project-selfeval-2023"),
                          load_sample("suzhou-project-selfeval-2023"))
    ps = state.parts[0]
    ps.set_value("a_initial", raw)
    assert ps.raw("a_initial") == raw  # kept as typed
    assert state.doc.parts[0].fields["a_initial"] == raw  # in the document, so it is saved
    assert ps.value("a_initial") is BAD
    assert ps.text("a_initial") == raw.strip()
    assert ps.text("quota_balance") == "#"  # a total depending on it is not a wrong number
    errors = [p for p in ps.errors if p.addr == "a_initial"]
    assert errors and errors[0].check == "read" and errors[0].level_text == "错误"
    assert ps.problem_text(errors[0]).startswith("“年初预算数”：")
    assert state.has_errors
    # typing a good value again clears it
    ps.set_value("a_initial", "2343.7")
    assert not [p for p in ps.problems.values() if p.addr == "a_initial"]
    assert ps.text("quota_balance") == "265.92"


@pytest.mark.parametrize("raw", RUBBISH[:6])
def test_rubbish_in_a_table_row_names_the_row(raw):
    state = DocumentState(load_form("suzhou-project-selfeval-2023"),
                          load_sample("suzhou-project-selfeval-2023"))
    ps = state.parts[0]
    ps.set_value("composition/c3/actual", raw)
    assert ps.raw("composition/c3/actual") == raw
    assert ps.text("composition/total/actual") == "#"
    assert ps.value("composition/total/actual") is BAD
    (p,) = [p for p in ps.errors if p.addr == "composition/c3/actual"]
    text = ps.problem_text(p)
    assert "第3行" in text and "（应用系统运维）" in text  # the number the window shows (合计 is not counted) and "“实际数(万元)”" in text
    assert "不是有效的数字" in text
    # the total's check does not fire on a number it cannot compute
    assert not [q for q in ps.problems.values() if q.check == "composition_actual"]


def test_rubbish_survives_a_save_and_reload():
    state = DocumentState(load_form("suzhou-project-selfeval-2023"),
                          load_sample("suzhou-project-selfeval-2023"))
    state.parts[0].set_value("d_paid", "两千万")
    again = fresh(state)
    assert again.parts[0].raw("d_paid") == "两千万"
    assert again.parts[0].text("balance") == "#"
    assert [p.check for p in again.parts[0].errors if p.addr == "d_paid"] == ["read"]


def test_blank_required_is_an_error_but_blank_optional_is_not():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    assert ("required", "a") in ps.problems
    assert ("required", "b") not in ps.problems
    ps.set_value("a", "10")
    assert ("required", "a") not in ps.problems


def test_required_in_a_table_only_for_used_rows():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    rid = ps.insert_row("ind")
    assert ("required", f"ind/{rid}/iname") not in ps.problems
    ps.set_value(f"ind/{rid}/actual", "3")
    assert ("required", f"ind/{rid}/iname") in ps.problems
    ps.set_value(f"ind/{rid}/actual", "")
    assert ("required", f"ind/{rid}/iname") not in ps.problems


# ---------------------------------------------------------------------------------------
# cells, overrides and structure
# ---------------------------------------------------------------------------------------


def test_cell_kinds():
    ps = DocumentState.new(mixed_form()).parts[0]
    assert ps.how("a") == "input"
    assert ps.how("ab") == "computed"
    assert ps.how("src/total/item") == "label"
    assert ps.how("src/city/score") == "none"
    assert ps.text("src/city/score") == "—"
    assert ps.how("src/total/score") == "computed"
    assert ps.how("src/total/plan") == "computed"
    assert ps.how("src/city/plan") == "input"
    (rid,) = ps.data_rows("ind")
    assert ps.how(f"ind/{rid}/weight") == "input"  # 决策: typed
    ps.set_value(f"ind/{rid}/cls", "产出")
    assert ps.how(f"ind/{rid}/weight") == "computed"
    assert ps.value(f"ind/{rid}/weight") == 55
    with pytest.raises(ReadOnlyCell):
        ps.set_value("ab", "1")
    with pytest.raises(ReadOnlyCell):
        ps.set_value("src/total/item", "x")


def test_override_is_kept_shown_and_reported():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    ps.set_value("a", "10")
    ps.set_value("b", "2")
    assert ps.value("ab") == 12
    ps.set_override("ab", "15")
    assert ps.is_overridden("ab")
    assert ps.value("ab") == 15 and ps.computed_value("ab") == 12
    assert ps.text("ab") == "15.00"  # an amount prints at least 2 decimals
    (p,) = [p for p in ps.problems.values() if p.check == "override"]
    assert p.level == "warning" and "15" in p.body and "12.00" in p.body
    assert state.doc.parts[0].overrides == {"ab": "15"}
    ps.set_value("b", "5")  # now the computed value agrees
    assert ps.computed_value("ab") == 15
    assert not [p for p in ps.problems.values() if p.check == "override"]
    ps.set_value("b", "6")
    assert ps.value("ab") == 15 and ps.computed_value("ab") == 16
    ps.set_override("ab", None)
    assert not ps.is_overridden("ab") and ps.value("ab") == 16
    assert_same_as_fresh(state)
    with pytest.raises(ReadOnlyCell):
        ps.set_override("a", "1")


def test_override_feeds_dependents():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    ps.set_value("a", "10")
    ps.set_value("src/city/plan", "5")
    assert ps.value("rate") == D("0.5")
    ps.set_override("ab", "20")
    assert ps.value("rate") == D("0.25")
    assert_same_as_fresh(state)


def test_bad_override_is_flagged_and_kept():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    ps.set_value("a", "10")
    ps.set_override("ab", "很多")
    assert ps.value("ab") is BAD and ps.text("ab") == "很多"
    assert ("read", "ab") in ps.problems
    assert ps.text("rate") in ("#", "")
    assert_same_as_fresh(state)


def test_rows_insert_move_remove():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    r1 = ps.insert_row("ind", cells={"cls": "产出", "iname": "甲"})
    r2 = ps.insert_row("ind", cells={"cls": "产出", "iname": "乙"})
    r0 = ps.data_rows("ind")[0]
    assert ps.value(f"ind/{r2}/no") == 3
    ps.move_row("ind", r2, 0)
    assert ps.data_rows("ind") == [r2, r0, r1]
    assert ps.value(f"ind/{r2}/no") == 1
    assert ps.value(f"ind/{r1}/weight") == D("27.5")
    ps.remove_row("ind", r2)
    assert ps.value(f"ind/{r1}/weight") == 55
    assert ps.value("n_out") == 1
    assert not any(k[1].startswith(f"ind/{r2}/") for k in ps.problems)
    assert_same_as_fresh(state)
    with pytest.raises(ReadOnlyCell):
        ps.insert_row("src")


def test_describe_names_table_row_and_column():
    ps = _e_state()
    assert ps.describe("a_initial") == "“年初预算数”"
    assert ps.describe("indicators/i12/actual") == "“项目绩效实现情况(80分)”第12行（应用系统运营运维数）“实际完成值”"
    assert ps.describe("composition/total/budget") == "“项目资金构成(详细列出各子项目名称和金额)”“合计”行“预算数(万元)”"


def test_parts_add_remove_move():
    form = parse_definition({**copy.deepcopy(MIXED), "parts": {"label": "项目", "name_field": "name"}}, "m.json")
    state = DocumentState.new(form)
    state.parts[0].set_value("name", "甲项目")
    second = state.add_part()
    second.set_value("name", "乙项目")
    second.set_value("a", "abc")
    assert state.part_title(1) == "项目2《乙项目》"
    lines = state.problem_lines()
    assert any(text.startswith("项目2《乙项目》：“年初预算数”") for _, _, text in lines)
    state.move_part(1, 0)
    assert state.part_title(0) == "项目1《乙项目》"
    assert state.meta()["project"] == "乙项目、甲项目"
    state.remove_part(0)
    assert len(state.parts) == 1 and len(state.doc.parts) == 1
    with pytest.raises(ReadOnlyCell):
        state.remove_part(0)


def test_single_part_form_refuses_a_second_part():
    state = DocumentState.new(mixed_form())
    with pytest.raises(ReadOnlyCell):
        state.add_part()


def test_explanations_are_kept():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    key = ps.problems[("required", "a")].key
    ps.set_explanation(key, "待财政批复")
    assert state.doc.parts[0].explanations == {key: "待财政批复"}
    assert fresh(state).doc.parts[0].explanations == {key: "待财政批复"}
    ps.set_explanation(key, "  ")
    assert state.doc.parts[0].explanations == {}


def test_checks_with_when_and_placeholders():
    state = DocumentState.new(mixed_form())
    ps = state.parts[0]
    ps.set_value("start", "2021-12-31")
    assert ("dates", "end") not in ps.problems  # when: both dates given
    ps.set_value("end", "2021年6月")
    assert ps.problems[("dates", "end")].level == "error"
    ps.set_value("end", "2022.1")
    assert ("dates", "end") not in ps.problems
    ps.set_value("a", "10")
    ps.set_value("src/city/plan", "4")
    body = ps.problems[("plan_eq", "src/total/plan")].body
    assert body == "计划数合计 4.00 应等于调整后预算 10.00"  # placeholders print like the cells
    assert_same_as_fresh(state)


def test_min_max_and_default():
    form = parse_definition({
        "id": "t-range", "version": "1", "title": "范围",
        "sections": [{"id": "s", "kind": "fields", "fields": [
            {"id": "weight", "label": "分值", "type": "number", "min": 0, "max": 100},
            {"id": "unit", "label": "单位", "type": "text", "default": "苏州市体育信息中心"}]}],
    }, "range.json")
    state = DocumentState.new(form)
    ps = state.parts[0]
    assert ps.raw("unit") == "苏州市体育信息中心"  # the default is put into a new document
    ps.set_value("weight", "120")
    (p,) = [p for p in ps.errors if p.addr == "weight"]
    assert p.check == "range" and p.body == "不应大于 100（现为 120）"
    ps.set_value("weight", "-1")
    (p,) = [p for p in ps.errors if p.addr == "weight"]
    assert p.body == "不应小于 0（现为 -1）"
    ps.set_value("weight", "１００")
    assert not ps.errors
    assert_same_as_fresh(state)


def test_override_and_input_when_on_one_column_are_refused_at_load():
    """A cell that is sometimes typed and sometimes an overridable computed value would leave a stale
    手工填写 提示 when it switches; the definition is refused instead, naming the column."""
    d = copy.deepcopy(MIXED)
    d["sections"][2]["columns"][3]["override"] = True  # 权重: share(55) for 产出/效益, typed for 决策
    with pytest.raises(DefinitionError) as exc:
        parse_definition(d, "m.json")
    assert "m.json" in exc.value.text and "override" in exc.value.text and "input_when" in exc.value.text


def test_bulk_insert_and_remove_equal_one_by_one():
    """insert_rows / remove_rows recompute once and give what row-by-row edits give."""
    form = load_form("suzhou-project-selfeval-2023")
    cells = [{"cls": "产出目标", "name": f"指标{i}", "target": ">=10 个", "actual": f"{8 + i} 个"} for i in range(3)]
    one = DocumentState(form, load_sample(form.id))
    many = DocumentState(form, load_sample(form.id))
    ids = [one.parts[0].insert_row("indicators", 11 + i, c, f"n{i}") for i, c in enumerate(cells)]
    change = many.parts[0].insert_rows("indicators", [(11 + i, c, f"n{i}") for i, c in enumerate(cells)])
    assert [rid for _, _, rid in change.rows_added] == ids
    assert many.parts[0].data_rows("indicators") == one.parts[0].data_rows("indicators")
    assert many.parts[0].text("total_score") == one.parts[0].text("total_score")
    assert_same_as_fresh(many)
    many.parts[0].remove_rows("indicators", ids[:2])
    for rid in ids[:2]:
        one.parts[0].remove_row("indicators", rid)
    assert many.parts[0].text("total_score") == one.parts[0].text("total_score")
    assert_same_as_fresh(many)


def test_a_rate_message_names_the_new_row_numbers_after_a_row_is_inserted_above():
    form = load_form("suzhou-dept-selfeval-2022")
    ps = PartState(form, Part())
    rid = ps.insert_row("budget", None, {"item": "印刷费", "initial": "1", "actual": "100"})
    rate = f"budget/{rid}/rate"

    def said() -> str:
        return ps.problem_text(ps.problems[("rate", rate)])

    assert "第1行" in said()
    ps.insert_row("budget", 0, {"item": "差旅费"})
    assert "第2行" in said() and "第1行" not in said()
    ps.remove_row("budget", ps.data_rows("budget")[0])
    assert "第1行" in said()
