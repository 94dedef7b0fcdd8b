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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from desktop.core.document import Part, cell_addr, new_row_id, split_addr
from desktop.core.engine import DocumentState, PartState
from desktop.core.errors import JixiaoError
from desktop.session_commands import (AddPart, Batch, Command, History, InsertRows, MovePart, MoveRow, RemovePart,
                                      RemoveRows, RowItem, SetCell, SetExplanation)

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


# ---------------------------------------------------------------------------------- change tracking
class _Recorder(dict):
    """A dict that remembers which keys were written (the engine's value and problem maps)."""

    __slots__ = ("touched",)
    ALL = object()

    def __init__(self, data: dict):
        super().__init__(data)
        self.touched: set = set()

    def __setitem__(self, k: Any, v: Any) -> None:
        self.touched.add(k)
        dict.__setitem__(self, k, v)

    def __delitem__(self, k: Any) -> None:
        self.touched.add(k)
        dict.__delitem__(self, k)

    def pop(self, k: Any, *default: Any) -> Any:
        self.touched.add(k)
        return dict.pop(self, k, *default)

    def clear(self) -> None:
        self.touched.add(_Recorder.ALL)
        dict.clear(self)


def _instrument(ps: PartState) -> None:
    for name in ("v", "calc", "problems"):
        cur = getattr(ps, name)
        if not isinstance(cur, _Recorder):
            setattr(ps, name, _Recorder(cur))


def _addr(key: Any) -> str:
    return key if isinstance(key, str) else cell_addr(*key)


@dataclass
class Change:
    """What one edit changed, for targeted repaints."""

    part_ids: set[str] = field(default_factory=set)
    cells: set[str] = field(default_factory=set)  # addresses whose value or text may differ
    marks: set[str] = field(default_factory=set)  # addresses whose problems changed
    tables: set[tuple[str, str]] = field(default_factory=set)  # (part id, table) whose rows changed
    everything: bool = False  # a part was recomputed in full
    parts: bool = False  # the list of parts changed

    @property
    def problems(self) -> bool:
        return bool(self.marks) or self.everything or self.parts


# ---------------------------------------------------------------------------------- the session
class FormSession:
    def __init__(self, state: DocumentState, draft: Any = None, autoflush: bool = True):
        self.state = state
        self.form = state.form
        self.draft = draft
        self.autoflush = autoflush
        self.pending: list[tuple] = []
        self.status = "memory" if draft is None else ("readonly" if draft.readonly else "saved")
        self.error = ""
        self._resync = False
        self._bulk_depth = 0
        self.listeners: list[Callable[[Change], None]] = []
        self.status_listeners: list[Callable[[str, str], None]] = []
        self.history = History(self)
        # 必须填写 that nobody has typed into yet is 未填 (quiet) until an export or 全部检查
        self.check_all = False
        self.touched: set[tuple[str, str]] = set()  # (part id, address) typed into in this session
        for ps in state.parts:
            _instrument(ps)

    # -------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | Path, readonly: bool = False, autoflush: bool = True) -> "FormSession":
        from desktop.store import Draft

        draft = Draft.open(path, readonly=readonly)
        try:
            state = draft.state()
        except BaseException:
            draft.close()
            raise
        return cls(state, draft, autoflush)

    @classmethod
    def create(cls, path: str | Path, doc: Any, autoflush: bool = True) -> "FormSession":
        """A new draft file holding ``doc`` (a Document), opened for filling."""
        from desktop.store import Draft

        draft = Draft.create(path, doc)
        try:
            state = draft.state()
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

    # -------------------------------------------------------------- lookup
    def part_index(self, part_id: str) -> int:
        for i, p in enumerate(self.state.doc.parts):
            if p.id == part_id:
                return i
        raise SessionError(f"没有这个项目（{part_id}）")

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
                raise SessionError(f"{ps.describe(addr)} 是计算值或表头，不能填写")
            old = ps.part.overrides.get(addr)
        else:
            if how != "input":
                raise SessionError(f"{ps.describe(addr)} 是计算值或表头，不能填写")
            old = ps.raw(addr)
        return SetCell(part_id, addr, old, raw, override, ps.describe(addr))

    def explain_command(self, part_id: str, key: str, text: str | None) -> SetExplanation:
        ps = self.part(part_id)
        return SetExplanation(part_id, key, ps.part.explanations.get(key), text or None)

    def insert_rows_command(self, part_id: str, table: str, index: int, count: int = 1,
                            cells: list[dict[str, str]] | None = None) -> InsertRows:
        cells = cells or [{} for _ in range(count)]
        items = [RowItem(new_row_id(), index + i, dict(c)) for i, c in enumerate(cells)]
        return InsertRows(part_id, table, items, f"增加 {len(items)} 行" if len(items) > 1 else "增加行")

    def remove_rows_command(self, part_id: str, table: str, row_ids: list[str]) -> RemoveRows:
        ps = self.part(part_id)
        order = ps.data_rows(table)
        items = []
        for rid in sorted(set(row_ids) & set(order), key=order.index):
            row = ps._row(table, rid)
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
                    if ps.how(addr) == "input" and ps.raw(addr) != text:
                        cmds.append(SetCell(part_id, addr, ps.raw(addr), text, False, ps.describe(addr)))
            elif t.repeat:
                new_cells.append({col.id: text for col, text in zip(cols, values)
                                  if col.formula is None and col.type.name != "label" and text != ""})
        if new_cells:
            cmds.append(self.insert_rows_command(part_id, table, len(rows), cells=new_cells))
        return Batch(cmds, f"粘贴 {len(block)} 行")

    def add_part_command(self, index: int | None = None, part: Part | None = None) -> AddPart:
        if not self.form.multi:
            raise SessionError(f"“{self.form.title}”只有一份，不能增加{self.form.part_label}")
        part = part or Part()
        index = len(self.state.parts) if index is None else index
        return AddPart(index, part.to_dict(), f"增加{self.form.part_label}")

    def remove_part_command(self, part_id: str) -> RemovePart:
        if len(self.state.parts) <= 1:
            raise SessionError(f"至少要保留一个{self.form.part_label}")
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
            raise SessionError(self.draft.notice or "草稿以只读方式打开，不能修改")
        for ps in self.state.parts:
            _instrument(ps)
            for rec in (ps.v, ps.calc, ps.problems):
                rec.touched.clear()
        self._change = Change()
        try:
            fn(self)
        finally:
            change = self._collect(self._change)
        self._queued()
        for cb in list(self.listeners):
            cb(change)
        return change

    def _collect(self, change: Change) -> Change:
        for ps in self.state.parts:
            v, calc, probs = ps.v, ps.calc, ps.problems
            if not (v.touched or calc.touched or probs.touched):
                continue
            change.part_ids.add(ps.part.id)
            if _Recorder.ALL in v.touched or _Recorder.ALL in probs.touched:
                change.everything = True
            change.cells.update(_addr(k) for k in v.touched if k is not _Recorder.ALL)
            change.cells.update(_addr(k) for k in calc.touched if k is not _Recorder.ALL)
            change.marks.update(k[1] for k in probs.touched if k is not _Recorder.ALL)
        return change

    def unfilled(self, part_id: str, problem: Any) -> bool:
        """A 必须填写 of a cell nobody has typed into yet (shown quietly as 未填), before 全部检查."""
        return problem.check == "required" and not self.check_all and (part_id, problem.addr) not in self.touched

    def _set(self, part_id: str, addr: str, raw: str | None, override: bool) -> None:
        ps = self.part(part_id)
        self.touched.add((part_id, addr))
        self._change.part_ids.add(part_id)
        self._change.cells.add(addr)
        self._change.marks.add(addr)
        if override:
            ps.set_override(addr, raw)
            self._queue(("set_override", part_id, addr, raw))
        else:
            ps.set_value(addr, raw or "")
            self._queue(("set_value", part_id, addr, raw or ""))
        t, r, c = split_addr(addr)
        if r is not None and c == self.form.tables[t].label_column:
            self._change.tables.add((part_id, t))  # row names appear in messages
        if addr == (self.form.part_name_field or self.form.meta.get("project")):
            self._change.parts = True  # the tab title shows the project name

    def _explain(self, part_id: str, key: str, text: str | None) -> None:
        self.part(part_id).set_explanation(key, text)
        self._change.part_ids.add(part_id)
        self._change.marks.add(key.split("@", 1)[-1])
        self._queue(("set_explanation", part_id, key, text))

    def _insert(self, part_id: str, table: str, items: list[RowItem]) -> None:
        """Insert rows (in the order given, each at its index) with one recalculation."""
        ps = self.part(part_id)
        ps.insert_rows(table, [(it.index, dict(it.cells), it.row_id) for it in items])
        for it in items:
            self._queue(("insert_row", part_id, table, it.row_id, it.index, dict(it.cells)))
        for it in items:
            for col, raw in it.overrides.items():
                addr = cell_addr(table, it.row_id, col)
                ps.set_override(addr, raw)
                self._queue(("set_override", part_id, addr, raw))
        self._change.tables.add((part_id, table))

    def _remove(self, part_id: str, table: str, row_ids: list[str]) -> None:
        """Remove rows with one recalculation."""
        self.part(part_id).remove_rows(table, row_ids)
        for row_id in row_ids:
            self._queue(("remove_row", part_id, table, row_id))
        self._change.tables.add((part_id, table))

    def _move(self, part_id: str, table: str, row_id: str, index: int) -> None:
        self.part(part_id).move_row(table, row_id, index)
        self._queue(("move_row", part_id, table, row_id, index))
        self._change.tables.add((part_id, table))

    def _add_part(self, index: int, part: Part) -> None:
        ps = self.state.add_part(index, part)
        _instrument(ps)
        self._queue(("add_part", index, part.copy()))
        self._change.parts = True

    def _remove_part(self, part_id: str) -> None:
        self.state.remove_part(self.part_index(part_id))
        self._queue(("remove_part", part_id))
        self._change.parts = True

    def _move_part(self, part_id: str, index: int) -> None:
        self.state.move_part(self.part_index(part_id), index)
        self._queue(("move_part", part_id, index))
        self._change.parts = True

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
                s.pending.append(("replace",))

    def _bulk(self) -> "_BulkCtx":
        return FormSession._BulkCtx(self)

    def _queue(self, op: tuple) -> None:
        if self.draft is None:
            return
        last = self.pending[-1] if self.pending else None
        if (last is not None and op[0] in ("set_value", "set_override") and last[0] == op[0]
                and last[1:3] == op[1:3] and self._bulk_depth == 0):
            self.pending[-1] = op  # typing on in the same cell: only the last text matters
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
            if self._resync or self.draft.out_of_step or any(op[0] == "replace" for op in self.pending):
                self.draft.replace_document(self.state.doc)
                self.pending.clear()
                self._resync = False
            while self.pending:
                op = self.pending[0]
                getattr(self.draft, op[0])(*op[1:])
                self.pending.pop(0)
        except DraftError as exc:
            self._resync = True
            self.error = _with_advice(exc)
            self._set_status("failed")
            return False
        except OSError as exc:  # pragma: no cover - the store translates these
            self._resync = True
            self.error = f"无法写入草稿（{exc.strerror or exc}）；屏幕上的内容仍在，请检查磁盘后重试，或“另存为”新文件"
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
                pass
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
