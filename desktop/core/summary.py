"""The figures a receiving desk sums up, read from a filled part through the definition.

A definition's ``summary`` block names the cells that hold them::

    "summary": {"budget": "funds/total/budget", "executed": "funds/total/spent",
                "score": "total_score", "full": "total_weight"}

* ``budget`` / ``executed`` — amounts (a field id or ``table/row/column``);
  their unit (元 or 万元) is the cell's own, and the desk converts to 万元.
* ``score`` — the self-evaluation total; ``full`` — the full marks it is out
  of (an address or a number such as ``"100"``).  The 等级 is the rule set's
  grade of the score as a percentage of the full marks.

执行率 is always ``executed / budget``.  Forms without execution or scores
(申报表) name only ``budget``.  Qt-free.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.core.document import split_addr
from desktop.core.reading import in_unit, round_half_up

SUMMARY_KEYS = ("budget", "executed", "score", "full")


def summary_problem(form: Any, summary: dict[str, Any]) -> str | None:
    """Why a ``summary`` block does not fit the form (None when it does)."""
    for key, ref in summary.items():
        if key not in SUMMARY_KEYS:
            return f"summary 中的“{key}”不是可用的键（可用：{'、'.join(SUMMARY_KEYS)}）"
        if not isinstance(ref, str) or not ref:
            return f"summary.{key} 应为字段或单元格地址"
        if key == "full" and _number(ref) is not None:
            continue
        t, r, c = split_addr(ref)
        if r is None:
            if t not in form.fields:
                return f"summary.{key} 引用的字段“{ref}”不存在"
        elif t not in form.tables or c not in form.tables[t].column_ids or r not in form.tables[t].fixed_ids:
            return f"summary.{key} 引用的单元格“{ref}”不存在"
    return None


@dataclass
class Figures:
    """One part's figures (amounts in 万元, rate a fraction, score as printed)."""

    budget: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None
    score: Decimal | None = None
    full: Decimal | None = None
    grade: str = ""


def part_figures(ps: Any) -> Figures:
    """The figures of one :class:`~desktop.core.engine.PartState` (blank where the form has none)."""
    summary = getattr(ps.form, "summary", None) or {}
    out = Figures()
    out.budget = _amount(ps, summary.get("budget"))
    out.executed = _amount(ps, summary.get("executed"))
    if out.budget and out.executed is not None:
        out.rate = round_half_up(out.executed / out.budget, 4)
    out.score = _number(_value(ps, summary.get("score")))
    full = summary.get("full")
    out.full = _number(full)  # a number such as "100", else the address of the full marks
    if out.full is None:
        out.full = _number(_value(ps, full))
    if out.score is not None:
        percent = out.score * 100 / out.full if out.full else out.score
        out.grade = ps.form.rules.grade(percent) or ""
    return out


def _value(ps: Any, addr: str | None) -> Any:
    if not addr:
        return None
    try:
        return ps.value(addr)
    except (KeyError, ValueError):
        return None


def _amount(ps: Any, addr: str | None) -> Decimal | None:
    value = _number(_value(ps, addr))
    if value is None:
        return None
    ftype = ps.field_def(addr).type
    chooser = getattr(ftype, "unit_from", "")  # the document's own money unit (form F: 万元 or 元)
    unit = (ps.raw(chooser).strip() if chooser else "") or getattr(ftype, "unit", "") or "万元"
    in_wan = in_unit(value, unit, "万元")
    return value if in_wan is None else in_wan


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            return None
    amount = getattr(value, "value", None)  # a Quantity
    return amount if isinstance(amount, Decimal) else None
