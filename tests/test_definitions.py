"""Malformed definitions fail at load with a message naming the file, the field and the problem (pyxform style).

Each case mutates one thing in a small, valid inline definition.  Every shipped
definition loads, and every field reads its own printed example.
"""
from __future__ import annotations

import copy
import json

import pytest

from desktop.core.catalog import form_ids, forms_dir, load_form, load_sample
from desktop.core.definition import load_definition, parse_definition
from desktop.core.document import Document
from desktop.core.engine import DocumentState
from desktop.core.errors import DefinitionError

FILE = "坏的定义.json"  # a Chinese file name, as clerks' IT staff would use

BASE = {
    "id": "t-def", "version": "1", "title": "测试表",
    "sections": [
        {"id": "head", "kind": "fields", "fields": [
            {"id": "a", "label": "甲数", "type": "amount"},
            {"id": "b", "label": "乙数", "type": "amount"},
            {"id": "c", "label": "丙数", "type": "amount", "formula": "a + b"},
        ]},
        {"kind": "table", "id": "items", "title": "明细表", "repeat": True, "label_column": "name",
         "columns": [
             {"id": "name", "label": "名称", "type": "text"},
             {"id": "amt", "label": "金额", "type": "amount"},
             {"id": "dbl", "label": "双倍", "type": "amount", "formula": "amt * 2"},
         ],
         "rows": [{"id": "total", "label": "合计", "sum_rows": "data", "position": "bottom"}]},
        {"kind": "table", "id": "src", "title": "资金来源", "label_column": "item",
         "columns": [{"id": "item", "label": "项目", "type": "label"},
                     {"id": "plan", "label": "计划数", "type": "amount"}],
         "rows": [{"id": "sum", "label": "合计", "sum_rows": ["city", "own"]},
                  {"id": "city", "label": "市级财政资金"},
                  {"id": "own", "label": "单位自筹"}]},
    ],
    "checks": [{"id": "ck", "level": "error", "assert": "c >= 0", "cell": "c", "message": "丙数 {c} 不应为负"}],
}


def test_base_definition_loads():
    form = parse_definition(copy.deepcopy(BASE), FILE)
    assert set(form.fields) == {"a", "b", "c"}
    assert set(form.tables) == {"items", "src"}


def _field(d, i):
    return d["sections"][0]["fields"][i]


def _col(d, i):
    return d["sections"][1]["columns"][i]


def _table(d):
    return d["sections"][1]


def _fixed(d):
    return d["sections"][2]


def case(name, mutate, *fragments, marks=()):
    return pytest.param(mutate, fragments, id=name, marks=marks)


CASES = [
    # the form
    case("missing-id", lambda d: d.pop("id"), "缺少“id”"),
    case("missing-version", lambda d: d.pop("version"), "缺少“version”"),
    case("missing-sections", lambda d: d.pop("sections"), "缺少“sections”"),
    case("unknown-form-key", lambda d: d.update(colour="red"), "不认识的键“colour”"),
    case("orientation", lambda d: d.update(orientation="sideways"), "orientation", "sideways"),
    case("unknown-rules", lambda d: d.update(scoring={"rules": "magic"}), "未知的评分规则“magic”", "suzhou2023"),
    case("meta-unknown-field", lambda d: d.update(meta={"unit": "zz"}), "unit", "不存在的字段“zz”"),
    case("parts-name-field", lambda d: d.update(parts={"label": "项目", "name_field": "zz"}), "name_field", "“zz”"),
    case("signature-date-field", lambda d: d.update(signatures={"date_field": "zz"}), "date_field", "“zz”"),
    case("signatures-not-object", lambda d: d.update(signatures=["填报人"]), "signatures"),
    case("sections-not-list", lambda d: d.update(sections=3), "sections"),
    case("section-not-object", lambda d: d["sections"].append(3), "第4节"),
    case("section-kind", lambda d: d["sections"][0].update(kind="grid"), "head", "kind", "grid"),
    case("fields-not-list", lambda d: d["sections"][0].update(fields=3), "head", "fields"),
    # a field
    case("field-unknown-key", lambda d: _field(d, 0).update(colour=1), "甲数", "不认识的键“colour”"),
    case("field-missing-label", lambda d: _field(d, 0).pop("label"), "(a)", "缺少“label”"),
    case("field-unknown-type", lambda d: _field(d, 0).update(type="money"), "甲数", "未知的字段类型“money”"),
    case("field-option-of-other-type", lambda d: _field(d, 0).update(options=["x"]), "甲数", "不认识的键“options”"),
    case("field-bad-option-value", lambda d: _field(d, 0).update(type="choice", options="甲乙"), "甲数", "options",
         "无效"),
    case("field-bad-decimals", lambda d: _field(d, 0).update(decimals="two"), "甲数", "decimals", "无效"),
    case("field-bad-id", lambda d: _field(d, 0).update(id="1a"), "甲数", "标识“1a”"),
    case("field-id-not-text", lambda d: _field(d, 0).update(id=5), "甲数", "标识“5”"),
    case("field-duplicate-id", lambda d: _field(d, 1).update(id="a"), "乙数", "标识“a”重复"),
    case("field-width-not-number", lambda d: _field(d, 0).update(width="wide"), "甲数", "width"),
    case("field-span-not-number", lambda d: _field(d, 0).update(span="x"), "甲数", "span"),
    case("field-bad-example", lambda d: _field(d, 0).update(example="abc"), "甲数", "示例“abc”", "不是有效的数字"),
    # formulas
    case("formula-unknown-ref", lambda d: _field(d, 2).update(formula="a + zz"), "丙数", "(c)", "不存在的“zz”"),
    case("formula-syntax", lambda d: _field(d, 2).update(formula="a +"), "丙数", "公式“a +”", "第 4 个字符"),
    case("formula-unknown-function", lambda d: _field(d, 2).update(formula="eval('a')"), "丙数", "未知的函数“eval”"),
    case("formula-arity", lambda d: _field(d, 2).update(formula="round()"), "丙数", "round", "个参数"),
    case("formula-not-text", lambda d: _field(d, 2).update(formula=5), "丙数", "formula", "应为文字（公式）"),
    case("formula-column-outside-sum", lambda d: _field(d, 2).update(formula="items.amt + 1"), "丙数",
         "items.amt", "只能用在 sum"),
    case("formula-unknown-column", lambda d: _field(d, 2).update(formula="sum(items.zz)"), "丙数", "items.zz"),
    case("formula-unknown-fixed-row", lambda d: _field(d, 2).update(formula="src[zz].plan"), "丙数", "src[zz].plan"),
    case("formula-too-deep", lambda d: _field(d, 2).update(formula="(" * 100 + "a" + ")" * 100), "丙数", "嵌套过深"),
    case("column-formula-unknown-ref", lambda d: _col(d, 2).update(formula="zz * 2"), "明细表", "双倍", "不存在的“zz”"),
    case("input-when-unknown-ref", lambda d: _col(d, 2).update(input_when="zz"), "明细表", "双倍", "input_when",
         "“zz”"),
    case("fixed-cell-formula-unknown", lambda d: _table(d)["rows"][0].update(cells={"dbl": "zz"}), "明细表", "合计",
         "“zz”"),
    # cycles
    case("cycle-two-fields", lambda d: _field(d, 0).update(formula="c"), "循环引用", "甲数", "丙数"),
    case("cycle-three-fields", lambda d: (_field(d, 0).update(formula="b"), _field(d, 1).update(formula="c")),
         "循环引用", "甲数", "乙数", "丙数"),
    case("cycle-column-reads-itself", lambda d: _col(d, 2).update(formula="dbl * 2"), "循环引用", "双倍"),
    case("cycle-through-a-table", lambda d: (_field(d, 0).update(formula="items[total].dbl"),
                                             _col(d, 2).update(formula="a")), "循环引用", "甲数"),
    case("cycle-not-naming-bystanders", lambda d: (_field(d, 0).update(formula="items[total].dbl"),
                                                   _col(d, 2).update(formula="a")), "循环引用", "双倍"),
    case("cycle-sum-row-sums-itself", lambda d: _fixed(d)["rows"][0].update(sum_rows=["sum", "city"]), "循环引用",
         "合计"),
    case("cycle-sum-rows", lambda d: _fixed(d)["rows"].__setitem__(1, {"id": "city", "label": "市级财政资金",
                                                                     "sum_rows": ["sum"]}),
         "循环引用", "合计", "市级财政资金"),
    # tables
    case("table-no-columns", lambda d: _table(d).update(columns=[]), "明细表", "columns"),
    case("table-duplicate-column", lambda d: _col(d, 1).update(id="name"), "明细表", "标识“name”重复"),
    case("table-column-not-object", lambda d: _table(d)["columns"].append("x"), "明细表", "第4列"),
    case("table-label-column-unknown", lambda d: _table(d).update(label_column="zz"), "明细表", "“zz”"),
    case("table-group-column-unknown", lambda d: _table(d).update(group_column="zz"), "明细表", "“zz”"),
    case("table-unknown-key", lambda d: _table(d).update(colour=1), "明细表", "不认识的键“colour”"),
    case("table-no-rows-no-repeat", lambda d: (_table(d).update(repeat=False), _table(d).pop("rows")), "明细表",
         "repeat"),
    case("table-min-rows-not-number", lambda d: _table(d).update(min_rows="x"), "明细表", "min_rows"),
    case("sum-rows-unknown-row", lambda d: _fixed(d)["rows"][0].update(sum_rows=["zz"]), "资金来源", "“zz”"),
    case("sum-rows-bad-word", lambda d: _table(d)["rows"][0].update(sum_rows="all"), "明细表", "sum_rows", "all"),
    case("fixed-row-unknown-cell", lambda d: _table(d)["rows"][0].update(cells={"zz": None}), "明细表", "“zz”"),
    case("fixed-row-bad-position", lambda d: _table(d)["rows"][0].update(position="middle"), "明细表", "position",
         "middle"),
    case("fixed-row-not-object", lambda d: _fixed(d)["rows"].append("x"), "资金来源", "固定行4"),
    case("fixed-row-missing-label", lambda d: _fixed(d)["rows"][1].pop("label"), "资金来源", "缺少“label”"),
    case("initial-rows-unknown-column", lambda d: _table(d).update(initial_rows=[{"zz": "1"}]), "明细表",
         "initial_rows", "“zz”"),
    # checks
    case("check-unknown-ref", lambda d: d["checks"][0].update({"assert": "zz > 0"}), "ck", "不存在的“zz”"),
    case("check-bad-level", lambda d: d["checks"][0].update(level="fatal"), "level", "fatal"),
    case("check-missing-message", lambda d: d["checks"][0].pop("message"), "缺少“message”"),
    case("check-missing-assert", lambda d: d["checks"][0].pop("assert"), "缺少“assert”"),
    case("check-unknown-placeholder", lambda d: d["checks"][0].update(message="{zz} 不对"), "ck", "“zz”"),
    case("check-unknown-cell", lambda d: d["checks"][0].update(cell="zz"), "ck", "“zz”"),
    case("check-cell-unknown-column", lambda d: d["checks"][0].update(cell="items/total/zz"), "ck", "items/total/zz"),
    case("check-cell-unknown-row", lambda d: d["checks"][0].update(cell="items/zz/amt"), "ck", "items/zz/amt"),
    case("check-cell-is-a-table", lambda d: d["checks"][0].update(cell="items"), "ck", "“items”"),
    case("row-check-cell-is-a-field", lambda d: _table(d).update(row_checks=[{"id": "rc", "assert": "amt > 0",
                                                                             "cell": "a", "message": "m"}]),
         "rc", "“a”"),
    case("check-when-unknown", lambda d: d["checks"][0].update(when="zz > 1"), "ck", "when", "“zz”"),
    case("check-not-object", lambda d: d["checks"].append("x"), "校验2"),
    case("row-check-unknown-ref", lambda d: _table(d).update(row_checks=[{"id": "rc", "assert": "zz > 0",
                                                                         "message": "m"}]), "明细表", "rc", "“zz”"),
]


@pytest.mark.parametrize("mutate, fragments", CASES)
def test_malformed_definition(mutate, fragments):
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(DefinitionError) as exc:
        parse_definition(data, FILE)
    text = exc.value.text
    assert text.startswith(f"表单定义 {FILE}：")  # names the file
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    assert exc.value.file == FILE


@pytest.mark.parametrize("text, fragment", [
    ('{"id": ', "不是有效的 JSON（第 1 行"),
    ("", "不是有效的 JSON"),
    ("[]", "应为对象"),
    ("null", "应为对象"),
])
def test_not_a_definition(text, fragment):
    with pytest.raises(DefinitionError) as exc:
        parse_definition(text, FILE)
    assert FILE in exc.value.text and fragment in exc.value.text


def test_load_definition_names_the_file(tmp_path):
    path = tmp_path / "苏州自评表.json"
    bad = copy.deepcopy(BASE)
    _field(bad, 2)["formula"] = "a + zz"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DefinitionError) as exc:
        load_definition(path)
    assert "苏州自评表.json" in exc.value.text and "丙数" in exc.value.text
    with pytest.raises(DefinitionError) as exc:
        load_definition(tmp_path / "没有这个文件.json")
    assert "没有这个文件.json" in exc.value.text


def test_definition_carries_a_version():
    form = parse_definition(copy.deepcopy(BASE), FILE)
    assert form.version == "1"


def test_nodes_are_in_dependency_order():
    d = copy.deepcopy(BASE)
    d["sections"][0]["fields"].insert(0, {"id": "z", "label": "末", "type": "amount", "formula": "c * 2"})
    form = parse_definition(d, FILE)
    order = [n.col for n in form.nodes if n.kind == "field"]
    assert order.index("c") < order.index("z")


# ---------------------------------------------------------------------------------------
# the shipped definitions
# ---------------------------------------------------------------------------------------

SHIPPED = sorted(p.name for p in forms_dir().glob("*.json"))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_definition_loads(name):
    form = load_definition(forms_dir() / name)
    assert form.id and form.version and form.title
    assert form.sections


def test_five_forms_are_shipped():
    assert "suzhou-project-selfeval-2023" in form_ids()
    assert len(form_ids()) == len(SHIPPED)


@pytest.mark.parametrize("form_id", form_ids())
def test_every_field_reads_its_own_examples(form_id):
    """A field's example reads to a value, and that value printed as typed reads back to itself."""
    form = load_form(form_id)
    examples = [f for f in form.all_fields() if f.example is not None]
    assert examples, "every shipped form shows at least one example"
    for f in examples:
        value = f.type.read(str(f.example))
        assert value is not None, f.id
        assert f.type.read(f.type.format(value, False)) == value, f.id


@pytest.mark.parametrize("form_id", form_ids())
def test_every_field_type_in_the_form_reads_the_type_example(form_id):
    """FieldType.example is what the type prints as its hint; it must read with the options the form uses."""
    form = load_form(form_id)
    for f in form.all_fields():
        example = type(f.type).example
        if not example or getattr(f.type, "options", None):
            continue  # a closed choice's example is one of its own options (tested below)
        value = f.type.read(example)
        assert value is not None, (f.id, example)
        assert f.type.read(f.type.format(value, False)) == value, (f.id, example)


@pytest.mark.parametrize("form_id", form_ids())
def test_every_form_has_a_sample_that_loads(form_id):
    form = load_form(form_id)
    doc = load_sample(form_id)
    assert isinstance(doc, Document) and doc.form_id == form_id
    state = DocumentState(form, doc)
    assert state.parts
    for ps in state.parts:
        for addr in ps.addresses():
            ps.text(addr)
        for p in ps.problems.values():
            assert ps.problem_text(p)


@pytest.mark.parametrize("form_id", form_ids())
def test_choice_examples_are_options(form_id):
    form = load_form(form_id)
    for f in form.all_fields():
        options = getattr(f.type, "options", None)
        if options and not getattr(f.type, "free", False):
            for opt in options:
                assert f.type.read(opt) == opt


# ---------------------------------------------------------------------------------------
# the documentation's complete example loads and works
# ---------------------------------------------------------------------------------------


def _doc_example():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "forms.md").read_text(encoding="utf-8")
    start = text.index("## A complete example")
    block = text[start:].split("```json", 1)[1].split("```", 1)[0]
    return json.loads(block)


def test_docs_complete_example_loads_and_computes():
    form = parse_definition(_doc_example(), "forms.md")
    state = DocumentState.new(form)
    ps = state.parts[0]
    ps.set_value("budget", "100")
    ps.set_value("spent", "９９．５")
    assert ps.text("rate") == "99.50%"
    ps.set_value("sources/city/plan", "60")
    assert ("plan_eq_budget", "sources/total/plan") in ps.problems
    ps.set_value("sources/own/plan", "40")
    assert ("plan_eq_budget", "sources/total/plan") not in ps.problems
    rid = ps.insert_row("ind", cells={"cls": "产出目标", "name": "培训人次", "target": "≥50个", "actual": "50个"})
    assert ps.value(f"ind/{rid}/weight") == 70
    assert ps.value("score_total") == 70  # 决策 row: no actual → 0; 产出 row met → 70
