"""What every printed copy shows besides its body — header lines, signature and seal lines.

Shared by the PDF and the workbook so that both print the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.definition import NAME_PLACEHOLDER, Field, FormDef
from desktop.core.engine import DocumentState, PartState
from desktop.core.expr import BAD
from desktop.core.types import Choice

BLANK_DATE = "　　　　年　　月　　日"


@dataclass(frozen=True)
class SignatureLines:
    unit_line: str  # “填报单位（盖章）：单位名称” — the seal is pressed over it
    date_line: str  # “填报日期：    年  月  日” — the seal reaches down to it
    others: list[str] = field(default_factory=list)  # 填报人, 联系电话 … (labels, signed by hand)


def signature_lines(state: DocumentState, ps: PartState) -> SignatureLines:
    """The definition's signature lines, with the unit's name and the date filled in where known."""
    sig = state.form.signatures
    unit_name = ps.raw(sig.unit_field).strip() if sig.unit_field else state.meta().get("unit", "")
    unit_line = date_line = ""
    others: list[str] = []
    for line in sig.lines:
        if "盖章" in line and not unit_line:
            unit_line = f"{line}：{unit_name}"
        elif "日期" in line and not date_line:
            date = ps.text(sig.date_field).strip() if sig.date_field else ""
            date_line = f"{line}：{date or BLANK_DATE}"
        else:
            others.append(line)
    if not unit_line:
        unit_line = f"{sig.unit_label or '填报单位'}（盖章）：{unit_name}"
    return SignatureLines(unit_line, date_line or BLANK_DATE, others)


def header_fields(form: FormDef) -> list[Field]:
    """Typed fields printed above the body (申报单位名称：…): not in a grid, not in a title."""
    in_titles = set(NAME_PLACEHOLDER.findall(form.title + form.subtitle + form.document_title))
    return [f for s in form.sections for f in s.fields
            if not f.print and not f.hidden and not f.computed and f.id not in in_titles]


def printed_value(ps: PartState, f: Field, addr: str) -> str:
    """A cell as printed: choices as a row of ☐/☑ (with what was typed if it is not an option)."""
    text = ps.text(addr)
    t = f.type
    if isinstance(t, Choice) and t.boxes and t.options and ps.how(addr) == "input":
        value = ps.value(addr)
        text = t.boxes_text(value)
        raw = ps.raw(addr).strip()
        if raw and (value is BAD or value not in t.options):
            text += f"（{raw}）"  # what was typed is printed, never dropped
    return text
