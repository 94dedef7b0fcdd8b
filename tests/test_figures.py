"""Figures a reviewer accepts without a second look (issue 11): precision of sums, impossible money,
row numbers as the window shows them, characters the print font lacks, percents as typed."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.catalog import load_form, load_sample
from desktop.core.definition import parse_definition
from desktop.core.engine import DocumentState
from desktop.core.errors import DefinitionError
from desktop.fonts import font_path

BUNDLED_FONT = font_path()


def state(form_id: str) -> DocumentState:
    return DocumentState(load_form(form_id), load_sample(form_id))


def messages(ps, check: str | None = None, level: str | None = None) -> list[str]:
    return [ps.problem_text(p) for p in ps.sorted_problems()
            if (check is None or p.check == check) and (level is None or p.level == level)]


# ---------------------------------------------------------------------------------------------- sums
def test_a_sum_keeps_the_precision_of_its_only_part():
    ps = state("shenzhen-project-selfeval-2021").parts[0]
    ps.set_value("funds/current/initial", "89.974")
    ps.set_value("funds/carryover/initial", "")
    ps.set_value("funds/other/initial", "")
    assert ps.value("funds/total/initial") == D("89.974")
    assert ps.text("funds/total/initial") == "89.974"  # not 89.97 above its only part
    assert ps.text("funds/current/initial") == "89.974"


def test_amounts_print_at_least_two_decimals_rates_and_scores_two():
    ps = state("shenzhen-project-selfeval-2021").parts[0]
    ps.set_value("funds/current/budget", "292")
    assert ps.text("funds/current/budget") == "292.00"
    assert ps.text("funds/total/rate").count(".") == 1 and len(ps.text("funds/total/rate").split(".")[1]) == 2


def test_a_form_that_rounds_its_totals_still_does():
    ps = state("suzhou-project-selfeval-2023").parts[0]
    assert ps.text("composition/total/actual") == "2077.60"


# ------------------------------------------------------------------------------- impossible money
def test_negative_budget_and_composition_rows_are_errors():
    ps = state("suzhou-project-declare-2020").parts[0]
    ps.set_value("ly_budget", "-45")
    rid = ps.data_rows("composition")[0]
    ps.set_value(f"composition/{rid}/amount", "-10")
    errors = messages(ps, "range", "error")
    assert "“预算安排资金（万元）”：金额不能为负数（现为 -45）" in errors
    assert any("项目资金构成" in e and "第1行" in e and "金额不能为负数" in e for e in errors), errors


def test_columns_declared_negative_may_be_negative():
    a = state("suzhou-dept-selfeval-2022").parts[0]
    rid = a.data_rows("budget")[0]
    a.set_value(f"budget/{rid}/change", "-5")
    assert not messages(a, "range")
    e = state("suzhou-project-selfeval-2023").parts[0]
    e.set_value("b_adjust", "-100")
    assert not messages(e, "range")


def test_a_negative_override_is_an_error_too():
    a = state("suzhou-dept-selfeval-2022").parts[0]
    a.set_override("budget/project/actual", "-3")
    assert any("金额不能为负数" in m for m in messages(a, "range", "error"))
    a.set_override("budget/project/actual", None)
    assert not messages(a, "range")


def test_negative_is_a_declared_option():
    form = {"id": "t", "version": "1", "title": "t", "sections": [
        {"kind": "fields", "id": "s", "fields": [{"id": "a", "label": "甲", "type": "amount", "negative": "yes"}]}]}
    with pytest.raises(DefinitionError, match="negative"):
        parse_definition(form, "t.json")


@pytest.mark.parametrize("budget, allocated, shown", [("0.01", "90", "900000.00%"), ("0.0008", "0", None)])
def test_rates_far_outside_sense_name_their_cells(budget, allocated, shown):
    ps = state("suzhou-project-declare-2020").parts[0]
    ps.set_value("ly_budget", budget)
    ps.set_value("ly_allocated", allocated)
    found = messages(ps, "rate", "error")
    if shown is None:
        assert not [m for m in found if "资金到位率" in m]
        return
    (m,) = [m for m in found if "资金到位率" in m]
    assert shown in m and "“财政拨付资金（万元）”" in m and "“预算安排资金（万元）”" in m
    ps.set_value("ly_allocated", "0.01")
    assert not [m for m in messages(ps, "rate") if "资金到位率" in m]


# ------------------------------------------------------------------------------------ row numbers
def test_row_numbers_are_the_windows():
    ps = state("suzhou-dept-selfeval-2022").parts[0]
    rid = ps.data_rows("budget")[0]
    assert ps.describe(f"budget/{rid}/initial") == "“七、预算信息”第1行（职工伙食费）“年初预算数（万元）”"
    assert ps.describe("budget/project/initial") == "“七、预算信息”“项目支出”行“年初预算数（万元）”"


# ------------------------------------------------------------------------- characters the font lacks
def test_a_character_the_print_font_lacks_is_a_warning_as_soon_as_typed():
    ps = state("shenzhen-project-selfeval-2021").parts[0]
    ps.set_value("implementer", "深圳市ꙮ中心")
    (m,) = messages(ps, "glyph", "warning")
    assert m.startswith("“实施单位”：") and "“ꙮ”(U+A66E)" in m
    ps.set_value("implementer", "深圳市文化中心")
    assert not messages(ps, "glyph")


def test_the_glyph_check_follows_the_chosen_font():
    form = load_form("shenzhen-project-selfeval-2021")
    st = DocumentState(form, load_sample("shenzhen-project-selfeval-2021"),
                       missing_glyphs=lambda text: [c for c in text if c == "深"])
    assert any("“深”(U+6DF1)" in text for _, p, text in st.problem_lines() if p.check == "glyph")
    assert st.parts[0].missing_glyphs is st.missing_glyphs
    assert st.add_part().missing_glyphs is st.missing_glyphs


def test_the_command_line_check_lists_missing_characters(tmp_path, capsys):
    from desktop.cli import main
    from desktop.core.interchange import write_json

    st = state("suzhou-project-declare-2020")
    st.parts[0].set_value("unit_name", "苏州ꙮ中心")
    path = tmp_path / "d.json"
    write_json(st.doc, path)
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert "ꙮ" in out and "提示" in out
    st.parts[0].set_value("unit_name", "苏州市体育信息中心")
    write_json(st.doc, path)
    main(["check", str(path), "--font", str(BUNDLED_FONT)])
    assert "打印字体缺少" not in capsys.readouterr().out


# -------------------------------------------------------------------------------------- percents
@pytest.mark.parametrize("typed, shown", [("- .36", "-0.36%"), ("-0", "0.00%"), ("９９．５％", "99.50%"), (".5", "0.50%"),
                                           ("3.125", "3.125%")])
def test_percent_inputs_print_normalised(typed, shown):
    ps = state("suzhou-dept-selfeval-2022").parts[0]
    rid = ps.data_rows("selfeval")[0]
    ps.set_value(f"selfeval/{rid}/deviation", typed)
    assert ps.text(f"selfeval/{rid}/deviation") == shown
