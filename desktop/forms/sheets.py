"""The layout of a form workbook: its sheets, their column headings, and how a cell holds a value.

The headings come from the key tables in ``desktop/core/defkeys.py`` (``Key.heading``), so a key
added there appears in the workbook by itself.  Words a bureau author would write (是/否, 纵向,
错误, 金额 …) are read as the JSON's words and written back as Chinese.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from desktop.core.defkeys import BLOCKS, FIELD, FIELD_OPTIONS, Key

FORM_SHEET, SECTIONS, FIELDS, TABLES, COLUMNS = "表单", "分节", "字段", "表格", "列"
ROWS, CELLS, INITIAL, HEADER, CHECKS, SCORING, CHOICES = "固定行", "单元格", "初始行", "表头", "检查", "评分", "选项"
SHEET_ORDER = (FORM_SHEET, SECTIONS, FIELDS, TABLES, COLUMNS, ROWS, CELLS, INITIAL, HEADER, CHECKS, SCORING,
               CHOICES)

ITEM, NAME, VALUE = "项目", "名称", "值"  # the columns of the key/value sheets (表单, 评分)
SECTION_REF, TABLE_REF, ROW_NO, ROW_REF, COLUMN_REF = "分节", "表格", "行号", "行", "列"
CONTENT, FORMULA, LINE_NO, LIST_NAME, CHOICE = "内容", "公式", "表头行", "列表", "选项"

DASH = "—"  # a fixed row's cell printed as a dash (null in JSON)
AS_COMPUTED = "原样"  # decimals: null
ALL_DATA = "全部数据行"  # sum_rows: "data"
NONE_WORD = "无"  # sum_rows: []

# JSON word -> the Chinese the workbook writes (both are read).
WORDS: dict[str, dict[str, str]] = {
    "orientation": {"portrait": "纵向", "landscape": "横向"},
    "kind": {"fields": "字段", "text": "文字", "table": "表格"},
    "position": {"top": "上", "bottom": "下"},
    "level": {"error": "错误", "warning": "提示"},
    "class": {"output": "产出", "outcome": "效益"},
    "type": {"text": "文字", "longtext": "长文字", "label": "标签", "code": "代码", "number": "数字",
             "integer": "整数", "amount": "金额", "percent": "百分比", "date": "日期", "year": "年度",
             "phone": "电话", "choice": "选择", "yesno": "是否", "target": "目标值", "actual": "实际值"},
}
TRUE_WORDS = {"是", "true", "yes", "y", "1", "√", "✓", "对"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "×", "不"}


@dataclass(frozen=True)
class Col:
    heading: str
    key: str  # the JSON key ('' for the sheet's own reference columns)
    spec: Key


def _cols(block: dict[str, Key], skip: tuple[str, ...] = ()) -> list[Col]:
    return [Col(k.heading, key, k) for key, k in block.items() if k.heading and key not in skip]


def _ref(heading: str) -> Col:
    return Col(heading, "", Key("text", heading, required=True))


FIELD_COLS = _cols(FIELD) + _cols(FIELD_OPTIONS)
FIELD_KEYS = {c.key for c in FIELD_COLS}
SHEETS: dict[str, list[Col]] = {
    SECTIONS: _cols(BLOCKS["section"]),
    FIELDS: [_ref(SECTION_REF)] + FIELD_COLS,
    TABLES: _cols(BLOCKS["table"], skip=("kind",)),
    COLUMNS: [_ref(TABLE_REF)] + FIELD_COLS,
    ROWS: [_ref(TABLE_REF)] + _cols(BLOCKS["row"]),
    CELLS: [_ref(TABLE_REF), _ref(ROW_REF), _ref(COLUMN_REF), Col(FORMULA, "", Key("text", FORMULA))],
    INITIAL: [_ref(TABLE_REF), Col(ROW_NO, "", Key("int", ROW_NO, required=True)),
              Col(COLUMN_REF, "", Key("text", COLUMN_REF)), Col(CONTENT, "", Key("text", CONTENT))],
    HEADER: [_ref(TABLE_REF), Col(LINE_NO, "", Key("int", LINE_NO, required=True))] + _cols(BLOCKS["header"]),
    CHECKS: [Col(TABLE_REF, "", Key("text", TABLE_REF))] + _cols(BLOCKS["check"]),
    CHOICES: [_ref(LIST_NAME), _ref(CHOICE)],
    FORM_SHEET: [_ref(ITEM), Col(VALUE, "", Key("any", VALUE))],
    SCORING: [_ref(ITEM), Col(NAME, "", Key("text", NAME)), Col(VALUE, "", Key("any", VALUE))],
}

# The 表单 sheet's rows: (block, key) by item name.  Scalar form keys, then meta, parts, signatures;
# a key added to one of these blocks in defkeys.py gets its row here by its heading.
FORM_BLOCKS = ("form", "meta", "parts", "signatures")
FORM_STRUCTURE = ("sections", "checks", "meta", "parts", "signatures", "scoring")


def form_items() -> dict[str, tuple[str, str, Key]]:
    out: dict[str, tuple[str, str, Key]] = {}
    for block in FORM_BLOCKS:
        for key, spec in BLOCKS[block].items():
            if block == "form" and key in FORM_STRUCTURE:
                continue
            out[spec.heading or key] = (block, key, spec)
    return out


def scoring_items() -> dict[str, tuple[str, str, Key]]:
    return {spec.heading or key: ("scoring", key, spec) for key, spec in BLOCKS["scoring"].items()}


# ------------------------------------------------------------------------------- cell values
class CellProblem(ValueError):
    """A cell's text cannot be the value its column wants; ``str()`` says what it should be."""


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def from_cell(value: Any, spec: Key, key: str = "") -> Any:
    """A workbook cell as the JSON value its column wants (None for a blank cell)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = spec.kind
    if key in ("decimals", "max_decimals"):
        if _plain(value) == AS_COMPUTED:
            return None
        kind = "int"
    if kind in ("text", "formula", "id", "ref"):
        return _plain(value) if not isinstance(value, str) else value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = _plain(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellProblem("是 或 否")
    if kind in ("int", "number"):
        number = _number(value)
        if number is None or (kind == "int" and not (isinstance(number, int) and number >= 0)):
            raise CellProblem("非负整数" if kind == "int" else "数字")
        return number
    if kind == "enum":
        word = word_of(key, _plain(value))
        if word not in spec.choices:
            raise CellProblem(" 或 ".join(WORDS.get(key, {}).get(c, c) for c in spec.choices))
        return word
    if kind == "scalar":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else _plain(value)
    if kind in ("refs",):
        return [x for x in re.split(r"[,，、;；\s]+", _plain(value)) if x]
    if kind == "sum_rows":
        text = _plain(value)
        if text in (ALL_DATA, "data"):
            return "data"
        return [] if text == NONE_WORD else [x for x in re.split(r"[,，、;；\s]+", text) if x]
    text = value if isinstance(value, str) else _plain(value)
    if kind in ("any", "list", "object", "texts", "text_map", "cells") and text.strip()[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            raise CellProblem("JSON（以 [ 或 { 开头的内容）") from None
    return text


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else value
    text = str(value).strip().replace("，", ",")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d*\.\d+", text):
        return _number(float(text))
    return None


def word_of(key: str, text: str) -> str:
    """The JSON word for a Chinese (or JSON) word of an enumerated key."""
    for json_word, chinese in WORDS.get(key, {}).items():
        if text in (json_word, chinese):
            return json_word
    return text


def to_cell(value: Any, spec: Key, key: str = "") -> Any:
    """A JSON value as the workbook writes it."""
    if value is None:
        return AS_COMPUTED if key in ("decimals", "max_decimals") else None
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec.kind == "enum" or key in ("type", "level"):
        return WORDS.get(key, {}).get(value, value)
    if spec.kind == "sum_rows":
        return ALL_DATA if value == "data" else "、".join(value) if value else NONE_WORD
    if spec.kind == "refs":
        return "、".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
