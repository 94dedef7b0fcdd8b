"""Scoring rule sets, chosen per form by name in its definition.

A definition says ``"scoring": {"rules": "suzhou2023", "classes": {...}}``; a
column formula ``score(target, actual, weight, category[, reason])`` asks the
form's rule set for an indicator's score.  ``classes`` maps the form's own
category words (产出目标, 效益指标 …) to the rule classes ``output`` (产出/投入,
and the common 决策/过程 indicators) and ``outcome`` (效益/结果/满意度).

Rule sets:

``suzhou2023``
    The 填表说明 of the 2023 Suzhou 自评表.  定性 grades 好/较好/一般/较差/差 earn
    100/80/60/40/20 %.  定量 ``output``: completion 100 %–130 % earns the full
    weight, each point below 100 % takes 5 % of the weight off, each point above
    130 % takes 1 % off.  ``outcome``: 100 %–200 % full, above 200 % 1 % per
    point off, below 100 % 5 % per point off.  Targets written ``<=``/``<`` are
    met when actual ≤ target.  No value (and no explanation) scores 0.
``proportional`` (Shenzhen and most bureaus)
    Higher is better: a met target earns the full weight, otherwise
    actual / target × weight.  Lower is better: met earns the full weight,
    otherwise the score falls linearly to 0 at twice the target.
``national`` (财预〔2020〕10号, the national template F)
    正向 (≥, >): met → the full weight, else actual / target × weight.  反向
    (≤, <): met → the full weight, else the definition's ``lower_is_better``
    variant: ``linear`` (1 − (a − t) / t, reaching 0 at twice the target) or
    ``ratio`` (t / a).  等于 (=) with target 0: the full weight when the actual
    is ≤ 0, else 0; with a target above 0 as 正向.  定性: the clerk's grade (a
    band such as 部分达成年度指标并具有一定效果, [60 %, 80 %)) or an actual that
    says the target was met (a ``met_words`` word and no ``negations`` word, both
    lists written in the definition) earns the top of its band; a score typed
    inside the band is kept, one outside it is an 错误 (``inband``/``band``).

No score is ever above its weight or below 0, in any rule set.

Every rule: a qualitative target whose actual equals it, or whose actual is a
percentage, earns that share of the weight; a target or actual of 无 / 不适用
scores 0; what the rules cannot decide is left blank for the clerk to score
by hand (and a check asks for it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.core.errors import Code, OptionError, did_you_mean
from desktop.core.reading import PartialDate, Quantity, Target, in_unit, read_actual, read_target, round_half_up

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
NOT_APPLICABLE = {"无", "不适用", "/", "—", "-", "——", "无此项"}

SUZHOU_GRADES = {"好": Decimal("1"), "较好": Decimal("0.8"), "一般": Decimal("0.6"),
                 "较差": Decimal("0.4"), "差": Decimal("0.2")}
# Words that say a qualitative target was met as written (suzhou2023 and proportional, matched whole;
# a definition's own ``met_words`` replace them).
MET_WORDS = {"完成", "已完成", "达到", "达标", "是", "满意", "合格", "有效", "及时", "健全",
             "规范", "合规", "明确", "合理", "充分", "完善", "稳定", "公开", "建立"}
# The national 定性 bands of 财预〔2020〕10号 (percent of the weight), used when a definition names none.
NATIONAL_BANDS = [
    {"name": "达成年度指标", "aliases": ["达成"], "band": "[80, 100]"},
    {"name": "部分达成年度指标并具有一定效果", "aliases": ["部分达成并具有一定效果", "部分达成"], "band": "[60, 80)"},
    {"name": "未达成年度指标且效果较差", "aliases": ["未达成且效果较差", "未达成"], "band": "[0, 60)"},
]
LOWER_VARIANTS = ("linear", "ratio")  # 反向 below target: (1 − (a − t) / t) × w, or t / a × w


class RulesConfigError(OptionError):
    """A ``scoring`` block key or value the rule sets do not know (the message is Chinese)."""


@dataclass(frozen=True)
class Band:
    """A 定性 grade and its share of the weight, in percent: ``[60, 80)`` is 60 % ≤ share < 80 %."""

    name: str
    words: tuple[str, ...]  # the name and its aliases, as a clerk may write the grade
    low: Decimal
    high: Decimal
    low_open: bool = False
    high_open: bool = False

    def limits(self, weight: Decimal, places: int) -> tuple[Decimal, Decimal]:
        return (round_half_up(weight * self.low / HUNDRED, places), round_half_up(weight * self.high / HUNDRED, places))

    def top(self, weight: Decimal, places: int) -> Decimal:
        """The default score: the band's upper limit, or one step (at ``places``) below it when excluded."""
        high = round_half_up(weight * self.high / HUNDRED, places)
        return max(ZERO, high - Decimal(1).scaleb(-places)) if self.high_open else high

    def holds(self, score: Decimal, weight: Decimal, places: int) -> bool:
        low, high = self.limits(weight, places)
        above = score > low if self.low_open else score >= low
        below = score < high if self.high_open else score <= high
        return above and below

    def text(self, weight: Decimal, places: int) -> str:
        low, high = self.limits(weight, places)
        return f"{'(' if self.low_open else '['}{low}, {high}{')' if self.high_open else ']'}"


_BAND_RE = re.compile(r"^\s*([\[(])\s*(\d+(?:\.\d+)?)\s*[,，]\s*(\d+(?:\.\d+)?)\s*([\])])\s*$")


@dataclass
class RuleSet:
    name: str
    title: str
    classes: dict[str, str] = field(default_factory=dict)
    places: int = 2
    grades: dict[str, Decimal] = field(default_factory=dict)
    total_grades: tuple[tuple[Decimal, str], ...] = ()
    met_words: frozenset[str] = frozenset(MET_WORDS)
    negations: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    lower_variant: str = "linear"

    # -- the public entry point --------------------------------------------------------
    def score(self, args: list[Any]) -> Decimal | None:
        target, actual, weight = args[0], args[1], args[2]
        category = args[3] if len(args) > 3 else None
        reason = args[4] if len(args) > 4 else None
        weight = _decimal(weight)
        if weight is None:
            return None
        if weight <= 0:
            return ZERO
        target, actual = _target(target), _actual(actual)
        band = self.band_of(target, actual)
        if band is not None:
            return _capped(band.top(weight, self.places), weight, self.places)
        fraction = self.fraction(target, actual, self.classes.get(_text(category), "output"),
                                 has_reason=bool(_text(reason)))
        if fraction is None:
            return None
        fraction = max(ZERO, min(ONE, fraction))  # never above the weight, never below 0
        return _capped(round_half_up(weight * fraction, self.places), weight, self.places)

    def grade(self, total: Any) -> str | None:
        total = _decimal(total)
        if total is None:
            return None
        for floor, name in self.total_grades:
            if total >= floor:
                return name
        return self.total_grades[-1][1] if self.total_grades else None

    # -- 定性 bands (national) ---------------------------------------------------------
    def band_of(self, target: Target | None, actual: Any) -> Band | None:
        """The 定性 grade an indicator earns: the band the clerk wrote, or the first (达成) band
        when the actual repeats the target or says it was met without a negation."""
        if not self.bands or target is None or target.quantitative or not isinstance(actual, str):
            return None
        text = actual.strip()
        if not text or text in NOT_APPLICABLE or target.text.strip() in NOT_APPLICABLE:
            return None
        for band in self.bands:
            if text in band.words:
                return band
        if text == target.text.strip() or self.says_met(text):
            return self.bands[0]
        return None

    def says_met(self, text: str) -> bool:
        if not self.negations:  # whole words only (the older rule sets)
            return text in self.met_words
        return any(w in text for w in self.met_words) and not any(n in text for n in self.negations)

    def call(self, name: str, args: list[Any]) -> Any:
        """The band functions of formulas: ``qgrade(target, actual)``, ``band(target, actual, weight)``
        (the interval as text, e.g. ``[4.80, 6.40)``) and ``inband(score, target, actual, weight)``."""
        if name == "inband":
            score, rest = _decimal(args[0]), args[1:]
        else:
            score, rest = None, args
        band = self.band_of(_target(rest[0]), _actual(rest[1]))
        if band is None:
            return None
        if name == "qgrade":
            return band.name
        weight = _decimal(rest[2])
        if weight is None:
            return None
        if name == "band":
            return band.text(weight, self.places)
        return None if score is None else band.holds(score, weight, self.places)

    # -- how much of the weight an indicator earns -------------------------------------
    def fraction(self, target: Target | None, actual: Any, cls: str, has_reason: bool) -> Decimal | None:
        if target is not None and target.text.strip() in NOT_APPLICABLE:
            return ZERO
        if actual is None:
            return None if has_reason else ZERO
        if isinstance(actual, str) and actual in NOT_APPLICABLE:
            return ZERO
        if target is None:
            return None
        if target.quantitative:
            if not isinstance(actual, Quantity):
                return self.words(target, actual)
            number = _in_unit(actual, target.unit)
            if number is None:  # 个 against 次, 万元 against 天 …: the clerk scores by hand
                return None
            return self.quantitative(target, number, cls)
        if target.when is not None and isinstance(actual, PartialDate):
            return ONE if _by_deadline(actual, target.when) else None
        return self.words(target, actual)

    def words(self, target: Target, actual: Any) -> Decimal | None:
        if isinstance(actual, Quantity):
            if actual.unit == "%":
                return actual.number / HUNDRED
            return None
        text = str(actual).strip()
        if text == target.text.strip() or self.says_met(text):
            return ONE
        if text in self.grades:
            return self.grades[text]
        return None

    def quantitative(self, target: Target, actual: Decimal, cls: str) -> Decimal | None:
        goal = target.number
        assert goal is not None
        if target.lower_is_better:
            met = actual < goal if target.op == "<" else actual <= goal
            if met:
                return ONE
            return self.shortfall_lower(goal, actual, cls)
        if target.op == "=" and goal == 0:  # 等于 0 (安全事故 =0次): met only at 0
            return ONE if actual <= 0 else ZERO
        met = actual > goal if target.op == ">" else actual >= goal
        if goal == 0:
            return ONE if met else ZERO
        completion = actual / goal * HUNDRED
        return self.banded(completion, cls, met)

    def shortfall_lower(self, goal: Decimal, actual: Decimal, cls: str) -> Decimal:
        if goal == 0 or actual == 0:
            return ZERO
        return self.banded(goal / actual * HUNDRED, cls, False)

    def banded(self, completion: Decimal, cls: str, met: bool) -> Decimal:
        return ONE if met else completion / HUNDRED


class Suzhou2023(RuleSet):
    CAPS = {"output": Decimal(130), "outcome": Decimal(200)}

    def banded(self, completion: Decimal, cls: str, met: bool) -> Decimal:
        cap = self.CAPS.get(cls, self.CAPS["output"])
        if completion < HUNDRED:
            return ONE - Decimal("0.05") * (HUNDRED - completion)
        if completion > cap:
            return ONE - Decimal("0.01") * (completion - cap)
        return ONE


class Proportional(RuleSet):
    def shortfall_lower(self, goal: Decimal, actual: Decimal, cls: str) -> Decimal:
        if goal == 0:
            return ZERO
        if self.lower_variant == "ratio":  # t / a × w
            return goal / actual if actual > 0 else ZERO
        # falls linearly from the full weight at the target to 0 at twice the target
        return (2 * goal - actual) / goal


RULES: dict[str, type[RuleSet]] = {"suzhou2023": Suzhou2023, "proportional": Proportional,
                                   "national": Proportional}

# Every key a definition's ``scoring`` block may hold; make_rules reads exactly these.
SCORING_KEYS = frozenset({"rules", "classes", "places", "lower_is_better", "bands", "met_words", "negations"})
BAND_KEYS = frozenset({"name", "aliases", "band"})


def make_rules(config: dict[str, Any] | None) -> RuleSet:
    """Build the rule set a definition names: ``ValueError`` (the unknown name) for an unknown rule
    set, :class:`RulesConfigError` (a Chinese message) for an unknown key or a malformed value."""
    config = dict(config or {"rules": "proportional"})
    name = config.get("rules", "proportional")
    if name not in RULES:
        raise ValueError(name)
    for key in config:
        if key not in SCORING_KEYS:
            raise RulesConfigError(Code.DEF_UNKNOWN_KEY, key=key, hint=did_you_mean(key, SCORING_KEYS))
    total_grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal("-1e9"), "差"))
    title = {"suzhou2023": "苏州市 2023 年自评评分规则", "proportional": "按比例评分（深圳等）",
             "national": "全国通用模板评分规则"}[name]
    lower = config.get("lower_is_better", "linear")
    if lower not in LOWER_VARIANTS:
        raise RulesConfigError(Code.DEF_BAD_VALUE, key="lower_is_better", value=lower,
                               why="应为 linear（线性降至 2 倍目标值时为 0）或 ratio（目标值/实际值）")
    places = config.get("places", 2)
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6:
        raise RulesConfigError(Code.DEF_BAD_VALUE, key="places", value=places, why="应为 0–6 的整数")
    rules = RULES[name](name=name, title=title, classes=dict(_mapping(config, "classes")), places=places,
                        grades=dict(SUZHOU_GRADES) if name == "suzhou2023" else {},
                        total_grades=total_grades, lower_variant=lower)
    if "met_words" in config:
        rules.met_words = frozenset(_words(config, "met_words"))
    rules.negations = tuple(_words(config, "negations"))
    if "bands" in config or name == "national":
        rules.bands = tuple(_band(b) for b in _listof(config, "bands", NATIONAL_BANDS))
    return rules


def _listof(config: dict[str, Any], key: str, default: Any) -> list:
    value = config.get(key, default)
    if not isinstance(value, list):
        raise RulesConfigError(Code.DEF_BAD_VALUE, key=key, value=value, why="应为列表")
    return value


def _words(config: dict[str, Any], key: str) -> list[str]:
    words = _listof(config, key, [])
    if not all(isinstance(w, str) and w.strip() for w in words):
        raise RulesConfigError(Code.DEF_BAD_VALUE, key=key, value=words, why="应为非空文字的列表")
    return [w.strip() for w in words]


def _mapping(config: dict[str, Any], key: str) -> dict[str, str]:
    value = config.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise RulesConfigError(Code.DEF_BAD_VALUE, key=key, value=value, why="应为“类别: output/outcome”的对象")
    return value


def _band(data: Any) -> Band:
    if not isinstance(data, dict):
        raise RulesConfigError(Code.DEF_BAD_VALUE, key="bands", value=data, why="每档应为对象")
    for key in data:
        if key not in BAND_KEYS:
            raise RulesConfigError(Code.DEF_UNKNOWN_KEY, key=key, hint=did_you_mean(key, BAND_KEYS))
    name, interval = data.get("name"), data.get("band")
    m = _BAND_RE.match(interval) if isinstance(interval, str) else None
    if not isinstance(name, str) or not name.strip() or m is None or Decimal(m.group(2)) > Decimal(m.group(3)) \
            or Decimal(m.group(3)) > HUNDRED:
        raise RulesConfigError(Code.DEF_BAD_VALUE, key="bands", value=data,
                               why="每档须有 name 和 band（如 \"[60, 80)\"，0–100 的百分比区间）")
    aliases = _words(data, "aliases")
    return Band(name.strip(), (name.strip(), *aliases), Decimal(m.group(2)), Decimal(m.group(3)),
                m.group(1) == "(", m.group(4) == ")")


def _capped(score: Decimal, weight: Decimal, places: int) -> Decimal:
    """A score never above its weight (a weight typed with more decimals than ``places``)."""
    if score <= weight:
        return score
    capped = round_half_up(weight, places)
    return capped if capped <= weight else capped - Decimal(1).scaleb(-places)


# -- argument coercion -------------------------------------------------------------------

def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Target):
        return v.text
    return str(v).strip()


def _decimal(v: Any) -> Decimal | None:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, Quantity):
        return v.number
    return None


def _by_deadline(done: PartialDate, deadline: PartialDate) -> bool:
    """Done by the deadline; a deadline of a month (2021年12月) runs to the month's end."""
    if not deadline.day:
        return (done.year, done.month) <= (deadline.year, deadline.month)
    return done <= deadline


def _in_unit(actual: Quantity, unit: str) -> Decimal | None:
    """The actual in the target's unit (元 and 万元 convert); None when the units differ.

    A number written without a unit is taken to be in the target's unit.
    """
    return in_unit(actual.number, actual.unit, unit)


def _target(v: Any) -> Target | None:
    if isinstance(v, Target):
        return v
    text = _text(v)
    return read_target(text) if text else None


def _actual(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (Quantity, PartialDate)):
        return v
    if isinstance(v, Decimal):
        return Quantity(v)
    text = _text(v)
    return read_actual(text) if text else None
