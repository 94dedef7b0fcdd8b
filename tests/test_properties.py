"""Property-based tests: no input to any field reader or formula raises anything but the project's own errors."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop.core import reading
from desktop.core.errors import ExprError, ReadError
from desktop.core.expr import BAD, Scope, TableScope, compile_expr, parse
from desktop.core.reading import round_half_up
from desktop.core.types import TYPES, make_type

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every type with its default options, plus the option variants the forms use.
TYPE_OBJECTS = [cls() for cls in TYPES.values()] + [
    make_type("choice", {"options": ["公共事业类", "政策类"], "boxes": True}),
    make_type("number", {"max_decimals": 2, "thousands": True}),
    make_type("amount", {"unit": "元", "thousands": True}),
    make_type("integer", {"unit": "个"}),
    make_type("percent", {"sign": False, "decimals": None}),
    make_type("code", {"pattern": r"\d{7}", "hint": "7 位数字"}),
    make_type("text", {"max_length": 10}),
]

# Text a clerk (or a cat on the keyboard) might produce: anything at all, and
# number-ish text built from the characters the readers look at.
NUMBERISH = st.text(alphabet="0123456789０１２３４５６７８９.,，。．%％-－+ 万元个次人天月年日≥≤<>=及其以下上", max_size=20)
ANY_TEXT = st.text(max_size=40)
RAW = st.one_of(ANY_TEXT, NUMBERISH, st.sampled_from([
    "NaN", "Infinity", "-inf", "1e5", "1,2", "--3", "", " ", "\x00", "\u200b", "🙂" * 3, "9" * 400,
    "1" * 60 + ".5", "- .36", ".16", "２０２１年１２月", "2021-02-30", "0512-", "(", "≥", "≥NaN%"]))

READERS = [reading.read_quantity, reading.read_number, reading.read_percent, reading.read_date,
           reading.read_year, reading.read_phone, reading.read_target, reading.read_actual]


@SETTINGS
@given(RAW)
def test_every_field_type_reads_or_raises_read_error(raw):
    for t in TYPE_OBJECTS:
        try:
            value = t.read(raw)
        except ReadError as exc:
            assert exc.text and exc.key
            continue
        # whatever was read can be printed, both as computed and as typed
        assert isinstance(t.format(value, True), str)
        assert isinstance(t.format(value, False), str)
        assert isinstance(t.print_input(raw, value), str)


@SETTINGS
@given(RAW)
def test_every_reader_reads_or_raises_read_error(raw):
    """Nothing but a ReadError with a Chinese message (and its code) escapes a reader; a value read is never the
    engine's "unreadable" marker (that is the engine's to set)."""
    for reader in READERS:
        try:
            value = reader(raw)
        except ReadError as exc:
            assert exc.text and exc.code is not None and exc.code.value == exc.key
            assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.text), exc.text
            continue
        assert value is not BAD, (reader, raw)


@SETTINGS
@given(RAW)
def test_numbers_read_are_finite_decimals(raw):
    try:
        value = reading.read_number(raw)
    except ReadError:
        return
    assert isinstance(value, D) and value.is_finite()


@SETTINGS
@given(RAW)
def test_targets_never_raise_and_keep_the_text(raw):
    assume(raw.strip())
    t = reading.read_target(raw)
    assert t.text == raw.strip()
    assert t.number is None or t.number.is_finite()


@SETTINGS
@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**12, max_value=10**12))
def test_typed_decimals_read_back_exactly(value):
    text = f"{value:f}"
    assert reading.read_number(text) == value
    assert reading.read_number(f"{value:,f}") == value
    full_width = text.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
    assert reading.read_number(full_width) == value


@SETTINGS
@given(st.decimals(allow_nan=False, allow_infinity=False), st.integers(min_value=0, max_value=6))
def test_round_half_up_is_within_half_a_unit(value, places):
    r = round_half_up(value, places)
    unit = D(1).scaleb(-places)
    assert abs(r - value) <= unit / 2
    assert r.as_tuple().exponent == -places


# ---------------------------------------------------------------------------------------
# formulas
# ---------------------------------------------------------------------------------------

SCOPE = Scope({"a", "b", "word"}, {"t": TableScope({"x", "cls"}, {"total"})}, row_table="t")
TOKENS = ["a", "b", "word", "x", "cls", "t", "t.x", "t.cls", "t[total].x", "t[nope].x", "t.nope", "nope",
          "sum(", "count(", "min(", "max(", "abs(", "round(", "if(", "ratio(", "coalesce(", "isblank(",
          "share(", "score(", "rowno(", "len(", "grade(", "eval(", "(", ")", ",", "[", "]", "+", "-", "*",
          "/", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "≤", "≥", "≠", "and", "or", "not", "in", "true",
          "false", "blank", "0", "1", "2.5", ".5", "55", "'产出'", '"s"', "“中”", ".", "'", '"', "1e5", "$",
          "🙂", "（", "）", "，"]
FORMULAS = st.one_of(st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join),
                     st.lists(st.sampled_from(TOKENS), max_size=14).map("".join),
                     st.text(max_size=30))


@SETTINGS
@given(FORMULAS)
def test_parse_raises_only_expr_error(source):
    try:
        parse(source)
    except ExprError as exc:
        assert "公式" in exc.text


class Ctx:
    memo: dict = {}

    def __init__(self, values):
        self.values = values
        self.memo = {}

    def field(self, fid):
        return self.values.get(fid)

    def cell(self, tid, rid, cid):
        return self.values.get(cid)

    def data_rows(self, tid):
        return ["r1", "r2"]

    def score(self, args):
        return None

    def grade(self, total):
        return None


VALUES = st.one_of(st.none(), st.just(BAD), st.decimals(allow_nan=False, allow_infinity=False, places=4,
                                                       min_value=-10**9, max_value=10**9),
                   st.sampled_from(["产出", "", "文字"]))


@SETTINGS
@given(FORMULAS, st.dictionaries(st.sampled_from(["a", "b", "word", "x", "cls"]), VALUES))
def test_compile_raises_only_expr_error_and_evaluation_never_raises(source, values):
    try:
        compiled = compile_expr(source, SCOPE)
    except ExprError as exc:
        assert "公式" in exc.text
        return
    compiled(Ctx(values), ("t", "r1"))


# ---------------------------------------------------------------------------------------
# the engine: any text typed into any input is kept and never raises
# ---------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_text_in_any_input_is_kept_and_never_raises(data):
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.engine import DocumentState

    form_id = data.draw(st.sampled_from(form_ids()))
    state = DocumentState(load_form(form_id), load_sample(form_id))
    ps = state.parts[0]
    inputs = [a for a in ps.addresses() if ps.how(a) == "input"]
    for _ in range(data.draw(st.integers(1, 5))):
        addr = data.draw(st.sampled_from(inputs))
        raw = data.draw(RAW)
        if ps.how(addr) != "input":
            continue
        ps.set_value(addr, raw)
        assert ps.raw(addr) == raw
        assert isinstance(ps.text(addr), str)
        if raw.strip() and ps.value(addr) is BAD:
            assert ("read", addr) in ps.problems
            assert ps.problems[("read", addr)].level == "error"
    for _, _, text in state.problem_lines():
        assert text
