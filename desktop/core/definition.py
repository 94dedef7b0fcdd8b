"""Form definitions: one JSON file per paper form, loaded into a checked model.

The format is documented in ``docs/forms.md``.  Loading checks every key, type,
option, formula reference and the absence of cycles; a malformed definition
raises :class:`DefinitionError` whose text names the file, the place (section,
table, field) and the problem.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.errors import DefinitionError, ExprError, message
from desktop.core.expr import Compiled, Scope, TableScope, compile_expr
from desktop.core.scoring import RULES, RuleSet, make_rules
from desktop.core.types import FieldType, Label, make_type

LEVELS = {"error": "错误", "warning": "提示"}
_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
    level: str  # 'error' | 'warning'
    assert_: str
    message: str
    when: str | None = None
    cell: str | None = None  # field id or (in row checks) column id to mark
    compiled: Compiled | None = None
    compiled_when: Compiled | None = None
    refs: dict[str, Compiled] = field(default_factory=dict)  # {name} placeholders in the message

    @property
    def level_text(self) -> str:
        return LEVELS[self.level]


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
    group_column: str | None = None
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

    def cell_formula(self, rid: str, cid: str) -> tuple[str, Any]:
        """How a cell gets its value: ('input'|'column'|'cell'|'sum'|'none'|'label', detail)."""
        col = self.column(cid)
        fixed = None
        for r in self.fixed_rows:
            if r.id == rid:
                fixed = r
        if fixed is not None:
            if cid == self.label_column:
                return "label", fixed.label
            if cid in fixed.cells:
                formula = fixed.cells[cid]
                if formula == "":
                    return "label", ""  # an empty printed cell
                return ("none", None) if formula is None else ("cell", fixed.compiled[cid])
            if fixed.sum_rows is not None and cid in self.summed_columns():
                return "sum", fixed.sum_rows
        if col.computed:
            return "column", col.compiled
        return "input", None


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
    signatures: Signatures = field(default_factory=Signatures)
    notes: str = ""
    footnote: str = ""
    checks: list[Check] = field(default_factory=list)
    rules: RuleSet = field(default_factory=lambda: make_rules(None))
    path: str = ""
    # derived
    fields: dict[str, Field] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    nodes: list[Any] = field(default_factory=list)  # engine nodes in dependency order

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

FIELD_KEYS = {"id", "label", "type", "required", "formula", "override", "input_when", "min", "max",
              "help", "example", "default", "width", "span", "print", "yearly", "hidden"}
TABLE_KEYS = {"id", "title", "kind", "columns", "rows", "repeat", "min_rows", "max_rows", "initial_rows",
              "label_column", "group_column", "reason_column", "sum_columns", "row_checks", "unit", "header", "note",
              "page_break"}
SECTION_KEYS = {"id", "title", "kind", "fields", "columns", "note", "page_break"}
FORM_KEYS = {"id", "version", "title", "subtitle", "document_title", "region", "year", "orientation",
             "parts", "meta", "signatures", "notes", "footnote", "checks", "scoring", "sections",
             "description", "$schema"}
CHECK_KEYS = {"id", "level", "assert", "message", "when", "cell"}
ROW_KEYS = {"id", "label", "position", "sum_rows", "cells", "total"}


class _Loader:
    def __init__(self, file: str):
        self.file = file
        self.ids: set[str] = set()

    def fail(self, problem: str, where: str) -> DefinitionError:
        return DefinitionError(problem, where, self.file)

    def keys(self, data: Any, allowed: set[str], required: tuple[str, ...], where: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(message("def_bad_value", key=where, value=type(data).__name__, why="应为对象"), where)
        for key in data:
            if key not in allowed:
                raise self.fail(message("def_unknown_key", key=key), where)
        for key in required:
            if key not in data or data[key] in (None, ""):
                raise self.fail(message("def_missing", key=key), where)
        return data

    def typed(self, data: dict, key: str, kind: type | tuple, default: Any, where: str, why: str) -> Any:
        """``data[key]`` if it has the JSON type the format wants, else a DefinitionError."""
        value = data.get(key, default)
        if value is default:
            return value
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            ok = False
        else:
            ok = isinstance(value, kind)
        if not ok:
            raise self.fail(message("def_bad_value", key=key, value=value, why=why), where)
        return value

    def number(self, data: dict, key: str, default: Any, where: str, integer: bool = False) -> Any:
        kind = int if integer else (int, float)
        return self.typed(data, key, kind, default, where, "应为整数" if integer else "应为数字")

    def listof(self, data: dict, key: str, where: str, default: Any = None) -> list:
        return self.typed(data, key, list, [] if default is None else default, where, "应为列表")

    def obj(self, data: dict, key: str, where: str) -> dict:
        return self.typed(data, key, dict, {}, where, "应为对象")

    def text(self, data: dict, key: str, where: str, default: str = "") -> str:
        return self.typed(data, key, str, default, where, "应为文字")

    def ident(self, value: Any, where: str, unique: bool = True) -> str:
        if not isinstance(value, str) or not _ID_RE.match(value):
            raise self.fail(message("def_bad_id", id=value), where)
        if unique:
            if value in self.ids:
                raise self.fail(message("def_duplicate", id=value), where)
            self.ids.add(value)
        return value

    def field(self, data: Any, where: str, unique: bool = True) -> Field:
        if isinstance(data, dict):
            where = f"{where}“{data.get('label', '')}”({data.get('id', '')})"
        data = self.keys(data, FIELD_KEYS | _type_keys(data), ("id", "label"), where)
        fid = self.ident(data["id"], where, unique)
        for key in ("min", "max"):
            self.number(data, key, None, where)
        opts = {k: v for k, v in data.items() if k not in FIELD_KEYS}
        try:
            ftype = make_type(data.get("type", "text"), opts)
        except (ValueError, TypeError) as exc:
            raise self.fail(str(exc), where) from None
        f = Field(
            id=fid, label=str(data["label"]), type=ftype,
            required=bool(data.get("required", False)), formula=data.get("formula"),
            override=bool(data.get("override", False)), input_when=data.get("input_when"),
            min=data.get("min"), max=data.get("max"), help=str(data.get("help", "")),
            example=data.get("example"), default=data.get("default"),
            width=float(self.number(data, "width", 1.0, where)), span=self.number(data, "span", 1, where, True),
            print=bool(data.get("print", True)) and not data.get("hidden", False),
            yearly=bool(data.get("yearly", False)), hidden=bool(data.get("hidden", False)),
        )
        if f.example is not None:
            try:
                ftype.read(str(f.example))
            except ValueError as exc:
                raise self.fail(message("def_example", example=f.example, why=exc), where) from None
        return f

    def check(self, data: Any, where: str) -> Check:
        data = self.keys(data, CHECK_KEYS, ("id", "assert", "message"), where)
        level = data.get("level", "error")
        if level not in LEVELS:
            raise self.fail(message("def_bad_value", key="level", value=level, why="应为 error 或 warning"), where)
        return Check(id=self.ident(data["id"], where, unique=False), level=level, assert_=data["assert"],
                     message=str(data["message"]), when=data.get("when"), cell=data.get("cell"))

    def table(self, data: dict, where: str) -> Table:
        data = self.keys(data, TABLE_KEYS, ("id", "columns"), where)
        tid = self.ident(data["id"], where)
        where = f"{where}表格“{data.get('title', tid)}”({tid})"
        for key in ("min_rows", "max_rows"):
            self.number(data, key, 0, where, integer=True)
        for key in ("rows", "initial_rows", "row_checks"):
            self.listof(data, key, where)
        for key in ("label_column", "group_column", "reason_column", "title", "unit"):
            self.text(data, key, where, None)  # type: ignore[arg-type]
        if not isinstance(data["columns"], list) or not data["columns"]:
            raise self.fail(message("def_bad_value", key="columns", value=data["columns"], why="应为非空列表"), where)
        seen: set[str] = set()
        columns = []
        for i, c in enumerate(data["columns"]):
            col = self.field(c, f"{where} 第{i + 1}列", unique=False)
            if col.id in seen:
                raise self.fail(message("def_duplicate", id=col.id), f"{where} 第{i + 1}列")
            if col.override and col.input_when is not None:
                raise self.fail("同一列不能既可手工改写（override）又按条件改为填写（input_when）",
                                f"{where} 第{i + 1}列“{col.label}”({col.id})")
            seen.add(col.id)
            columns.append(col)
        rows = []
        for i, r in enumerate(data.get("rows", [])):
            rw = f"{where} 固定行{i + 1}"
            r = self.keys(r, ROW_KEYS, ("id", "label"), rw)
            cells = self.obj(r, "cells", rw)
            sum_rows = r.get("sum_rows")
            if sum_rows is not None and not (sum_rows == "data" or (isinstance(sum_rows, list)
                                                                   and all(isinstance(x, str) for x in sum_rows))):
                raise self.fail(message("def_bad_value", key="sum_rows", value=sum_rows, why="应为行标识列表或 data"), rw)
            for cid in cells:
                if cid not in seen:
                    raise self.fail(message("def_unknown_ref", ref=cid), rw)
            position = r.get("position", "top")
            if position not in ("top", "bottom"):
                raise self.fail(message("def_bad_value", key="position", value=position, why="应为 top 或 bottom"), rw)
            rows.append(FixedRow(id=self.ident(r["id"], rw, unique=False), label=str(r["label"]), position=position,
                                 sum_rows=r.get("sum_rows"), cells=dict(cells), total=bool(r.get("total", False))))
        if not rows and not data.get("repeat", False):
            raise self.fail("表格既没有固定行也不能增加行（repeat）", where)
        table = Table(
            id=tid, title=str(data.get("title", "")), columns=columns, fixed_rows=rows,
            repeat=bool(data.get("repeat", False)), min_rows=int(data.get("min_rows", 0)),
            max_rows=int(data.get("max_rows", 10000)), initial_rows=list(data.get("initial_rows", [])),
            label_column=data.get("label_column"), group_column=data.get("group_column"),
            reason_column=data.get("reason_column"), sum_columns=data.get("sum_columns"), unit=str(data.get("unit", "")), header=data.get("header"),
            row_checks=[self.check(c, f"{where} 行校验{i + 1}") for i, c in enumerate(data.get("row_checks", []))],
        )
        for key in ("label_column", "group_column", "reason_column"):
            if getattr(table, key) is not None and getattr(table, key) not in seen:
                raise self.fail(message("def_unknown_ref", ref=getattr(table, key)), where)
        for rid_list in (r.sum_rows for r in rows if isinstance(r.sum_rows, list)):
            for rid in rid_list:
                if rid not in table.fixed_ids:
                    raise self.fail(message("def_unknown_ref", ref=rid), where)
        for r in rows:
            if isinstance(r.sum_rows, str) and r.sum_rows != "data":
                raise self.fail(message("def_bad_value", key="sum_rows", value=r.sum_rows, why="应为行标识列表或 data"), where)
        for i, init in enumerate(table.initial_rows):
            if not isinstance(init, dict):
                raise self.fail(message("def_bad_value", key="initial_rows", value=init, why="每行应为对象"), where)
            for cid in init:
                if cid not in seen:
                    raise self.fail(message("def_unknown_ref", ref=cid), f"{where} initial_rows 第{i + 1}行")
        return table

    def section(self, data: Any, where: str) -> Section:
        if not isinstance(data, dict):
            raise self.fail(message("def_bad_value", key="sections", value=data, why="应为对象"), where)
        kind = data.get("kind", "fields")
        where = f"{where}“{data.get('title', data.get('id', ''))}”"
        if kind == "table":
            table = self.table(data, where)
            return Section(id=table.id, title=table.title, kind="table", table=table,
                           note=str(data.get("note", "")), page_break=bool(data.get("page_break", False)))
        if kind not in ("fields", "text"):
            raise self.fail(message("def_bad_value", key="kind", value=kind, why="应为 fields、text 或 table"), where)
        data = self.keys(data, SECTION_KEYS, ("id", "fields"), where)
        sid = self.ident(data["id"], where)
        fields = [self.field(f, f"{where} ") for f in self.listof(data, "fields", where)]
        return Section(id=sid, title=str(data.get("title", "")), kind=kind, fields=fields,
                       columns=self.number(data, "columns", 2, where, integer=True), note=str(data.get("note", "")),
                       page_break=bool(data.get("page_break", False)))

    def form(self, data: Any) -> FormDef:
        data = self.keys(data, FORM_KEYS, ("id", "version", "title", "sections"), "")
        self.listof(data, "sections", "")
        self.listof(data, "checks", "")
        for key in ("signatures", "meta", "scoring"):
            self.obj(data, key, key)
        parts_cfg = data.get("parts")
        if parts_cfg is not None and not isinstance(parts_cfg, dict):
            raise self.fail(message("def_bad_value", key="parts", value=parts_cfg, why="应为对象"), "parts")
        form = FormDef(
            id=str(data["id"]), version=str(data["version"]), title=str(data["title"]),
            sections=[self.section(s, f"第{i + 1}节") for i, s in enumerate(data["sections"])],
            subtitle=str(data.get("subtitle", "")), document_title=str(data.get("document_title", "")),
            region=str(data.get("region", "")), year=str(data.get("year", "")),
            orientation=data.get("orientation", "portrait"), notes=str(data.get("notes", "")),
            footnote=str(data.get("footnote", "")), meta=dict(data.get("meta", {})), path=self.file,
        )
        if form.orientation not in ("portrait", "landscape"):
            raise self.fail(message("def_bad_value", key="orientation", value=form.orientation,
                                    why="应为 portrait 或 landscape"), "")
        parts = data.get("parts")
        if parts:
            form.multi = True
            form.part_label = str(parts.get("label", "项目"))
            form.part_name_field = parts.get("name_field")
        sig = data.get("signatures") or {}
        self.listof(sig, "lines", "signatures")
        form.signatures = Signatures(unit_label=str(sig.get("unit_label", "")), unit_field=sig.get("unit_field"),
                                     lines=[str(x) for x in sig.get("lines", [])], date_field=sig.get("date_field"))
        scoring = data.get("scoring")
        try:
            form.rules = make_rules(scoring)
        except ValueError as exc:
            raise self.fail(message("def_unknown_rules", rules=exc, known="、".join(RULES)), "scoring") from None
        for s in form.sections:
            if s.table is not None:
                form.tables[s.table.id] = s.table
            for f in s.fields:
                form.fields[f.id] = f
        form.checks = [self.check(c, f"校验{i + 1}") for i, c in enumerate(data.get("checks", []))]
        for key, fid in {**form.meta, "name_field": form.part_name_field or "", "unit_field":
                         form.signatures.unit_field or "", "date_field": form.signatures.date_field or ""}.items():
            if fid and fid not in form.fields:
                raise self.fail(message("def_unknown_ref", ref=fid), key)
        self.compile(form)
        return form

    # -- formulas ---------------------------------------------------------------------
    def compile(self, form: FormDef) -> None:
        self.tables = form.tables
        tables = {t.id: TableScope(set(t.column_ids), set(t.fixed_ids)) for t in form.tables.values()}
        scalar = Scope(set(form.fields), tables)

        def comp(source: str, scope: Scope, where: str) -> Compiled:
            try:
                return compile_expr(source, scope)
            except ExprError as exc:
                raise self.fail(exc.text, where) from None

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
        for name in re.findall(r"\{([^{}:!]+)(?:[:!][^{}]*)?\}", chk.message):
            chk.refs[name] = comp(name, scope, where + " message")
        if chk.cell is not None and not _cell_exists(chk.cell, scope, table, self.tables):
            raise self.fail(message("def_unknown_ref", ref=chk.cell), where)


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


def _type_keys(data: Any) -> set[str]:
    """Options the field's type accepts (validated by make_type)."""
    if not isinstance(data, dict):
        return set()
    from desktop.core.types import TYPES

    cls = TYPES.get(data.get("type", "text"))
    return set(cls.options_allowed) if cls else set()


def load_definition(path: str | Path) -> FormDef:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(message("doc_unreadable", path=path, why=exc.strerror or exc), "", path.name) from None
    return parse_definition(text, path.name)


def parse_definition(text: str | dict, file: str = "<内联定义>") -> FormDef:
    """Load a definition from JSON text (or an already-parsed dict, for table-driven tests)."""
    if isinstance(text, str):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError(message("def_not_json", line=exc.lineno, col=exc.colno, msg=exc.msg), "", file) from None
    else:
        data = text
    try:
        return _Loader(file).form(data)
    except DefinitionError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # a shape the checks above did not foresee
        raise DefinitionError(message("doc_bad", why=f"{type(exc).__name__}: {exc}"), "", file) from None


def is_label_type(f: Field) -> bool:
    return isinstance(f.type, Label)
