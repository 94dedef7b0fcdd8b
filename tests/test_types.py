"""Field types: each reads its own example, formats as the paper prints, refuses rubbish with ReadError."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.errors import ReadError
from desktop.core.reading import PartialDate, Target
from desktop.core.types import TYPES, Choice, FieldType, make_type

ALL = sorted(TYPES)


@pytest.mark.parametrize("name", ALL)
def test_every_type_reads_its_own_example(name):
    cls = TYPES[name]
    t = cls()
    assert cls.name == name
    value = t.read(cls.example)
    assert isinstance(t.format(value, True), str)
    assert isinstance(t.print_input(cls.example, value), str)


@pytest.mark.parametrize("name", ALL)
def test_alignment(name):
    t = TYPES[name]()
    assert t.align == ("right" if t.numeric else "left")


@pytest.mark.parametrize("name", ALL)
def test_format_of_nothing_is_empty(name):
    assert TYPES[name]().format(None, True) == ""


EXAMPLES = [
    # type, options, typed, value, printed (as computed value), printed as typed
    ("text", {}, "  苏州市信息中心 ", "苏州市信息中心", "苏州市信息中心", "苏州市信息中心"),
    ("longtext", {}, "\n第一段\n第二段\n", "第一段\n第二段", "第一段\n第二段", "第一段\n第二段"),
    ("code", {}, "０１０２０１７", "0102017", "0102017", "0102017"),
    ("number", {}, "１５．０", D("15.0"), "15.0", "15.0"),
    ("number", {"decimals": 2}, "4.583", D("4.583"), "4.58", "4.583"),
    ("number", {"thousands": True}, "3,890,000", D("3890000"), "3,890,000", "3,890,000"),
    ("integer", {}, "１６", D(16), "16", "16"),
    ("integer", {}, "2.0", D(2), "2", "2"),
    ("amount", {}, "１２３，４５６．７８", D("123456.78"), "123456.78", "123456.78"),
    ("amount", {}, "2077.604168", D("2077.604168"), "2077.604168", "2077.604168"),
    ("amount", {"rounded": True}, "2077.604168", D("2077.604168"), "2077.60", "2077.604168"),
    ("amount", {}, "292", D("292"), "292.00", "292.00"),
    ("amount", {"unit": "元", "thousands": True}, "3890000", D("3890000"), "3,890,000.00", "3,890,000.00"),
    ("amount", {"unit": "万元"}, "120000元", D("12"), "12.00", "12.00"),
    ("amount", {"unit": "万元"}, "45.00", D("45.00"), "45.00", "45.00"),
    ("amount", {"unit": "万元"}, "- .36", D("-0.36"), "-0.36", "-0.36"),
    ("percent", {}, "９９．５％", D("0.995"), "99.50%", "99.50%"),
    ("percent", {}, "100", D("1"), "100.00%", "100.00%"),
    ("percent", {}, "- .36", D("-0.0036"), "-0.36%", "-0.36%"),
    ("percent", {}, "-0", D("0"), "0.00%", "0.00%"),
    ("percent", {}, "１００百分比", D("1"), "100.00%", "100.00%"),
    ("percent", {"sign": False}, "99%", D("0.99"), "99.00", "99.00"),
    ("date", {}, "2021年12月", PartialDate(2021, 12), "2021-12", "2021年12月"),
    ("date", {}, "2021/12/31", PartialDate(2021, 12, 31), "2021-12-31", "2021/12/31"),
    ("year", {}, "２０２３年", 2023, "2023", "2023年"),
    ("phone", {}, "６９１５９５６２", "69159562", "69159562", "69159562"),
    ("choice", {"options": ["公共事业类", "政策类"]}, "政策类", "政策类", "政策类", "政策类"),
    ("choice", {"options": ["公共事业类", "政策类"]}, "公共事业", "公共事业类", "公共事业类", "公共事业"),
    ("choice", {"options": ["好"], "free": True}, "自由文字", "自由文字", "自由文字", "自由文字"),
    ("yesno", {}, "是", "是", "是", "是"),
    ("yesno", {}, "√", "是", "是", "√"),
    ("yesno", {}, "否", "否", "否", "否"),
    ("actual", {}, "3 个", "3 个", "3 个", "3 个"),
]


@pytest.mark.parametrize("name, options, typed, value, printed, as_typed", EXAMPLES)
def test_read_and_print(name, options, typed, value, printed, as_typed):
    t = make_type(name, options)
    got = t.read(typed)
    assert got == value
    assert type(got) is type(value)
    assert t.format(got, True) == printed
    assert t.print_input(typed, got) == as_typed


def test_target_type():
    t = make_type("target", {})
    v = t.read("≥50个")
    assert isinstance(v, Target) and v.op == ">=" and v.number == 50 and v.unit == "个"
    assert t.format(v) == "≥50个"
    assert t.read("高于全市平均水平").quantitative is False


BAD = [
    ("number", {}, "abc", "not_number"),
    ("number", {}, "12个", "wrong_unit"),
    ("number", {"max_decimals": 2}, "1.234", "too_many_decimals"),
    ("integer", {}, "1.5", "not_integer"),
    ("amount", {}, "12个", "wrong_unit"),
    ("amount", {}, "NaN", "not_number"),
    ("percent", {}, "五十%", "not_percent"),
    ("date", {}, "2021-13", "not_date"),
    ("year", {}, "23", "not_year"),
    ("phone", {}, "12345", "not_phone"),
    ("code", {}, "010201", "bad_pattern"),
    ("code", {"pattern": r"[A-Z]\d{3}", "hint": "字母加三位数字"}, "1234", "bad_pattern"),
    ("choice", {"options": ["公共事业类", "政策类"]}, "其他", "not_option"),
    ("yesno", {}, "maybe", "not_yesno"),
    ("text", {"max_length": 3}, "abcd", "too_long"),
    ("longtext", {"max_length": 3}, "abcd", "too_long"),
]


@pytest.mark.parametrize("name, options, typed, key", BAD)
def test_bad_input(name, options, typed, key):
    with pytest.raises(ReadError) as exc:
        make_type(name, options).read(typed)
    assert exc.value.key == key
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.text)  # Chinese


def test_number_keeps_precision_and_unit_label():
    t = make_type("amount", {"unit": "元"})
    assert t.unit_label == "元"
    assert t.read("120000元") == 120000
    assert make_type("amount", {}).read("120000元") == 12  # 元 typed into a 万元 field
    assert make_type("number", {"max_decimals": 2}).read("1.230") == D("1.23")


def test_choice_boxes_text():
    t = make_type("choice", {"options": ["公共事业类", "政策类", "信息化工程及维护类"], "boxes": True})
    assert t.boxes_text("政策类") == "公共事业类☐  政策类☑  信息化工程及维护类☐"
    assert t.boxes_text(None) == "公共事业类☐  政策类☐  信息化工程及维护类☐"
    assert make_type("yesno", {}).boxes_text("否") == "是☐  否☑"
    assert t.read("信息化") == "信息化工程及维护类"


def test_options_from_is_open():
    t = make_type("choice", {"options_from": "composition.name"})
    assert t.read("任何子项目") == "任何子项目"


def test_unknown_type_is_refused():
    with pytest.raises(ValueError) as exc:
        make_type("money", {})
    assert "未知的字段类型“money”" in str(exc.value)


def test_unknown_option_is_refused():
    with pytest.raises(ValueError) as exc:
        make_type("amount", {"colour": "red"})
    assert "colour" in str(exc.value)
    assert "不认识的键" in str(exc.value)


def test_base_type_is_text():
    assert isinstance(make_type("text", {}), FieldType)
    assert isinstance(make_type("yesno", {}), Choice)


@pytest.mark.parametrize("name, options, key", [
    ("choice", {"options": "公共事业类"}, "options"),  # a string would match by substring
    ("choice", {"options": ["好", 1]}, "options"),
    ("choice", {"boxes": "yes"}, "boxes"),
    ("number", {"decimals": "two"}, "decimals"),
    ("number", {"decimals": True}, "decimals"),
    ("number", {"decimals": -1}, "decimals"),
    ("number", {"thousands": 1}, "thousands"),
    ("amount", {"unit": 10000}, "unit"),
    ("code", {"pattern": "("}, "pattern"),
    ("text", {"max_length": "10"}, "max_length"),
    ("percent", {"sign": "no"}, "sign"),
])
def test_bad_option_values_are_refused(name, options, key):
    with pytest.raises(ValueError) as exc:
        make_type(name, options)
    assert f"“{key}”的值" in str(exc.value) and "无效" in str(exc.value)


def test_choice_prefix_must_be_unambiguous():
    t = make_type("choice", {"options": ["公共事业类", "公共服务类", "政策类"]})
    assert t.read("公共事业") == "公共事业类"
    assert t.read("政") == "政策类"
    with pytest.raises(ReadError) as exc:
        t.read("公共")  # two options start so: not silently the first
    assert exc.value.key == "not_option" and "公共事业类、公共服务类、政策类" in exc.value.text
