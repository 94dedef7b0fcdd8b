"""A form being filled: the live engine state bound to its draft file, with undo.

:class:`FormSession` applies every edit to the engine first (the screen updates
at once) and then to the draft as one store transaction.  The store writes can
be flushed at once (``autoflush``, the default, for scripts and tests) or later
by the UI (a timer after the repaint, so a keystroke never waits for the disk).

If a write fails (disk full, U 盘 pulled out, lock lost) the edit stays in
memory, :attr:`status` becomes ``'failed'`` with a Chinese message, and the next
flush writes the whole document again; :meth:`save_as` writes it elsewhere.

Edits are small command objects (:mod:`desktop.session_commands`: SetCell,
InsertRows, ...) with ``do``/``undo``; ``History`` is a plain undo list for code
without Qt, the UI wraps the same commands in a ``QUndoStack``.  No Qt here.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from desktop.core import edits
from desktop.core.change import Change
from desktop.core.document import Part, cell_addr, new_row_id, split_addr
from desktop.core.engine import DocumentState, PartState
from desktop.core.glyphs import MissingFn
from desktop.core.quiet import QuietChecks, keys_of
from desktop.core import limits
from desktop.core.errors import Code, JixiaoError, os_why
from desktop.session_commands import (AddPart, Batch, Command, History, InsertRows, MovePart, MoveRow, RemovePart,
                                      RemoveRows, RowItem, SetCell, SetExplanation)

log = logging.getLogger(__name__)

__all__ = ["AddPart", "Batch", "Change", "Command", "FormSession", "History", "InsertRows", "MovePart", "MoveRow",
           "RemovePart", "RemoveRows", "RowItem", "SessionError", "SetCell", "SetExplanation"]

BULK_OPS = 25  # more store operations than this in one command: write the whole document once

STATUS_TEXT = {
    "saved": "已保存",
    "pending": "正在保存…",
    "saving": "正在保存…",
    "memory": "未保存（尚未存为草稿文件）",
    "readonly": "只读",
}


class SessionError(JixiaoError):
    """An edit that cannot be made (read-only draft, computed cell)."""


def _within_limit(where: str, text: str | None) -> None:
    """A value longer than the limit is not taken (a draft holding it could not be opened again)."""
    if text is not None and len(text) > limits.FIELD_CHARS:
        raise SessionError(Code.LIMIT_VALUE_REFUSED, where=where, length=len(text), limit=limits.FIELD_CHARS)


# ---------------------------------------------------------------------------------- the session
class FormSession:
    def __init__(self, state: DocumentState, draft: Any = None, autoflush: bool = True):
        self.state = state
        self.form = state.form
        self.draft = draft
        self.autoflush = autoflush
        self.pending: list[edits.Op] = []
        self.status = "memory" if draft is None else ("readonly" if draft.readonly else "saved")
        self.error = ""
        self._resync = False
        self._bulk_depth = 0
        self.revision = 0  # counts edits (and undos): work computed on a copy knows whether it is still current
        self.listeners: list[Callable[[Change], None]] = []
        self.status_listeners: list[Callable[[str, str], None]] = []
        self.history = History(self)
        self._change: Change | None = None  # what the command being applied changed so far
        # 必须填写 that nobody has typed into yet, and checks of inputs nobody has filled yet (desktop.core.quiet),
        # are 未填 (quiet) until an export or 全部检查
        self.check_all = False
        self.touched: set[tuple[str, str]] = set()  # (part id, address) typed into in this session
        self._touched_keys: set[tuple[str, Any]] = set()  # (part id, graph key) edited in this session
        self._new_keys: dict[str, set[Any]] = {}  # part id -> keys first edited by the command being applied
        self._quiet = QuietChecks(self.form)

    # -------------------------------------------------------------- opening
    # ``missing_glyphs``: which typed characters the print font lacks (a 提示); default the bundled font
    @classmethod
    def open(cls, path: str | Path, readonly: bool = False, autoflush: bool = True,
             missing_glyphs: MissingFn | None = None) -> "FormSession":
        from desktop.store import Draft

        return cls._on(Draft.open(path, readonly=readonly), autoflush, missing_glyphs)

    @classmethod
    def create(cls, path: str | Path, doc: Any, autoflush: bool = True,
               missing_glyphs: MissingFn | None = None) -> "FormSession":
        """A new draft file holding ``doc`` (a Document), opened for filling."""
        from desktop.store import Draft

        return cls._on(Draft.create(path, doc), autoflush, missing_glyphs)

    @classmethod
    def _on(cls, draft: Any, autoflush: bool, missing_glyphs: MissingFn | None = None) -> "FormSession":
        """A session on an open ``draft``; the draft is closed again when its content cannot be read."""
        try:
            state = draft.state(missing_glyphs=missing_glyphs)
        except BaseException:
            draft.close()
            raise
        return cls(state, draft, autoflush)

    @property
    def readonly(self) -> bool:
        return self.draft is not None and self.draft.readonly

    @property
    def path(self) -> Path | None:
        return None if self.draft is None else Path(self.draft.path)

    @property
    def status_text(self) -> str:
        if self.status == "failed":
            return f"保存失败：{self.error}"
        if self.status == "readonly" and self.draft is not None and self.draft.notice:
            return f"只读：{self.draft.notice}"
        return STATUS_TEXT.get(self.status, self.status)

    def use_glyphs(self, missing: MissingFn) -> bool:
        """Check typed characters against another print font (its setting changed): every part is evaluated
        again and the listeners told.  Not an edit (nothing is saved, nothing to undo); False when unchanged."""
        if missing is self.state.missing_glyphs:
            return False
        self.state.missing_glyphs = missing
        change = Change(everything=True)
        for part, ps in zip(self.state.doc.parts, self.state.parts):
            ps.missing_glyphs = missing
            change.update(ps.recompute_all())
        self.revision += 1
        self._quiet.forget()
        for cb in list(self.listeners):
            cb(change)
        return True

    # -------------------------------------------------------------- lookup
    def part_index(self, part_id: str) -> int:
        for i, p in enumerate(self.state.doc.parts):
            if p.id == part_id:
                return i
        raise SessionError(Code.UNKNOWN_PART, part=part_id)

    def part(self, part_id: str) -> PartState:
        return self.state.parts[self.part_index(part_id)]

    # -------------------------------------------------------------- building commands
    def set_cell_command(self, part_id: str, addr: str, raw: str | None, override: bool | None = None) -> SetCell:
        ps = self.part(part_id)
        how = ps.how(addr)
        if override is None:
            override = how != "input"
        if override:
            if not ps.overridable(addr) and not ps.is_overridden(addr):
                raise SessionError(Code.CELL_NOT_INPUT, where=ps.describe(addr), addr=addr)
            old = ps.part.overrides.get(addr)
        else:
            if how != "input":
                raise SessionError(Code.CELL_NOT_INPUT, where=ps.describe(addr), addr=addr)
            old = ps.raw(addr)
        _within_limit(ps.describe(addr), raw)
        return SetCell(part_id, addr, old, raw, override, ps.describe(addr))

    def explain_command(self, part_id: str, key: str, text: str | None) -> SetExplanation:
        ps = self.part(part_id)
        _within_limit("说明", text)
        return SetExplanation(part_id, key, ps.part.explanations.get(key), text or None)

    def insert_rows_command(self, part_id: str, table: str, index: int, count: int = 1,
                            cells: list[dict[str, str]] | None = None) -> InsertRows:
        cells = cells or [{} for _ in range(count)]
        rows = len(self.part(part_id).data_rows(table)) + len(cells)
        if rows > limits.TABLE_ROWS:
            where = limits.place(self.form, table=table)
            raise SessionError(Code.LIMIT_ROWS_REFUSED, where=where, count=rows, limit=limits.TABLE_ROWS)
        items = [RowItem(new_row_id(), index + i, dict(c)) for i, c in enumerate(cells)]
        return InsertRows(part_id, table, items, f"增加 {len(items)} 行" if len(items) > 1 else "增加行")

    def remove_rows_command(self, part_id: str, table: str, row_ids: list[str]) -> RemoveRows:
        ps = self.part(part_id)
        order = ps.data_rows(table)
        items = []
        for rid in sorted(set(row_ids) & set(order), key=order.index):
            row = ps.row(table, rid)
            prefix = f"{table}/{rid}/"
            ovr = {a[len(prefix):]: raw for a, raw in ps.part.overrides.items() if a.startswith(prefix)}
            items.append(RowItem(rid, order.index(rid), dict(row.cells) if row else {}, ovr))
        return RemoveRows(part_id, table, items, f"删除 {len(items)} 行" if len(items) > 1 else "删除行")

    def move_row_command(self, part_id: str, table: str, row_id: str, new_index: int) -> MoveRow:
        order = self.part(part_id).data_rows(table)
        return MoveRow(part_id, table, row_id, order.index(row_id), new_index)

    def paste_command(self, part_id: str, table: str, row_index: int, col_index: int,
                      block: list[list[str]]) -> Batch:
        """Paste tab-separated cells from Excel/WPS at a data row and column; rows are added as needed.

        Computed and label cells in the block's area are skipped (their value comes from the form)."""
        ps = self.part(part_id)
        t = self.form.tables[table]
        rows = ps.data_rows(table)
        cmds: list[Command] = []
        cols = t.columns[col_index:]
        new_cells: list[dict[str, str]] = []
        for i, values in enumerate(block):
            r = row_index + i
            if r < len(rows):
                for col, text in zip(cols, values):
                    addr = cell_addr(table, rows[r], col.id)
                    # what the window shows pasted back (292.00 over a typed 292) changes nothing
                    if ps.how(addr) == "input" and text not in (ps.raw(addr), ps.text(addr)):
                        cmds.append(SetCell(part_id, addr, ps.raw(addr), text, False, ps.describe(addr)))
            elif t.repeat:
                new_cells.append({col.id: text for col, text in zip(cols, values)
                                  if col.formula is None and col.type.name != "label" and text != ""})
        if new_cells:
            cmds.append(self.insert_rows_command(part_id, table, len(rows), cells=new_cells))
        return Batch(cmds, f"粘贴 {len(block)} 行")

    def add_part_command(self, index: int | None = None, part: Part | None = None) -> AddPart:
        if not self.form.multi:
            raise SessionError(Code.SINGLE_PART_ADD, form=self.form.title, part_label=self.form.part_label)
        part = part or Part()
        index = len(self.state.parts) if index is None else index
        return AddPart(index, part.to_dict(), f"增加{self.form.part_label}")

    def remove_part_command(self, part_id: str) -> RemovePart:
        if len(self.state.parts) <= 1:
            raise SessionError(Code.KEEP_ONE_PART, part_label=self.form.part_label)
        i = self.part_index(part_id)
        return RemovePart(i, self.state.doc.parts[i].to_dict(), f"删除{self.form.part_label}")

    def move_part_command(self, part_id: str, new_index: int) -> MovePart:
        return MovePart(part_id, self.part_index(part_id), new_index, f"移动{self.form.part_label}")

    # -------------------------------------------------------------- applying (engine, then store)
    def apply(self, cmd: Command) -> Change:
        return self._run(cmd.do)

    def revert(self, cmd: Command) -> Change:
        return self._run(cmd.undo)

    def execute(self, cmd: Command, merge: bool = True) -> None:
        """Apply ``cmd`` and keep it in :attr:`history` (code without a QUndoStack)."""
        self.history.push(cmd, merge)

    def _run(self, fn: Callable[["FormSession"], None]) -> Change:
        if self.readonly:
            if self.draft.notice:
                raise SessionError(Code.READONLY_NOTICE, notice=self.draft.notice)
            raise SessionError(Code.DRAFT_READONLY)
        change = self._change = Change()
        self.revision += 1
        try:
            fn(self)
        finally:
            self._change = None
            self._quiet.forget()
        self._mark_woken(change)
        self._queued()
        for cb in list(self.listeners):
            cb(change)
        return change

    # -------------------------------------------------------------- the edits commands are made of
    # Each applies one engine edit, folds the engine's Change into the command's and queues the store
    # operation.  Commands call them from do/undo, inside apply/revert (which repaint and flush).
    def _note(self, change: Change) -> Change:
        if self._change is None:
            raise RuntimeError("session edits run inside FormSession.apply or revert")
        return self._change.update(change)

    def unfilled(self, part_id: str, problem: Any) -> bool:
        """Shown quietly as 未填, before 全部检查: a 必须填写 of a cell nobody has typed into yet, or a check
        whose inputs are all untouched and still as a new draft has them (a 权重合计 of an empty table)."""
        if self.check_all:
            return False
        if problem.check == "required":
            return (part_id, problem.addr) not in self.touched
        return self._quiet.quiet(self.part(part_id), problem, lambda key: (part_id, key) in self._touched_keys)

    def _touch(self, part_id: str, keys: set[Any]) -> None:
        """The clerk edited these inputs: checks reading them show normally from now on."""
        new = {k for k in keys if (part_id, k) not in self._touched_keys}
        if new:
            self._touched_keys |= {(part_id, k) for k in new}
            self._new_keys.setdefault(part_id, set()).update(new)

    def _mark_woken(self, change: Change) -> None:
        """Problems of checks whose inputs were first touched by this command are drawn again (未填 no more)."""
        woken, self._new_keys = self._new_keys, {}
        if self.check_all or not woken:
            return
        for part, ps in zip(self.state.doc.parts, self.state.parts):
            keys = woken.get(part.id)
            for p in ps.problems.values() if keys else ():
                if p.check != "required" and self._quiet.reads_any(ps, p, keys):
                    change.marks.add(p.addr)
                    change.part_ids.add(part.id)

    def set_cell(self, part_id: str, addr: str, raw: str | None, override: bool) -> None:
        """Type ``raw`` into an input, or (``override``) over a computed value; ``None`` = back to computed."""
        ps = self.part(part_id)
        self.touched.add((part_id, addr))
        self._touch(part_id, keys_of(self.form, ps, addr))
        if override:
            change = self._note(ps.set_override(addr, raw))
            self._queue(edits.SetOverrideOp(part_id, addr, raw))
        else:
            change = self._note(ps.set_value(addr, raw or ""))
            self._queue(edits.SetValueOp(part_id, addr, raw or ""))
        change.part_ids.add(part_id)
        t, r, c = split_addr(addr)
        if r is not None and c == self.form.tables[t].label_column:  # row names appear in the row's messages
            row = f"{t}/{r}/"
            change.marks |= {p.addr for p in ps.problems.values() if p.addr.startswith(row)}
        if addr == (self.form.part_name_field or self.form.meta.get("project")):
            change.parts = True  # the tab title shows the project name

    def set_explanation(self, part_id: str, key: str, text: str | None) -> None:
        self._note(self.part(part_id).set_explanation(key, text))
        self._queue(edits.SetExplanationOp(part_id, key, text))

    def insert_rows(self, part_id: str, table: str, items: list[RowItem]) -> None:
        """Insert rows (in the order given, each at its index) with one recalculation."""
        ps = self.part(part_id)
        self._note(ps.insert_rows(table, [(it.index, dict(it.cells), it.row_id) for it in items]))
        self._touch(part_id, {("N", table)} | {k for it in items for col, raw in {**it.cells, **it.overrides}.items()
                                               if raw for k in keys_of(self.form, ps, cell_addr(table, it.row_id, col))})
        for it in items:
            self._queue(edits.InsertRowOp(part_id, table, it.row_id, it.index, dict(it.cells)))
        for it in items:
            for col, raw in it.overrides.items():
                addr = cell_addr(table, it.row_id, col)
                self._note(ps.set_override(addr, raw))
                self._queue(edits.SetOverrideOp(part_id, addr, raw))

    def swap_part(self, part_id: str, other: PartState) -> None:
        """Exchange the part's content with ``other`` (computed elsewhere); swapping again undoes it."""
        i = self.part_index(part_id)
        ps = self.state.parts[i]
        ps.swap(other)
        self.state.doc.parts[i] = ps.part
        self._note(Change(part_ids={part_id}, everything=True, tables={(part_id, t) for t in self.form.tables}))
        self._queue(edits.ReplaceOp(self.state.doc))

    def remove_rows(self, part_id: str, table: str, row_ids: list[str]) -> None:
        """Remove rows with one recalculation."""
        self._note(self.part(part_id).remove_rows(table, row_ids))
        self._touch(part_id, {("N", table)})
        for row_id in row_ids:
            self._queue(edits.RemoveRowOp(part_id, table, row_id))

    def move_row(self, part_id: str, table: str, row_id: str, index: int) -> None:
        self._note(self.part(part_id).move_row(table, row_id, index))
        self._touch(part_id, {("N", table)})
        self._queue(edits.MoveRowOp(part_id, table, row_id, index))

    def add_part(self, index: int, part: Part) -> None:
        self.state.add_part(index, part)
        self._note(Change(part_ids={part.id}, parts=True))
        self._queue(edits.AddPartOp(index, part.copy()))

    def remove_part(self, part_id: str) -> None:
        self.state.remove_part(self.part_index(part_id))
        self._note(Change(parts=True))
        self._queue(edits.RemovePartOp(part_id))

    def move_part(self, part_id: str, index: int) -> None:
        self.state.move_part(self.part_index(part_id), index)
        self._note(Change(parts=True))
        self._queue(edits.MovePartOp(part_id, index))

    # -------------------------------------------------------------- the store
    class _BulkCtx:
        def __init__(self, s: "FormSession"):
            self.s = s

        def __enter__(self) -> None:
            if self.s._bulk_depth == 0:
                self.s._bulk_start = len(self.s.pending)
            self.s._bulk_depth += 1

        def __exit__(self, *exc: object) -> None:
            s = self.s
            s._bulk_depth -= 1
            if s._bulk_depth == 0 and len(s.pending) - s._bulk_start > BULK_OPS:
                del s.pending[s._bulk_start:]
                s.pending.append(edits.ReplaceOp(s.state.doc))

    def bulk(self) -> "_BulkCtx":
        """``with session.bulk():`` many edits of one command: written as one whole document if they are many."""
        return FormSession._BulkCtx(self)

    _bulk = bulk  # the old private name, for code written before it was public

    def _queue(self, op: edits.Op) -> None:
        if self.draft is None:
            return
        if self.pending and self._bulk_depth == 0 and op.replaces(self.pending[-1]):
            self.pending[-1] = op
        else:
            self.pending.append(op)

    def _queued(self) -> None:
        if self.draft is None or not self.pending:
            return
        if self.status != "failed":
            self._set_status("pending")
        if self.autoflush:
            self.flush()

    def flush(self) -> bool:
        """Write what is pending, one transaction per edit; True when everything is saved."""
        if self.draft is None or self.readonly:
            return True  # nothing can be written: nothing is waiting either (edits are refused)
        if not self.pending and not self._resync:
            return self.status != "failed"
        from desktop.store import DraftError

        self._set_status("saving")
        try:
            if (self._resync or self.draft.out_of_step
                    or any(isinstance(op, edits.ReplaceOp) for op in self.pending)):
                self.draft.replace_document(self.state.doc)
                self.pending.clear()
                self._resync = False
            while self.pending:
                self.pending[0].apply(self.draft)
                self.pending.pop(0)
        except DraftError as exc:
            self._resync = True
            self.error = _with_advice(exc)
            self._set_status("failed")
            return False
        except OSError as exc:  # pragma: no cover - the store translates these
            self._resync = True
            self.error = f"无法写入草稿（{os_why(exc)}）；屏幕上的内容仍在，请检查磁盘后重试，或“另存为”新文件"
            self._set_status("failed")
            return False
        self.error = ""
        self._set_status("saved")
        return True

    def save_as(self, path: str | Path) -> Path:
        """Write everything on screen to a new draft and continue there (after a failure, or a copy)."""
        from desktop.store import Draft

        new = Draft.create(path, self.state.doc)
        old = self.draft
        self.draft = new
        new.document = self.state.doc
        self.pending.clear()
        self._resync = False
        self.error = ""
        if old is not None:
            try:
                old.close()
            except Exception:  # noqa: BLE001 - the old file may be gone; nothing to keep there
                log.warning("旧草稿 %s 关闭时出错（已另存为 %s）", old.path, new.path, exc_info=True)
        self._set_status("saved")
        return Path(new.path)

    def close(self) -> bool:
        """Flush and close the draft; False if something could not be written (still in memory)."""
        ok = self.flush()
        if ok and self.draft is not None:
            self.draft.close()
        return ok

    def _set_status(self, status: str) -> None:
        if status == self.status and status != "failed":
            return
        self.status = status
        for cb in list(self.status_listeners):
            cb(status, self.status_text)


def _with_advice(exc: Any) -> str:
    text = getattr(exc, "text", str(exc))
    if "另存为" not in text:
        text += "；屏幕上的内容仍在，请检查磁盘或网络后继续填写（会自动重试），或“另存为”新文件"
    return text
