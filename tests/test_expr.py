"""The formula language: grammar, blank / BAD semantics, functions, name resolution, dependencies."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.errors import DefinitionError, ExprError
from desktop.core.expr import BAD, Binary, Call, Lit, Ref, Scope, TableScope, compile_expr, parse, truth

SCOPE = Scope(
    fields={"a", "b", "c", "blank_f", "bad_f", "zero", "word", "neg"},
    tables={"t": TableScope({"x", "y", "cls"}, {"total", "sub"}),
            "u": TableScope({"v"})},
)
ROW_SCOPE = Scope(SCOPE.fields, SCOPE.tables, row_table="t")

FIELDS = {"a": D("2"), "b": D("3"), "c": D("0.5"), "blank_f": None, "bad_f": BAD, "zero": D(0),
          "word": "产出目标", "neg": D("-2.5")}
ROWS = {
    "r1": {"x": D("1.5"), "y": D("10"), "cls": "产出"},
    "r2": {"x": D("2.5"), "y": None, "cls": "效益"},
    "r3": {"x": None, "y": D("5"), "cls": "产出"},
    "total": {"x": D("4"), "y": D("15")},
    "sub": {"x": D("1")},
}


class Ctx:
    def __init__(self, fields=None, rows=None, data=("r1", "r2", "r3")):
        self.fields = dict(FIELDS, **(fields or {}))
        self.rows = {k: dict(v) for k, v in (rows or ROWS).items()}
        self.data = list(data)
        self.memo: dict = {}
        self.scored: list = []

    def field(self, fid):
        return self.fields.get(fid)

    def cell(self, tid, rid, cid):
        if tid == "u":
            return None
        return self.rows.get(rid, {}).get(cid)

    def data_rows(self, tid):
        return self.data if tid == "t" else []

    def score(self, args):
        self.scored.append(args)
        return D("7")

    def grade(self, total):
        return "优" if total is not None and total >= 90 else "差"


def ev(source, ctx=None, row=None, scope=None):
    scope = scope or (ROW_SCOPE if row else SCOPE)
    return compile_expr(source, scope)(ctx or Ctx(), row)


# ---------------------------------------------------------------------------------------
# grammar
# ---------------------------------------------------------------------------------------

VALUES = [
    ("1 + 2 * 3", D(7)),
    ("(1 + 2) * 3", D(9)),
    ("10 - 4 - 3", D(3)),  # left-associative
    ("12 / 4 / 3", D(1)),
    ("-2 * -3", D(6)),
    ("+5", D(5)),
    ("--5", D(5)),
    ("1.5 + .5", D(2)),
    ("a * b", D(6)),
    ("a + b * c", D("3.5")),
    ("a = 2", True),
    ("a == 2", True),
    ("a != 2", False),
    ("a <> 3", True),
    ("a ≠ 3", True),
    ("a ≤ 2", True),
    ("a ≥ 3", False),
    ("a < b and b < 4", True),
    ("a > b or b > 2", True),
    ("not a > b", True),
    ("not not true", True),
    ("true and false", False),
    ("word = '产出目标'", True),
    ('word = "产出目标"', True),
    ("word = “产出目标”", True),
    ("word in ['产出目标', '效益目标']", True),
    ("word not in ['产出目标']", False),
    ("'a\\'b' = \"a'b\"", True),
    ("blank", None),
    ("[1, 2]", [D(1), D(2)]),
    ("t[total].x", D(4)),
    ("t[\"total\"].y", D(15)),
    ("t[total].x - t[sub].x", D(3)),
]


@pytest.mark.parametrize("source, value", VALUES)
def test_values(source, value):
    assert ev(source) == value


def test_syntax_tree():
    node = parse("a + b * 2")
    assert isinstance(node, Binary) and node.op == "+"
    assert isinstance(node.right, Binary) and node.right.op == "*"
    assert isinstance(node.right.right, Lit) and node.right.right.value == 2
    call = parse("sum(t.x, cls = '产出')")
    assert isinstance(call, Call) and call.name == "sum"
    assert call.args[0] == Ref(4, "t", None, "x")
    assert parse("t[total].x") == Ref(0, "t", "total", "x")


SYNTAX_ERRORS = [
    "",
    "   ",
    "1 +",
    "(1 + 2",
    "1 + 2)",
    "1 2",
    "a b",
    "a +* b",
    "sum(t.x",
    "t[].x",
    "t[total]",
    "t[total].",
    "'unterminated",
    "1e5",
    "a ; b",
    "a $ b",
    "a & b",
    "🙂",
    "[1, 2",
    "a in 1",
    "if(a, b,)",
]


@pytest.mark.parametrize("source", SYNTAX_ERRORS)
def test_syntax_errors(source):
    with pytest.raises(ExprError) as exc:
        compile_expr(source, SCOPE)
    assert isinstance(exc.value, DefinitionError)
    assert "公式" in exc.value.text and "有误" in exc.value.text
    assert "字符处" in exc.value.text  # names the position


def test_error_names_the_position():
    with pytest.raises(ExprError) as exc:
        parse("a + + ")
    assert "第 7 个字符" in exc.value.text  # the end of the formula
    with pytest.raises(ExprError) as exc:
        parse("a $ b")
    assert "第 3 个字符" in exc.value.text and "“$”" in exc.value.text


def test_not_a_string():
    with pytest.raises(ExprError):
        parse(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["(" * 200 + "1" + ")" * 200, "-" * 500 + "1", "not " * 500 + "true",
                                    "1" + " + 1" * 2000, "if(" * 100 + "1" + ", 1, 1)" * 100])
def test_absurd_nesting_is_an_expr_error_not_a_crash(source):
    with pytest.raises(ExprError) as exc:
        compile_expr(source, SCOPE)
    assert "公式" in exc.value.text


def test_reasonable_nesting_is_fine():
    assert ev("(" * 40 + "1" + ")" * 40) == 1
    assert ev("1" + " + 1" * 40) == 41


# ---------------------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------------------

UNKNOWN = [
    ("nope + 1", "nope"),
    ("t.z", "t.z"),
    ("sum(t.z)", "t.z"),
    ("sum(w.x)", None),
    ("t[nope].x", "t[nope].x"),
    ("t[total].z", "t[total].z"),
    ("x", "x"),  # a column name outside a row formula
]


@pytest.mark.parametrize("source, ref", UNKNOWN)
def test_unknown_names_are_refused(source, ref):
    with pytest.raises(ExprError) as exc:
        compile_expr(source, SCOPE)
    if ref:
        assert f"不存在的“{ref}”" in exc.value.text


def test_column_only_in_aggregates():
    with pytest.raises(ExprError) as exc:
        compile_expr("t.x + 1", SCOPE)
    assert "只能用在 sum" in exc.value.text


@pytest.mark.parametrize("source, name", [("nofunc(1)", "nofunc"), ("eval('1')", "eval"), ("__import__('os')", "__import__")])
def test_unknown_function(source, name):
    with pytest.raises(ExprError) as exc:
        compile_expr(source, SCOPE)
    assert f"未知的函数“{name}”" in exc.value.text


@pytest.mark.parametrize("source", ["abs()", "abs(1, 2)", "if(1, 2)", "ratio(1)", "round()", "round(1, 2, 3)",
                                    "rowno(1)", "isblank()", "score(1, 2)", "share(1)"])
def test_arity(source):
    with pytest.raises(ExprError) as exc:
        compile_expr(source, ROW_SCOPE)
    assert "个参数" in exc.value.text


@pytest.mark.parametrize("source", ["rowno()", "share(55, true)"])
def test_row_only_functions(source):
    with pytest.raises(ExprError) as exc:
        compile_expr(source, SCOPE)
    assert "只能用在表格行的公式中" in exc.value.text
    compile_expr(source, ROW_SCOPE)


def test_sum_needs_a_column():
    with pytest.raises(ExprError):
        compile_expr("sum(a)", SCOPE)
    with pytest.raises(ExprError):
        compile_expr("sum(t)", SCOPE)


def test_dependencies():
    assert compile_expr("a + b", SCOPE).deps == {("F", "a"), ("F", "b")}
    assert compile_expr("sum(t.x)", SCOPE).deps == {("N", "t"), ("C", "t", "x")}
    assert compile_expr("sum(t.x, cls = '产出')", SCOPE).deps == {("N", "t"), ("C", "t", "x"), ("C", "t", "cls")}
    assert compile_expr("t[total].x", SCOPE).deps == {("X", "t", "total", "x")}
    assert compile_expr("x * a", ROW_SCOPE).deps == {("R", "t", "x"), ("F", "a")}
    assert compile_expr("count(t)", SCOPE).deps == {("N", "t")}
    assert ("N", "t") in compile_expr("share(55, cls = '产出')", ROW_SCOPE).deps
    assert ("N", "t") in compile_expr("rowno()", ROW_SCOPE).deps


def test_fields_win_over_nothing_and_row_columns_win_in_rows():
    # in a row formula a bare name is the row's column; a field of the same name is shadowed
    scope = Scope({"x"}, {"t": TableScope({"x"})}, row_table="t")
    assert compile_expr("x", scope).deps == {("R", "t", "x")}
    assert compile_expr("x", Scope({"x"}, {"t": TableScope({"x"})})).deps == {("F", "x")}


# ---------------------------------------------------------------------------------------
# blank and BAD
# ---------------------------------------------------------------------------------------

BLANKS = [
    ("blank_f + 1", D(1)),  # blank counts as 0 in + and -
    ("1 - blank_f", D(1)),
    ("blank_f + blank_f", None),
    ("blank_f * 2", None),  # * / and comparisons with a blank give blank
    ("blank_f / 2", None),
    ("2 / blank_f", None),
    ("a / zero", None),  # division by zero gives blank
    ("a / 0", None),
    ("ratio(a, zero)", None),
    ("ratio(a, b)", D(2) / D(3)),
    ("blank_f = 0", None),
    ("blank_f > 1", None),
    ("-blank_f", None),
    ("isblank(blank_f)", True),
    ("isblank(a)", False),
    ("isblank('  ')", True),
    ("coalesce(blank_f, a)", D(2)),
    ("coalesce(blank_f, '')", None),
    ("abs(blank_f)", None),
    ("round(blank_f, 2)", None),
    ("min(blank_f, a, b)", D(2)),
    ("max(blank_f)", None),
    ("len(blank_f)", D(0)),
    ("blank_f and true", None),
    ("blank_f and false", False),  # three-valued logic
    ("blank_f or true", True),
    ("blank_f or false", None),
    ("not blank_f", None),
    ("blank_f in [1]", None),
]


@pytest.mark.parametrize("source, value", BLANKS)
def test_blank(source, value):
    assert ev(source) == value


BADS = ["bad_f + 1", "1 - bad_f", "bad_f * 2", "bad_f / 2", "2 / bad_f", "ratio(bad_f, 1)", "abs(bad_f)",
        "round(bad_f, 2)", "-bad_f", "min(a, bad_f)", "max(bad_f, 1)", "word + 1", "word * 2",
        "round(a, bad_f)", "round(a, 1.5)", "round(a, 100)", "len(a)"]


@pytest.mark.parametrize("source", BADS)
def test_bad_spreads(source):
    assert ev(source) is BAD


def test_bad_in_comparisons_is_unknown():
    assert ev("bad_f = 1") is None
    assert ev("bad_f > 1") is None
    assert truth(BAD) is None
    assert not BAD and repr(BAD) == "BAD"


def test_mixed_comparisons():
    assert ev("word = 1") is False
    assert ev("word != 1") is True
    assert ev("word > 1") is None


# ---------------------------------------------------------------------------------------
# functions and aggregates
# ---------------------------------------------------------------------------------------

FUNCS = [
    ("sum(t.x)", D(4)),  # r3 is blank: left out
    ("sum(t.y)", D(15)),
    ("sum(t.x, cls = '产出')", D("1.5")),
    ("sum(t.y, cls = '产出')", D(15)),
    ("sum(t.x, cls = '无此类')", None),
    ("count(t)", D(3)),
    ("count(t, cls = '产出')", D(2)),
    ("count(t.x)", D(2)),  # non-blank values
    ("count(t.y, cls = '产出')", D(2)),
    ("min(t.x)", D("1.5")),
    ("max(t.y)", D(10)),
    ("min(a, b, c)", D("0.5")),
    ("max(a, b)", D(3)),
    ("abs(neg)", D("2.5")),
    ("round(2.675, 2)", D("2.68")),
    ("round(2.5)", D("2.50")),
    ("round(-2.5, 0)", D(-3)),
    ("if(a > b, 'big', 'small')", "small"),
    ("if(blank_f > 1, 1, 2)", D(2)),
    ("coalesce(blank_f, blank_f, 7)", D(7)),
    ("len(word)", D(4)),
    ("grade(95)", "优"),
    ("grade(50)", "差"),
    ("score('≥50个', '50个', 10)", D(7)),
]


@pytest.mark.parametrize("source, value", FUNCS)
def test_functions(source, value):
    assert ev(source) == value


def test_sum_with_a_bad_cell_is_bad():
    rows = {**ROWS, "r2": {"x": BAD, "cls": "效益"}}
    ctx = Ctx(rows=rows)
    assert ev("sum(t.x)", ctx) is BAD
    assert ev("sum(t.x, cls = '产出')", ctx) == D("1.5")  # the bad cell is not in this group
    assert ev("max(t.x)", ctx) is BAD


def test_sum_of_no_rows_is_blank():
    assert ev("sum(t.x)", Ctx(data=())) is None
    assert ev("count(t)", Ctx(data=())) == 0
    assert ev("sum(u.v)") is None


def test_row_formulas():
    ctx = Ctx()
    assert ev("x * 2", ctx, ("t", "r1")) == 3
    assert ev("y + a", ctx, ("t", "r2")) == 2
    assert ev("rowno()", ctx, ("t", "r2")) == 2
    assert ev("rowno()", ctx, ("t", "total")) is None  # a fixed row has no number


def test_share_puts_the_remainder_on_the_last_row():
    ctx = Ctx(data=[f"r{i}" for i in range(12)], rows={f"r{i}": {"cls": "产出"} for i in range(12)})
    c = compile_expr("share(55, cls = '产出')", ROW_SCOPE)
    shares = [c(ctx, ("t", f"r{i}")) for i in range(12)]
    assert shares == [D("4.58")] * 11 + [D("4.62")]
    assert sum(shares) == 55
    ctx.rows["r0"]["cls"] = "决策"
    ctx.memo.clear()
    assert c(ctx, ("t", "r0")) is None
    assert sum(c(ctx, ("t", f"r{i}")) for i in range(1, 12)) == 55


@pytest.mark.parametrize("places", ["100", "1.5", "-7", "10000000000"])
def test_share_with_absurd_places_is_bad(places):
    ctx = Ctx(data=["r1"], rows={"r1": {"cls": "产出"}})
    assert compile_expr(f"share(55, cls = '产出', {places})", ROW_SCOPE)(ctx, ("t", "r1")) is BAD


def test_score_passes_its_arguments():
    ctx = Ctx()
    ev("score('≥3个', '3个', 4.58, word)", ctx)
    assert ctx.scored == [["≥3个", "3个", D("4.58"), "产出目标"]]


def test_no_eval_anywhere():
    # names that would be dangerous under eval are just unknown names here
    for source in ["__builtins__", "os", "open", "a.__class__"]:
        with pytest.raises(ExprError):
            compile_expr(source, SCOPE)
