"""Every key of every block is checked against its one allowed-key table (desktop/core/defkeys.py).

Table-driven (pyxform style): each case changes one thing in a small valid inline definition and
names the fragments the message must carry — the block, the key, the expected kind, the value, and
for a near miss the “您是不是想写…” suggestion.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from desktop.core.definition import parse_definition
from desktop.core.defkeys import BLOCKS
from desktop.core.errors import DefinitionError
from desktop.core.types import TYPES

FILE = "坏的定义.json"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "forms.md"

BASE = {
    "id": "t-keys", "version": "1", "title": "测试表",
    "meta": {"unit": "unit", "year": "year"},
    "parts": {"label": "项目", "name_field": "unit"},
    "scoring": {"rules": "suzhou2023", "places": 2, "classes": {"产出": "output"}},
    "signatures": {"unit_label": "填报单位（盖章）", "unit_field": "unit", "lines": ["填报人"], "date_field": "day"},
    "sections": [
        {"id": "head", "kind": "fields", "fields": [
            {"id": "unit", "label": "单位", "type": "text"},
            {"id": "year", "label": "年度", "type": "year"},
            {"id": "day", "label": "日期", "type": "date"},
            {"id": "budget", "label": "预算数", "type": "amount"},
        ]},
        {"kind": "table", "id": "items", "title": "明细表", "repeat": True, "label_column": "name",
         "header": [[{"label": "名称", "span": 1}, {"label": "金额", "span": 2}]],
         "columns": [
             {"id": "name", "label": "名称", "type": "text"},
             {"id": "amount", "label": "金额", "type": "amount"},
             {"id": "double", "label": "双倍", "type": "amount", "formula": "amount * 2"},
         ],
         "rows": [{"id": "total", "label": "合计", "sum_rows": "data", "position": "bottom"}],
         "row_checks": [{"id": "pos", "assert": "amount >= 0", "cell": "amount", "message": "金额为负"}]},
    ],
    "checks": [{"id": "ck", "assert": "budget >= 0", "cell": "budget", "message": "预算数为负"}],
}


def _field(d, i=3):
    return d["sections"][0]["fields"][i]


def _table(d):
    return d["sections"][1]


def case(name, mutate, *fragments):
    return pytest.param(mutate, fragments, id=name)


MEANT = "您是不是想写"
CASES = [
    # unknown keys, with a suggestion for a near miss, in every block
    case("form-key", lambda d: d.update(titel="x"), "不认识的键“titel”", f"{MEANT}“title”"),
    case("scoring-clases", lambda d: d["scoring"].update(clases={}), "scoring", "不认识的键“clases”",
         f"{MEANT}“classes”"),
    case("parts-key", lambda d: d["parts"].update(lable="项目"), "parts", "“lable”", f"{MEANT}“label”"),
    case("signatures-key", lambda d: d["signatures"].update(line=["x"]), "signatures", "“line”", f"{MEANT}“lines”"),
    case("meta-key", lambda d: d["meta"].update(units="unit"), "meta", "“units”", f"{MEANT}“unit”"),
    case("section-key", lambda d: d["sections"][0].update(colums=2), "head", "“colums”", f"{MEANT}“columns”"),
    case("table-key", lambda d: _table(d).update(label_colum="name"), "明细表", "“label_colum”",
         f"{MEANT}“label_column”"),
    case("field-key", lambda d: _field(d).update(requierd=True), "预算数", "“requierd”", f"{MEANT}“required”"),
    case("field-option-key", lambda d: _field(d).update(decimal=2), "预算数", "“decimal”", f"{MEANT}“decimals”"),
    case("row-key", lambda d: _table(d)["rows"][0].update(sum_row="data"), "固定行1", "“sum_row”",
         f"{MEANT}“sum_rows”"),
    case("check-key", lambda d: d["checks"][0].update(mesage="x"), "校验1", "“mesage”", f"{MEANT}“message”"),
    case("row-check-key", lambda d: _table(d)["row_checks"][0].update(levle="error"), "行校验1", "“levle”",
         f"{MEANT}“level”"),
    case("header-key", lambda d: _table(d)["header"][0][0].update(spam=1), "表头第1行", "“spam”", f"{MEANT}“span”"),
    case("no-suggestion-far-off", lambda d: d.update(colour="red"), "不认识的键“colour”"),
    # wrong kinds: block, key, value, expected
    case("scoring-places-two", lambda d: d["scoring"].update(places="two"), "scoring（评分）", "“places”", "'two'",
         "应为非负整数"),
    case("scoring-classes-list", lambda d: d["scoring"].update(classes=["产出"]), "scoring", "“classes”", "对象"),
    case("scoring-class-word", lambda d: d["scoring"]["classes"].update(产出="outputs"), "scoring", "outputs",
         "output 或 outcome"),
    case("form-version-number", lambda d: d.update(version=2), "表单的“version”", "2", "应为文字"),
    case("form-title-list", lambda d: d.update(title=["a"]), "“title”", "应为文字"),
    case("form-orientation", lambda d: d.update(orientation="sideways"), "“orientation”", "sideways",
         "portrait 或 landscape"),
    case("meta-not-object", lambda d: d.update(meta="unit"), "“meta”", "对象"),
    case("meta-ref-number", lambda d: d["meta"].update(unit=3), "meta", "“unit”", "3", "标识"),
    case("parts-label-number", lambda d: d["parts"].update(label=1), "parts", "“label”", "应为文字"),
    case("signatures-lines-text", lambda d: d["signatures"].update(lines="填报人"), "signatures", "“lines”",
         "文字的列表"),
    case("section-columns-text", lambda d: d["sections"][0].update(columns="two"), "分节的“columns”", "'two'",
         "非负整数"),
    case("section-page-break", lambda d: d["sections"][0].update(page_break="yes"), "“page_break”", "true 或 false"),
    case("table-repeat-text", lambda d: _table(d).update(repeat="yes"), "表格的“repeat”", "true 或 false"),
    case("table-sum-columns", lambda d: _table(d).update(sum_columns="amount"), "“sum_columns”", "标识的列表"),
    case("table-header-cells", lambda d: _table(d).update(header=["名称"]), "“header”", "表头行"),
    case("header-span-text", lambda d: _table(d)["header"][0][1].update(span="2"), "header", "“span”", "非负整数"),
    case("table-initial-rows-number", lambda d: _table(d).update(initial_rows=[{"amount": 5}]), "initial_rows",
         "列 → 文字"),
    case("field-required-text", lambda d: _field(d).update(required="是"), "字段的“required”", "'是'",
         "true 或 false"),
    case("field-min-text", lambda d: _field(d).update(min="0"), "字段的“min”", "'0'", "数字"),
    case("field-help-number", lambda d: _field(d).update(help=1), "“help”", "文字"),
    case("field-hidden-number", lambda d: _field(d).update(hidden=1), "“hidden”", "true 或 false"),
    case("field-decimals-two", lambda d: _field(d).update(decimals="two"), "decimals", "'two'", "0–12"),
    case("row-total-text", lambda d: _table(d)["rows"][0].update(total="yes"), "固定行的“total”", "true 或 false"),
    case("row-cells-number", lambda d: _table(d)["rows"][0].update(cells={"double": 2}), "“cells”", "null"),
    case("row-sum-rows-word", lambda d: _table(d)["rows"][0].update(sum_rows="all"), "“sum_rows”", "all"),
    case("check-level", lambda d: d["checks"][0].update(level="fatal"), "检查的“level”", "fatal",
         "error 或 warning"),
    case("check-message-number", lambda d: d["checks"][0].update(message=3), "检查的“message”", "应为文字"),
    case("section-title-null", lambda d: d["sections"][0].update(title=None), "分节的“title”", "None", "应为文字"),
    case("table-repeat-null", lambda d: _table(d).update(repeat=None), "表格的“repeat”", "true 或 false"),
    # unknown references, with a suggestion
    case("meta-field", lambda d: d["meta"].update(unit="unti"), "“unit”引用了不存在的字段“unti”",
         f"{MEANT}“unit”"),
    case("signature-field", lambda d: d["signatures"].update(date_field="dya"), "不存在的字段“dya”",
         f"{MEANT}“day”"),
    case("label-column", lambda d: _table(d).update(label_column="nmae"), "不存在的列“nmae”", f"{MEANT}“name”"),
    case("sum-columns", lambda d: _table(d).update(sum_columns=["amuont"]), "不存在的列“amuont”",
         f"{MEANT}“amount”"),
    case("cells-column", lambda d: _table(d)["rows"][0].update(cells={"doubel": None}), "不存在的列“doubel”",
         f"{MEANT}“double”"),
    case("initial-rows-column", lambda d: _table(d).update(initial_rows=[{"nam": "甲"}]), "不存在的列“nam”",
         f"{MEANT}“name”"),
    case("rules", lambda d: d["scoring"].update(rules="suzhou2032"), "未知的评分规则“suzhou2032”",
         f"{MEANT}“suzhou2023”"),
    case("formula-field", lambda d: _table(d)["columns"][2].update(formula="amuont * 2"), "不存在的“amuont”",
         f"{MEANT}“amount”"),
    case("formula-table", lambda d: d["checks"][0].update({"assert": "sum(itmes.amount) >= 0"}), "itmes.amount",
         f"{MEANT}“items”"),
    case("formula-column", lambda d: d["checks"][0].update({"assert": "sum(items.amout) >= 0"}), "items.amout",
         f"{MEANT}“amount”"),
    case("formula-fixed-row", lambda d: d["checks"][0].update({"assert": "items[totl].amount >= 0"}),
         "items[totl].amount", f"{MEANT}“total”"),
    case("check-cell", lambda d: d["checks"][0].update(cell="budgte"), "不存在的单元格“budgte”", f"{MEANT}“budget”"),
    case("check-cell-fixed", lambda d: d["checks"][0].update(cell="items/total/amuont"), "items/total/amuont",
         f"{MEANT}“items/total/amount”"),
    case("options-from", lambda d: _field(d, 0).update(type="choice", options_from="items.nmae"),
         "“options_from”引用了不存在的表格的列“items.nmae”", f"{MEANT}“items.name”"),
    case("field-type", lambda d: _field(d).update(type="amout"), "未知的字段类型“amout”", f"{MEANT}“amount”"),
]


@pytest.mark.parametrize("mutate, fragments", CASES)
def test_every_key_is_checked(mutate, fragments):
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(DefinitionError) as exc:
        parse_definition(data, FILE)
    text = exc.value.text
    assert text.startswith(f"表单定义 {FILE}：")
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def test_base_loads():
    form = parse_definition(copy.deepcopy(BASE), FILE)
    assert form.rules.places == 2 and form.multi


# ------------------------------------------------------------------ docs/forms.md vs the key tables
def _doc_tables() -> dict[str, set[str]]:
    """Every ``<!-- keys: BLOCK [column=N] -->`` marker in docs/forms.md and the backticked keys in
    column N (default 1) of the markdown table that follows it."""
    out: dict[str, set[str]] = {}
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"<!-- keys: (\w+)(?: column=(\d+))? -->", line.strip())
        if not m:
            continue
        column = int(m.group(2) or 1)
        keys: set[str] = set()
        j = i + 1
        while j < len(lines) and not lines[j].startswith("|"):
            j += 1
        while j < len(lines) and lines[j].startswith("|"):
            cells = lines[j].split("|")
            if len(cells) > column and not set(cells[column].strip()) <= {"-", ":"}:
                keys |= set(re.findall(r"`([^`]+)`", cells[column]))
            j += 1
        out.setdefault(m.group(1), set()).update(keys)
    return out


def test_docs_key_tables_are_the_loaders():
    tables = _doc_tables()
    assert set(tables) == set(BLOCKS), "every block has a key table in docs/forms.md"
    for block, keys in BLOCKS.items():
        documented = tables[block]
        if block == "field_options":  # the types table's options column also shows option values
            documented = {k for k in documented if re.fullmatch(r"[a-z_]+", k)} - {"null", "false", "true"} - set(TYPES)
        assert documented == set(keys), f"{block}: docs {sorted(documented ^ set(keys))}"


def test_every_type_option_has_a_key():
    options = {o for t in TYPES.values() for o in t.options_allowed}
    assert options == set(BLOCKS["field_options"])
