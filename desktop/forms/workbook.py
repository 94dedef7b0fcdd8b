"""Write any definition as a form workbook (the layout is in ``sheets.py``, the format in
docs/form-workbook.md).  Reading the workbook back (``build.py``) gives the same canonical definition.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from desktop.core.defkeys import Key
from desktop.core.errors import Code, JixiaoError
from desktop.forms import sheets as S
from desktop.forms.canonical import canonical

TEXT_FORMAT = "@"
DROPDOWN_ROWS = 2000  # rows offered a drop-down list of the words a column takes


class _Writer:
    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.sheets: dict[str, Any] = {}
        self.lists: dict[str, list[str]] = {}

    def sheet(self, name: str) -> Any:
        if name not in self.sheets:
            from openpyxl.styles import Font

            ws = self.wb.create_sheet(name)
            bold = Font(bold=True)
            for i, col in enumerate(S.SHEETS[name], start=1):
                cell = ws.cell(row=1, column=i, value=col.heading)
                cell.font = bold
                ws.column_dimensions[cell.column_letter].width = max(8, min(40, 3 + 2 * len(col.heading)))
            ws.freeze_panes = "A2"
            _dropdowns(ws, S.SHEETS[name])
            self.sheets[name] = ws
        return self.sheets[name]

    def row(self, name: str, values: dict[str, Any]) -> None:
        """One row; ``values`` by heading."""
        ws = self.sheet(name)
        r = ws.max_row + 1
        for i, col in enumerate(S.SHEETS[name], start=1):
            value = values.get(col.heading)
            if value is None:
                continue
            cell = ws.cell(row=r, column=i)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.number_format = TEXT_FORMAT
                if value.startswith(("=", "+", "-", "@")):
                    cell.quotePrefix = True

    # ---------------------------------------------------------------------------------------
    def key_rows(self, name: str, items: dict[str, tuple[str, str, Key]], blocks: dict[str, dict]) -> None:
        for heading, (block, key, spec) in items.items():
            value = blocks.get(block, {}).get(key)
            if value is None and key not in blocks.get(block, {}):
                continue
            if spec.kind == "texts":
                for item in value:
                    self.row(name, {S.ITEM: heading, S.VALUE: item})
            elif spec.kind == "text_map":
                for word, meant in value.items():
                    self.row(name, {S.ITEM: heading, S.NAME: word, S.VALUE: S.WORDS["class"].get(meant, meant)
                                    if key == "classes" else meant})
            else:
                self.row(name, {S.ITEM: heading, S.VALUE: S.to_cell(value, spec, key)})

    def field(self, name: str, ref: str, owner: str, data: dict) -> None:
        values = {S.SHEETS[name][0].heading: owner}
        for col in S.FIELD_COLS:
            if col.key not in data:
                continue
            if col.key == "options":
                list_name = data["id"] if name == S.FIELDS else f"{owner}.{data['id']}"
                self.lists[list_name] = data["options"]
                values[col.heading] = list_name
            else:
                values[col.heading] = S.to_cell(data[col.key], col.spec, col.key)
        self.row(name, values)

    def table(self, t: dict) -> None:
        tid = t["id"]
        values = {c.heading: S.to_cell(t[c.key], c.spec, c.key) for c in S.SHEETS[S.TABLES] if c.key in t}
        self.row(S.TABLES, values)
        for c in t["columns"]:
            self.field(S.COLUMNS, S.TABLE_REF, tid, c)
        for r in t.get("rows", []):
            self.row(S.ROWS, {S.TABLE_REF: tid, **{c.heading: S.to_cell(r[c.key], c.spec, c.key)
                                                   for c in S.SHEETS[S.ROWS] if c.key in r}})
            for cid, formula in r.get("cells", {}).items():
                self.row(S.CELLS, {S.TABLE_REF: tid, S.ROW_REF: r["id"], S.COLUMN_REF: cid,
                                   S.FORMULA: S.DASH if formula is None else formula or None})
        for n, init in enumerate(t.get("initial_rows", []), start=1):
            if not init:
                self.row(S.INITIAL, {S.TABLE_REF: tid, S.ROW_NO: n})
            for cid, text in init.items():
                self.row(S.INITIAL, {S.TABLE_REF: tid, S.ROW_NO: n, S.COLUMN_REF: cid, S.CONTENT: text or None})
        for n, line in enumerate(t.get("header") or [], start=1):
            for cell in line:
                self.row(S.HEADER, {S.TABLE_REF: tid, S.LINE_NO: n, **{c.heading: cell[c.key]
                                                                       for c in S.SHEETS[S.HEADER] if c.key in cell}})
        for chk in t.get("row_checks", []):
            self.check(chk, tid)

    def check(self, chk: dict, table: str | None) -> None:
        values = {c.heading: S.to_cell(chk[c.key], c.spec, c.key) for c in S.SHEETS[S.CHECKS] if c.key in chk}
        self.row(S.CHECKS, {S.TABLE_REF: table, **values})


def _choices(col: S.Col) -> list[str]:
    """The words a column takes, offered as a drop-down list in Excel."""
    if col.spec.kind == "bool":
        return ["是", "否"]
    if col.key == "type":
        return list(S.WORDS["type"].values())
    if col.spec.kind == "enum":
        return [S.WORDS.get(col.key, {}).get(c, c) for c in col.spec.choices]
    return []


def _dropdowns(ws: Any, cols: list[S.Col]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, col in enumerate(cols, start=1):
        words = _choices(col)
        if words:
            dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                                showErrorMessage=False)
            letter = get_column_letter(i)
            dv.add(f"{letter}2:{letter}{DROPDOWN_ROWS}")
            ws.add_data_validation(dv)


def workbook_bytes(definition: dict) -> bytes:
    """The form workbook of a (valid) definition, as .xlsx bytes."""
    data = canonical(definition)
    w = _Writer()
    for name in S.SHEET_ORDER:  # every sheet is there, empty ones too, so an author sees the headings
        w.sheet(name)
    w.key_rows(S.FORM_SHEET, S.form_items(), {"form": data, **{b: data.get(b, {}) for b in S.FORM_BLOCKS[1:]}})
    for s in data["sections"]:
        if s.get("kind") == "table":
            w.row(S.SECTIONS, {"标识": s["id"], "类型": S.WORDS["kind"]["table"]})
            w.table(s)
            continue
        w.row(S.SECTIONS, {c.heading: S.to_cell(s[c.key], c.spec, c.key) for c in S.SHEETS[S.SECTIONS]
                           if c.key in s})
        for f in s["fields"]:
            w.field(S.FIELDS, S.SECTION_REF, s["id"], f)
    for chk in data.get("checks", []):
        w.check(chk, None)
    if "scoring" in data:
        w.key_rows(S.SCORING, S.scoring_items(), {"scoring": data["scoring"]})
    for list_name, options in w.lists.items():
        for option in options:
            w.row(S.CHOICES, {S.LIST_NAME: list_name, S.CHOICE: option})
    w.wb.properties.title = str(data.get("title", ""))
    w.wb.properties.keywords = "jixiao-form-workbook"
    buffer = io.BytesIO()
    w.wb.save(buffer)
    return buffer.getvalue()


def write_workbook(definition: dict, path: str | Path) -> None:
    from desktop.export.filenames import write_file_atomically

    write_file_atomically(path, workbook_bytes(definition),
                          lambda why: JixiaoError(Code.FORM_WRITE_FAILED, path=path, why=why))
