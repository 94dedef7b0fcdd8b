"""Check a definition a workbook made, reporting what the loader refuses at the cell it came from;
and the sources a ``jixiao form`` command accepts (a form id, a ``.json`` definition, a ``.xlsx``
workbook).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core.definition import PLACEHOLDER, check_field, parse_definition
from desktop.core.errors import Code, DefinitionError, DocumentError, ExprError, did_you_mean, message
from desktop.core.expr import Scope, TableScope, compile_expr
from desktop.forms import sheets as S
from desktop.forms.build import Reader, Row, build_workbook, definition_error_text, key_in


def _heading(row: Row, key: str | None) -> str:
    for col in S.SHEETS[row.sheet]:
        if col.key == key:
            return col.heading
    return ""


class _Checker:
    def __init__(self, data: dict, reader: Reader):
        self.data = data
        self.reader = reader

    def report(self, obj: Any, key: str | None, text: str) -> None:
        row = self.reader.origin.get(id(obj))
        self.reader.problem(row, _heading(row, key) if row else "", text)

    def fields(self) -> None:
        """Each field and column on its own: keys, type, options, example."""
        for section in self.data["sections"]:
            for f in section["columns"] if section.get("kind") == "table" else section.get("fields", []):
                try:
                    check_field(f, self.reader.file)
                except DefinitionError as exc:
                    self.report(f, _key_named(exc.problem, f), exc.problem)

    def ref(self, obj: Any, key: str, value: Any, known: Any, what: str) -> None:
        if value is not None and value not in known:
            self.report(obj, key, message("def_no_such", key=key, what=what, ref=value,
                                          hint=did_you_mean(value, [str(k) for k in known])))

    def refs(self) -> None:
        """References to fields, columns and fixed rows, each at its own cell."""
        names = {f.get("id") for s in self.data["sections"] for f in s.get("fields", [])}
        cells = set(names)
        for t in (s for s in self.data["sections"] if s.get("kind") == "table"):
            cols = {c.get("id") for c in t["columns"]}
            rows = {r.get("id") for r in t.get("rows", [])}
            cells |= {f"{t['id']}/{r}/{c}" for r in rows for c in cols}
            for key in ("label_column", "group_column"):
                self.ref(t, key, t.get(key), cols, "列")
            for key in ("sum_columns", "group_columns"):
                for cid in t.get(key) or []:
                    self.ref(t, key, cid, cols, "列")
            for r in t.get("rows", []):
                for rid in r.get("sum_rows") if isinstance(r.get("sum_rows"), list) else []:
                    self.ref(r, "sum_rows", rid, rows, "固定行")
                for cid in r.get("cells", {}):
                    if cid not in cols:
                        self.reader.problem(self.reader.cell_rows.get((t["id"], r["id"], cid)), S.COLUMN_REF, message(
                            "def_no_such", key="cells", what="列", ref=cid, hint=did_you_mean(cid, cols)))
            for chk in t.get("row_checks", []):
                self.ref(chk, "cell", chk.get("cell"), cols, "单元格")
        for chk in self.data.get("checks", []):
            self.ref(chk, "cell", chk.get("cell"), cells, "单元格")
        for block, keys in (("meta", ("unit", "year", "project")), ("parts", ("name_field",)),
                            ("signatures", ("unit_field", "date_field"))):
            for key in keys:
                fid = (self.data.get(block) or {}).get(key)
                if fid is not None and fid not in names:
                    self.reader.problem(self.reader.item_rows.get((block, key)), S.VALUE, message(
                        "def_no_such", key=key, what="字段", ref=fid, hint=did_you_mean(fid, names)))

    def formulas(self) -> None:
        tables = {t["id"]: TableScope({c.get("id") for c in t["columns"]}, {r.get("id") for r in t.get("rows", [])})
                  for t in self.data["sections"] if t.get("kind") == "table"}
        names = {f.get("id") for s in self.data["sections"] for f in s.get("fields", [])}
        scalar = Scope(names, tables)
        for section in self.data["sections"]:
            row_scope = Scope(names, tables, row_table=section["id"]) if section.get("kind") == "table" else None
            if row_scope is None:
                for f in section.get("fields", []):
                    self.compile(f, "formula", scalar)
                continue
            for c in section["columns"]:
                self.compile(c, "formula", row_scope)
                self.compile(c, "input_when", row_scope)
            for r in section.get("rows", []):
                for cid, formula in r.get("cells", {}).items():
                    try:
                        if formula:
                            compile_expr(formula, row_scope)
                    except ExprError as exc:
                        self.reader.problem(self.reader.cell_rows.get((section["id"], r["id"], cid)), S.FORMULA,
                                            exc.text)
            for chk in section.get("row_checks", []):
                self.check(chk, row_scope)
        for chk in self.data.get("checks", []):
            self.check(chk, scalar)

    def check(self, chk: dict, scope: Scope | None) -> None:
        self.compile(chk, "assert", scope)
        self.compile(chk, "when", scope)
        for name in PLACEHOLDER.findall(str(chk.get("message", ""))):
            if self.compile_text(chk, name, scope, "message") is False:
                break

    def compile(self, obj: dict, key: str, scope: Scope | None) -> None:
        if isinstance(obj.get(key), str):
            self.compile_text(obj, obj[key], scope, key)

    def compile_text(self, obj: dict, source: str, scope: Scope | None, key: str) -> bool:
        try:
            compile_expr(source, scope)  # type: ignore[arg-type]
        except ExprError as exc:
            self.report(obj, key, exc.text)
            return False
        return True


def _key_named(problem: str, data: dict) -> str | None:
    """The key a loader message is about: named in it, or whose value it quotes."""
    found = key_in(problem, data) or key_in(problem, S.FIELD_KEYS)
    if found:
        return found
    for key, value in data.items():
        if isinstance(value, (str, int, float)) and f"“{value}”" in problem:
            return key
    return None


def check_built(data: dict, reader: Reader) -> None:
    """Add to ``reader.problems`` everything the loader refuses in ``data``, at its cell where it can."""
    checker = _Checker(data, reader)
    structural = bool(reader.problems)  # a row left out: formulas naming it would be wrongly refused
    checker.fields()
    if not structural:
        checker.refs()
        checker.formulas()
    if reader.problems:
        return
    try:
        parse_definition(data, reader.file)
    except DefinitionError as exc:
        row = _row_named(exc, reader)
        reader.problem(row, _heading(row, key_in(exc.problem, S.FIELD_KEYS) or "formula") if row else "",
                       definition_error_text(exc))


def _row_named(exc: DefinitionError, reader: Reader) -> Row | None:
    """The workbook row of the field, table or check a loader message names, if any."""
    text = exc.text
    best = None
    for row in reader.origin.values():
        ident = row.get("标识")
        label = row.get("名称")
        if ident is not None and (f"({ident})" in text or f" {ident}" in text):
            return row
        if best is None and label is not None and f"“{label}”" in text:
            best = row
    return best


# ------------------------------------------------------------------------------- sources
def is_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def read_source(source: str | Path) -> dict:
    """A definition's JSON (checked) from a form id, a ``.json`` definition or a ``.xlsx`` workbook.

    Raises WorkbookProblems, DefinitionError or DocumentError with a Chinese message."""
    path = Path(source)
    if is_workbook(path):
        return build_workbook(path)
    if path.suffix.lower() == ".json" or path.exists():
        from desktop.core.definition import load_definition

        load_definition(path)
        return json.loads(path.read_text(encoding="utf-8"))
    from desktop.core.catalog import form_path

    found = form_path(str(source))
    if found is None:
        raise DocumentError(Code.FORM_SOURCE, source=source)
    return json.loads(found.read_text(encoding="utf-8"))
