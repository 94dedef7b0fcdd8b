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
``national``
    Proportional 定量 scoring; 定性 bands 达成年度指标 / 部分达成并具有一定效果 /
    未达成且效果较差 earn the top of their band (100 / 80 / 60 %) — a clerk who
    wants a lower figure inside the band overrides the score by hand; grades
    优 ≥ 90, 良 80–89, 中 60–79, 差 < 60.

Every rule: a qualitative target whose actual equals it, or whose actual is a
percentage, earns that share of the weight; a target or actual of 无 / 不适用
scores 0; what the rules cannot decide is left blank for the clerk to score
by hand (and a check asks for it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from desktop.core.reading import PartialDate, Quantity, Target, read_actual, read_target, round_half_up

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
NOT_APPLICABLE = {"无", "不适用", "/", "—", "-", "——", "无此项"}

SUZHOU_GRADES = {"好": Decimal("1"), "较好": Decimal("0.8"), "一般": Decimal("0.6"),
                 "较差": Decimal("0.4"), "差": Decimal("0.2")}
NATIONAL_GRADES = {"达成年度指标": Decimal("1"), "达成": Decimal("1"),
                   "部分达成并具有一定效果": Decimal("0.8"), "部分达成": Decimal("0.8"),
                   "未达成且效果较差": Decimal("0.6"), "未达成": Decimal("0.6")}
# Words that say a qualitative target was met as written.
MET_WORDS = {"完成", "已完成", "达到", "达标", "是", "满意", "合格", "有效", "及时", "健全",
             "规范", "合规", "明确", "合理", "充分", "完善", "稳定", "公开", "建立"}


@dataclass
class RuleSet:
    name: str
    title: str
    classes: dict[str, str] = field(default_factory=dict)
    places: int = 2
    grades: dict[str, Decimal] = field(default_factory=dict)
    total_grades: tuple[tuple[Decimal, str], ...] = ()

    # -- the public entry point --------------------------------------------------------
    def score(self, args: list[Any]) -> Decimal | None:
        target, actual, weight = args[0], args[1], args[2]
        category = args[3] if len(args) > 3 else None
        reason = args[4] if len(args) > 4 else None
        weight = _decimal(weight)
        if weight is None:
            return None
        if weight == 0:
            return ZERO
        fraction = self.fraction(_target(target), _actual(actual), self.classes.get(_text(category), "output"),
                                 has_reason=bool(_text(reason)))
        if fraction is None:
            return None
        fraction = max(ZERO, min(ONE, fraction))
        return round_half_up(weight * fraction, self.places)

    def grade(self, total: Any) -> str | None:
        total = _decimal(total)
        if total is None:
            return None
        for floor, name in self.total_grades:
            if total >= floor:
                return name
        return self.total_grades[-1][1] if self.total_grades else None

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
        if text == target.text.strip() or text in MET_WORDS:
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
        # falls linearly from the full weight at the target to 0 at twice the target
        if goal == 0:
            return ZERO
        return (2 * goal - actual) / goal


RULES: dict[str, type[RuleSet]] = {"suzhou2023": Suzhou2023, "proportional": Proportional,
                                   "national": Proportional}


def make_rules(config: dict[str, Any] | None) -> RuleSet:
    """Build the rule set a definition names; ``ValueError`` for an unknown name."""
    config = dict(config or {"rules": "proportional"})
    name = config.pop("rules", "proportional")
    if name not in RULES:
        raise ValueError(name)
    cls = RULES[name]
    grades = SUZHOU_GRADES if name == "suzhou2023" else NATIONAL_GRADES if name == "national" else {}
    total_grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal("-1e9"), "差"))
    title = {"suzhou2023": "苏州市 2023 年自评评分规则", "proportional": "按比例评分（深圳等）",
             "national": "全国通用模板评分规则"}[name]
    return cls(name=name, title=title, classes=dict(config.get("classes", {})),
               places=int(config.get("places", 2)), grades=dict(grades), total_grades=total_grades)


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
    if not actual.unit or not unit or actual.unit == unit:
        return actual.number
    if (actual.unit, unit) == ("元", "万元"):
        return actual.number / 10000
    if (actual.unit, unit) == ("万元", "元"):
        return actual.number * 10000
    return None


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
