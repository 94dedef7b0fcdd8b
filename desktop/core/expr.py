"""The formula language: a small grammar, parsed by recursive descent, never ``eval``.

::

    expr    := or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | cmp
    cmp     := add (CMPOP add | 'in' list | 'not' 'in' list)?
    add     := mul (('+' | '-') mul)*
    mul     := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | atom
    atom    := NUMBER | STRING | list | 'true' | 'false' | 'blank'
             | NAME '(' [expr (',' expr)*] ')'               -- a function call
             | NAME                                          -- a field, or a column of this row
             | NAME '.' NAME                                 -- a whole column (in aggregates)
             | NAME '[' NAME ']' '.' NAME                    -- one cell of a fixed row
             | '(' expr ')'
    list    := '[' [expr (',' expr)*] ']'

Values are ``Decimal`` (numbers), ``str``, ``bool``, ``None`` (blank) and
:data:`BAD` (an input that could not be read; it spreads through arithmetic so
that no total silently leaves a bad cell out).  Blank counts as 0 in ``+``/``-``
and sums; ``*``, ``/`` and comparisons with a blank give blank; division by
zero gives blank.

:func:`compile_expr` resolves every name against a :class:`Scope` when the
definition loads (unknown names are refused there) and returns the evaluator
together with the keys it depends on, from which the engine builds its
dependency graph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable, Iterable

from desktop.core.errors import Code, ExprError, did_you_mean, message, suggest
from desktop.core.reading import PartialDate, round_half_up


class _Bad:
    """An unreadable input, kept as typed elsewhere; spreads through formulas."""

    _instance: "_Bad | None" = None

    def __new__(cls) -> "_Bad":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BAD"

    def __bool__(self) -> bool:
        return False


BAD = _Bad()

# ---------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<str>"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'|“[^”]*”)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<>|<=|>=|≤|≥|≠|[-+*/()\[\],.=<>])
    """,
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false", "blank"}
# Deepest nesting a formula may have: the parser, the compiler and the compiled
# formula all recurse, and Python's stack is about 1000 frames deep.
MAX_DEPTH = 60


@dataclass(frozen=True)
class Token:
    kind: str  # 'num' 'str' 'name' 'op' 'kw' 'end'
    text: str
    pos: int


def syntax_error(source: object, pos: int, reason: Code, **data: object) -> ExprError:
    """The formula ``source`` is wrong at character ``pos`` (0-based): ``reason`` says how (data: source, pos, why,
    reason and the reason's own values)."""
    return ExprError(Code.EXPR_SYNTAX, source=source, pos=pos + 1, why=message(reason, **data), reason=reason, **data)


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN_RE.match(source, pos)
        if not m:
            raise syntax_error(source, pos, Code.EXPR_BAD_CHAR, char=source[pos])
        kind = m.lastgroup or ""
        text = m.group()
        if kind != "ws":
            if kind == "name" and text in KEYWORDS:
                kind = "kw"
            if kind == "op":
                text = {"≤": "<=", "≥": ">=", "≠": "!=", "<>": "!=", "==": "="}.get(text, text)
            tokens.append(Token(kind, text, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


# ---------------------------------------------------------------------------------------
# Syntax tree
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expr:
    pos: int


@dataclass(frozen=True)
class Lit(Expr):
    value: Any


@dataclass(frozen=True)
class ListLit(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Ref(Expr):
    name: str
    row: str | None = None  # t[row].col
    col: str | None = None  # t.col or t[row].col


@dataclass(frozen=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    def nest(self) -> None:
        """Count one level of nesting; refuse formulas nested deeper than MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(Code.EXPR_TOO_DEEP, limit=MAX_DEPTH)

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, reason: Code, **data: object) -> ExprError:
        return syntax_error(self.source, self.tok.pos, reason, **data)

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        tok = self.tok
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    def expect(self, kind: str, text: str | None = None, what: str = "") -> Token:
        tok = self.accept(kind, text)
        if tok is None:
            found = self.tok.text or "公式结尾"
            raise self.error(Code.EXPR_EXPECTED, what=what or text or kind, found=found)
        return tok

    # grammar
    def parse(self) -> Expr:
        if self.tok.kind == "end":
            raise self.error(Code.EXPR_EMPTY)
        node = self.parse_or()
        if self.tok.kind != "end":
            raise self.error(Code.EXPR_EXTRA, text=self.tok.text)
        return node

    def parse_or(self) -> Expr:
        self.nest()
        node = self.parse_and()
        while (tok := self.accept("kw", "or")) is not None:
            node = Binary(tok.pos, "or", node, self.parse_and())
        self.depth -= 1
        return node

    def parse_and(self) -> Expr:
        node = self.parse_not()
        while (tok := self.accept("kw", "and")) is not None:
            node = Binary(tok.pos, "and", node, self.parse_not())
        return node

    def parse_not(self) -> Expr:
        if (tok := self.accept("kw", "not")) is not None:
            self.nest()
            node = Unary(tok.pos, "not", self.parse_not())
            self.depth -= 1
            return node
        return self.parse_cmp()

    def parse_cmp(self) -> Expr:
        node = self.parse_add()
        tok = self.tok
        if tok.kind == "op" and tok.text in ("=", "!=", "<", "<=", ">", ">="):
            self.i += 1
            return Binary(tok.pos, tok.text, node, self.parse_add())
        if self.accept("kw", "in"):
            return Binary(tok.pos, "in", node, self.parse_list())
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            self.i += 2
            return Unary(tok.pos, "not", Binary(tok.pos, "in", node, self.parse_list()))
        return node

    def parse_add(self) -> Expr:
        node = self.parse_mul()
        while self.tok.kind == "op" and self.tok.text in "+-":
            tok = self.tokens[self.i]
            self.i += 1
            node = Binary(tok.pos, tok.text, node, self.parse_mul())
        return node

    def parse_mul(self) -> Expr:
        node = self.parse_unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            tok = self.tokens[self.i]
            self.i += 1
            node = Binary(tok.pos, tok.text, node, self.parse_unary())
        return node

    def parse_unary(self) -> Expr:
        tok = self.tok
        if tok.kind == "op" and tok.text in "+-" and tok.text:
            self.i += 1
            self.nest()
            node = Unary(tok.pos, tok.text, self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_atom()

    def parse_list(self) -> ListLit:
        start = self.expect("op", "[", "“[”")
        items: list[Expr] = []
        if not self.accept("op", "]"):
            items.append(self.parse_or())
            while self.accept("op", ","):
                items.append(self.parse_or())
            self.expect("op", "]", "“]”")
        return ListLit(start.pos, tuple(items))

    def parse_atom(self) -> Expr:
        tok = self.tok
        if tok.kind == "num":
            self.i += 1
            return Lit(tok.pos, Decimal(tok.text))
        if tok.kind == "str":
            self.i += 1
            body = tok.text[1:-1]
            if tok.text[0] != "“":
                body = re.sub(r"\\(.)", r"\1", body)
            return Lit(tok.pos, body)
        if tok.kind == "kw" and tok.text in ("true", "false", "blank"):
            self.i += 1
            return Lit(tok.pos, {"true": True, "false": False, "blank": None}[tok.text])
        if tok.kind == "op" and tok.text == "[":
            return self.parse_list()
        if self.accept("op", "("):
            node = self.parse_or()
            self.expect("op", ")", "“)”")
            return node
        if tok.kind == "name":
            self.i += 1
            if self.accept("op", "("):
                args: list[Expr] = []
                if not self.accept("op", ")"):
                    args.append(self.parse_or())
                    while self.accept("op", ","):
                        args.append(self.parse_or())
                    self.expect("op", ")", "“)”")
                return Call(tok.pos, tok.text, tuple(args))
            if self.accept("op", "["):
                row = self.accept("name") or self.accept("str")
                if row is None:
                    raise self.error(Code.EXPR_ROW_ID)
                self.expect("op", "]", "“]”")
                self.expect("op", ".", "“.”")
                col = self.expect("name", what="列标识")
                row_id = row.text.strip("\"'") if row.kind == "str" else row.text
                return Ref(tok.pos, tok.text, row_id, col.text)
            if self.accept("op", "."):
                col = self.expect("name", what="列标识")
                return Ref(tok.pos, tok.text, None, col.text)
            return Ref(tok.pos, tok.text)
        raise self.error(Code.EXPR_UNEXPECTED, text=tok.text or "公式结尾")


def parse(source: str) -> Expr:
    """Parse a formula; raises :class:`ExprError` (a ``DefinitionError``) naming the position."""
    if not isinstance(source, str):
        raise syntax_error(source, 0, Code.EXPR_NOT_TEXT)
    node = _Parser(source).parse()
    if _tree_depth(node) > MAX_DEPTH:  # e.g. a chain of hundreds of '+': compiled and run recursively
        raise syntax_error(source, 0, Code.EXPR_TOO_LONG, limit=MAX_DEPTH)
    return node


def _tree_depth(node: Expr) -> int:
    """Depth of a syntax tree, computed without recursion."""
    deepest = 0
    stack: list[tuple[Expr, int]] = [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(n, Unary):
            stack.append((n.operand, d + 1))
        elif isinstance(n, Binary):
            stack.extend(((n.left, d + 1), (n.right, d + 1)))
        elif isinstance(n, (Call, ListLit)):
            stack.extend((a, d + 1) for a in (n.args if isinstance(n, Call) else n.items))
    return deepest


# ---------------------------------------------------------------------------------------
# Scope and evaluation context
# ---------------------------------------------------------------------------------------


@dataclass
class TableScope:
    columns: set[str]
    fixed_rows: set[str] = field(default_factory=set)


@dataclass
class Scope:
    """What names exist where a formula is written."""

    fields: set[str]
    tables: dict[str, TableScope]
    row_table: str | None = None  # set in a table row's formula or check


Fn = Callable[[Any, Any], Any]


@dataclass
class Compiled:
    source: str
    fn: Fn
    deps: frozenset[tuple]

    def __call__(self, ctx: Any, row: Any = None) -> Any:
        return self.fn(ctx, row)


# ---------------------------------------------------------------------------------------
# Operations on values
# ---------------------------------------------------------------------------------------


def _num(v: Any) -> Any:
    """Decimal, None for blank, BAD for anything that is not a number."""
    if v is None or v is BAD or isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        return Decimal(int(v))
    if hasattr(v, "number") and isinstance(v.number, Decimal):
        return v.number
    return BAD


def _add(a: Any, b: Any, sign: int) -> Any:
    a, b = _num(a), _num(b)
    if a is BAD or b is BAD:
        return BAD
    if a is None and b is None:
        return None
    a = a if a is not None else Decimal(0)
    b = b if b is not None else Decimal(0)
    return a + b if sign > 0 else a - b


def _mul(a: Any, b: Any) -> Any:
    a, b = _num(a), _num(b)
    if a is BAD or b is BAD:
        return BAD
    if a is None or b is None:
        return None
    return a * b


def _div(a: Any, b: Any) -> Any:
    a, b = _num(a), _num(b)
    if a is BAD or b is BAD:
        return BAD
    if a is None or b is None or b == 0:
        return None
    try:
        return a / b
    except (DivisionByZero, InvalidOperation):  # pragma: no cover - guarded above
        return None


def _plain(v: Any) -> Any:
    """Comparable form: Decimal for numbers, stripped str for text."""
    if isinstance(v, Decimal) or v is None or v is BAD or isinstance(v, bool):
        return v
    if hasattr(v, "number") and isinstance(getattr(v, "number"), Decimal):
        return v.number
    if hasattr(v, "text") and isinstance(getattr(v, "text"), str):
        return v.text.strip()
    return str(v).strip() if isinstance(v, str) else v


def _compare(op: str, a: Any, b: Any) -> Any:
    a, b = _plain(a), _plain(b)
    if a is None or b is None or a is BAD or b is BAD:
        return None
    if isinstance(a, PartialDate) and isinstance(b, PartialDate) and not (a.day and b.day):
        a, b = (a.year, a.month), (b.year, b.month)  # 2021年12月 is the whole month: compare by month
    if isinstance(a, Decimal) != isinstance(b, Decimal):
        if op == "=":
            return False
        if op == "!=":
            return True
        return None
    try:
        if op == "=":
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b
    except TypeError:
        return None


def _truth(v: Any) -> Any:
    if v is None or v is BAD:
        return None
    if isinstance(v, Decimal):
        return v != 0
    return bool(v)


def _and(a: Any, b: Any) -> Any:
    a, b = _truth(a), _truth(b)
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: Any, b: Any) -> Any:
    a, b = _truth(a), _truth(b)
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _in(a: Any, items: list[Any]) -> Any:
    a = _plain(a)
    if a is None or a is BAD:
        return None
    return any(_plain(i) == a for i in items)


# ---------------------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------------------

AGGREGATES = {"sum", "count", "min", "max"}
# name: (min args, max args or None)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "sum": (1, 2), "count": (1, 2), "min": (1, None), "max": (1, None),
    "abs": (1, 1), "round": (1, 2), "if": (3, 3), "ratio": (2, 2), "coalesce": (1, None),
    "isblank": (1, 1), "share": (2, 3), "score": (3, 5), "rowno": (0, 0), "len": (1, 1),
    "grade": (1, 1), "qgrade": (2, 2), "band": (3, 3), "inband": (4, 4),
}


class _Compiler:
    def __init__(self, source: str, scope: Scope):
        self.source = source
        self.scope = scope
        self.deps: set[tuple] = set()

    def err(self, node: Expr, reason: Code, **data: object) -> ExprError:
        return syntax_error(self.source, node.pos, reason, **data)

    def compile(self, node: Expr, agg_table: str | None = None) -> Fn:
        method = getattr(self, "c_" + type(node).__name__)
        return method(node, agg_table)

    # literals
    def c_Lit(self, node: Lit, agg: str | None) -> Fn:
        value = node.value
        return lambda ctx, row: value

    def c_ListLit(self, node: ListLit, agg: str | None) -> Fn:
        fns = [self.compile(i, agg) for i in node.items]
        return lambda ctx, row: [f(ctx, row) for f in fns]

    # references
    def c_Ref(self, node: Ref, agg: str | None) -> Fn:
        scope = self.scope
        name = node.name
        if node.col is None:
            if agg is not None and name in scope.tables[agg].columns:
                self.deps.add(("C", agg, name))
                return lambda ctx, row: ctx.cell(row[0], row[1], name)
            if scope.row_table is not None and name in scope.tables[scope.row_table].columns:
                tid = scope.row_table
                self.deps.add(("R", tid, name))
                return lambda ctx, row: ctx.cell(row[0], row[1], name)
            if name in scope.fields:
                self.deps.add(("F", name))
                return lambda ctx, row: ctx.field(name)
            near = set(scope.fields)
            for tid in (agg, scope.row_table):
                if tid is not None:
                    near |= scope.tables[tid].columns
            raise self.err(node, Code.DEF_UNKNOWN_REF, ref=name, hint=did_you_mean(name, near))
        table = scope.tables.get(name)
        if table is None or node.col not in table.columns:
            shown = f"{name}[{node.row}].{node.col}" if node.row else f"{name}.{node.col}"
            raise self.err(node, Code.DEF_UNKNOWN_REF, ref=shown, hint=self._near(name, node.col))
        col = node.col
        if node.row is None:
            raise self.err(node, Code.EXPR_COLUMN_ONLY_IN_AGGREGATE, ref=f"{name}.{col}")
        rid = node.row
        if rid not in table.fixed_rows:
            raise self.err(node, Code.DEF_UNKNOWN_REF, ref=f"{name}[{rid}].{col}",
                           hint=did_you_mean(rid, table.fixed_rows))
        self.deps.add(("X", name, rid, col))
        return lambda ctx, row: ctx.cell(name, rid, col)

    def _near(self, tid: str, col: str | None) -> str:
        """The suggestion for an unknown ``table.column``: the table's name, else the column's."""
        table = self.scope.tables.get(tid)
        if table is None:
            return did_you_mean(tid, self.scope.tables)
        return did_you_mean(col, table.columns)

    def _column(self, node: Expr) -> tuple[str, str | None]:
        """The (table, column) an aggregate ranges over: ``t.col`` or a bare table ``t``."""
        if isinstance(node, Ref) and node.row is None:
            if node.col is None and node.name in self.scope.tables:
                return node.name, None
            if node.col is not None:
                table = self.scope.tables.get(node.name)
                if table is None or node.col not in table.columns:
                    raise self.err(node, Code.DEF_UNKNOWN_REF, ref=f"{node.name}.{node.col}",
                                   hint=self._near(node.name, node.col))
                return node.name, node.col
        raise self.err(node, Code.EXPR_COLUMN_EXPECTED)

    # operators
    def c_Unary(self, node: Unary, agg: str | None) -> Fn:
        f = self.compile(node.operand, agg)
        if node.op == "-":
            return lambda ctx, row: _mul(f(ctx, row), Decimal(-1))
        if node.op == "+":
            return lambda ctx, row: _num(f(ctx, row))

        def not_(ctx: Any, row: Any) -> Any:
            v = _truth(f(ctx, row))
            return None if v is None else not v

        return not_

    def c_Binary(self, node: Binary, agg: str | None) -> Fn:
        lf = self.compile(node.left, agg)
        rf = self.compile(node.right, agg)
        op = node.op
        if op == "+":
            return lambda ctx, row: _add(lf(ctx, row), rf(ctx, row), 1)
        if op == "-":
            return lambda ctx, row: _add(lf(ctx, row), rf(ctx, row), -1)
        if op == "*":
            return lambda ctx, row: _mul(lf(ctx, row), rf(ctx, row))
        if op == "/":
            return lambda ctx, row: _div(lf(ctx, row), rf(ctx, row))
        if op == "and":
            return lambda ctx, row: _and(lf(ctx, row), rf(ctx, row))
        if op == "or":
            return lambda ctx, row: _or(lf(ctx, row), rf(ctx, row))
        if op == "in":
            return lambda ctx, row: _in(lf(ctx, row), rf(ctx, row))
        return lambda ctx, row: _compare(op, lf(ctx, row), rf(ctx, row))

    # functions
    def c_Call(self, node: Call, agg: str | None) -> Fn:
        name = node.name
        if name not in FUNCTIONS:
            raise self.err(node, Code.EXPR_UNKNOWN_FUNC, name=name, suggestion=suggest(name, FUNCTIONS))
        lo, hi = FUNCTIONS[name]
        n = len(node.args)
        if n < lo or (hi is not None and n > hi):
            expected = str(lo) if lo == hi else f"{lo}–{hi if hi is not None else '多'}"
            raise self.err(node, Code.EXPR_ARITY, name=name, expected=expected, got=n)
        if name in AGGREGATES and (n <= 2) and self._is_column(node.args[0]):
            return self._aggregate(node)
        if name == "share":
            return self._share(node, agg)
        if name == "rowno":
            if self.scope.row_table is None:
                raise self.err(node, Code.EXPR_ROW_ONLY, name=name)
            self.deps.add(("N", self.scope.row_table))
            return lambda ctx, row: Decimal(ctx.data_rows(row[0]).index(row[1]) + 1) if row[1] in ctx.data_rows(row[0]) else None
        fns = [self.compile(a, agg) for a in node.args]
        return getattr(self, "f_" + name)(fns)

    def _is_column(self, node: Expr) -> bool:
        return isinstance(node, Ref) and node.row is None and (
            node.col is not None or (node.name in self.scope.tables and node.name not in self.scope.fields))

    def _aggregate(self, node: Call) -> Fn:
        tid, col = self._column(node.args[0])
        self.deps.add(("N", tid))
        if col is not None:
            self.deps.add(("C", tid, col))
        cond = self.compile(node.args[1], tid) if len(node.args) == 2 else None
        kind = node.name
        if kind == "count":
            if col is None:
                def count_rows(ctx: Any, row: Any) -> Any:
                    rows = ctx.data_rows(tid)
                    if cond is None:
                        return Decimal(len(rows))
                    return Decimal(sum(1 for r in rows if _truth(cond(ctx, (tid, r)))))
                return count_rows
        elif col is None:
            raise self.err(node, Code.EXPR_COLUMN_EXPECTED)

        def values(ctx: Any) -> Iterable[Any]:
            for r in ctx.data_rows(tid):
                if cond is None or _truth(cond(ctx, (tid, r))):
                    yield ctx.cell(tid, r, col)

        if kind == "count":
            return lambda ctx, row: Decimal(sum(1 for v in values(ctx) if v is not None and v != ""))
        if kind == "sum":
            def total(ctx: Any, row: Any) -> Any:
                acc = None
                for v in values(ctx):
                    if v is None or v == "":
                        continue
                    v = _num(v)
                    if v is BAD:
                        return BAD
                    acc = v if acc is None else acc + v
                return acc
            return total
        pick = min if kind == "min" else max

        def extreme(ctx: Any, row: Any) -> Any:
            nums = [_num(v) for v in values(ctx) if v is not None and v != ""]
            if any(v is BAD for v in nums):
                return BAD
            return pick(nums) if nums else None
        return extreme

    def _share(self, node: Call, agg: str | None) -> Fn:
        """share(total, condition[, places]): total split equally over the rows meeting the
        condition, rounded to ``places`` (2) with the rounding remainder on the last such row,
        so that the shares add up to exactly the total."""
        tid = self.scope.row_table
        if tid is None:
            raise self.err(node, Code.EXPR_ROW_ONLY, name="share")
        total_fn = self.compile(node.args[0], agg)
        cond = self.compile(node.args[1], tid)
        places_fn = self.compile(node.args[2], agg) if len(node.args) == 3 else (lambda ctx, row: Decimal(2))
        self.deps.add(("N", tid))
        key = ("share", id(node), self.source)

        def share(ctx: Any, row: Any) -> Any:
            memo = ctx.memo.get(key)
            if memo is None:
                members = [r for r in ctx.data_rows(tid) if _truth(cond(ctx, (tid, r)))]
                memo = ({r: i for i, r in enumerate(members)}, len(members))
                ctx.memo[key] = memo
            index, n = memo
            if row is None or row[1] not in index:
                return None
            total = _num(total_fn(ctx, row))
            places = _num(places_fn(ctx, row))
            if total is None or total is BAD or places is None or places is BAD:
                return None
            if not (-6 <= places <= 12) or places != int(places):
                return BAD
            each = round_half_up(total / n, int(places))
            if index[row[1]] == n - 1:
                return total - each * (n - 1)
            return each

        return share

    # plain functions: fns are compiled arguments
    def f_abs(self, fns: list[Fn]) -> Fn:
        (f,) = fns

        def abs_(ctx: Any, row: Any) -> Any:
            v = _num(f(ctx, row))
            return v if v is None or v is BAD else abs(v)
        return abs_

    def f_round(self, fns: list[Fn]) -> Fn:
        f = fns[0]
        places = fns[1] if len(fns) > 1 else (lambda ctx, row: Decimal(2))

        def round_(ctx: Any, row: Any) -> Any:
            v, p = _num(f(ctx, row)), _num(places(ctx, row))
            if v is None or v is BAD:
                return v
            if p is None or p is BAD or not (-6 <= p <= 12) or p != int(p):
                return BAD
            return round_half_up(v, int(p))
        return round_

    def f_if(self, fns: list[Fn]) -> Fn:
        c, a, b = fns
        return lambda ctx, row: a(ctx, row) if _truth(c(ctx, row)) else b(ctx, row)

    def f_ratio(self, fns: list[Fn]) -> Fn:
        a, b = fns
        return lambda ctx, row: _div(a(ctx, row), b(ctx, row))

    def f_coalesce(self, fns: list[Fn]) -> Fn:
        def coalesce(ctx: Any, row: Any) -> Any:
            for f in fns:
                v = f(ctx, row)
                if v is not None and v != "":
                    return v
            return None
        return coalesce

    def f_isblank(self, fns: list[Fn]) -> Fn:
        (f,) = fns

        def isblank(ctx: Any, row: Any) -> Any:
            v = f(ctx, row)
            return v is None or (isinstance(v, str) and not v.strip())
        return isblank

    def f_len(self, fns: list[Fn]) -> Fn:
        (f,) = fns

        def len_(ctx: Any, row: Any) -> Any:
            v = f(ctx, row)
            if v is None:
                return Decimal(0)
            return Decimal(len(_plain(v))) if isinstance(_plain(v), str) else BAD
        return len_

    def _scalar_extreme(self, fns: list[Fn], pick: Callable) -> Fn:
        def extreme(ctx: Any, row: Any) -> Any:
            nums = [_num(f(ctx, row)) for f in fns]
            if any(v is BAD for v in nums):
                return BAD
            nums = [v for v in nums if v is not None]
            return pick(nums) if nums else None
        return extreme

    def f_min(self, fns: list[Fn]) -> Fn:
        return self._scalar_extreme(fns, min)

    def f_max(self, fns: list[Fn]) -> Fn:
        return self._scalar_extreme(fns, max)

    def f_sum(self, fns: list[Fn]) -> Fn:
        raise syntax_error(self.source, 0, Code.EXPR_SUM_COLUMN)

    f_count = f_sum

    def f_score(self, fns: list[Fn]) -> Fn:
        return lambda ctx, row: ctx.score([f(ctx, row) for f in fns])

    def f_grade(self, fns: list[Fn]) -> Fn:
        (f,) = fns
        return lambda ctx, row: ctx.grade(_num(f(ctx, row)))

    def _rule(self, name: str, fns: list[Fn]) -> Fn:
        """The rule set's 定性 band functions: qgrade, band, inband (see desktop.core.scoring)."""
        return lambda ctx, row: ctx.rule(name, [f(ctx, row) for f in fns])

    def f_qgrade(self, fns: list[Fn]) -> Fn:
        return self._rule("qgrade", fns)

    def f_band(self, fns: list[Fn]) -> Fn:
        return self._rule("band", fns)

    def f_inband(self, fns: list[Fn]) -> Fn:
        return self._rule("inband", fns)


def compile_expr(source: str, scope: Scope) -> Compiled:
    """Parse and resolve a formula; raises ExprError for syntax errors and unknown names."""
    node = parse(source)
    comp = _Compiler(source, scope)
    fn = comp.compile(node)
    return Compiled(source, fn, frozenset(comp.deps))


def truth(v: Any) -> Any:
    """Three-valued truth of a formula result: True, False or None (unknown)."""
    return _truth(v)
