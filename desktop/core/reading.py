"""Reading what clerks type with a Chinese IME.

Accepts full-width digits and punctuation (``１２３，４５６．７８``), thousands
separators (``3,890,000``), ``%``/``％``, unit words (``万元``, ``个`` …), a sign
followed by a space (``- .36``) and the usual date spellings.  Anything that
cannot be read raises :class:`~desktop.core.errors.ReadError`; nothing is ever
silently dropped or zeroed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from desktop.core.errors import Code, ReadError

# Units a number may carry, longest first so that 万元 wins over 元.
UNIT_ALIASES = {
    "百分比": "%",
    "%": "%",
    "‰": "‰",
    "万元": "万元",
    "元": "元",
    "个月": "个月",
    "小时": "小时",
    "分钟": "分钟",
    "个": "个",
    "次": "次",
    "人次": "人次",
    "人": "人",
    "天": "天",
    "日": "天",
    "项": "项",
    "期": "期",
    "分": "分",
    "家": "家",
    "条": "条",
    "台": "台",
    "套": "套",
    "件": "件",
    "节": "节",
    "场": "场",
    "年": "年",
    "月": "月",
    "周": "周",
    "学时": "学时",
    "万人次": "万人次",
    "平方米": "平方米",
    "公里": "公里",
    "千米": "公里",
    "米": "米",
    "处": "处",
    "户": "户",
    "所": "所",
    "座": "座",
    "辆": "辆",
    "亩": "亩",
    "公顷": "公顷",
    "吨": "吨",
    "份": "份",
    "册": "册",
    "批": "批",
}
_UNITS_RE = "|".join(sorted((re.escape(u) for u in UNIT_ALIASES), key=len, reverse=True))

_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")

# No budget figure has more digits; a longer "number" is a paste gone wrong, and huge
# numbers multiplied together would overflow Decimal's exponent range.
MAX_DIGITS = 40
ZERO = Decimal(0)
HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10000)


def in_unit(number: Decimal, unit: str, wanted: str) -> Decimal | None:
    """``number`` (in ``unit``) in the ``wanted`` unit: the same number when either unit is blank or they are
    equal, 元 ↔ 万元 converted, None for any other pair (the one 元/万元 conversion)."""
    if not unit or not wanted or unit == wanted:
        return number
    if (unit, wanted) == ("元", "万元"):
        return number / TEN_THOUSAND
    if (unit, wanted) == ("万元", "元"):
        return number * TEN_THOUSAND
    return None


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), unify the look-alike minus signs, trim.

    The ideographic full stop ``。`` is read as a decimal point only inside
    something that otherwise looks like a number (``12。5``).
    """
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("\u2212", "-").replace("\ufe63", "-").replace("\u2010", "-").replace("\u2011", "-")
    s = s.strip()
    if "。" in s and all(ch.isdigit() or ch in "+-.,。% " for ch in s):
        s = s.replace("。", ".")
    return s


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """四舍五入 to ``places`` decimals (never banker's rounding).

    Works for any finite value, however many digits it has (the default 28-digit
    context would raise InvalidOperation for a 30-digit amount).
    """
    digits = max(value.adjusted(), 0) + places + 2
    result = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP,
                            context=Context(prec=max(28, digits)))
    return abs(result) if not result else result  # never a negative zero (-0.001 → 0.00, not -0.00)


def odd_digits(text: str) -> bool:
    """Digits other than 0-9 and ０-９ (², ①, ٣ …): NFKC would turn them into plain digits
    (10² → 102), so a number containing them is unreadable rather than silently wrong."""
    return any(ch.isdigit() and not ("0" <= ch <= "9" or "０" <= ch <= "９") for ch in text)


def _to_decimal(core: str, original: str, key: str = "not_number") -> Decimal:
    if odd_digits(original):
        raise ReadError(key, text=original)
    core = core.replace(" ", "")
    if _GROUPED.match(core):
        core = core.replace(",", "")
    if not _PLAIN.match(core) or sum(ch.isdigit() for ch in core) > MAX_DIGITS:
        raise ReadError(key, text=original)
    try:
        return Decimal(core)
    except InvalidOperation:  # pragma: no cover - the regex already rules these out
        raise ReadError(key, text=original) from None


@dataclass(frozen=True)
class Quantity:
    """A number with the unit word typed after it (unit may be empty)."""

    number: Decimal
    unit: str = ""


_QUANTITY_RE = re.compile(rf"^(?P<num>[+-]?\s*[\d.,]+)\s*(?P<unit>{_UNITS_RE})?$")


def read_quantity(text: str) -> Quantity:
    """``'1,234.5 万元'`` → Quantity(1234.5, '万元'); raises ReadError('not_number')."""
    s = normalize(text)
    m = _QUANTITY_RE.match(s)
    if not m:
        raise ReadError(Code.NOT_NUMBER, text=text)
    unit = UNIT_ALIASES.get(m.group("unit") or "", "")
    return Quantity(_to_decimal(m.group("num"), text), unit)


def read_number(text: str, *, unit: str = "", allow_units: tuple[str, ...] = ()) -> Decimal:
    """Read a plain number; a typed unit must be ``unit`` or one of ``allow_units``.

    An amount typed in 元 into a 万元 field (or the reverse) is converted exactly.
    """
    q = read_quantity(text)
    if not q.unit or q.unit == unit or q.unit in allow_units:
        return q.number
    converted = in_unit(q.number, q.unit, unit) if unit else None
    if converted is not None:
        return converted
    raise ReadError(Code.WRONG_UNIT, text=text, unit=q.unit, expected=unit or "无单位")


def percent_number(text: str) -> Decimal:
    """The number of percent typed: ``'- .36 %'`` → Decimal('-0.36'), at the precision typed."""
    s = normalize(text)
    if s.endswith("百分比"):
        s = s[: -len("百分比")]
    s = s.rstrip()
    if s.endswith("%"):
        s = s[:-1]
    try:
        number = _to_decimal(s, text, "not_percent")
    except ReadError:
        raise ReadError(Code.NOT_PERCENT, text=text) from None
    return number if number else abs(number)  # never a negative zero: -0 → 0


def read_percent(text: str) -> Decimal:
    """``'99.5%'``, ``'99.5'``, ``'９９．５％'`` → Decimal('0.995') (a fraction)."""
    return percent_number(text) / HUNDRED


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date as clerks write it: a full day, or only a year and month."""

    year: int
    month: int
    day: int = 0  # 0: the day was not given

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}"

    def chinese(self) -> str:
        if self.day:
            return f"{self.year}年{self.month}月{self.day}日"
        return f"{self.year}年{self.month}月"


_DATE_RES = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?$"),
    re.compile(r"^(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def read_date(text: str) -> PartialDate:
    if odd_digits(text):
        raise ReadError(Code.NOT_DATE, text=text)
    s = normalize(text)
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            d = int(m.group(3)) if m.group(3) else 0
            try:
                date(y, mo, d or 1)
            except ValueError:
                break
            if not 1900 <= y <= 2200:
                break
            return PartialDate(y, mo, d)
    raise ReadError(Code.NOT_DATE, text=text)


def read_year(text: str) -> int:
    if odd_digits(text):
        raise ReadError(Code.NOT_YEAR, text=text)
    s = normalize(text)
    s = s.removesuffix("年度").removesuffix("年").strip()
    if re.fullmatch(r"\d{4}", s) and 1900 <= int(s) <= 2200:
        return int(s)
    raise ReadError(Code.NOT_YEAR, text=text)


_PHONE_RES = [
    re.compile(r"^\d{7,8}$"),  # local number
    re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$"),  # area code + local (+ extension)
    re.compile(r"^\(0\d{2,3}\)\d{7,8}$"),
    re.compile(r"^1[3-9]\d{9}$"),  # mobile
]


def read_phone(text: str) -> str:
    if odd_digits(text):
        raise ReadError(Code.NOT_PHONE, text=text)
    s = normalize(text).replace(" ", "").replace("—", "-").replace("－", "-")
    s = s.replace("（", "(").replace("）", ")")
    if s.startswith("+86"):
        s = s[3:].lstrip("-")
    if any(rx.match(s) for rx in _PHONE_RES):
        return s
    raise ReadError(Code.NOT_PHONE, text=text)


# --- targets ------------------------------------------------------------------------

_OPS = {"≥": ">=", ">=": ">=", "=>": ">=", "≤": "<=", "<=": "<=", "=<": "<=",
        ">": ">", "<": "<", "=": "=", "==": "=", "＝": "="}
_PREFIX_WORDS = {"不低于": ">=", "不少于": ">=", "大于等于": ">=", "至少": ">=", "不高于": "<=",
                 "不超过": "<=", "不多于": "<=", "小于等于": "<=", "至多": "<=", "大于": ">",
                 "小于": "<", "低于": "<", "高于": ">", "等于": "="}
_SUFFIX_WORDS = {"及其以下": "<=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=",
                 "及其以上": ">=", "及以上": ">=", "以上": ">="}
_TARGET_RE = re.compile(
    r"^(?P<op>>=|<=|=>|=<|==|[≥≤><=])?\s*(?P<num>[+-]?\s*\d[\d,]*(?:\.\d*)?|[+-]?\s*\.\d+)\s*"
    rf"(?P<unit>{_UNITS_RE})?\s*(?P<suffix>{'|'.join(sorted(_SUFFIX_WORDS, key=len, reverse=True))})?$"
)


@dataclass(frozen=True)
class Target:
    """A target as written on the form: operator, number and unit, or only words (定性)."""

    text: str
    op: str | None = None  # '>=', '>', '<=', '<', '=' or None (a bare number)
    number: Decimal | None = None
    unit: str = ""
    when: PartialDate | None = None  # a deadline such as 2021年12月

    @property
    def quantitative(self) -> bool:
        return self.number is not None

    @property
    def lower_is_better(self) -> bool:
        return self.op in ("<=", "<")

    def __str__(self) -> str:
        return self.text


def read_target(text: str) -> Target:
    """Read ``≥50个``, ``≤90万元``, ``=100%``, ``<2小时``, ``15%及其以下`` …; words stay 定性.

    Never raises for non-empty text: a target that is not a number is qualitative.
    """
    raw = text.strip()
    s = normalize(raw)
    for word, op in _PREFIX_WORDS.items():
        if s.startswith(word) and len(s) > len(word) and (s[len(word)].isdigit() or s[len(word)] in ".+-"):
            s = op + s[len(word):]
            break
    m = _TARGET_RE.match(s)
    if m:
        try:
            num = _to_decimal(m.group("num"), raw)
        except ReadError:
            return Target(raw)
        op = _OPS.get(m.group("op") or "", None)
        if m.group("suffix"):
            op = _SUFFIX_WORDS[m.group("suffix")]
        unit = UNIT_ALIASES.get(m.group("unit") or "", "")
        return Target(raw, op, num, unit)
    try:
        return Target(raw, None, None, "", read_date(s))
    except ReadError:
        pass
    core = s
    if core[:2] in _OPS and core[:2] in (">=", "<="):
        core = core[2:]
    elif core[:1] in "≥≤<>=":
        core = core[1:]
    try:
        return Target(raw, None, None, "", read_date(core.strip()))
    except ReadError:
        return Target(raw)


def looks_quantitative(text: str) -> bool:
    """Text written like a 定量 target — an operator first (≥, <, =, 不低于 + a digit …) — that
    :func:`read_target` could not read as one (a unit it does not know, a number in words)."""
    s = normalize(text)
    if s[:1] in "≥≤<>=＝":
        return True
    return any(s.startswith(w) and len(s) > len(w) and (s[len(w)].isdigit() or s[len(w)] in ".+-")
               for w in _PREFIX_WORDS)


def read_actual(text: str) -> Quantity | PartialDate | str:
    """An 实际完成值: a quantity when it reads as one, a date, else the words themselves."""
    try:
        return read_quantity(text)
    except ReadError:
        pass
    try:
        return read_date(text)
    except ReadError:
        return normalize(text)
