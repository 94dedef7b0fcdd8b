"""Build a definition from a form workbook (an untrusted .xlsx a bureau's IT person wrote).

The workbook is opened with the project's safe loader (``desktop/export/xlsx_safety.py``); every
problem found is collected — not just the first — and names the sheet, the row and the column,
in Chinese, with a “您是不是想写…” suggestion for a misspelt sheet, heading, key, field or reference.
The assembled definition is then checked by the loader itself, formula by formula and row by row,
so that what the loader refuses is reported at the cell it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.defkeys import Key
from desktop.core.errors import Code, DefinitionError, JixiaoError, did_you_mean, message
from desktop.forms import sheets as S

MAX_ROWS = 20000  # rows read from one sheet
TEXT = Key("text")


@dataclass
class Problem:
    text: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    letter: str = ""

    def __str__(self) -> str:
        if self.column:
            return message("wb_at_cell", sheet=self.sheet, row=self.row, column=self.column, letter=self.letter,
                           problem=self.text)
        if self.row:
            return message("wb_at_row", sheet=self.sheet, row=self.row, problem=self.text)
        if self.sheet:
            return message("wb_at_sheet", sheet=self.sheet, problem=self.text)
        return self.text


class WorkbookProblems(JixiaoError):
    """The workbook does not make a definition; ``problems`` lists every reason."""

    def __init__(self, file: str, problems: list[Problem]):
        listed = "".join(f"\n  {p}" for p in problems)
        super().__init__(Code.WB_FILE, file=file, problem=message("wb_problems", count=len(problems)) + listed)
        self.file = file
        self.problems = problems


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)  # heading -> value read for its column
    raw: dict[str, Any] = field(default_factory=dict)  # heading -> the cell as stored
    letters: dict[str, str] = field(default_factory=dict)  # heading -> column letter

    def get(self, heading: str, default: Any = None) -> Any:
        value = self.values.get(heading)
        return default if value is None else value


class Reader:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.rows: dict[str, list[Row]] = {name: [] for name in S.SHEET_ORDER}
        self.origin: dict[int, Row] = {}  # id(built dict) -> the row it came from
        self.item_rows: dict[tuple[str, str], Row] = {}  # (block, key) -> its 表单/评分 row
        self.cell_rows: dict[tuple[str, str, str], Row] = {}  # (table, fixed row, column) -> its 单元格 row

    def problem(self, row: Row | None, heading: str, text: str, sheet: str = "") -> None:
        if row is None:
            self.problems.append(Problem(text, sheet))
        elif heading and heading in row.letters:
            self.problems.append(Problem(text, row.sheet, row.number, heading, row.letters[heading]))
        else:
            self.problems.append(Problem(text, row.sheet, row.number))

    # ------------------------------------------------------------------------- reading cells
    def read(self, wb: Any) -> None:
        from openpyxl.utils import get_column_letter

        for ws in wb.worksheets:
            name = str(ws.title).strip()
            if name.startswith("说明"):
                continue  # an author's own notes
            if name not in S.SHEETS:
                self.problem(None, "", message("wb_unknown_sheet", name=name, hint=did_you_mean(name, S.SHEETS)),
                             name)
                continue
            cols = {c.heading: c for c in S.SHEETS[name]}
            headings: dict[int, str] = {}
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if n > MAX_ROWS:
                    self.problem(None, "", message("wb_too_many_rows", limit=MAX_ROWS), name)
                    break
                if n == 1:
                    for i, v in enumerate(values):
                        if v is None or not str(v).strip():
                            continue
                        h = str(v).strip()
                        if h not in cols:
                            row = Row(name, 1, letters={h: get_column_letter(i + 1)})
                            self.problem(row, h, message("wb_unknown_heading", heading=h, hint=did_you_mean(h, cols)))
                        else:
                            headings[i] = h
                    continue
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                row = Row(name, n)
                for i, v in enumerate(values):
                    if i not in headings or v is None:
                        continue
                    h = headings[i]
                    row.raw[h], row.letters[h] = v, get_column_letter(i + 1)
                    col = cols[h]
                    try:
                        row.values[h] = S.from_cell(v, col.spec, col.key)
                    except S.CellProblem as exc:
                        self.problem(row, h, message("wb_bad_cell", value=v, expected=str(exc)))
                for c in S.SHEETS[name]:
                    if c.spec.required and row.values.get(c.heading) is None and c.heading not in row.raw:
                        row.letters.setdefault(c.heading, get_column_letter(list(cols).index(c.heading) + 1))
                        self.problem(row, c.heading, message("wb_required"))
                self.rows[name].append(row)
        for name in (S.FORM_SHEET, S.SECTIONS):
            if not any(str(ws.title).strip() == name for ws in wb.worksheets):
                self.problem(None, "", message("wb_no_sheet", name=name), name)

    # ------------------------------------------------------------------------- key/value sheets
    def key_values(self, sheet: str, items: dict[str, tuple[str, str, Any]]) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for row in self.rows[sheet]:
            item = row.get(S.ITEM)
            if item is None:
                continue
            if item not in items:
                self.problem(row, S.ITEM, message("wb_unknown_item", item=item, hint=did_you_mean(item, items)))
                continue
            block, key, spec = items[item]
            target = out.setdefault(block, {})
            self.item_rows.setdefault((block, key), row)
            try:
                if spec.kind == "texts":
                    target.setdefault(key, []).append(S.from_cell(row.raw.get(S.VALUE), TEXT) or "")
                elif spec.kind == "text_map":
                    word = S.from_cell(row.raw.get(S.VALUE), TEXT) or ""
                    target.setdefault(key, {})[str(row.get(S.NAME, ""))] = (
                        S.word_of("class", word) if key == "classes" else word)
                elif key in target:
                    self.problem(row, S.ITEM, message("wb_twice", item=item))
                else:
                    target[key] = S.from_cell(row.raw.get(S.VALUE), spec, key)
            except S.CellProblem as exc:
                self.problem(row, S.VALUE, message("wb_bad_cell", value=row.raw.get(S.VALUE), expected=str(exc)))
        return out

    # ------------------------------------------------------------------------- the definition
    def by(self, sheet: str, heading: str, known: Any, what: str) -> dict[str, list[Row]]:
        """The sheet's rows grouped by the id in ``heading``; rows naming an unknown one are problems."""
        out: dict[str, list[Row]] = {}
        for row in self.rows[sheet]:
            ref = row.get(heading)
            if ref is None:
                continue
            if ref not in known:
                self.problem(row, heading, message("wb_no_such", what=what, ref=ref, hint=did_you_mean(ref, known)))
                continue
            out.setdefault(str(ref), []).append(row)
        return out

    def from_row(self, row: Row, cols: list[S.Col], skip: tuple[str, ...] = ()) -> dict:
        data = {c.key: row.values[c.heading] for c in cols
                if c.key and c.key not in skip and row.values.get(c.heading) is not None}
        self.origin[id(data)] = row
        return data

    def field(self, row: Row, lists: dict[str, list[str]]) -> dict:
        data = self.from_row(row, S.FIELD_COLS)
        if "type" in data:
            data["type"] = S.word_of("type", data["type"])
            words = S.WORDS["type"]
            if data["type"] not in words:
                self.problem(row, "类型", message("def_unknown_type", type=data.pop("type"), types="、".join(
                    words.values()), hint=did_you_mean(row.get("类型"), [*words.values(), *words])))
        if "options" in data:
            name = data["options"]
            if name in lists:
                data["options"] = lists[name]
            else:
                self.problem(row, "选项", message("wb_no_such", what="选项列表", ref=name,
                                                  hint=did_you_mean(name, lists)))
                del data["options"]
        return data

    def assemble(self) -> dict:
        blocks = self.key_values(S.FORM_SHEET, S.form_items())
        data: dict[str, Any] = dict(blocks.get("form", {}))
        for block in S.FORM_BLOCKS[1:]:
            if blocks.get(block):
                data[block] = blocks[block]
        scoring = self.key_values(S.SCORING, S.scoring_items()).get("scoring")
        if scoring:
            data["scoring"] = scoring
        lists: dict[str, list[str]] = {}
        for row in self.rows[S.CHOICES]:
            if row.get(S.LIST_NAME) is not None and row.get(S.CHOICE) is not None:
                lists.setdefault(str(row.get(S.LIST_NAME)), []).append(str(row.get(S.CHOICE)))
        tables = {str(r.get("标识")): r for r in self.rows[S.TABLES] if r.get("标识") is not None}
        sections = [r for r in self.rows[S.SECTIONS] if r.get("标识") is not None]
        section_ids = {str(r.get("标识")) for r in sections if r.get("类型", "fields") != "table"}
        fields = self.by(S.FIELDS, S.SECTION_REF, section_ids, "分节")
        columns = self.by(S.COLUMNS, S.TABLE_REF, tables, "表格")
        data["sections"] = []
        listed: set[str] = set()
        for row in sections:
            sid = str(row.get("标识"))
            if row.get("类型", "fields") == "table":
                if sid not in tables:
                    self.problem(row, "标识", message("wb_not_listed", what="表格", ref=sid, sheet=S.TABLES)
                                 + did_you_mean(sid, tables))
                    continue
                listed.add(sid)
                data["sections"].append(self.table(tables[sid], columns.get(sid, []), lists))
                continue
            section = self.from_row(row, S.SHEETS[S.SECTIONS])
            section["fields"] = [self.field(r, lists) for r in fields.get(sid, [])]
            if not section["fields"]:
                self.problem(row, "标识", message("wb_no_fields", id=sid))
            data["sections"].append(section)
        for tid, row in tables.items():
            if tid not in listed:
                self.problem(row, "标识", message("wb_not_listed", what="表格", ref=tid, sheet=S.SECTIONS))
        self.table_parts(data, tables)
        return data

    def table(self, row: Row, columns: list[Row], lists: dict[str, list[str]]) -> dict:
        table = {"kind": "table", **self.from_row(row, S.SHEETS[S.TABLES])}
        self.origin[id(table)] = row
        table["columns"] = [self.field(r, lists) for r in columns]
        if not columns:
            self.problem(row, "标识", message("wb_no_columns", id=table["id"]))
        return table

    def table_parts(self, data: dict, rows_by_id: dict[str, Row]) -> None:
        """Fixed rows, their cells, initial rows, header lines and checks, each into its table."""
        tables = {s["id"]: s for s in data["sections"] if s.get("kind") == "table"}
        for tid, rows in self.by(S.ROWS, S.TABLE_REF, tables, "表格").items():
            tables[tid]["rows"] = [self.from_row(r, S.SHEETS[S.ROWS]) for r in rows]
        for tid, rows in self.by(S.CELLS, S.TABLE_REF, tables, "表格").items():
            fixed = {r.get("id"): r for r in tables[tid].get("rows", [])}
            for r in rows:
                rid = r.get(S.ROW_REF)
                if rid not in fixed:
                    self.problem(r, S.ROW_REF, message("wb_no_such", what="固定行", ref=rid,
                                                       hint=did_you_mean(rid, [str(k) for k in fixed])))
                    continue
                formula = r.get(S.FORMULA)
                cells = fixed[rid].setdefault("cells", {})
                cells[str(r.get(S.COLUMN_REF))] = None if formula == S.DASH else (formula or "")
                self.cell_rows[(tid, str(rid), str(r.get(S.COLUMN_REF)))] = r
        for tid, rows in self.by(S.INITIAL, S.TABLE_REF, tables, "表格").items():
            grouped: dict[int, dict[str, str]] = {}
            for r in rows:
                init = grouped.setdefault(int(r.get(S.ROW_NO, 0)), {})
                if r.get(S.COLUMN_REF) is not None:
                    init[str(r.get(S.COLUMN_REF))] = "" if r.get(S.CONTENT) is None else str(r.get(S.CONTENT))
            tables[tid]["initial_rows"] = [grouped[n] for n in sorted(grouped)]
        for tid, rows in self.by(S.HEADER, S.TABLE_REF, tables, "表格").items():
            lines: dict[int, list[dict]] = {}
            for r in rows:
                lines.setdefault(int(r.get(S.LINE_NO, 0)), []).append(self.from_row(r, S.SHEETS[S.HEADER]))
            tables[tid]["header"] = [lines[n] for n in sorted(lines)]
        form_checks = [r for r in self.rows[S.CHECKS] if r.get(S.TABLE_REF) is None]
        for tid, rows in self.by(S.CHECKS, S.TABLE_REF, tables, "表格").items():
            tables[tid]["row_checks"] = [self.from_row(r, S.SHEETS[S.CHECKS]) for r in rows]
        if form_checks:
            data["checks"] = [self.from_row(r, S.SHEETS[S.CHECKS]) for r in form_checks]


def read_workbook(path: str | Path) -> tuple[dict, Reader]:
    """The definition a workbook describes, unchecked, and the reader (its problems and row origins)."""
    from desktop.export.xlsx_safety import XlsxRefused, open_workbook

    path = Path(path)
    reader = Reader(path.name)
    try:
        wb, _report = open_workbook(path)
    except XlsxRefused as exc:
        reader.problems.append(Problem(exc.text))
        return {}, reader
    try:
        reader.read(wb)
    finally:
        wb.close()
    return reader.assemble(), reader


def build_workbook(path: str | Path) -> dict:
    """The checked definition of a form workbook; :class:`WorkbookProblems` lists every problem."""
    from desktop.forms.lint import check_built

    data, reader = read_workbook(path)
    if data:
        check_built(data, reader)
    if reader.problems:
        raise WorkbookProblems(Path(path).name, reader.problems)
    return data


def key_in(text: str, keys: Any) -> str | None:
    """The first “key” a loader message names that is one of ``keys``."""
    for word in re.findall(r"“([^”]+)”", text):
        if word in keys:
            return word
    return None


def definition_error_text(exc: DefinitionError) -> str:
    return message("def_at", where=exc.where, problem=exc.problem) if exc.where else exc.problem
