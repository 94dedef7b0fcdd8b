"""The 汇总: one row per project of every current submission, subtotals per unit and per form,
counts of 优/良/中/差, the average 执行率, submissions with 错误 and the missing units.

:func:`build_summary` computes it (Qt-free, Decimal, 四舍五入); :mod:`desktop.desk.summary_export`
writes it as a workbook and a sealed-ready PDF.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.core.reading import round_half_up
from desktop.desk.library import Library

GRADES = ("优", "良", "中", "差")


@dataclass
class Line:
    """A project row, or a subtotal (``kind`` 单位小计 / 表单小计 / 总计)."""

    kind: str  # 项目, 单位小计, 表单小计, 总计
    unit: str = ""
    project: str = ""
    form: str = ""
    budget: Decimal | None = None
    executed: Decimal | None = None
    score: Decimal | None = None
    grade: str = ""
    errors: int = 0
    status: str = ""
    executed_budget: Decimal | None = None  # the budget of the rows that have an 执行数 (for the rate)

    @property
    def unit_key(self) -> tuple[str, str]:
        return self.form, self.unit

    @property
    def rate(self) -> Decimal | None:
        budget = self.budget if self.kind == "项目" else self.executed_budget
        if budget and self.executed is not None:
            return round_half_up(self.executed / budget * 100, 2)
        return None


@dataclass
class Summary:
    title: str
    lines: list[Line] = field(default_factory=list)
    grades: Counter = field(default_factory=Counter)
    average_rate: Decimal | None = None  # the mean of the projects' 执行率, in %
    with_errors: list[str] = field(default_factory=list)  # "单位 · 项目" of submissions with 错误
    missing: list[str] = field(default_factory=list)
    submissions: int = 0
    projects: int = 0


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


def build_summary(lib: Library, *, form: str = "", year: str = "") -> Summary:
    subs = lib.submissions(current_only=True, form=form, year=year)
    parts = {}
    for p in lib.parts(s.id for s in subs):
        parts.setdefault(p["submission_id"], []).append(p)
    title = "预算绩效报送汇总表" + (f"（{year}年度）" if year else "")
    out = Summary(title=title, submissions=len(subs), missing=lib.missing_units(form, year))
    rates: list[Decimal] = []
    by_form: dict[str, list] = {}
    for s in subs:
        by_form.setdefault(s["form_title"] or s["form_id"], []).append(s)
    grand = Line("总计", project="合计")
    for form_title in sorted(by_form):
        form_total = Line("表单小计", form=form_title, project=f"{form_title} 小计")
        by_unit: dict[str, list] = {}
        for s in by_form[form_title]:
            by_unit.setdefault(s["unit"], []).append(s)
        for unit in sorted(by_unit):
            unit_total = Line("单位小计", unit=unit, form=form_title, project=f"{unit or '（未填单位）'} 小计")
            for s in by_unit[unit]:
                if s["errors"]:
                    out.with_errors.append(f"{unit} · {s['project'] or s['form_title']}")
                for p in parts.get(s.id, []):
                    line = Line("项目", unit=unit, project=p["project"], form=form_title, budget=_dec(p["budget"]),
                                executed=_dec(p["executed"]), score=_dec(p["score"]), grade=p["grade"],
                                errors=p["errors"], status=s["status"])
                    out.lines.append(line)
                    out.projects += 1
                    if line.grade:
                        out.grades[line.grade] += 1
                    if line.rate is not None:
                        rates.append(line.rate)
                    for total in (unit_total, form_total, grand):
                        total.budget = _add(total.budget, line.budget)
                        total.executed = _add(total.executed, line.executed)
                        if line.executed is not None:
                            total.executed_budget = _add(total.executed_budget, line.budget)
                        total.errors += line.errors
            if sum(1 for line in out.lines if line.kind == "项目" and line.unit_key == (form_title, unit)) > 1:
                out.lines.append(unit_total)  # a unit with one project needs no subtotal of its own
        out.lines.append(form_total)
    out.lines.append(grand)
    if rates:
        out.average_rate = round_half_up(sum(rates) / len(rates), 2)
    return out


def money(value: Decimal | None) -> str:
    """万元 with at least 2 decimals, more where the figure has them (as amounts print elsewhere)."""
    if value is None:
        return ""
    value = value.normalize()
    places = max(2, -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0)
    return f"{value:,.{min(places, 6)}f}"


def summary_table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """The 汇总 as printed: a header and text rows (the PDF and the workbook both print this)."""
    header = ["序号", "单位", "项目", "表单", "预算数", "执行数", "执行率（%）", "自评得分", "等级", "错误", "审核状态"]
    rows = []
    n = 0
    for line in summary.lines:
        if line.kind == "项目":
            n += 1
        rows.append([str(n) if line.kind == "项目" else "", line.unit if line.kind == "项目" else "",
                     line.project or ("（部门整体）" if line.kind == "项目" else ""),
                     line.form if line.kind == "项目" else "", money(line.budget),
                     money(line.executed), "" if line.rate is None else f"{line.rate:.2f}",
                     "" if line.score is None else f"{line.score:.2f}", line.grade,
                     str(line.errors) if line.errors else "", line.status])
    return header, rows


def summary_facts(summary: Summary) -> list[str]:
    """The lines under the table: counts, average, errors, missing units."""
    grades = "，".join(f"{g} {summary.grades.get(g, 0)} 个" for g in GRADES)
    facts = [f"报送 {summary.submissions} 份，项目 {summary.projects} 个；等级：{grades}。"]
    facts.append("平均执行率：" + (f"{summary.average_rate:.2f}%" if summary.average_rate is not None else "—"))
    facts.append(f"有错误的报送 {len(summary.with_errors)} 份" +
                 ("：" + "、".join(summary.with_errors) if summary.with_errors else ""))
    facts.append(f"未报送的单位 {len(summary.missing)} 个" +
                 ("：" + "、".join(summary.missing) if summary.missing else ""))
    return facts
