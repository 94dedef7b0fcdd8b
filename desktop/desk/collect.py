"""Collecting: scan folders and files into the library, reading only what changed.

Each file is read (:mod:`desktop.desk.sources`), every document in it is
re-checked with this program's definition and stored as received.  The same
unit + project + year of one form more than once: the newest file is current,
older ones are kept as superseded.  A PDF that travels with a submission
(same form, unit, project, year) is compared by its verification code.
Unreadable files are listed with their reason; the scan goes on.  Files are
never modified.  ``progress(done, total, name)`` is called per file and
``cancelled()`` is polled between files.  Qt-free.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import delete, insert, select, update

from desktop.core.errors import JixiaoError
from desktop.desk import schema as t
from desktop.desk.library import Library, now
from desktop.desk.sources import Found, file_stamp, read_file, walk

KIND_RANK = {"草稿": 4, "Excel": 3, "JSON": 2, "PDF": 1}  # which of two equally new files is current


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


def collect(lib: Library, paths: list[str | Path], *, progress: Callable[[int, int, str], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> CollectReport:
    files = list(walk([Path(p) for p in paths]))
    report = CollectReport(files=len(files))
    with lib.engine.connect() as conn:
        known = {r.path: (r.id, r.size, r.mtime_ns) for r in conn.execute(select(t.files))}
    touched: set[str] = set()
    for i, path in enumerate(files):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        if progress is not None:
            progress(i, len(files), path.name)
        key = str(path.resolve())
        try:
            stamp = file_stamp(path)
        except OSError as exc:
            report.unreadable.append((key, f"无法读取：{exc.strerror or exc}"))
            continue
        old = known.get(key)
        if old is not None and old[1:] == stamp:
            report.unchanged += 1
            continue
        report.read += 1
        found = read_file(path)
        with lib.engine.begin() as conn:
            file_id = _file_row(conn, key, stamp, found, old)
            for item in found:
                if item.problem:
                    continue
                touched.update(_store(conn, file_id, key, item, report))
        problems = [f"{f.where}：{f.problem}" for f in found if f.problem]
        if problems:
            report.unreadable.append((key, "；".join(problems)))
    if progress is not None:
        progress(len(files), len(files), "")
    with lib.engine.begin() as conn:
        for doc_key in touched:
            _settle(conn, doc_key)
    return report


def _file_row(conn: Any, key: str, stamp: tuple[int, int], found: list[Found], old: Any) -> int:
    problem = "；".join(f"{f.where}：{f.problem}" for f in found if f.problem)
    values = dict(size=stamp[0], mtime_ns=stamp[1], kind=found[0].kind if found else "", problem=problem,
                  scanned=now())
    if old is not None:
        conn.execute(update(t.files).where(t.files.c.id == old[0]).values(**values))
        conn.execute(delete(t.pdfs).where(t.pdfs.c.file_id == old[0]))
        return old[0]
    return conn.execute(insert(t.files).values(path=key, **values)).inserted_primary_key[0]


def _store(conn: Any, file_id: int, source: str, item: Found, report: CollectReport) -> set[str]:
    """One document into the library; returns the submission keys whose current row may change."""
    from desktop.core.catalog import load_form
    from desktop.core.engine import DocumentState
    from desktop.core.interchange import document_from_json
    from desktop.core.summary import part_figures
    from desktop.export.pdf_verify import document_hash

    doc = item.document
    try:
        form = load_form(doc.form_id)
        doc = document_from_json(doc.to_dict(), form.version)
        state = DocumentState(form, doc)
    except JixiaoError as exc:
        item.problem = exc.text
        conn.execute(update(t.files).where(t.files.c.id == file_id).values(
            problem=f"{item.where}：{exc.text}"))
        report.unreadable.append((source, f"{item.where}：{exc.text}"))
        return set()
    meta = state.meta()
    doc_key = "|".join((form.id, meta.get("unit", ""), meta.get("project", ""), meta.get("year", "")))
    if item.kind == "PDF":
        conn.execute(insert(t.pdfs).values(file_id=file_id, doc_key=doc_key, content_hash=item.pdf_hash,
                                           code=item.pdf_code, intact=bool(item.pdf_intact)))
    content_hash = document_hash(doc)
    same = conn.execute(select(t.submissions.c.id, t.submissions.c.kind).where(
        t.submissions.c.doc_key == doc_key, t.submissions.c.content_hash == content_hash)).first()
    if same is not None:  # the same content again: keep one row, pointing at the most useful file
        report.same_again += 1
        if KIND_RANK.get(item.kind, 0) > KIND_RANK.get(same.kind, 0):
            conn.execute(update(t.submissions).where(t.submissions.c.id == same.id).values(
                file_id=file_id, source=source, member=item.member, kind=item.kind,
                draft_id=item.draft_id or "", row_version=t.submissions.c.row_version + 1))
        return {doc_key}
    figures = [part_figures(ps) for ps in state.parts]
    errors = sum(len(ps.errors) for ps in state.parts)
    hints = sum(len(ps.warnings) for ps in state.parts)
    total = _totals(figures)
    sid = conn.execute(insert(t.submissions).values(
        file_id=file_id, source=source, member=item.member, kind=item.kind, form_id=form.id,
        form_version=doc.form_version or form.version, form_title=form.title, unit=meta.get("unit", ""),
        project=meta.get("project", ""), year=meta.get("year", ""), doc_key=doc_key, content_hash=content_hash,
        draft_id=item.draft_id, document=json.dumps(doc.to_dict(), ensure_ascii=False), received=now(),
        modified=item.modified, errors=errors, hints=hints, notes="；".join(item.notes), current=True,
        status="待审", **total)).inserted_primary_key[0]
    for i, (ps, fig) in enumerate(zip(state.parts, figures)):
        conn.execute(insert(t.parts).values(
            submission_id=sid, position=i, project=ps.name() or meta.get("project", ""),
            unit=_part_unit(ps) or meta.get("unit", ""),
            errors=len(ps.errors), hints=len(ps.warnings), **_text(fig.__dict__)))
    report.added += 1
    return {doc_key}


def _part_unit(ps: Any) -> str:
    fid = ps.form.meta.get("unit")
    return ps.raw(fid).strip() if fid else ""


def _totals(figures: list[Any]) -> dict[str, str]:
    """The submission's figures: sums of its parts' money; a single part's score and grade."""
    from desktop.core.summary import Figures

    if len(figures) == 1:
        return _text(figures[0].__dict__)
    out = Figures()
    budgets = [f.budget for f in figures if f.budget is not None]
    executed = [f.executed for f in figures if f.executed is not None]
    out.budget = sum(budgets) if budgets else None
    out.executed = sum(executed) if executed else None
    if out.budget and out.executed is not None:
        from desktop.core.reading import round_half_up

        out.rate = round_half_up(out.executed / out.budget, 4)
    return _text(out.__dict__)


def _text(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


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
