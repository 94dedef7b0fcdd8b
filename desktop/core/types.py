"""Field types declared as data (the qutebrowser ``configtypes`` way).

Each type reads what the clerk typed (``read``), raising only
:class:`ReadError`, and formats a value the way the paper prints it
(``format``).  A definition names a type and its options; :func:`make_type`
builds the type object and rejects unknown options.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from desktop.core import reading
from desktop.core.errors import Code as ErrorCode
from desktop.core.errors import OptionError, ReadError, did_you_mean
from desktop.core.reading import PartialDate, Target, round_half_up


@dataclass
class FieldType:
    """Base type: text kept as typed."""

    name: ClassVar[str] = "text"
    numeric: ClassVar[bool] = False
    half_width: ClassVar[bool] = False  # printed in half-width characters (０１０２ → 0102)
    example: ClassVar[str] = "苏州市体育信息中心"
    options_allowed: ClassVar[tuple[str, ...]] = ("max_length",)
    max_length: int = 0

    def read(self, raw: str) -> Any:
        text = raw.strip()
        if self.max_length and len(text) > self.max_length:
            raise ReadError(ErrorCode.TOO_LONG, length=len(text), limit=self.max_length)
        return text

    def format(self, value: Any, computed: bool = True) -> str:
        """A value as printed (computed values, and inputs read by the type)."""
        if value is None:
            return ""
        return str(value)

    def print_input(self, raw: str, value: Any) -> str:
        """A typed value as printed: as the clerk typed it — in half-width characters for numbers and
        for the types that set ``half_width`` (codes, years, phone numbers)."""
        return reading.normalize(raw) if self.numeric or self.half_width else raw.strip()

    @property
    def align(self) -> str:
        return "right" if self.numeric else "left"

    @property
    def unit_label(self) -> str:
        return ""


@dataclass
class LongText(FieldType):
    name: ClassVar[str] = "longtext"
    example: ClassVar[str] = "整合市体育局及16个下属单位原有的视频监控资源。\n实现统一门户管理。"

    def read(self, raw: str) -> Any:
        text = raw.strip("\n ")
        if self.max_length and len(text) > self.max_length:
            raise ReadError(ErrorCode.TOO_LONG, length=len(text), limit=self.max_length)
        return text


@dataclass
class Label(FieldType):
    """A printed label cell (the 项目 column of fixed rows); never typed."""

    name: ClassVar[str] = "label"
    example: ClassVar[str] = "市级财政资金"


@dataclass
class Code(FieldType):
    """Text that must match a pattern, e.g. a 7-digit 主管部门 code."""

    name: ClassVar[str] = "code"
    half_width: ClassVar[bool] = True
    example: ClassVar[str] = "0102017"
    options_allowed: ClassVar[tuple[str, ...]] = ("pattern", "hint", "max_length")
    pattern: str = r"\d{7}"
    hint: str = "7 位数字"

    def read(self, raw: str) -> Any:
        text = reading.normalize(raw).replace(" ", "")
        if not re.fullmatch(self.pattern, text):
            raise ReadError(ErrorCode.BAD_PATTERN, text=raw, hint=self.hint)
        return text


@dataclass
class Number(FieldType):
    """A plain decimal number (执行率 as 0.99, 分值, 权重)."""

    name: ClassVar[str] = "number"
    numeric: ClassVar[bool] = True
    example: ClassVar[str] = "１５．０"
    options_allowed: ClassVar[tuple[str, ...]] = ("decimals", "thousands", "unit", "max_decimals")
    decimals: int | None = None  # shown decimals for computed values; None: as typed
    thousands: bool = False
    unit: str = ""
    max_decimals: int | None = None

    def read(self, raw: str) -> Any:
        value = reading.read_number(raw, unit=self.unit)
        self._check_decimals(raw, value)
        return value

    def _check_decimals(self, raw: str, value: Decimal) -> None:
        if self.max_decimals is not None:
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.max_decimals:
                raise ReadError(ErrorCode.TOO_MANY_DECIMALS, text=raw, decimals=self.max_decimals)

    def format(self, value: Any, computed: bool = True) -> str:
        if value is None:
            return ""
        if not isinstance(value, Decimal):
            return str(value)
        if computed and self.decimals is not None:
            value = round_half_up(value, self.shown_decimals(value))
        if not value:
            value = abs(value)  # 0 / -3 is a negative zero: never print -0.00
        return f"{value:,f}" if self.thousands else f"{value:f}"

    def shown_decimals(self, value: Decimal) -> int:
        """Decimals a computed value is printed with: ``decimals`` (a rate, a score)."""
        return self.decimals or 0

    def print_input(self, raw: str, value: Any) -> str:
        """The number read, at the precision typed but with at least ``decimals`` decimals so that a
        column of typed and computed values lines up (a typed weight ``1`` prints ``1.00`` above a
        computed ``4.58``): ``- .36`` prints ``-0.36``, ``120000元`` typed into a 万元 column prints
        ``12.00``, full-width digits print half-width."""
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            if self.decimals is not None and isinstance(exponent, int) and -exponent < self.decimals:
                value = round_half_up(value, self.decimals)  # only adds zeros: nothing is rounded
            return self.format(value, computed=False)
        return reading.normalize(raw)

    @property
    def unit_label(self) -> str:
        return "" if getattr(self, "unit_from", "") else self.unit  # a document's own unit is in its heading


@dataclass
class Integer(Number):
    name: ClassVar[str] = "integer"
    example: ClassVar[str] = "１６"

    def read(self, raw: str) -> Any:
        value = reading.read_number(raw, unit=self.unit)
        if value != value.to_integral_value():
            raise ReadError(ErrorCode.NOT_INTEGER, text=raw)
        return Decimal(int(value))


# A computed amount keeps the decimals of its parts up to this many; more come from a division
# (元 → 万元, a share) and are rounded to ``decimals``.
KEPT_DECIMALS = 6


@dataclass
class Amount(Number):
    """Money in 元 or 万元, printed with at least ``decimals`` (2) decimals so that a column lines up:
    inputs at the precision typed (``292`` prints 292.00, ``2077.604168`` as typed), computed values
    at the precision of their parts (89.974 + 0 prints 89.974, not 89.97) unless ``rounded`` (the
    paper rounds its totals).  ``negative``: the column may hold a negative amount (A's 追加追减数,
    E's B); elsewhere a negative amount is an 错误."""

    name: ClassVar[str] = "amount"
    example: ClassVar[str] = "１２３，４５６．７８"
    options_allowed: ClassVar[tuple[str, ...]] = Number.options_allowed + ("unit_from", "negative", "rounded")
    unit: str = "万元"
    decimals: int | None = 2
    unit_from: str = ""  # a field holding the document's money unit (万元 / 元); ``unit`` is its default
    negative: bool = False
    rounded: bool = False

    def shown_decimals(self, value: Decimal) -> int:
        places = self.decimals or 0
        if self.rounded:
            return places
        exponent = value.normalize().as_tuple().exponent
        own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return own if places < own <= KEPT_DECIMALS else places


@dataclass
class Percent(Number):
    """A rate; the value is a fraction (1 = 100%), shown as ``100.00%``."""

    name: ClassVar[str] = "percent"
    example: ClassVar[str] = "９９．５％"
    options_allowed: ClassVar[tuple[str, ...]] = ("decimals", "sign")
    decimals: int | None = 2
    sign: bool = True  # print the % sign (False where the column header says （%）)

    def read(self, raw: str) -> Any:
        return reading.read_percent(raw)

    def format(self, value: Any, computed: bool = True) -> str:
        if value is None:
            return ""
        if not isinstance(value, Decimal):
            return str(value)
        pct = value * 100
        pct = round_half_up(pct, self.decimals) if self.decimals is not None else pct.normalize()
        text = f"{abs(pct) if not pct else pct:f}"  # never -0.00%
        return text + "%" if self.sign else text

    def print_input(self, raw: str, value: Any) -> str:
        """The percentage as typed, normalised, with at least ``decimals`` decimals so that a column of
        percents lines up (as amounts do): ``- .36`` prints ``-0.36%``, ``-0`` prints ``0.00%``, ``5``
        prints ``5.00%``, ``3.125`` prints ``3.125%`` (more decimals only where typed)."""
        try:
            number = reading.percent_number(raw)
        except ReadError:
            number = None
        if number is None:
            text = reading.normalize(raw).replace("百分比", "%").rstrip("%")
        else:
            text = f"{abs(number) if not number else number:f}"
            exponent = number.as_tuple().exponent
            if self.decimals is not None and isinstance(exponent, int) and -exponent < self.decimals:
                text = f"{round_half_up(number, self.decimals):f}"  # only adds zeros: nothing is rounded
        return text + "%" if self.sign else text


@dataclass
class DateType(FieldType):
    name: ClassVar[str] = "date"
    example: ClassVar[str] = "2021年12月"

    def read(self, raw: str) -> Any:
        return reading.read_date(raw)

    def format(self, value: Any, computed: bool = True) -> str:
        if isinstance(value, PartialDate):
            return str(value)
        return "" if value is None else str(value)


@dataclass
class Year(FieldType):
    name: ClassVar[str] = "year"
    half_width: ClassVar[bool] = True
    numeric: ClassVar[bool] = False
    example: ClassVar[str] = "２０２３年"

    def read(self, raw: str) -> Any:
        return reading.read_year(raw)


@dataclass
class Phone(FieldType):
    name: ClassVar[str] = "phone"
    half_width: ClassVar[bool] = True
    example: ClassVar[str] = "６９１５９５６２"

    def read(self, raw: str) -> Any:
        return reading.read_phone(raw)


@dataclass
class Choice(FieldType):
    """One of a list; printed as a row of ☐/☑ boxes when ``boxes`` is set."""

    name: ClassVar[str] = "choice"
    example: ClassVar[str] = ""
    options_allowed: ClassVar[tuple[str, ...]] = ("options", "boxes", "options_from", "free")
    options: list[str] = field(default_factory=list)
    boxes: bool = False
    options_from: str = ""  # 'table.column': the options are that column's values
    free: bool = False  # other text allowed (a suggestion list, not a closed set)

    def read(self, raw: str) -> Any:
        text = reading.normalize(raw).strip()
        if self.free or self.options_from or not self.options:
            return text
        if text in self.options:
            return text
        # tolerate 公共事业类 typed as 公共事业 — but only when just one option starts so
        matches = [opt for opt in self.options if text and opt.startswith(text)]
        if len(matches) == 1:
            return matches[0]
        raise ReadError(ErrorCode.NOT_OPTION, text=raw, options="、".join(self.options))

    def boxes_text(self, value: Any) -> str:
        return "  ".join(f"{opt}{'☑' if opt == value else '☐'}" for opt in self.options)


@dataclass
class YesNo(Choice):
    name: ClassVar[str] = "yesno"
    example: ClassVar[str] = "是"
    options_allowed: ClassVar[tuple[str, ...]] = ("boxes",)
    options: list[str] = field(default_factory=lambda: ["是", "否"])
    boxes: bool = True

    def read(self, raw: str) -> Any:
        text = reading.normalize(raw).strip().lower()
        if text in ("是", "y", "yes", "true", "1", "有", "√", "✓"):
            return "是"
        if text in ("否", "n", "no", "false", "0", "无", "×"):
            return "否"
        raise ReadError(ErrorCode.NOT_YESNO, text=raw)


@dataclass
class TargetType(FieldType):
    """A 指标目标值: free text read into operator, number and unit where it has them."""

    name: ClassVar[str] = "target"
    example: ClassVar[str] = "≥50个"
    options_allowed: ClassVar[tuple[str, ...]] = ("strict",)
    strict: bool = False  # an operator with no readable number and unit (≥五十个) is an 错误, not 定性

    def read(self, raw: str) -> Any:
        target = reading.read_target(raw)
        if self.strict and not target.quantitative and target.when is None and reading.looks_quantitative(raw):
            raise ReadError(ErrorCode.BAD_TARGET, text=raw.strip())
        return target

    def format(self, value: Any, computed: bool = True) -> str:
        if isinstance(value, Target):
            return value.text
        return "" if value is None else str(value)


@dataclass
class Actual(FieldType):
    """An 实际完成值: a quantity, a date or words; any text is readable."""

    name: ClassVar[str] = "actual"
    example: ClassVar[str] = "１００％"

    def read(self, raw: str) -> Any:
        return raw.strip()


TYPES: dict[str, type[FieldType]] = {
    t.name: t
    for t in (FieldType, LongText, Label, Code, Number, Integer, Amount, Percent, DateType, Year,
              Phone, Choice, YesNo, TargetType, Actual)
}


def make_type(name: str, options: dict[str, Any]) -> FieldType:
    """Build a type from its name and the options written in the definition.

    Raises :class:`OptionError` (a ``ValueError``) for an unknown name or option;
    the loader adds the file and field to it.
    """
    cls = TYPES.get(name)
    if cls is None:
        raise OptionError(ErrorCode.DEF_UNKNOWN_TYPE, type=name, types="、".join(TYPES), hint=did_you_mean(name, TYPES))
    kwargs = {}
    for key, value in options.items():
        if key not in cls.options_allowed:
            raise OptionError(ErrorCode.DEF_UNKNOWN_KEY, key=key, hint=did_you_mean(key, cls.options_allowed))
        why = _option_problem(key, value)
        if why:
            raise OptionError(ErrorCode.DEF_BAD_VALUE, key=key, value=value, why=why)
        kwargs[key] = value
    return cls(**kwargs)


# What each option's value must be: (check, what to say when it is not).
_OPTION_KINDS: dict[str, tuple[Any, str]] = {
    "max_length": (lambda v: _is_int(v) and v >= 0, "应为非负整数"),
    "decimals": (lambda v: v is None or (_is_int(v) and 0 <= v <= 12), "应为 0–12 的整数"),
    "max_decimals": (lambda v: v is None or (_is_int(v) and 0 <= v <= 12), "应为 0–12 的整数"),
    "thousands": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "sign": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "strict": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "negative": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "rounded": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "boxes": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "free": (lambda v: isinstance(v, bool), "应为 true 或 false"),
    "unit": (lambda v: isinstance(v, str), "应为文字"),
    "hint": (lambda v: isinstance(v, str), "应为文字"),
    "unit_from": (lambda v: isinstance(v, str) and bool(v), "应为字段标识"),
    "options_from": (lambda v: isinstance(v, str), "应为文字"),
    "options": (lambda v: isinstance(v, list) and all(isinstance(o, str) and o.strip() for o in v),
                "应为非空文字的列表"),
    "pattern": (lambda v: isinstance(v, str) and _compiles(v), "应为有效的正则表达式"),
}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _option_problem(key: str, value: Any) -> str:
    kind = _OPTION_KINDS.get(key)
    if kind is None or kind[0](value):
        return ""
    return kind[1]
