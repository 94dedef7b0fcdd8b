"""Putting the rows of a clerk's own sheet into a table of the form, through a column mapping.

``guess_mapping`` proposes header → column by how alike the header and the
column's label are; the window shows it for the clerk to correct, and
``apply_mapping`` puts the rows in (updating rows of the same 名称, appending
the others, or filling fixed rows by their label).  Values go in as typed text:
what cannot be read is kept and marked by the form's checks like anything typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Iterable

from desktop.core.definition import Table
from desktop.core.document import cell_addr
from desktop.core.engine import PartState, ReadOnlyCell
from desktop.core.errors import Code, JixiaoError, did_you_mean

__all__ = ["guess_mapping", "apply_mapping", "mappable_columns", "MappingResult", "XlsxImportError"]


class XlsxImportError(JixiaoError):
    """The workbook opened but its content cannot be used."""


_SYNONYMS = {
    "name": ["指标名称", "指标", "三级指标", "三级目标", "名称", "子项名称", "子项目名称", "任务名称"],
    "target": ["目标值", "指标值", "年度指标值", "指标目标值", "预期目标值"],
    "actual": ["实际完成值", "实际值", "完成值", "指标完成值", "实际数"],
    "weight": ["权重", "分值", "指标分值"],
    "score": ["得分", "自评分", "评分"],
}


def _norm(text: str) -> str:
    from desktop.core.reading import normalize

    t = normalize(text)
    t = re.sub(r"[（(][^（）()]*[）)]", "", t)
    return re.sub(r"[\s:：*＊]", "", t)


def mappable_columns(table: Table) -> list[str]:
    """Columns a value can be imported into (inputs, overridable or sometimes-input computed columns)."""
    out = []
    for c in table.columns:
        if c.type.name == "label":
            continue
        if c.computed and not c.override and c.compiled_input_when is None:
            continue
        out.append(c.id)
    return out


def guess_mapping(headers: Iterable[str], table: Table) -> dict[str, str]:
    """Header → column id by the similarity of the header to the column's label (each column once)."""
    cols = [table.column(cid) for cid in mappable_columns(table)]
    scored: list[tuple[float, int, str, str]] = []
    for k, h in enumerate(headers):
        nh = _norm(h)
        if not nh:
            continue
        for c in cols:
            nl = _norm(c.label)
            if nh == nl:
                s = 1.0
            elif nh in _SYNONYMS.get(c.id, []) or (len(nh) >= 2 and len(nl) >= 2 and (nh in nl or nl in nh)):
                s = 0.9
            else:
                s = SequenceMatcher(None, nh, nl).ratio()
            if s >= 0.5:
                scored.append((s, -k, h, c.id))
    scored.sort(reverse=True)
    out: dict[str, str] = {}
    used: set[str] = set()
    for s, _, h, cid in scored:
        if h in out or cid in used:
            continue
        out[h] = cid
        used.add(cid)
    return out


@dataclass
class MappingResult:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"新增 {self.added} 行，更新 {self.updated} 行"
        if self.skipped:
            text += f"，跳过 {self.skipped} 行"
        return text


_TOTAL_LABELS = {"合计", "小计", "总计", "合计数", "总分"}


def apply_mapping(state: PartState, table_id: str, mapping: dict[str, str], rows: Iterable[Any], *,
                  headers: list[str] | None = None, row_numbers: list[int] | None = None,
                  mode: str = "merge") -> MappingResult:
    """Put a sheet's rows into a table of ``state``.

    ``mapping`` is header → column id; ``rows`` are dicts header → text (or
    lists, with ``headers``).  ``mode``: ``merge`` (default) updates the rows
    whose 名称 matches and appends the others, ``append`` appends every row,
    ``replace`` removes the table's rows first.  A table of fixed rows takes
    values by row label.  Nothing typed is lost: unreadable values are kept
    and marked by the form's checks like any typed value.
    """
    form = state.form
    if table_id not in form.tables:
        raise XlsxImportError(Code.IMPORT_NO_TABLE, table=table_id, suggestion=did_you_mean(table_id, form.tables))
    table = form.tables[table_id]
    bad = [cid for cid in mapping.values() if cid not in table.column_ids]
    if bad:
        raise XlsxImportError(Code.IMPORT_NO_COLUMNS, table=table.title, columns="、".join(bad))
    allowed = set(mappable_columns(table))
    result = MappingResult()
    refused: set[str] = set()
    label_col = table.label_column
    label_header = next((h for h, cid in mapping.items() if cid == label_col), None)
    if table.repeat and mode == "replace":
        state.remove_rows(table_id, list(state.data_rows(table_id)))
    # columns typed as such (an input_when column's text is kept even in rows where it is computed)
    plain = {cid for cid in allowed if not table.column(cid).computed or table.column(cid).compiled_input_when}
    index: dict[str, str] | None = None
    if table.repeat and mode == "merge" and label_header is not None:
        index = {}
        for rid in state.data_rows(table_id):
            index.setdefault(_norm(state.row_label(table_id, rid)), rid)
    # 1. new rows go in with their typed cells in one insertion (one recalculation for all of them)
    todo: list[tuple[str | None, str, dict[str, str]]] = []  # (row id or None: new, where, values to set)
    new: list[tuple[str, dict[str, str]]] = []  # (where, typed cells) of the rows to add
    count = len(state.data_rows(table_id)) if table.repeat else 0
    header_norms = [(h, _norm(h)) for h in mapping]
    for k, row in enumerate(rows):
        if not isinstance(row, dict):
            row = {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers or [])}
        where = f"第 {row_numbers[k]} 行" if row_numbers and k < len(row_numbers) else f"第 {k + 1} 条"
        values = {cid: str(row.get(h, "") or "").strip() for h, cid in mapping.items()}
        if not any(values.values()):
            result.skipped += 1
            continue
        if all(_norm(str(row.get(h, ""))) == nh for h, nh in header_norms):  # a repeated header row
            result.skipped += 1
            continue
        label = values.get(label_col, "") if label_col else ""
        if label and _norm(label) in _TOTAL_LABELS and table.repeat:
            result.skipped += 1
            result.notes.append(f"{where}“{label}”是合计行，未导入（合计由程序计算）")
            continue
        rid = _target_row(state, table, label, mode, label_header is not None, index)
        if rid is None and not table.repeat:
            result.skipped += 1
            result.notes.append(f"{where}“{label or '（无名称）'}”在“{table.title}”中找不到同名的行，未导入")
            continue
        if rid is None:
            if count >= table.max_rows:
                result.skipped += 1
                result.notes.append(f"“{table.title}”最多 {table.max_rows} 行，{where}及以后未导入")
                break
            count += 1
            cells = {cid: text for cid, text in values.items() if cid in plain and text}
            new.append((where, cells))
            values = {cid: text for cid, text in values.items() if cid not in cells}
        todo.append((rid, where, values))
    added = state.insert_rows(table_id, [(None, cells, None) for _, cells in new]).rows_added if new else []
    new_ids = [rid for _pid, _tid, rid in added]
    ids = iter(new_ids)
    todo = [(rid or next(ids), where, values) for rid, where, values in todo]
    result.added = len(new)
    result.updated = len(todo) - len(new)
    for rid, (where, cells) in zip(new_ids, new):
        for cid in cells:
            if table.column(cid).computed and state.how(cell_addr(table_id, rid, cid)) != "input" \
                    and cid not in refused:
                refused.add(cid)
                result.notes.append(f"{where}“{table.column(cid).label}”在这一行是计算值，按公式计算")
    # 2. the other values (updates, overrides), again with one recalculation at the end
    with state.recalculating_once():
        for rid, where, values in todo:
            for cid, text in values.items():
                if cid not in allowed:
                    if cid not in refused:
                        refused.add(cid)
                        result.notes.append(f"“{table.column(cid).label}”是计算列，未导入")
                    continue
                _set_cell(state, cell_addr(table_id, rid, cid), text, result, where, refused)
    errors = len(state.errors)
    if errors:
        result.notes.append(f"导入后表中共有 {errors} 个错误，请在问题列表中查看")
    return result


def _target_row(state: PartState, table: Table, label: str, mode: str, has_label: bool,
                index: dict[str, str] | None) -> str | None:
    if not label:
        return None
    want = _norm(label)
    if index is not None:
        return index.get(want)
    if not table.repeat:
        for r in table.fixed_rows:
            if _norm(r.label) == want or _norm(r.label.replace("其中", "")) == want:
                return r.id
        return None
    if mode != "merge" or not has_label:
        return None
    for rid in state.data_rows(table.id):
        if _norm(state.row_label(table.id, rid)) == want:
            return rid
    return None


def _set_cell(state: PartState, addr: str, text: str, result: MappingResult, where: str, refused: set[str]) -> None:
    how = state.how(addr)
    try:
        if how == "input":
            if state.raw(addr) != text:
                state.set_value(addr, text)
        elif how == "computed" and state.overridable(addr):
            if text and text != state.text(addr):
                state.set_override(addr, text)
        elif text and how == "computed":
            col = state.field_def(addr)
            if col.id not in refused:
                result.notes.append(f"{where}“{col.label}”在这一行是计算值，未导入")
    except ReadOnlyCell as exc:
        result.notes.append(f"{where}：{exc.text}")
