"""The allowed keys of every block of a form definition, declared once.

Each block (the form, a section, a table, a field, a fixed row, a check, the
scoring, parts, signatures, meta, a header cell) has one table here: key →
:class:`Key` (its JSON kind, whether it is required, the default that an absent
key means, and the Chinese heading it has in a form workbook).  The loader
(``desktop/core/definition.py``) refuses any other key and any value of the wrong
kind from these tables; the workbook reader and writer (``desktop/forms``) take
their column headings from them; ``docs/forms.md``'s key tables are tested
against them.  To add a key: add it here (and to the docs), then use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NO_DEFAULT = object()


@dataclass(frozen=True)
class Key:
    kind: str  # see KINDS
    heading: str = ""  # the column heading (or row name) in a form workbook
    required: bool = False
    default: Any = NO_DEFAULT  # what an absent key means (canonical dumps leave such values out)
    choices: tuple[str, ...] = ()  # 'enum' kind: the allowed words


# kind -> (test, what the value should be, in Chinese)
def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


KINDS: dict[str, tuple[Any, str]] = {
    "text": (lambda v: isinstance(v, str), "文字"),
    "formula": (lambda v: isinstance(v, str), "文字（公式）"),
    "id": (lambda v: isinstance(v, str), "标识（字母、数字、下划线）"),
    "ref": (lambda v: isinstance(v, str), "标识（字母、数字、下划线）"),
    "int": (lambda v: _is_int(v) and v >= 0, "非负整数"),
    "number": (_is_num, "数字"),
    "scalar": (lambda v: isinstance(v, str) or _is_num(v), "文字或数字"),
    "bool": (lambda v: isinstance(v, bool), "true 或 false"),
    "enum": (lambda v: isinstance(v, str), ""),  # the choices are named in the message
    "texts": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "文字的列表"),
    "refs": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "标识的列表"),
    "sum_rows": (lambda v: v == "data" or (isinstance(v, list) and all(isinstance(x, str) for x in v)),
                 "行标识的列表或 data"),
    "list": (lambda v: isinstance(v, list), "列表"),
    "object": (lambda v: isinstance(v, dict), "对象"),
    "cells": (lambda v: isinstance(v, dict) and all(x is None or isinstance(x, str) for x in v.values()),
              "对象（列 → 公式、null 或 \"\"）"),
    "text_map": (lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
                 "对象（文字 → 文字）"),
    "any": (lambda v: True, ""),
}

# ---------------------------------------------------------------------------------------- blocks
FORM = {
    "id": Key("id", "标识", required=True),
    "version": Key("text", "版本", required=True),
    "title": Key("text", "标题", required=True),
    "sections": Key("list", required=True),
    "document_title": Key("text", "文件标题", default=""),
    "subtitle": Key("text", "副标题", default=""),
    "region": Key("text", "地区", default=""),
    "year": Key("text", "年度", default=""),
    "orientation": Key("enum", "纸张方向", default="portrait", choices=("portrait", "landscape")),
    "meta": Key("object", default={}),
    "parts": Key("object"),
    "scoring": Key("object"),
    "checks": Key("list", default=[]),
    "signatures": Key("object", default={}),
    "notes": Key("text", "填表说明", default=""),
    "footnote": Key("text", "脚注", default=""),
    "continues": Key("object", "由哪张表生成"),  # desktop/core/continuation.py checks its inside
    "summary": Key("object", "汇总数字"),  # desktop/core/summary.py checks its inside (SUMMARY_KEYS)
    "description": Key("any", "说明"),
    "$schema": Key("any", "$schema"),
}

META = {
    "unit": Key("ref", "单位字段"),
    "year": Key("ref", "年度字段"),
    "project": Key("ref", "项目名称字段"),
}

PARTS = {
    "label": Key("text", "分项称呼"),
    "name_field": Key("ref", "分项名称字段"),
}

SIGNATURES = {
    "unit_label": Key("text", "盖章处文字", default=""),
    "unit_field": Key("ref", "盖章单位字段"),
    "lines": Key("texts", "签字行", default=[]),
    "date_field": Key("ref", "落款日期字段"),
}

SCORING = {
    "rules": Key("text", "评分规则", default="proportional"),
    "places": Key("int", "得分小数位", default=2),
    "classes": Key("text_map", "类别"),
    "lower_is_better": Key("enum", "反向指标算法", default="linear", choices=("linear", "ratio")),
    "bands": Key("list", "定性档次"),
    "met_words": Key("texts", "达成用语"),
    "negations": Key("texts", "否定用语"),
}
CLASS_WORDS = ("output", "outcome")  # what scoring.classes maps a category word to

SECTION = {
    "id": Key("id", "标识", required=True),
    "kind": Key("enum", "类型", default="fields", choices=("fields", "text", "table")),
    "title": Key("text", "标题", default=""),
    "fields": Key("list", required=True),
    "columns": Key("int", "每行栏数", default=2),
    "note": Key("text", "附注", default=""),
    "page_break": Key("bool", "另起一页", default=False),
}

TABLE = {
    "id": Key("id", "标识", required=True),
    "kind": Key("enum", "类型", choices=("table",)),
    "title": Key("text", "标题", default=""),
    "columns": Key("list", required=True),
    "rows": Key("list", default=[]),
    "repeat": Key("bool", "可增行", default=False),
    "min_rows": Key("int", "最少行数", default=0),
    "max_rows": Key("int", "最多行数", default=10000),
    "initial_rows": Key("list", default=[]),
    "label_column": Key("ref", "名称列"),
    "group_column": Key("ref", "分组列"),
    "group_columns": Key("refs", "嵌套分组列"),  # nested groups, outermost first: 一级指标, 二级指标
    "reason_column": Key("ref", "原因列"),  # where a 提示's explanation prints in this table
    "sum_columns": Key("refs", "合计的列"),
    "row_checks": Key("list", default=[]),
    "unit": Key("text", "单位", default=""),
    "header": Key("list"),
    "note": Key("text", "附注", default=""),
    "page_break": Key("bool", "另起一页", default=False),
}

HEADER_CELL = {
    "label": Key("text", "文字", required=True),
    "span": Key("int", "跨列", default=1),
}

FIELD = {
    "id": Key("id", "标识", required=True),
    "label": Key("text", "名称", required=True),
    "type": Key("text", "类型", default="text"),
    "required": Key("bool", "必填", default=False),
    "formula": Key("formula", "公式"),
    "override": Key("bool", "可手工改写", default=False),
    "input_when": Key("formula", "何时改为填写"),
    "min": Key("number", "最小值"),
    "max": Key("number", "最大值"),
    "help": Key("text", "提示", default=""),
    "example": Key("scalar", "示例"),
    "default": Key("text", "默认值"),
    "width": Key("number", "宽度", default=1),
    "span": Key("int", "跨栏", default=1),
    "print": Key("bool", "打印", default=True),
    "hidden": Key("bool", "隐藏", default=False),
    "yearly": Key("bool", "按年清空", default=False),
}

# The options a field type may take (desktop/core/types.py says which type takes which, and checks values).
FIELD_OPTIONS = {
    "max_length": Key("int", "最多字数"),
    "pattern": Key("text", "格式"),
    "hint": Key("text", "格式说明"),
    "decimals": Key("any", "小数位"),
    "max_decimals": Key("any", "最多小数位"),
    "thousands": Key("bool", "千分位"),
    "unit": Key("text", "计量单位"),
    "sign": Key("bool", "百分号"),
    "options": Key("texts", "选项"),
    "boxes": Key("bool", "方框"),
    "options_from": Key("text", "选项来自"),
    "free": Key("bool", "可填其他"),
    "unit_from": Key("ref", "金额单位取自"),
    "negative": Key("bool", "可为负数"),
    "rounded": Key("bool", "按小数位显示"),
    "strict": Key("bool", "须为目标值"),
}

ROW = {
    "id": Key("id", "标识", required=True),
    "label": Key("text", "名称", required=True),
    "position": Key("enum", "位置", default="top", choices=("top", "bottom")),
    "sum_rows": Key("sum_rows", "合计哪些行"),
    "cells": Key("cells", default={}),
    "total": Key("bool", "加粗汇总", default=False),
}

CHECK = {
    "id": Key("id", "标识", required=True),
    "level": Key("enum", "级别", default="error", choices=("error", "warning")),
    "assert": Key("formula", "应满足", required=True),
    "when": Key("formula", "何时检查"),
    "cell": Key("text", "标记在"),
    "message": Key("text", "消息", required=True),
}

# 申报表 → 自评表 (desktop/core/continuation.py reads these blocks)
CONTINUES = {
    "from": Key("any", "由哪张表生成", required=True),  # a form id or a list of them
    "fields": Key("text_map", "带入的字段", default={}),
    "values": Key("text_map", "填入的固定内容", default={}),
    "tables": Key("list", "带入的表格", default=[]),
}

CONTINUES_TABLE = {
    "from": Key("text", "来源表格", required=True),
    "to": Key("text", "本表表格", required=True),
    "columns": Key("text_map", "列的对应", required=True),
}

BLOCKS: dict[str, dict[str, Key]] = {
    "form": FORM, "meta": META, "parts": PARTS, "signatures": SIGNATURES, "scoring": SCORING,
    "section": SECTION, "table": TABLE, "header": HEADER_CELL, "field": FIELD, "field_options": FIELD_OPTIONS,
    "row": ROW, "check": CHECK, "continues": CONTINUES, "continues_table": CONTINUES_TABLE,
}

# How messages name a block.
BLOCK_NAMES = {
    "form": "表单", "meta": "meta（单位、年度、项目字段）", "parts": "parts（分项）",
    "signatures": "signatures（签字盖章）", "scoring": "scoring（评分）", "section": "分节", "table": "表格",
    "header": "header（表头）", "field": "字段", "field_options": "字段", "row": "固定行", "check": "检查",
    "continues": "continues（由哪张表生成）", "continues_table": "continues 的表格",
}


def expected(key: Key) -> str:
    if key.kind == "enum":
        return " 或 ".join(key.choices)
    return KINDS[key.kind][1]


def kind_ok(key: Key, value: Any) -> bool:
    if not KINDS[key.kind][0](value):
        return False
    return key.kind != "enum" or value in key.choices
