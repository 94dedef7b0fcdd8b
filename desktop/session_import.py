"""Importing into an open form session: work out the result on a copy (off the GUI thread when there
is a window), then apply it as ONE undoable step.

``plan_table_import`` runs the column-mapping import on a copy of a part; ``import_command`` turns the
result into the command that applies it: the computed copy taken over whole (:class:`SwapPart`, no
recalculation) when the session has not changed since the copy was made, else the differences as
commands (:class:`ImportBatch`, which leaves out what can no longer be applied).  No Qt here.
"""
from __future__ import annotations

from typing import Any

from desktop.core.document import Document, Part, cell_addr
from desktop.core.engine import DocumentState, PartState
from desktop.core.errors import JixiaoError
from desktop.session import Batch, Command, FormSession, InsertRows, RowItem, SetCell, SetExplanation
from desktop.session_commands import SwapPart

__all__ = ["diff_commands", "ImportBatch", "plan_table_import", "import_command"]


def _describe(ps: Any, addr: str) -> str:
    try:
        return ps.describe(addr)
    except (KeyError, ValueError):
        return addr


def diff_commands(session: FormSession, part_id: str, new: Part) -> list[Command]:
    """Commands that turn the part ``part_id`` into ``new`` (rows matched by id)."""
    ps = session.part(part_id)
    old = ps.part
    form = session.form
    cmds: list[Command] = []
    for fid in sorted(set(old.fields) | set(new.fields)):
        a, b = old.fields.get(fid, ""), new.fields.get(fid, "")
        if a != b and fid in form.fields:
            cmds.append(SetCell(part_id, fid, a, b, False, _describe(ps, fid)))
    skip_ovr: set[str] = set()
    for tid, table in form.tables.items():
        if table.repeat:
            old_rows = {r.id: r for r in old.rows.get(tid, [])}
            new_list = new.rows.get(tid, [])
            new_ids = {r.id for r in new_list}
            removed = [rid for rid in old_rows if rid not in new_ids]
            if removed:
                cmds.insert(0, session.remove_rows_command(part_id, tid, removed))
                skip_ovr.update(f"{tid}/{rid}/" for rid in removed)
            items = []
            for i, row in enumerate(new_list):
                prev = old_rows.get(row.id)
                if prev is None:
                    prefix = f"{tid}/{row.id}/"
                    ovr = {a[len(prefix):]: raw for a, raw in new.overrides.items() if a.startswith(prefix)}
                    skip_ovr.add(prefix)
                    items.append(RowItem(row.id, i, {k: v for k, v in row.cells.items() if v != ""}, ovr))
                    continue
                for col in [c.id for c in table.columns]:
                    a, b = prev.cells.get(col, ""), row.cells.get(col, "")
                    if a != b:
                        addr = cell_addr(tid, row.id, col)
                        cmds.append(SetCell(part_id, addr, a, b, False, _describe(ps, addr)))
            if items:
                cmds.append(InsertRows(part_id, tid, items, f"增加 {len(items)} 行"))
        for rid in [r.id for r in table.fixed_rows]:
            a_cells = old.fixed.get(tid, {}).get(rid, {})
            b_cells = new.fixed.get(tid, {}).get(rid, {})
            for col in sorted(set(a_cells) | set(b_cells)):
                a, b = a_cells.get(col, ""), b_cells.get(col, "")
                if a != b:
                    addr = cell_addr(tid, rid, col)
                    cmds.append(SetCell(part_id, addr, a, b, False, _describe(ps, addr)))
    for addr in sorted(set(old.overrides) | set(new.overrides)):
        if any(addr.startswith(p) for p in skip_ovr):
            continue
        a, b = old.overrides.get(addr), new.overrides.get(addr)
        if a != b:
            cmds.append(SetCell(part_id, addr, a, b, True, _describe(ps, addr)))
    for key in sorted(set(old.explanations) | set(new.explanations)):
        a, b = old.explanations.get(key), new.explanations.get(key)
        if a != b:
            cmds.append(SetExplanation(part_id, key, a, b))
    return cmds


class ImportBatch(Batch):
    """A :class:`Batch` that leaves out the commands that cannot be applied (told in :attr:`failed`)
    instead of stopping half way; what was applied is what undo takes back."""

    def __init__(self, commands: list[Command], text: str):
        super().__init__(list(commands), text)
        self.failed: list[str] = []
        self._checked = False

    def do(self, s: FormSession) -> None:
        if self._checked:
            super().do(s)
            return
        done: list[Command] = []
        with s._bulk():
            for c in self.commands:
                try:
                    c.do(s)
                except (JixiaoError, KeyError, ValueError) as exc:
                    self.failed.append(f"{getattr(c, 'label', '') or c.text} 未导入：{getattr(exc, 'text', exc)}")
                    continue
                done.append(c)
        self.commands = done
        self._checked = True


def plan_table_import(form: Any, part: Part, rows: Any, table_id: str, mapping: dict[str, str], mode: str = "merge",
                      row_numbers: list[int] | None = None, missing_glyphs: Any = None) -> tuple[PartState, Any]:
    """The part ``part`` (a copy: it is changed) after importing ``rows``: ``(its state, MappingResult)``;
    ``missing_glyphs``: the session's print-font check (default the bundled font)."""
    from desktop.export.xlsx_mapping import apply_mapping

    extra = {} if missing_glyphs is None else {"missing_glyphs": missing_glyphs}
    copy = DocumentState(form, Document(form.id, form.version, [part], {}), **extra)
    result = apply_mapping(copy.parts[0], table_id, mapping, rows, row_numbers=row_numbers, mode=mode)
    return copy.parts[0], result


def import_command(session: FormSession, part_id: str, planned: PartState, revision: int, text: str) -> Command:
    """The one undo step that applies ``planned`` (worked out on a copy made at ``revision``)."""
    if session.revision == revision and planned.part.id == part_id:
        return SwapPart(part_id, planned, text)
    return ImportBatch(diff_commands(session, part_id, planned.part), text)
