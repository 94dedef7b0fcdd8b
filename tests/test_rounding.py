"""Rounding is 四舍五入 (ROUND_HALF_UP) on Decimals: these would fail with banker's rounding or floats."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.definition import parse_definition
from desktop.core.document import Document
from desktop.core.engine import DocumentState
from desktop.core.expr import Scope, compile_expr
from desktop.core.reading import read_number, round_half_up
from desktop.core.types import make_type

HALF_UP = [
    ("2.675", 2, "2.68"),  # round(2.675, 2) == 2.67 with floats
    ("0.125", 2, "0.13"),  # banker's rounding gives 0.12
    ("1.005", 2, "1.01"),  # float 1.005 is 1.00499999…
    ("0.5", 0, "1"),  # banker's: 0
    ("1.5", 0, "2"),
    ("2.5", 0, "3"),  # banker's: 2
    ("-2.5", 0, "-3"),  # half away from zero
    ("-0.125", 2, "-0.13"),
    ("0.985", 2, "0.99"),
    ("4.583333", 2, "4.58"),
    ("0.994", 2, "0.99"),
    ("0.995", 2, "1.00"),
    ("2077.604168", 2, "2077.60"),
    ("99999999999999999999999999999.995", 2, "100000000000000000000000000000.00"),
]


@pytest.mark.parametrize("value, places, expected", HALF_UP)
def test_round_half_up(value, places, expected):
    result = round_half_up(D(value), places)
    assert isinstance(result, D)
    assert str(result) == expected


@pytest.mark.parametrize("value", ["-0.001", "-0.004999", "-0", "-0.00"])
def test_no_negative_zero(value):
    assert str(round_half_up(D(value), 2)) == "0.00"
    assert make_type("amount", {"rounded": True}).format(D(value)) == "0.00"
    if D(value) == 0:
        assert make_type("amount", {}).format(D(value)) == "0.00"
    if D(value) == 0:
        assert not make_type("number", {}).format(D(value)).startswith("-")
    assert make_type("percent", {}).format(D(value) / 100) == "0.00%"


def test_zero_divided_by_a_negative_prints_zero():
    c = compile_expr("round(ratio(0, -3), 2)", Scope(set(), {}))
    value = c(None, None)
    assert value == 0 and str(make_type("number", {"decimals": 2}).format(value)) == "0.00"


def test_python_round_would_have_failed():
    """The trap the tests above guard against (documenting why they exist)."""
    assert round(2.675, 2) == 2.67
    assert round(0.125, 2) == 0.12
    assert round(2.5) == 2


@pytest.mark.parametrize("value, places, expected", HALF_UP[:12])
def test_formula_round(value, places, expected):
    c = compile_expr(f"round({value}, {places})", Scope(set(), {}))
    assert str(c(None, None)) == expected


@pytest.mark.parametrize("typed, shown", [("2.675", "2.68"), ("0.125", "0.13"), ("1.005", "1.01"),
                                          ("-2.675", "-2.68"), ("2077.604168", "2077.60")])
def test_amount_formats_half_up(typed, shown):
    """A form that rounds its totals (E's 合计 prints 2077.60) rounds 四舍五入."""
    amount = make_type("amount", {"rounded": True})
    assert amount.format(amount.read(typed), computed=True) == shown


@pytest.mark.parametrize("value, shown", [("89.974", "89.974"), ("2077.604168", "2077.604168"), ("292", "292.00"),
                                          ("0.5", "0.50"), ("-2.675", "-2.675"), ("1.23456789", "1.23")])
def test_a_computed_amount_keeps_the_precision_of_its_parts(value, shown):
    """FORMS.md: 89.974 + 0 is 89.974; at least 2 decimals; a quotient's long tail is rounded."""
    assert make_type("amount", {}).format(D(value), computed=True) == shown


@pytest.mark.parametrize("fraction, shown", [("0.99995", "100.00%"), ("0.00125", "0.13%"),
                                             ("0.026750", "2.68%"), ("1", "100.00%")])
def test_percent_formats_half_up(fraction, shown):
    assert make_type("percent", {}).format(D(fraction)) == shown


def test_thousands_format():
    amount = make_type("amount", {"unit": "元", "thousands": True, "decimals": 2, "rounded": True})
    assert amount.format(D("3890000.005")) == "3,890,000.01"


def test_reading_never_goes_through_float():
    assert read_number("0.1") + read_number("0.2") == D("0.3")
    assert str(read_number("2.675")) == "2.675"


# ---------------------------------------------------------------------------------------
# in the engine: sums of 0.1 and shares of 55 over 12
# ---------------------------------------------------------------------------------------

FORM = {
    "id": "t-rounding", "version": "1", "title": "舍入",
    "sections": [
        {"kind": "table", "id": "items", "title": "明细", "repeat": True, "label_column": "name",
         "columns": [
             {"id": "name", "label": "名称", "type": "text"},
             {"id": "cls", "label": "类别", "type": "text"},
             {"id": "amount", "label": "金额", "type": "amount", "unit": "万元"},
             {"id": "share", "label": "权重", "type": "number", "decimals": 2,
              "formula": "share(55, cls = '产出')"},
         ],
         "rows": [{"id": "total", "label": "合计", "sum_rows": "data", "position": "bottom", "total": True}]},
        {"id": "sums", "kind": "fields", "fields": [
            {"id": "total", "label": "合计", "type": "amount", "formula": "sum(items.amount)"},
            {"id": "weights", "label": "权重合计", "type": "number", "formula": "sum(items.share)"},
        ]},
    ],
}


def _state(rows):
    form = parse_definition(FORM)
    state = DocumentState(form, Document(form.id, form.version))
    part = state.parts[0]
    for cells in rows:
        part.insert_row("items", cells=cells)
    return part


def test_ten_times_a_tenth_is_exactly_one():
    part = _state([{"name": f"项{i}", "amount": "0.1"} for i in range(10)])
    assert part.value("total") == D("1.0")
    assert part.value("total") == 1
    assert part.text("total") == "1.00"
    assert part.value("items/total/amount") == 1
    assert part.text("items/total/amount") == "1.00"


def test_shares_of_55_over_12_add_to_exactly_55():
    part = _state([{"name": f"指标{i}", "cls": "产出"} for i in range(12)])
    rows = part.data_rows("items")
    shares = [part.value(f"items/{r}/share") for r in rows]
    assert shares[:11] == [D("4.58")] * 11
    assert shares[11] == D("4.62")
    assert sum(shares) == 55
    assert part.text("weights") == "55.00"
    assert [part.text(f"items/{r}/share") for r in rows] == ["4.58"] * 11 + ["4.62"]


@pytest.mark.parametrize("n, each, last", [(1, "55", "55"), (3, "18.33", "18.34"), (7, "7.86", "7.84"),
                                           (9, "6.11", "6.12"), (11, "5.00", "5.00")])
def test_shares_always_add_up(n, each, last):
    part = _state([{"name": f"指标{i}", "cls": "产出"} for i in range(n)] + [{"name": "共性", "cls": "决策"}])
    rows = part.data_rows("items")
    shares = [part.value(f"items/{r}/share") for r in rows[:n]]
    assert sum(shares) == 55
    assert shares[0] == D(each) and shares[-1] == D(last)
    assert part.value(f"items/{rows[-1]}/share") is None  # not in the group


def test_shares_follow_rows_being_added_and_removed():
    part = _state([{"name": f"指标{i}", "cls": "产出"} for i in range(11)])
    assert part.value("weights") == 55
    rid = part.insert_row("items", cells={"name": "新", "cls": "产出"})
    assert part.value("weights") == 55
    assert part.value(f"items/{rid}/share") == D("4.62")
    part.remove_row("items", rid)
    assert part.value("weights") == 55
    assert {part.value(f"items/{r}/share") for r in part.data_rows("items")} == {D("5.00")}
