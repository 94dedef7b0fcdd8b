"""Making one form from another: a 自评表 from its 申报表, so that targets are never typed twice.

The form that is made says how in its definition's ``continues`` block (docs/forms.md): which
forms it continues, which of its fields and fixed cells take which of the source's, fixed texts
(``values``), and which repeating tables take the source's rows, column by column.  The result
is a new :class:`Document`; the source document is only read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.core.definition import CellKind, Source
from desktop.core.document import Document, Part, Row, new_row_id, split_addr
from desktop.core.errors import Code, DocumentError

if TYPE_CHECKING:  # pragma: no cover
    from desktop.core.definition import FormDef
    from desktop.core.engine import DocumentState, PartState


@dataclass
class Continued:
    """The new document and what it received (for the clerk's summary line)."""

    document: Document
    fields: int  # fields and cells filled
    rows: int  # table rows brought over (indicators with their targets)


# ---------------------------------------------------------------------------------------
# the definition's ``continues`` block (read by desktop.core.definition when a form loads)
# ---------------------------------------------------------------------------------------

@dataclass
class TableMap:
    source: str  # the source form's repeating table
    target: str  # this form's repeating table
    columns: dict[str, str]  # this table's column -> the source table's column


@dataclass
class Continuation:
    sources: list[str]  # form ids this form can be made from
    fields: dict[str, str] = field(default_factory=dict)  # field or 'table/row/column' here -> source's
    values: dict[str, str] = field(default_factory=dict)  # field here -> fixed text
    tables: list[TableMap] = field(default_factory=list)


def load_continues(loader: Any, data: Any, form: FormDef) -> Continuation:
    """Check a ``continues`` block against this form (the source form is checked when it is used)."""
    where = "continues"
    data = loader.block(data, "continues", where)  # the keys: desktop/core/defkeys.py CONTINUES
    sources = data["from"] if isinstance(data["from"], list) else [data["from"]]
    if not sources or not all(isinstance(s, str) and s for s in sources):
        raise loader.fail(Code.DEF_BAD_VALUE, where, key="from", value=data["from"], why="应为表单标识或其列表")
    mapping = {}
    for key in ("fields", "values"):
        block = data.get(key) or {}
        for target, source in block.items():
            if not isinstance(source, str) or not _input_cell(form, target):
                raise loader.fail(Code.DEF_BAD_VALUE, where, key=f"{key}.{target}", value=source,
                                  why="左边应为本表可填写的字段或“表格/固定行/列”，右边应为文字")
        mapping[key] = dict(block)
    tables = []
    for i, t in enumerate(data.get("tables") or []):
        tw = f"{where} tables 第{i + 1}项"
        t = loader.block(t, "continues_table", tw)
        target = form.tables.get(t["to"])
        columns = t["columns"]
        if target is None or not target.repeat:
            raise loader.fail(Code.DEF_BAD_VALUE, tw, key="to", value=t["to"], why="应为本表可增加行的表格")
        for cid, source in columns.items():
            if cid not in target.column_ids or not isinstance(source, str):
                raise loader.fail(Code.DEF_UNKNOWN_REF, tw, ref=cid)
            if target.column(cid).computed and target.column(cid).input_when is None:
                raise loader.fail(Code.DEF_BAD_VALUE, tw, key=f"columns.{cid}", value=source, why="计算列不能带入")
        tables.append(TableMap(str(t["from"]), target.id, dict(columns)))
    return Continuation([str(s) for s in sources], mapping["fields"], mapping["values"], tables)


def _input_cell(form: FormDef, addr: Any) -> bool:
    """A field, or a fixed row's cell (``table/row/column``), that the clerk types into."""
    if not isinstance(addr, str):
        return False
    parts = addr.split("/")
    if len(parts) == 1:
        return addr in form.fields and not form.fields[addr].computed
    if len(parts) != 3 or parts[0] not in form.tables:
        return False
    t = form.tables[parts[0]]
    return parts[1] in t.fixed_ids and parts[2] in t.column_ids and t.cell_formula(parts[1], parts[2])[0] == Source.INPUT


def continuing_forms(source_id: str, forms: list[FormDef]) -> list[FormDef]:
    """The forms that can be made from a document of form ``source_id``."""
    return [f for f in forms if f.continues is not None and source_id in f.continues.sources]


def pick_target(source: FormDef, forms: list[FormDef], form_id: str | None = None) -> FormDef:
    """The form to make from ``source``: the one named, or the only one that continues it."""
    if form_id:
        chosen = [f for f in forms if f.id == form_id]
        if not chosen:
            raise DocumentError(Code.DOC_UNKNOWN_FORM, form=form_id)
        if chosen[0].continues is None or source.id not in chosen[0].continues.sources:
            raise DocumentError(Code.CONTINUE_NOT_FROM, target=chosen[0].title, target_id=form_id,
                                source=source.title, source_id=source.id)
        return chosen[0]
    candidates = continuing_forms(source.id, forms)
    if not candidates:
        raise DocumentError(Code.CONTINUE_NONE, source=source.title, source_id=source.id)
    if len(candidates) > 1:
        raise DocumentError(Code.CONTINUE_SEVERAL, source=source.title,
                            forms="、".join(f"{f.id}（{f.title}）" for f in candidates))
    return candidates[0]


def continue_document(source: DocumentState, target: FormDef) -> Continued:
    """A new document of ``target`` filled from ``source`` as ``target.continues`` says."""
    spec = target.continues
    if spec is None or source.form.id not in spec.sources:
        raise DocumentError(Code.CONTINUE_NOT_FROM, target=target.title, target_id=target.id,
                            source=source.form.title, source_id=source.form.id)
    if len(source.parts) > 1 and not target.multi:
        raise DocumentError(Code.CONTINUE_PARTS, source=source.form.title, n=len(source.parts), target=target.title)
    _check_sources(spec, source.form, target)
    doc = Document(target.id, target.version)
    filled = rows = 0
    for ps in source.parts:
        part, n_fields, n_rows = _part(spec, ps)
        doc.parts.append(part)
        filled += n_fields
        rows += n_rows
    from desktop.core.engine import DocumentState

    DocumentState(target, doc)  # the new document's structure (fixed rows, an empty table's initial rows)
    return Continued(doc, filled, rows)


def _part(spec: Continuation, ps: PartState) -> tuple[Part, int, int]:
    part = Part()
    filled = 0
    for addr, text in spec.values.items():
        _put(part, addr, text)
    for addr, source in spec.fields.items():
        text = _source_text(ps, source)
        if text:
            _put(part, addr, text)
            filled += 1
    rows = 0
    for tm in spec.tables:
        out = []
        for rid in ps.data_rows(tm.source):
            cells = {cid: _source_text(ps, f"{tm.source}/{rid}/{src}") for cid, src in tm.columns.items()}
            cells = {k: v for k, v in cells.items() if v}
            if cells:
                out.append(Row(new_row_id(), cells))
        if out:
            part.rows[tm.target] = out
            rows += len(out)
    return part, filled, rows


def _source_text(ps: PartState, addr: str) -> str:
    """What the source shows: an input as typed, a computed value as printed."""
    how = ps.how(addr)
    if how == CellKind.INPUT:
        return ps.raw(addr).strip()
    if how == CellKind.COMPUTED:
        return ps.text(addr).strip()
    return ""


def _put(part: Part, addr: str, text: str) -> None:
    t, r, c = split_addr(addr)
    if r is None:
        part.fields[t] = text
    else:
        part.fixed.setdefault(t, {}).setdefault(r, {})[c or ""] = text


def _check_sources(spec: Continuation, source: FormDef, target: FormDef) -> None:
    """Every name the mapping reads exists in the source form (checked here: the source form may be
    installed after the form that continues it)."""
    for addr in spec.fields.values():
        t, r, c = split_addr(addr)
        ok = t in source.fields if r is None else (
            t in source.tables and r in source.tables[t].fixed_ids and c in source.tables[t].column_ids)
        if not ok:
            raise DocumentError(Code.CONTINUE_BAD_MAP, target=target.id, source=source.id, ref=addr)
    for tm in spec.tables:
        table = source.tables.get(tm.source)
        missing = [c for c in tm.columns.values() if table is None or c not in table.column_ids]
        if table is None or missing:
            ref = tm.source if table is None else f"{tm.source}.{missing[0]}"
            raise DocumentError(Code.CONTINUE_BAD_MAP, target=target.id, source=source.id, ref=ref)
