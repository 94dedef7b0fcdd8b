"""Table-driven tests of reading what clerks type (FORMS.md: full-width, separators, %, units, dates)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.errors import ReadError
from desktop.core.reading import (
    PartialDate,
    Quantity,
    normalize,
    read_actual,
    read_date,
    read_number,
    read_percent,
    read_phone,
    read_quantity,
    read_target,
    read_year,
)

# ---------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------

NUMBERS = [
    ("123", D("123"), ""),
    ("１２３，４５６．７８", D("123456.78"), ""),  # full-width digits, comma and point
    ("3,890,000", D("3890000"), ""),
    ("3,890,000.50", D("3890000.50"), ""),
    ("１，２３４", D("1234"), ""),
    ("- .36", D("-0.36"), ""),
    ("-.36", D("-0.36"), ""),
    (".16", D("0.16"), ""),
    ("+5", D("5"), ""),
    ("－５", D("-5"), ""),  # full-width minus
    ("\u22125", D("-5"), ""),  # U+2212 minus sign
    ("12.", D("12"), ""),
    ("12。5", D("12.5"), ""),  # ideographic full stop inside a number
    ("  42  ", D("42"), ""),
    ("2077.604168", D("2077.604168"), ""),  # the precision typed is kept (seed 004)
    ("99%", D("99"), "%"),
    ("99％", D("99"), "%"),
    ("100百分比", D("100"), "%"),
    ("12万元", D("12"), "万元"),
    ("12 万元", D("12"), "万元"),
    ("1,234.5万元", D("1234.5"), "万元"),
    ("45元", D("45"), "元"),
    ("5个", D("5"), "个"),
    ("5 个", D("5"), "个"),
    ("4次", D("4"), "次"),
    ("30人", D("30"), "人"),
    ("365天", D("365"), "天"),
    ("5人次", D("5"), "人次"),
    ("12个月", D("12"), "个月"),
    ("2小时", D("2"), "小时"),
]


@pytest.mark.parametrize("text, number, unit", NUMBERS)
def test_read_quantity(text, number, unit):
    q = read_quantity(text)
    assert q == Quantity(number, unit)
    assert isinstance(q.number, D)


def test_forty_digits_still_read():
    assert read_quantity("9" * 40).number == D("9" * 40)
    assert read_quantity("3,890,000,000,000,000,000,000,000,000,000,000.01").number == D("3890000000000000000000000000000000.01")


def test_precision_typed_is_kept():
    assert str(read_quantity("2077.604168").number) == "2077.604168"
    assert str(read_quantity("45.00").number) == "45.00"


RUBBISH = [
    "",
    " ",
    "\t\n",
    "🙂",
    "12🙂",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e5",
    "1E5",
    "1,2",  # not a thousands grouping
    "12,34,567",
    "--3",
    "+-3",
    "3-",
    "1.2.3",
    "..5",
    ".",
    "-",
    "abc",
    "一百",
    "0x10",
    "1_000",
    "12 34",
    "½",
    "12\x00",
    "\x07",
    "1\u200b2",  # zero-width space inside
    "9" * 200 + "x",
    "9" * 41,  # longer than any budget figure: a paste gone wrong
    "1" * 300 + ".5",
    "很长的文字" * 500,
    "5 斤",  # not a unit this application knows
    "10²",  # NFKC would make this 102
    "①2",
    "١٢٣",  # Arabic-Indic digits
    "₂",
    "%",
    "万元",
]


@pytest.mark.parametrize("text", RUBBISH)
def test_rubbish_is_not_a_number(text):
    with pytest.raises(ReadError) as exc:
        read_quantity(text)
    assert exc.value.key == "not_number"
    assert "不是有效的数字" in exc.value.text


@pytest.mark.parametrize("text", RUBBISH)
def test_rubbish_message_quotes_what_was_typed(text):
    with pytest.raises(ReadError) as exc:
        read_number(text)
    assert text in exc.value.text or exc.value.key == "wrong_unit"


def test_read_error_is_a_value_error_with_chinese_text():
    with pytest.raises(ValueError) as exc:
        read_number("abc")
    assert "“abc”不是有效的数字" == str(exc.value)


UNITS = [
    ("12万元", "万元", D("12")),
    ("12元", "元", D("12")),
    ("12", "万元", D("12")),
    ("120000元", "万元", D("12")),  # typed in 元 into a 万元 field: converted exactly
    ("12元", "万元", D("0.0012")),
    ("12万元", "元", D("120000")),
    ("3,890,000元", "元", D("3890000")),
    ("５个", "个", D("5")),
]


@pytest.mark.parametrize("text, unit, value", UNITS)
def test_read_number_units(text, unit, value):
    assert read_number(text, unit=unit) == value


@pytest.mark.parametrize("text, unit", [("12个", "万元"), ("12万元", ""), ("12次", "人"), ("12%", "元")])
def test_wrong_unit_is_refused(text, unit):
    with pytest.raises(ReadError) as exc:
        read_number(text, unit=unit)
    assert exc.value.key == "wrong_unit"
    assert "单位" in exc.value.text


def test_allowed_units():
    assert read_number("12个", unit="", allow_units=("个",)) == 12


# ---------------------------------------------------------------------------------------
# percent
# ---------------------------------------------------------------------------------------

PERCENTS = [
    ("99.5%", D("0.995")),
    ("99.5", D("0.995")),
    ("９９．５％", D("0.995")),
    ("100%", D("1")),
    ("100百分比", D("1")),
    (" 50 % ", D("0.5")),
    ("0", D("0")),
    ("- .5%", D("-0.005")),
    ("1,000%", D("10")),
]


@pytest.mark.parametrize("text, value", PERCENTS)
def test_read_percent(text, value):
    assert read_percent(text) == value


@pytest.mark.parametrize("text", ["", "%", "abc", "NaN%", "1e2%", "50%%", "五十%", "🙂"])
def test_bad_percent(text):
    with pytest.raises(ReadError) as exc:
        read_percent(text)
    assert exc.value.key == "not_percent"
    assert "百分比" in exc.value.text


# ---------------------------------------------------------------------------------------
# dates and years
# ---------------------------------------------------------------------------------------

DATES = [
    ("2021年12月", PartialDate(2021, 12)),
    ("2021-12-31", PartialDate(2021, 12, 31)),
    ("2021.12", PartialDate(2021, 12)),
    ("2021/12/31", PartialDate(2021, 12, 31)),
    ("2021年12月31日", PartialDate(2021, 12, 31)),
    ("2021年12月31号", PartialDate(2021, 12, 31)),
    ("2021 年 12 月", PartialDate(2021, 12)),
    ("２０２１年１２月", PartialDate(2021, 12)),
    ("２０２１－１２－３１", PartialDate(2021, 12, 31)),
    ("2021.1.5", PartialDate(2021, 1, 5)),
    ("20211231", PartialDate(2021, 12, 31)),
    ("2020-02-29", PartialDate(2020, 2, 29)),
]


@pytest.mark.parametrize("text, value", DATES)
def test_read_date(text, value):
    assert read_date(text) == value


@pytest.mark.parametrize("text", ["2021²-12", "２０２１年①月", "", "2021", "2021-13-01", "2021-02-30", "2021-02-29", "1899-01",
                                  "2021年13月", "12/31/2021", "明年", "2021-12-31 extra", "🙂", "0000-00-00"])
def test_bad_date(text):
    with pytest.raises(ReadError) as exc:
        read_date(text)
    assert exc.value.key == "not_date"
    assert "不是有效的日期" in exc.value.text


def test_partial_date_prints_and_orders():
    assert str(PartialDate(2021, 12)) == "2021-12"
    assert str(PartialDate(2021, 12, 1)) == "2021-12-01"
    assert PartialDate(2021, 12).chinese() == "2021年12月"
    assert PartialDate(2021, 12, 31).chinese() == "2021年12月31日"
    assert PartialDate(2021, 1, 5) < PartialDate(2021, 12)
    assert PartialDate(2021, 12) < PartialDate(2021, 12, 1)


@pytest.mark.parametrize("text, value", [("2023", 2023), ("2023年", 2023), ("2023年度", 2023), ("２０２３年", 2023)])
def test_read_year(text, value):
    assert read_year(text) == value


@pytest.mark.parametrize("text", ["2023²", "", "23", "1800", "2300", "二〇二三", "2023-01", "abc"])
def test_bad_year(text):
    with pytest.raises(ReadError) as exc:
        read_year(text)
    assert "年度" in exc.value.text


# ---------------------------------------------------------------------------------------
# phone
# ---------------------------------------------------------------------------------------

PHONES = [
    ("69159562", "69159562"),
    ("６９１５９５６２", "69159562"),
    ("0512-69159562", "0512-69159562"),
    ("051269159562", "051269159562"),
    ("(0512)69159562", "(0512)69159562"),
    ("（0512）69159562", "(0512)69159562"),
    ("0512-6915956-801", "0512-6915956-801"),
    ("13912345678", "13912345678"),
    ("139 1234 5678", "13912345678"),
    ("+86 13912345678", "13912345678"),
]


@pytest.mark.parametrize("text, value", PHONES)
def test_read_phone(text, value):
    assert read_phone(text) == value


@pytest.mark.parametrize("text", ["6915956²", "", "12345", "1391234567", "23912345678", "phone", "0512-", "🙂", "139123456789"])
def test_bad_phone(text):
    with pytest.raises(ReadError) as exc:
        read_phone(text)
    assert "电话号码" in exc.value.text


# ---------------------------------------------------------------------------------------
# targets
# ---------------------------------------------------------------------------------------

TARGETS = [
    ("≥50个", ">=", D("50"), "个"),
    ("≤90万元", "<=", D("90"), "万元"),
    ("=100%", "=", D("100"), "%"),
    ("<2小时", "<", D("2"), "小时"),
    ("≥100百分比", ">=", D("100"), "%"),
    (">=80分", ">=", D("80"), "分"),
    ("15%及其以下", "<=", D("15"), "%"),
    (">=3 个", ">=", D("3"), "个"),
    ("<=12 个月", "<=", D("12"), "个月"),
    ("≥2期", ">=", D("2"), "期"),
    ("=4 次", "=", D("4"), "次"),
    ("≥ 50 个", ">=", D("50"), "个"),
    ("＞５", ">", D("5"), ""),
    ("不低于95%", ">=", D("95"), "%"),
    ("不超过90万元", "<=", D("90"), "万元"),
    ("100%以上", ">=", D("100"), "%"),
    ("1,000元以内", "<=", D("1000"), "元"),
    ("≥3,890,000元", ">=", D("3890000"), "元"),
    ("≥１２３，４５６．７８", ">=", D("123456.78"), ""),
    ("≥-5", ">=", D("-5"), ""),
    ("50", None, D("50"), ""),
    ("- .36", None, D("-0.36"), ""),
    (".16", None, D("0.16"), ""),
]


@pytest.mark.parametrize("text, op, number, unit", TARGETS)
def test_read_target(text, op, number, unit):
    t = read_target(text)
    assert (t.op, t.number, t.unit) == (op, number, unit)
    assert t.quantitative
    assert t.text == text.strip()
    assert str(t) == text.strip()


@pytest.mark.parametrize("text", ["高于全市平均水平", "规范", "有效", "逐步提高", "1,2", "--3", "1e5", "≥NaN", "🙂",
                                  "≥10²"])
def test_qualitative_target_keeps_its_words(text):
    t = read_target(text)
    assert not t.quantitative
    assert t.op is None and t.number is None
    assert t.text == text


@pytest.mark.parametrize("text, when", [("2021年12月", PartialDate(2021, 12)), ("≤2021年12月", PartialDate(2021, 12)),
                                        ("2021-12-31", PartialDate(2021, 12, 31))])
def test_deadline_target(text, when):
    t = read_target(text)
    assert t.when == when and not t.quantitative


def test_lower_is_better():
    assert read_target("≤90万元").lower_is_better
    assert read_target("<2小时").lower_is_better
    assert read_target("15%及其以下").lower_is_better
    assert not read_target("≥50个").lower_is_better
    assert not read_target("=100%").lower_is_better


# ---------------------------------------------------------------------------------------
# actuals and normalisation
# ---------------------------------------------------------------------------------------


def test_read_actual():
    assert read_actual("3 个") == Quantity(D("3"), "个")
    assert read_actual("１００％") == Quantity(D("100"), "%")
    assert read_actual("2021年12月") == PartialDate(2021, 12)
    assert read_actual("已完成") == "已完成"
    assert read_actual(" 较好 ") == "较好"


def test_normalize():
    assert normalize("１２３，４５６．７８") == "123,456.78"
    assert normalize("  ９９％ ") == "99%"
    assert normalize("12。5") == "12.5"
    assert normalize("句子。") == "句子。"  # a full stop in words stays
