"""What a draft copy still has to fix, as printed: part of the printed model (:mod:`desktop.export.printed_model`).

A document with 错误 prints only as a draft copy.  So that the clerk — or the 科室 reading the draft on
paper — can tell what to fix, a draft names its problems after the form: every 错误 and then every 提示
without an explanation, numbered, each in the words of the window's problems panel
(``PartState.problem_text``, in ``sorted_problems`` order), per project in a multi-part document.  A
final copy (no 错误) prints none of it.  The list is made from the document as it is, like everything
printed, so a draft printed again shows the same pages (the verification code is the document's own
hash and does not depend on it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.definition import Level
from desktop.core.engine import DocumentState

DRAFT_HEADING = "草稿：尚需处理的问题（正式版不打印此页）"
ERRORS_HEADING = "错误（改正后方可打印正式版）"
WARNINGS_HEADING = "未说明的提示（请改正，或在“问题”中填写说明）"
RUNNING_HEAD = "草稿：尚需处理的问题（续）"
NOTHING_HERE = "本项目没有错误或未说明的提示（错误在其他项目中）。"


@dataclass
class DraftProblems:
    """One part's problems in a draft copy: 错误 and unexplained 提示, each as the problems panel words it."""

    project: str = ""  # the part's title in a multi-part document (项目1《…》), '' otherwise
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # 提示 the clerk has not explained

    def __bool__(self) -> bool:
        return bool(self.errors or self.warnings)

    def lists(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(heading, [(number, text)]) of each list that has anything in it: 错误 first, then 提示."""
        return [(f"{title}：共 {len(items)} 个", [(f"{i}.", text) for i, text in enumerate(items, 1)])
                for title, items in ((ERRORS_HEADING, self.errors), (WARNINGS_HEADING, self.warnings)) if items]


def part_problems(state: DocumentState, index: int) -> DraftProblems:
    """Part *index*'s 错误 and unexplained 提示, in the words and order of the problems panel."""
    ps = state.parts[index]
    out = DraftProblems(state.part_title(index) if state.form.multi else "")
    explained = ps.part.explanations
    for p in ps.sorted_problems():
        if p.level == Level.ERROR:
            out.errors.append(ps.problem_text(p))
        elif not explained.get(p.key, "").strip():
            out.warnings.append(ps.problem_text(p))
    return out


def draft_problems(state: DocumentState, index: int) -> DraftProblems | None:
    """Part *index*'s problems if the document prints as a draft (it has 错误), else None."""
    return part_problems(state, index) if state.has_errors else None


def unexplained_warnings(state: DocumentState) -> list[str]:
    """Every 提示 of the document the clerk has not explained (a final copy prints them with no mark)."""
    return [text for i in range(len(state.parts)) for text in part_problems(state, i).warnings]


def draft_summary(parts: list[DraftProblems], scope: str = "表中") -> str:
    """The line under the heading: how many of each there are in *parts* (the document's, or one project's)."""
    errors = sum(len(p.errors) for p in parts)
    warnings = sum(len(p.warnings) for p in parts)
    tail = f"，另有 {warnings} 个提示未填写说明" if warnings else ""
    return f"{scope}有 {errors} 个错误{tail}。以下按填表顺序列出，与窗口“问题”栏所示相同。"
