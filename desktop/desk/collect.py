"""Collecting: scan folders and files into the library, reading only what changed.

Each changed file is read (:mod:`desktop.desk.sources`) and every document in
it re-checked with this program's definition (:func:`evaluate_file`, plain data
out, so it can run in worker processes: on a 2-core PC that halves the time of a
large first scan).  The results are stored as received, in batched
transactions.  The same unit + project + year of one form more than once: the
newest file is current, older ones are kept as superseded.  A PDF that travels
with a submission (same form, unit, project, year) is compared by its
verification code.  Unreadable files are listed with their reason; the scan
goes on.  Files are never modified.  ``progress(done, total, name)`` is called
as files finish and ``cancelled()`` is polled between them.  Qt-free.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import delete, insert, select, update

from desktop.core.errors import JixiaoError
from desktop.desk import schema as t
from desktop.desk.library import Library, now
from desktop.desk.sources import file_stamp, read_file, walk

KIND_RANK = {"草稿": 4, "Excel": 3, "JSON": 2, "PDF": 1}  # which of two equally new files is current
PARALLEL_FROM = 40  # files: fewer are read in this process (starting workers costs about a second)
BATCH_FILES, BATCH_SECONDS = 400, 2.0  # one transaction (one fsync) per batch


@dataclass
class CollectReport:
    files: int = 0
    read: int = 0
    unchanged: int = 0
    added: int = 0
    same_again: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False

    def text(self) -> str:
        out = [f"共 {self.files} 个文件：新读 {self.read} 个，未变 {self.unchanged} 个；新增报送 {self.added} 份"]
        if self.same_again:
            out.append(f"重复收到（内容相同）{self.same_again} 份")
        if self.unreadable:
            out.append(f"无法读取 {len(self.unreadable)} 个")
        if self.cancelled:
            out.append("已取消，其余文件未读")
        return "；".join(out)


# ---------------------------------------------------------------------------------- reading (any process)
def evaluate_file(path: str) -> dict[str, Any]:
    """Read one file and re-check every document in it; plain data (picklable) out."""
    p = Path(path)
    out: dict[str, Any] = {"path": path, "docs": [], "problems": []}
    try:
        out["stamp"] = file_stamp(p)
    except OSError as exc:
        out["stamp"] = None
        out["problems"].append(f"{p.name}：无法读取：{exc.strerror or exc}")
        return out
    found = read_file(p)
    out["kind"] = found[0].kind if found else ""
    for item in found:
        if item.problem:
            out["problems"].append(f"{item.where}：{item.problem}")
            continue
        try:
            out["docs"].append(_evaluate(item))
        except JixiaoError as exc:
            out["problems"].append(f"{item.where}：{exc.text}")
        except (ValueError, TypeError, KeyError, ArithmeticError, RecursionError) as exc:
            out["problems"].append(f"{item.where}：无法检查（{type(exc).__name__}）")
    return out


def _evaluate(item: Any) -> dict[str, Any]:
    from desktop.core.catalog import load_form
    from desktop.core.engine import DocumentState
    from desktop.core.summary import part_figures
    from desktop.export.pdf_verify import document_hash

    form = load_form(item.document.form_id)
    doc = item.document  # every reader checked it against this program's version of its form
    state = DocumentState(form, doc)
    meta = state.meta()
    figures = [part_figures(ps) for ps in state.parts]
    unit_field = form.meta.get("unit")
    return {
        "member": item.member, "kind": item.kind, "draft_id": item.draft_id, "modified": item.modified,
        "notes": "；".join(item.notes), "pdf_hash": item.pdf_hash, "pdf_code": item.pdf_code,
        "pdf_intact": bool(item.pdf_intact), "form_id": form.id, "form_version": doc.form_version or form.version,
        "form_title": form.title, "unit": meta.get("unit", ""), "project": meta.get("project", ""),
        "year": meta.get("year", ""),
        "doc_key": "|".join((form.id, meta.get("unit", ""), meta.get("project", ""), meta.get("year", ""))),
        "content_hash": document_hash(doc), "document": json.dumps(doc.to_dict(), ensure_ascii=False),
        "errors": sum(len(ps.errors) for ps in state.parts), "hints": sum(len(ps.warnings) for ps in state.parts),
        "totals": _totals(figures),
        "parts": [dict(position=i, project=ps.name() or meta.get("project", ""),
                       unit=(ps.raw(unit_field).strip() if unit_field else "") or meta.get("unit", ""),
                       errors=len(ps.errors), hints=len(ps.warnings), **_text(fig.__dict__))
                  for i, (ps, fig) in enumerate(zip(state.parts, figures))],
    }


def _totals(figures: list[Any]) -> dict[str, str]:
    """The submission's figures: sums of its parts' money; a single part's score and grade."""
    from desktop.core.reading import round_half_up
    from desktop.core.summary import Figures

    if len(figures) == 1:
        return _text(figures[0].__dict__)
    out = Figures()
    budgets = [f.budget for f in figures if f.budget is not None]
    executed = [f.executed for f in figures if f.executed is not None]
    out.budget = sum(budgets) if budgets else None
    out.executed = sum(executed) if executed else None
    if out.budget and out.executed is not None:
        out.rate = round_half_up(out.executed / out.budget, 4)
    return _text(out.__dict__)


def _text(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def _results(paths: list[str], cancelled: Callable[[], bool] | None) -> Iterator[dict[str, Any]]:
    """evaluate_file over ``paths``, in worker processes when there are many (results in any order)."""
    workers = min(2, os.cpu_count() or 1)
    if len(paths) < PARALLEL_FROM or workers < 2:
        for p in paths:
            if cancelled is not None and cancelled():
                return
            yield evaluate_file(p)
        return
    done: set[str] = set()
    try:
        # spawn, as on Windows: never fork a process that runs Qt threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending: list[Future] = []
            queue = iter(paths)
            for p in queue:  # keep a bounded number in flight, so cancel is prompt and memory bounded
                pending.append(pool.submit(evaluate_file, p))
                if len(pending) >= workers * 8:
                    break
            while pending:
                future = pending.pop(0)
                result = future.result()
                done.add(result["path"])
                yield result
                if cancelled is not None and cancelled():
                    for f in pending:
                        f.cancel()
                    return
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append(pool.submit(evaluate_file, nxt))
    except (BrokenProcessPool, OSError):  # no worker processes here: read the rest in this process
        for p in paths:
            if p not in done:
                if cancelled is not None and cancelled():
                    return
                yield evaluate_file(p)


# ---------------------------------------------------------------------------------- storing (this process)
def collect(lib: Library, paths: list[str | Path], *, progress: Callable[[int, int, str], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> CollectReport:
    files = list(walk([Path(p) for p in paths]))
    report = CollectReport(files=len(files))
    with lib.engine.connect() as conn:
        known = {r.path: (r.id, r.size, r.mtime_ns) for r in conn.execute(select(t.files))}
    changed = []
    for path in files:
        key = str(path.resolve())
        try:
            stamp = file_stamp(path)
        except OSError as exc:
            report.unreadable.append((key, f"无法读取：{exc.strerror or exc}"))
            continue
        old = known.get(key)
        if old is not None and old[1:] == stamp:
            report.unchanged += 1
        else:
            changed.append(key)
    touched: set[str] = set()
    n = report.unchanged
    conn = lib.engine.connect()
    try:
        tx, opened, in_batch = conn.begin(), time.monotonic(), 0
        for result in _results(changed, cancelled):
            report.read += 1
            n += 1
            if progress is not None:
                progress(n, len(files), Path(result["path"]).name)
            if result.get("stamp") is not None:
                touched.update(_store_file(conn, result, known.get(result["path"]), report))
            if result["problems"]:
                report.unreadable.append((result["path"], "；".join(result["problems"])))
            in_batch += 1
            if in_batch >= BATCH_FILES or time.monotonic() - opened > BATCH_SECONDS:
                tx.commit()
                tx, opened, in_batch = conn.begin(), time.monotonic(), 0
        report.cancelled = bool(cancelled is not None and cancelled() and report.read < len(changed))
        for doc_key in touched:
            _settle(conn, doc_key)
        tx.commit()
    finally:
        conn.close()
    if progress is not None:
        progress(len(files), len(files), "")
    return report


def _store_file(conn: Any, result: dict[str, Any], old: Any, report: CollectReport) -> set[str]:
    values = dict(size=result["stamp"][0], mtime_ns=result["stamp"][1], kind=result.get("kind", ""),
                  problem="；".join(result["problems"]), scanned=now())
    if old is not None:
        conn.execute(update(t.files).where(t.files.c.id == old[0]).values(**values))
        conn.execute(delete(t.pdfs).where(t.pdfs.c.file_id == old[0]))
        file_id = old[0]
    else:
        file_id = conn.execute(insert(t.files).values(path=result["path"], **values)).inserted_primary_key[0]
    touched = set()
    for doc in result["docs"]:
        touched.add(doc["doc_key"])
        _store_doc(conn, file_id, result["path"], doc, report)
    return touched


def _store_doc(conn: Any, file_id: int, source: str, doc: dict[str, Any], report: CollectReport) -> None:
    if doc["kind"] == "PDF":
        conn.execute(insert(t.pdfs).values(file_id=file_id, doc_key=doc["doc_key"], content_hash=doc["pdf_hash"],
                                           code=doc["pdf_code"], intact=doc["pdf_intact"]))
    same = conn.execute(select(t.submissions.c.id, t.submissions.c.kind).where(
        t.submissions.c.doc_key == doc["doc_key"], t.submissions.c.content_hash == doc["content_hash"])).first()
    if same is not None:  # the same content again: keep one row, pointing at the most useful file
        report.same_again += 1
        if KIND_RANK.get(doc["kind"], 0) > KIND_RANK.get(same.kind, 0):
            conn.execute(update(t.submissions).where(t.submissions.c.id == same.id).values(
                file_id=file_id, source=source, member=doc["member"], kind=doc["kind"], draft_id=doc["draft_id"],
                row_version=t.submissions.c.row_version + 1))
        return
    columns = {k: doc[k] for k in ("member", "kind", "form_id", "form_version", "form_title", "unit", "project",
                                   "year", "doc_key", "content_hash", "draft_id", "document", "modified", "errors",
                                   "hints", "notes")}
    sid = conn.execute(insert(t.submissions).values(
        file_id=file_id, source=source, received=now(), current=True, status="待审", **columns,
        **doc["totals"])).inserted_primary_key[0]
    conn.execute(insert(t.parts), [dict(part, submission_id=sid) for part in doc["parts"]])
    report.added += 1


def _settle(conn: Any, doc_key: str) -> None:
    """Mark the newest submission of ``doc_key`` current, and say whether a PDF sent with it matches."""
    rows = conn.execute(select(t.submissions.c.id, t.submissions.c.modified, t.submissions.c.kind,
                               t.submissions.c.content_hash).where(t.submissions.c.doc_key == doc_key)).all()
    if not rows:
        return
    newest = max(rows, key=lambda r: (r.modified, KIND_RANK.get(r.kind, 0), r.id))
    pdfs = conn.execute(select(t.pdfs.c.content_hash, t.pdfs.c.intact).where(t.pdfs.c.doc_key == doc_key)).all()
    for r in rows:
        check = ""
        if pdfs:
            if any(p.content_hash == r.content_hash and p.intact for p in pdfs):
                check = "一致"
            elif any(p.content_hash == r.content_hash for p in pdfs):
                check = "PDF 内附数据与校验码不符"
            else:
                check = "不一致：PDF 与这份报送不是同一版本"
        conn.execute(update(t.submissions).where(t.submissions.c.id == r.id).values(
            current=r.id == newest.id, pdf_check=check))
