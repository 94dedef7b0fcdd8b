"""Form definitions: one JSON file per paper form, loaded into a checked model.

The format is documented in ``docs/forms.md``.  Loading checks every key, type,
option, formula reference and the absence of cycles; a malformed definition
raises :class:`DefinitionError` whose text names the file, the place (section,
table, field) and the problem.
"""
from __future__ import annotations

import json
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from desktop.core.defkeys import BLOCK_NAMES, BLOCKS, CLASS_WORDS, FIELD_OPTIONS, NO_DEFAULT, Key, expected, kind_ok
from desktop.core.errors import Code, DefinitionError, ExprError, OptionError, did_you_mean, os_why
from desktop.core.expr import Compiled, Scope, TableScope, compile_expr
from desktop.core.scoring import RULES, RuleSet, RulesConfigError, make_rules
from desktop.core.summary import summary_problem
from desktop.core.types import FieldType, make_type



class Level(enum.StrEnum):
    """How serious a problem is (the JSON text is the value: ``"level": "warning"``)."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def text(self) -> str:
        return "错误" if self is Level.ERROR else "提示"


class CellKind(enum.StrEnum):
    """What a cell is to the clerk: typed, computed, a printed label, or left empty on purpose (“—”)."""

    INPUT = "input"
    COMPUTED = "computed"
    LABEL = "label"
    NONE = "none"


class Source(enum.StrEnum):
    """Where a table cell's value comes from (:meth:`Table.cell_formula`); the first three are cell kinds."""

    INPUT = "input"
    LABEL = "label"
    NONE = "none"
    COLUMN = "column"  # the column's formula
    CELL = "cell"  # the fixed row's own formula for this cell
    SUM = "sum"  # the fixed row sums data rows

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([^{}:!]+)(?:[:!][^{}]*)?\}")  # {formula} in a check's message
NAME_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # {field} in a title or heading, {unit} in a mail


def fill_names(template: str, value: Callable[[str], str | None]) -> str:
    """``template`` with each ``{name}`` replaced by ``value(name)``; left as written where that is None."""
    def one(m: re.Match) -> str:
        found = value(m.group(1))
        return m.group(0) if found is None else found
    return NAME_PLACEHOLDER.sub(one, template)


@dataclass
class Field:
    id: str
    label: str
    type: FieldType
    required: bool = False
    formula: str | None = None
    override: bool = False
    input_when: str | None = None
    min: Any = None
    max: Any = None
    help: str = ""
    example: str | None = None
    default: str | None = None
    width: float = 1.0
    span: int = 1
    print: bool = True
    yearly: bool = False  # belongs to one year: cleared when a draft is copied for the next year
    hidden: bool = False  # never printed, not even as a header line (kept for search and new-year copies)
    # compiled at load
    compiled: Compiled | None = None
    compiled_input_when: Compiled | None = None

    @property
    def computed(self) -> bool:
        return self.formula is not None


@dataclass
class FixedRow:
    id: str
    label: str
    position: str = "top"  # 'top' (before data rows) or 'bottom'
    sum_rows: list[str] | str | None = None  # fixed row ids, or 'data'
    cells: dict[str, str | None] = field(default_factory=dict)  # column -> formula, None = "—"
    total: bool = False  # printed bold, a summary row
    compiled: dict[str, Compiled] = field(default_factory=dict)

    @property
    def summary(self) -> bool:
        return self.sum_rows is not None or self.total


@dataclass
class Check:
    id: str
    level: Level
    assert_: str
    message: str
    when: str | None = None
    cell: str | None = None  # field id or (in row checks) column id to mark
    compiled: Compiled | None = None
    compiled_when: Compiled | None = None
    refs: dict[str, Compiled] = field(default_factory=dict)  # {name} placeholders in the message

    @property
    def level_text(self) -> str:
        return Level(self.level).text


@dataclass
class Table:
    id: str
    title: str
    columns: list[Field]
    fixed_rows: list[FixedRow] = field(default_factory=list)
    repeat: bool = False
    min_rows: int = 0
    max_rows: int = 10000
    initial_rows: list[dict[str, str]] = field(default_factory=list)
    label_column: str | None = None
    group_column: str | None = None  # the outermost group column (the paper's 类别 / 一级指标)
    group_columns: list[str] = field(default_factory=list)  # nested group columns, outermost first
    reason_column: str | None = None  # the row's own 原因 column: explanations of 提示 print there
    sum_columns: list[str] | None = None
    row_checks: list[Check] = field(default_factory=list)
    unit: str = ""
    header: list[list[dict[str, Any]]] | None = None  # optional multi-level printed header

    def column(self, cid: str) -> Field:
        for c in self.columns:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def groups(self) -> list[str]:
        """The group columns, outermost first (一级指标, 二级指标): a cell merges with the one above when
        it and every group cell left of it in the list are equal."""
        return list(self.group_columns) or ([self.group_column] if self.group_column else [])

    @property
    def column_ids(self) -> list[str]:
        return [c.id for c in self.columns]

    def fixed(self, rid: str) -> FixedRow:
        for r in self.fixed_rows:
            if r.id == rid:
                return r
        raise KeyError(rid)

    @property
    def fixed_ids(self) -> list[str]:
        return [r.id for r in self.fixed_rows]

    @property
    def data_fixed_ids(self) -> list[str]:
        """Fixed rows that count as data (a table with no repeating rows)."""
        if self.repeat:
            return []
        return [r.id for r in self.fixed_rows if not r.summary]

    def summed_columns(self) -> list[str]:
        if self.sum_columns is not None:
            return list(self.sum_columns)
        return [c.id for c in self.columns if c.type.numeric and not c.computed and c.id != self.label_column]

    def cell_formula(self, rid: str, cid: str) -> tuple[Source, Any]:
        """How a cell gets its value: (its :class:`Source`, the detail: a label, a formula, summed rows)."""
        col = self.column(cid)
        fixed = None
        for r in self.fixed_rows:
            if r.id == rid:
                fixed = r
        if fixed is not None:
            if cid == self.label_column:
                return Source.LABEL, fixed.label
            if cid in fixed.cells:
                formula = fixed.cells[cid]
                if formula == "":
                    return Source.LABEL, ""  # an empty printed cell
                return (Source.NONE, None) if formula is None else (Source.CELL, fixed.compiled[cid])
            if fixed.sum_rows is not None and cid in self.summed_columns():
                return Source.SUM, fixed.sum_rows
        if col.computed:
            return Source.COLUMN, col.compiled
        return Source.INPUT, None


@dataclass
class Section:
    id: str
    title: str
    kind: str  # 'fields' | 'text' | 'table'
    fields: list[Field] = field(default_factory=list)
    table: Table | None = None
    columns: int = 2  # label/value pairs per printed line in a 'fields' grid
    note: str = ""
    page_break: bool = False

    @property
    def stacked(self) -> bool:
        """A 'fields' grid of three or more label/value pairs a line is printed, and shown, as a row of
        labels above a row of values (form E's 市级预算执行情况), as on paper."""
        return self.kind == "fields" and max(1, self.columns) >= 3


@dataclass
class Signatures:
    unit_label: str = ""
    unit_field: str | None = None
    lines: list[str] = field(default_factory=list)
    date_field: str | None = None


@dataclass
class FormDef:
    id: str
    version: str
    title: str
    sections: list[Section]
    subtitle: str = ""
    document_title: str = ""
    region: str = ""
    year: str = ""
    orientation: str = "portrait"
    multi: bool = False
    part_label: str = "项目"
    part_name_field: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)  # figures a receiving desk sums (core/summary.py)
    signatures: Signatures = field(default_factory=Signatures)
    notes: str = ""
    footnote: str = ""
    checks: list[Check] = field(default_factory=list)
    rules: RuleSet = field(default_factory=lambda: make_rules(None))
    continues: Any = None  # desktop.core.continuation.Continuation: the form(s) this one is made from
    path: str = ""
    # derived
    fields: dict[str, Field] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    nodes: list[Any] = field(default_factory=list)  # graph.GraphNode, in dependency order

    def field(self, fid: str) -> Field:
        return self.fields[fid]

    def table(self, tid: str) -> Table:
        return self.tables[tid]

    def all_fields(self) -> list[Field]:
        out = list(self.fields.values())
        for t in self.tables.values():
            out.extend(t.columns)
        return out


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------

class _Loader:
    def __init__(self, file: str):
        self.file = file
        self.ids: set[str] = set()

    def fail(self, problem: Code, where: str, **data: object) -> DefinitionError:
        return DefinitionError(problem, where, self.file, **data)

    def block(self, data: Any, block: str, where: str, extra: dict[str, Key] | None = None) -> dict:
        """``data`` checked against its block's key table: an object, no unknown key (with a
        suggestion), every required key there, every value of its kind."""
        allowed = {**BLOCKS[block], **(extra or {})}
        name = BLOCK_NAMES[block]
        if not isinstance(data, dict):
            raise self.fail(Code.DEF_BAD_TYPE, where, block=name, key=where or name, value=data, expected="对象")
        for key in data:
            if key not in allowed:
                raise self.fail(Code.DEF_UNKNOWN_KEY, where, key=key, hint=did_you_mean(key, allowed))
        for key, spec in allowed.items():
            if spec.required and (key not in data or data[key] in (None, "")):
                raise self.fail(Code.DEF_MISSING, where, key=key)
        for key, value in data.items():
            spec = allowed[key]
            if spec.kind in ("id", "any") or (value is None and not spec.required and spec.default is NO_DEFAULT):
                continue  # null for a key without a default means "not given"
            if not kind_ok(spec, value):
                raise self.fail(Code.DEF_BAD_TYPE, where, block=name, key=key, value=value, expected=expected(spec))
        return data

    def ref(self, value: Any, known: Any, what: str, key: str, where: str) -> None:
        """``value`` must name one of ``known`` (fields, columns, rows, tables)."""
        if value is not None and value not in known:
            raise self.fail(Code.DEF_NO_SUCH, where, key=key, what=what, ref=value, hint=did_you_mean(value, known))

    def ident(self, value: Any, where: str, unique: bool = True) -> str:
        if not isinstance(value, str) or not _ID_RE.match(value):
            raise self.fail(Code.DEF_BAD_ID, where, id=value)
        if unique:
            if value in self.ids:
                raise self.fail(Code.DEF_DUPLICATE, where, id=value)
            self.ids.add(value)
        return value

    def field(self, data: Any, where: str, unique: bool = True) -> Field:
        if isinstance(data, dict):
            where = f"{where}“{data.get('label', '')}”({data.get('id', '')})"
        data = self.block(data, "field", where, _type_keys(data))
        fid = self.ident(data["id"], where, unique)
        opts = {k: v for k, v in data.items() if k not in BLOCKS["field"]}
        try:
            ftype = make_type(data.get("type", "text"), opts)
        except OptionError as exc:
            raise exc.located(where, self.file) from None
        f = Field(
            id=fid, label=str(data["label"]), type=ftype,
            required=bool(data.get("required", False)), formula=data.get("formula"),
            override=bool(data.get("override", False)), input_when=data.get("input_when"),
            min=data.get("min"), max=data.get("max"), help=str(data.get("help", "")),
            example=data.get("example"), default=data.get("default"),
            width=float(data.get("width", 1.0)), span=int(data.get("span", 1)),
            print=bool(data.get("print", True)) and not data.get("hidden", False),
            yearly=bool(data.get("yearly", False)), hidden=bool(data.get("hidden", False)),
        )
        if f.example is not None:
            try:
                ftype.read(str(f.example))
            except ValueError as exc:
                raise self.fail(Code.DEF_EXAMPLE, where, example=f.example, why=exc) from None
        return f

    def check(self, data: Any, where: str) -> Check:
        data = self.block(data, "check", where)
        level = Level(data.get("level", Level.ERROR))
        return Check(id=self.ident(data["id"], where, unique=False), level=level, assert_=data["assert"],
                     message=str(data["message"]), when=data.get("when"), cell=data.get("cell"))

    def table(self, data: dict, where: str) -> Table:
        data = self.block(data, "table", where)
        tid = self.ident(data["id"], where)
        where = f"{where}表格“{data.get('title', tid)}”({tid})"
        for i, line in enumerate(data.get("header") or []):
            if not isinstance(line, list):
                raise self.fail(Code.DEF_BAD_TYPE, where, block=BLOCK_NAMES["table"], key="header", value=line,
                                expected="表头行（对象的列表）的列表")
            for cell in line:
                self.block(cell, "header", f"{where} 表头第{i + 1}行")
        if not data["columns"]:
            raise self.fail(Code.DEF_BAD_VALUE, where, key="columns", value=data["columns"], why="应为非空列表")
        seen: set[str] = set()
        columns = []
        for i, c in enumerate(data["columns"]):
            col = self.field(c, f"{where} 第{i + 1}列", unique=False)
            if col.id in seen:
                raise self.fail(Code.DEF_DUPLICATE, f"{where} 第{i + 1}列", id=col.id)
            if col.override and col.input_when is not None:
                raise self.fail(Code.DEF_OVERRIDE_INPUT_WHEN,
                                f"{where} 第{i + 1}列“{col.label}”({col.id})")
            seen.add(col.id)
            columns.append(col)
        rows = []
        for i, r in enumerate(data.get("rows", [])):
            rw = f"{where} 固定行{i + 1}"
            r = self.block(r, "row", rw)
            cells = r.get("cells", {})
            for cid in cells:
                self.ref(cid, seen, "列", "cells", rw)
            position = r.get("position", "top")
            rows.append(FixedRow(id=self.ident(r["id"], rw, unique=False), label=str(r["label"]), position=position,
                                 sum_rows=r.get("sum_rows"), cells=dict(cells), total=bool(r.get("total", False))))
        if not rows and not data.get("repeat", False):
            raise self.fail(Code.DEF_NO_ROWS, where)
        table = Table(
            id=tid, title=str(data.get("title", "")), columns=columns, fixed_rows=rows,
            repeat=bool(data.get("repeat", False)), min_rows=int(data.get("min_rows", 0)),
            max_rows=int(data.get("max_rows", 10000)), initial_rows=list(data.get("initial_rows", [])),
            label_column=data.get("label_column"), group_column=self.group_column(data, where),
            group_columns=list(data.get("group_columns") or []),
            reason_column=data.get("reason_column"), sum_columns=data.get("sum_columns"), unit=str(data.get("unit", "")), header=data.get("header"),
            row_checks=[self.check(c, f"{where} 行校验{i + 1}") for i, c in enumerate(data.get("row_checks", []))],
        )
        for key in ("label_column", "group_column", "reason_column"):
            self.ref(getattr(table, key), seen, "列", key, where)
        for key in ("sum_columns", "group_columns"):
            for cid in getattr(table, key) or []:
                self.ref(cid, seen, "列", key, where)
        for rid_list in (r.sum_rows for r in rows if isinstance(r.sum_rows, list)):
            for rid in rid_list:
                self.ref(rid, table.fixed_ids, "固定行", "sum_rows", where)
        for i, init in enumerate(table.initial_rows):
            if not isinstance(init, dict) or not all(isinstance(v, str) for v in init.values()):
                raise self.fail(Code.DEF_BAD_TYPE, where, block=BLOCK_NAMES["table"], key="initial_rows", value=init,
                                expected="每行为对象（列 → 文字）")
            for cid in init:
                self.ref(cid, seen, "列", "initial_rows", f"{where} initial_rows 第{i + 1}行")
        return table

    def group_column(self, data: dict, where: str) -> str | None:
        """``group_column``, or the first of ``group_columns`` (both given: they must agree)."""
        one, nested = data.get("group_column"), data.get("group_columns") or []
        if nested and one is not None and one != nested[0]:
            raise self.fail(Code.DEF_GROUP_COLUMNS, where, value=nested, first=one)
        return one if one is not None else (nested[0] if nested else None)

    def section(self, data: Any, where: str) -> Section:
        if not isinstance(data, dict):
            raise self.fail(Code.DEF_BAD_TYPE, where, block=BLOCK_NAMES["section"], key="sections", value=data,
                            expected="对象")
        kind = data.get("kind", "fields")
        where = f"{where}“{data.get('title', data.get('id', ''))}”"
        if kind == "table":
            table = self.table(data, where)
            return Section(id=table.id, title=table.title, kind="table", table=table,
                           note=str(data.get("note", "")), page_break=bool(data.get("page_break", False)))
        data = self.block(data, "section", where)
        sid = self.ident(data["id"], where)
        fields = [self.field(f, f"{where} ") for f in data["fields"]]
        return Section(id=sid, title=str(data.get("title", "")), kind=kind, fields=fields,
                       columns=int(data.get("columns", 2)), note=str(data.get("note", "")),
                       page_break=bool(data.get("page_break", False)))

    def form(self, data: Any) -> FormDef:
        data = self.block(data, "form", "")
        for key in ("signatures", "meta", "scoring", "parts"):
            if data.get(key) is not None:
                self.block(data[key], key, key)
        form = FormDef(
            id=str(data["id"]), version=str(data["version"]), title=str(data["title"]),
            sections=[self.section(s, f"第{i + 1}节") for i, s in enumerate(data["sections"])],
            subtitle=str(data.get("subtitle", "")), document_title=str(data.get("document_title", "")),
            region=str(data.get("region", "")), year=str(data.get("year", "")),
            orientation=data.get("orientation", "portrait"), notes=str(data.get("notes", "")),
            footnote=str(data.get("footnote", "")), meta=dict(data.get("meta", {})), path=self.file,
        )
        parts = data.get("parts")
        if parts:
            form.multi = True
            form.part_label = str(parts.get("label", "项目"))
            form.part_name_field = parts.get("name_field")
        sig = data.get("signatures") or {}
        form.signatures = Signatures(unit_label=str(sig.get("unit_label", "")), unit_field=sig.get("unit_field"),
                                     lines=[str(x) for x in sig.get("lines", [])], date_field=sig.get("date_field"))
        form.rules = self.rules(data.get("scoring"))
        for s in form.sections:
            if s.table is not None:
                form.tables[s.table.id] = s.table
            for f in s.fields:
                form.fields[f.id] = f
        form.checks = [self.check(c, f"校验{i + 1}") for i, c in enumerate(data.get("checks", []))]
        columns = [f"{t.id}.{c}" for t in form.tables.values() for c in t.column_ids]
        for f in form.all_fields():
            self.ref(getattr(f.type, "options_from", "") or None, columns, "表格的列", "options_from",
                     f"“{f.label}”({f.id})")
        refs = [("meta", k, v) for k, v in form.meta.items()] + [
            ("parts", "name_field", form.part_name_field), ("signatures", "unit_field", form.signatures.unit_field),
            ("signatures", "date_field", form.signatures.date_field)]
        for block, key, fid in refs:
            if fid:
                self.ref(fid, form.fields, "字段", key, block)
        self.units_from(form)
        form.summary = dict(data.get("summary") or {})
        problem = summary_problem(form, form.summary)
        if problem:
            raise self.fail(problem, "summary")
        self.compile(form)
        if data.get("continues") is not None:
            from desktop.core.continuation import load_continues  # the block's keys and checks live there

            form.continues = load_continues(self, data["continues"], form)
        return form

    def units_from(self, form: FormDef) -> None:
        """An amount's ``unit_from`` names a field of the form offering 万元 and/or 元 (the document's unit)."""
        for f in form.all_fields():
            source = getattr(f.type, "unit_from", "")
            chooser = form.fields.get(source) if source else None
            if source and (chooser is None or not set(getattr(chooser.type, "options", [])) <= {"万元", "元"}
                           or not getattr(chooser.type, "options", [])):
                raise self.fail(Code.DEF_BAD_VALUE, f"“{f.label}”({f.id})", key="unit_from", value=source,
                                why="应为选项只有“万元”“元”的字段")

    def rules(self, scoring: dict | None) -> RuleSet:
        if scoring is not None:
            name = scoring.get("rules", "proportional")
            if name not in RULES:
                raise self.fail(Code.DEF_UNKNOWN_RULES, "scoring", rules=name, known="、".join(RULES),
                                hint=did_you_mean(name, RULES))
            for word, cls in (scoring.get("classes") or {}).items():
                if cls not in CLASS_WORDS:
                    raise self.fail(Code.DEF_BAD_TYPE, "scoring", block=BLOCK_NAMES["scoring"], key=f"classes.{word}",
                                    value=cls, expected=" 或 ".join(CLASS_WORDS))
        try:
            return make_rules(scoring)
        except RulesConfigError as exc:
            raise exc.located("scoring", self.file) from None

    # -- formulas ---------------------------------------------------------------------
    def compile(self, form: FormDef) -> None:
        self.tables = form.tables
        tables = {t.id: TableScope(set(t.column_ids), set(t.fixed_ids)) for t in form.tables.values()}
        scalar = Scope(set(form.fields), tables)

        def comp(source: str, scope: Scope, where: str) -> Compiled:
            try:
                return compile_expr(source, scope)
            except ExprError as exc:
                raise exc.located(where, self.file) from None  # keeps the formula error's code and data

        for f in form.fields.values():
            if f.formula is not None:
                f.compiled = comp(f.formula, scalar, f"字段“{f.label}”({f.id})")
        for t in form.tables.values():
            row_scope = Scope(set(form.fields), tables, row_table=t.id)
            for c in t.columns:
                where = f"表格“{t.title}”({t.id}) 列“{c.label}”({c.id})"
                if c.formula is not None:
                    c.compiled = comp(c.formula, row_scope, where)
                if c.input_when is not None:
                    c.compiled_input_when = comp(c.input_when, row_scope, where + " input_when")
            for r in t.fixed_rows:
                for cid, formula in r.cells.items():
                    if formula is not None and formula != "":
                        r.compiled[cid] = comp(str(formula), row_scope, f"表格“{t.title}”({t.id}) 行“{r.label}” 列 {cid}")
            for chk in t.row_checks:
                self.compile_check(chk, row_scope, f"表格“{t.title}”({t.id}) 行校验 {chk.id}", comp, t)
        for chk in form.checks:
            self.compile_check(chk, scalar, f"校验 {chk.id}", comp, None)
        from desktop.core.graph import build_nodes  # the engine's dependency graph

        try:
            form.nodes = build_nodes(form)
        except DefinitionError as exc:
            raise exc.located(file=self.file) from None

    def compile_check(self, chk: Check, scope: Scope, where: str, comp: Any, table: Table | None) -> None:
        chk.compiled = comp(chk.assert_, scope, where)
        if chk.when:
            chk.compiled_when = comp(chk.when, scope, where + " when")
        for name in PLACEHOLDER.findall(chk.message):
            chk.refs[name] = comp(name, scope, where + " message")
        if chk.cell is not None and not _cell_exists(chk.cell, scope, table, self.tables):
            near = table.column_ids if table is not None else _cell_names(scope, self.tables)
            raise self.fail(Code.DEF_NO_SUCH, where, key="cell", what="单元格", ref=chk.cell,
                            hint=did_you_mean(chk.cell, near))


def _cell_exists(cell: Any, scope: Scope, table: Table | None, tables: dict[str, Table]) -> bool:
    """A check's ``cell``: a column of its own table (row checks), a field, or ``table/fixed row/column``."""
    if not isinstance(cell, str):
        return False
    if table is not None:
        return cell in table.column_ids
    parts = cell.split("/")
    if len(parts) == 1:
        return cell in scope.fields
    if len(parts) == 3 and parts[0] in tables:
        t = tables[parts[0]]
        return parts[1] in t.fixed_ids and parts[2] in t.column_ids
    return False


def _cell_names(scope: Scope, tables: dict[str, Table]) -> list[str]:
    out = list(scope.fields)
    for t in tables.values():
        out += [f"{t.id}/{r}/{c}" for r in t.fixed_ids for c in t.column_ids]
    return out


def _type_keys(data: Any) -> dict[str, Key]:
    """Options the field's type accepts (their values are checked by make_type)."""
    if not isinstance(data, dict):
        return {}
    from desktop.core.types import TYPES

    cls = TYPES.get(data.get("type", "text")) if isinstance(data.get("type", "text"), str) else None
    return {k: FIELD_OPTIONS[k] for k in cls.options_allowed} if cls else {}


def load_definition(path: str | Path) -> FormDef:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(Code.DOC_UNREADABLE, "", path.name, path=path, why=os_why(exc)) from None
    return parse_definition(text, path.name)


def parse_definition(text: str | dict, file: str = "<内联定义>") -> FormDef:
    """Load a definition from JSON text (or an already-parsed dict, for table-driven tests)."""
    if isinstance(text, str):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError(Code.DEF_NOT_JSON, "", file, line=exc.lineno, col=exc.colno, msg=exc.msg) from None
    else:
        data = text
    try:
        return _Loader(file).form(data)
    except DefinitionError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # a shape the checks above did not foresee
        raise DefinitionError(Code.DOC_BAD, "", file, why=f"{type(exc).__name__}: {exc}") from None


def check_field(data: dict, file: str = "") -> Field:
    """One field or column on its own (keys, type, options, example); DefinitionError if malformed."""
    return _Loader(file).field(data, "", unique=False)

