"""Making one form from another: a 自评表 from its 申报表, so that targets are never typed twice.

The form that is made says how in its definition's ``continues`` block (docs/forms.md): which
forms it continues, which of its fields and fixed cells take which of the source's, fixed texts
(``values``), and which repeating tables take the source's rows, column by column.  The result
is a new :class:`Document`; the source document is only read.
"""
from __future__ import annotations

from dataclasses import dataclass

from desktop.core.definition import Continuation, FormDef
from desktop.core.document import Document, Part, Row, new_row_id, split_addr
from desktop.core.engine import DocumentState, PartState
from desktop.core.errors import DocumentError, message


@dataclass
class Continued:
    """The new document and what it received (for the clerk's summary line)."""

    document: Document
    fields: int  # fields and cells filled
    rows: int  # table rows brought over (indicators with their targets)


def continuing_forms(source_id: str, forms: list[FormDef]) -> list[FormDef]:
    """The forms that can be made from a document of form ``source_id``."""
    return [f for f in forms if f.continues is not None and source_id in f.continues.sources]


def pick_target(source: FormDef, forms: list[FormDef], form_id: str | None = None) -> FormDef:
    """The form to make from ``source``: the one named, or the only one that continues it."""
    if form_id:
        chosen = [f for f in forms if f.id == form_id]
        if not chosen:
            raise DocumentError(message("doc_unknown_form", form=form_id))
        if chosen[0].continues is None or source.id not in chosen[0].continues.sources:
            raise DocumentError(message("continue_not_from", target=chosen[0].title, target_id=form_id,
                                        source=source.title, source_id=source.id))
        return chosen[0]
    candidates = continuing_forms(source.id, forms)
    if not candidates:
        raise DocumentError(message("continue_none", source=source.title, source_id=source.id))
    if len(candidates) > 1:
        raise DocumentError(message("continue_several", source=source.title,
                                    forms="、".join(f"{f.id}（{f.title}）" for f in candidates)))
    return candidates[0]


def continue_document(source: DocumentState, target: FormDef) -> Continued:
    """A new document of ``target`` filled from ``source`` as ``target.continues`` says."""
    spec = target.continues
    if spec is None or source.form.id not in spec.sources:
        raise DocumentError(message("continue_not_from", target=target.title, target_id=target.id,
                                    source=source.form.title, source_id=source.form.id))
    if len(source.parts) > 1 and not target.multi:
        raise DocumentError(message("continue_parts", source=source.form.title, n=len(source.parts),
                                    target=target.title))
    _check_sources(spec, source.form, target)
    doc = Document(target.id, target.version)
    filled = rows = 0
    for ps in source.parts:
        part, n_fields, n_rows = _part(spec, ps)
        doc.parts.append(part)
        filled += n_fields
        rows += n_rows
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
    if how == "input":
        return ps.raw(addr).strip()
    if how == "computed":
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
            raise DocumentError(message("continue_bad_map", target=target.id, source=source.id, ref=addr))
    for tm in spec.tables:
        table = source.tables.get(tm.source)
        missing = [c for c in tm.columns.values() if table is None or c not in table.column_ids]
        if table is None or missing:
            ref = tm.source if table is None else f"{tm.source}.{missing[0]}"
            raise DocumentError(message("continue_bad_map", target=target.id, source=source.id, ref=ref))
