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
    full: Decimal | None = None
    grade: str = ""
    errors: int = 0
    status: str = ""
    year: str = ""
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
    statuses: Counter = field(default_factory=Counter)  # 待审 / 通过 / 退回 of the submissions summed up


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text not in ("", None) else None


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    if value is None:
        return total
    return value if total is None else total + value


def build_summary(lib: Library, *, form: str = "", year: str = "", unit: str = "",
                  passed_only: bool = False) -> Summary:
    """The 汇总 of the current submissions (only those marked 通过 with ``passed_only``); ``unit``: who sums up."""
    subs = lib.submissions(current_only=True, form=form, year=year)
    if passed_only:
        subs = [s for s in subs if s["status"] == "通过"]
    parts = {}
    for p in lib.parts(s.id for s in subs):
        parts.setdefault(p["submission_id"], []).append(p)
    years = sorted({s["year"] for s in subs if s["year"]})
    span = year or ("、".join(years) if len(years) <= 3 else f"{years[0]}–{years[-1]}")
    title = (f"{unit}" if unit else "") + "预算绩效报送汇总表" + (f"（{span}年度）" if span else "")
    out = Summary(title=title, submissions=len(subs), missing=lib.missing_units(form, year))
    rates: list[Decimal] = []
    by_form: dict[str, list] = {}
    for s in subs:
        by_form.setdefault(s["form_title"] or s["form_id"], []).append(s)
        out.statuses[s["status"]] += 1
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
                                executed=_dec(p["executed"]), score=_dec(p["score"]), full=_dec(p["full"]),
                                grade=p["grade"], errors=p["errors"], status=s["status"], year=s["year"])
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
    if len(by_form) == 1:  # forms differ in what their money means (申报 vs 执行): no total across them
        out.lines.append(grand)
    if rates:
        out.average_rate = round_half_up(sum(rates) / len(rates), 2)
    return out


def places_of(value: Decimal | None) -> int:
    """Decimals a figure has (at least 2, at most 6), as amounts print elsewhere."""
    if value is None:
        return 2
    exponent = value.normalize().as_tuple().exponent
    return min(6, max(2, -exponent if isinstance(exponent, int) and exponent < 0 else 0))


def money(value: Decimal | None) -> str:
    """万元 with thousands separators and the figure's own decimals, at least 2."""
    if value is None:
        return ""
    return f"{value:,.{places_of(value)}f}"


def score_text(line: "Line") -> str:
    """The score, with its full marks where they are not 100 (Suzhou's form is out of 80: “80.00/80”)."""
    if line.score is None:
        return ""
    if line.full is not None and line.full != 100:
        return f"{line.score:.2f}/{line.full.normalize():f}"
    return f"{line.score:.2f}"


def summary_table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """The 汇总 as printed: a header and text rows (the PDF and the workbook both print this).

    Amounts print with at least 2 decimals, more only where the figure has them (FORMS.md)."""
    header = ["序号", "单位", "项目", "年度", "表单", "预算数", "执行数", "执行率（%）", "自评得分", "等级", "错误",
              "审核状态"]
    rows = []
    n = 0
    for line in summary.lines:
        item = line.kind == "项目"
        if item:
            n += 1
        rows.append([str(n) if item else "", line.unit if item else "",
                     line.project or ("（部门整体）" if item else ""), line.year if item else "",
                     line.form if item else "", money(line.budget),
                     money(line.executed), "" if line.rate is None else f"{line.rate:.2f}",
                     score_text(line), line.grade, str(line.errors) if line.errors else "", line.status])
    return header, rows


def summary_facts(summary: Summary) -> list[str]:
    """The lines under the table: counts, how the rates were worked out, errors, missing units."""
    graded = sum(summary.grades.values())
    grades = "，".join(f"{g} {summary.grades.get(g, 0)} 个" for g in GRADES)
    facts = [f"报送 {summary.submissions} 份（已通过 {summary.statuses.get('通过', 0)} 份，待审 "
             f"{summary.statuses.get('待审', 0)} 份，退回 {summary.statuses.get('退回', 0)} 份），项目 {summary.projects} 个；"
             f"等级：{grades}" + (f"，未评级 {summary.projects - graded} 个" if summary.projects > graded else "") + "。"]
    facts.append("执行率：小计、合计按有执行数的项目计算（执行数之和 ÷ 这些项目的预算数之和）；各项目执行率的算术平均为 "
                 + (f"{summary.average_rate:.2f}%" if summary.average_rate is not None else "—") + "。"
                 "等级按得分占满分的百分比评定：优 ≥ 90，良 80–89.99，中 60–79.99，差 < 60。")
    if len({line.form for line in summary.lines if line.kind == "项目"}) > 1:
        facts.append("本表含多种表单（申报表、自评表等），金额口径不同，只按表单分别小计，不合计。")
    facts.append(f"有错误的报送 {len(summary.with_errors)} 份" +
                 ("：" + "、".join(summary.with_errors) if summary.with_errors else ""))
    facts.append(f"未报送的单位 {len(summary.missing)} 个" +
                 ("：" + "、".join(summary.missing) if summary.missing else ""))
    return facts
