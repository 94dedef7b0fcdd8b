"""The helpers that replaced copies: 元/万元 conversion, {name} placeholders, the SQLite magic bytes."""
from __future__ import annotations

from decimal import Decimal as D

from desktop.core.definition import NAME_PLACEHOLDER, fill_names
from desktop.core.interchange import SQLITE_MAGIC
from desktop.core.reading import in_unit


def test_yuan_and_wan_yuan():
    assert in_unit(D("12345"), "元", "万元") == D("1.2345")
    assert in_unit(D("1.5"), "万元", "元") == D("15000.0")
    assert in_unit(D("7"), "", "万元") == D("7") and in_unit(D("7"), "个", "") == D("7")
    assert in_unit(D("7"), "万元", "万元") == D("7")
    assert in_unit(D("7"), "个", "万元") is None


def test_fill_names_keeps_what_it_does_not_know():
    values = {"year": "2023", "unit": "苏州市财政局"}
    assert fill_names("{unit}（{year}年度）{other} {1x} {{year}", values.get) == "苏州市财政局（2023年度）{other} {1x} {2023"
    assert NAME_PLACEHOLDER.findall("项目资金（{money_unit}）{a b}") == ["money_unit"]


def test_one_sqlite_magic():
    from desktop.store import sqlite

    assert sqlite.MAGIC is SQLITE_MAGIC == b"SQLite format 3\x00"
