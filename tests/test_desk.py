"""The receiving desk: collect every kind of file, duplicates, altered PDFs, hostile files, the 汇总.

The library tests run on both engines: the embedded SQLite file and a real
PostgreSQL server started for the session (tests/pg_server.py).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.commands import save_document
from desktop.desk.collect import collect
from desktop.desk.library import Library, ReviewConflict
from desktop.desk.summary import build_summary, summary_facts, summary_table
from pg_server import pg_server  # noqa: F401 - fixture

KINDS = ("jxd", "json", "xlsx", "pdf", "zip", "eml")


def renamed(form_id: str, unit: str):
    """The form's sample with the unit field (every part) set to ``unit``."""
    doc = load_sample(form_id)
    form = load_form(form_id)
    fid = form.meta.get("unit")
    for part in doc.parts:
        if fid:
            part.fields[fid] = unit
    return doc, form


def write_kind(folder: Path, kind: str, doc, form, name: str) -> Path:
    from desktop.export.eml import write_eml
    from desktop.export.pdf import export_pdf
    from desktop.export.xlsx import export_xlsx

    state = DocumentState(form, doc)
    path = folder / f"{name}.{kind}"
    if kind in ("jxd", "json"):
        save_document(doc, path)
    elif kind == "xlsx":
        export_xlsx(state, path)
    elif kind == "pdf":
        export_pdf(state, path)
    elif kind == "zip":
        from desktop.export.bundle import make_bundle

        draft = folder / f".{name}-src.jxd"
        save_document(doc, draft)
        made = make_bundle(state, draft, folder)
        draft.unlink()
        path = made.rename(path)
    elif kind == "eml":
        pdf, xlsx = folder / f".{name}.pdf", folder / f".{name}.xlsx"
        export_pdf(state, pdf)
        export_xlsx(state, xlsx)
        write_eml(path, pdf, xlsx, to="desk@example.invalid")
        pdf.unlink()
        xlsx.unlink()
    return path


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """Every form in every kind of file, each from its own unit, plus the awkward cases."""
    root = tmp_path_factory.mktemp("inbox")
    made = []
    for form_id in form_ids():
        sub = root / form_id
        sub.mkdir()
        for kind in KINDS:
            unit = f"{kind}单位"
            doc, form = renamed(form_id, unit)
            write_kind(sub, kind, doc, form, f"{unit}")
            made.append((form_id, unit))
    odd = root / "特殊情况"
    odd.mkdir()
    # the same content twice (a JSON beside its draft), and an older, different version
    doc, form = renamed("suzhou-project-selfeval-2023", "重复单位")
    old = write_kind(odd, "json", doc, form, "旧版")
    os.utime(old, (time.time() - 86400, time.time() - 86400))
    doc.parts[0].fields["d_paid"] = "2000"
    write_kind(odd, "jxd", doc, form, "新版")
    write_kind(odd, "json", doc, form, "新版副本")
    # a draft changed after its PDF was exported
    doc, form = renamed("suzhou-project-selfeval-2023", "改过单位")
    pdf = write_kind(odd, "pdf", doc, form, "改过单位")
    os.utime(pdf, (time.time() - 3600, time.time() - 3600))
    doc.parts[0].fields["d_paid"] = "1999"
    write_kind(odd, "jxd", doc, form, "改过单位")
    # hostile and corrupt files
    bad = root / "坏文件"
    bad.mkdir()
    (bad / "截断.jxd").write_bytes((root / "suzhou-project-selfeval-2023" / "jxd单位.jxd").read_bytes()[:3000])
    (bad / "不是PDF.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (bad / "不是JSON.json").write_text("{not json", encoding="utf-8")
    (bad / "未知表单.json").write_text('{"form": "no-such-form", "parts": []}', encoding="utf-8")
    (bad / "乱码.eml").write_bytes(os.urandom(2000))
    (bad / "坏压缩包.zip").write_bytes(b"PK\x03\x04" + os.urandom(500))
    victim = root.parent / f"{root.name}-victim.docx"
    victim.write_bytes(b"keep me")
    src = bad / "带日志.jxd"
    shutil.copyfile(root / "suzhou-project-declare-2020" / "jxd单位.jxd", src)
    from test_store_journal import crafted_journal

    (bad / "带日志.jxd-journal").write_bytes(crafted_journal(str(victim)))
    return root, made, victim


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request, tmp_path):
    if request.param == "sqlite":
        lib = Library.open(tmp_path / "汇总审核库.sqlite")
    else:
        server = request.getfixturevalue("pg_server")
        lib = Library.open(server.new_database())
    yield lib
    lib.close()


def test_collect_every_kind_of_file(inbox, library):
    root, made, victim = inbox
    before = digest(root)
    report = collect(library, [root])
    assert digest(root) == before and victim.read_bytes() == b"keep me"  # nothing received is modified
    rows = library.submissions(current_only=True)
    found = {(r["form_id"], r["unit"]) for r in rows}
    assert set(made) <= found
    kinds = {r["unit"]: r["kind"] for r in rows}
    assert kinds["jxd单位"] == "草稿" and kinds["pdf单位"] == "PDF" and kinds["xlsx单位"] == "Excel"
    assert kinds["zip单位"] in ("草稿", "Excel") and kinds["eml单位"] == "Excel"
    unreadable = {Path(p).name for p, _ in report.unreadable}
    assert {"截断.jxd", "不是PDF.pdf", "不是JSON.json", "未知表单.json", "乱码.eml", "坏压缩包.zip"} <= unreadable
    # a PDF sent with its draft (in the bundle and the e-mail) matches
    zipped = next(r for r in rows if r["unit"] == "zip单位" and r["form_id"] == "suzhou-project-selfeval-2023")
    assert zipped["pdf_check"] == "一致"


def test_duplicates_newest_is_current_and_altered_pdfs_show(inbox, library):
    root, _made, _victim = inbox
    report = collect(library, [root / "特殊情况"])
    assert report.same_again >= 1  # 新版副本.json is the same content as 新版.jxd
    dup = [r for r in library.submissions() if r["unit"] == "重复单位"]
    assert len(dup) == 2
    current = [r for r in dup if r["current"]]
    assert len(current) == 1 and current[0]["kind"] == "草稿"
    changed = [r for r in library.submissions(current_only=True) if r["unit"] == "改过单位"]
    assert len(changed) == 1 and changed[0]["kind"] == "草稿"
    assert changed[0]["pdf_check"].startswith("不一致")


def test_a_rescan_reads_only_what_changed(inbox, library, tmp_path):
    root, _made, _victim = inbox
    folder = tmp_path / "再收"
    shutil.copytree(root / "suzhou-project-selfeval-2023", folder)
    first = collect(library, [folder])
    assert first.read == len(KINDS) and first.added >= 1
    again = collect(library, [folder])
    assert again.read == 0 and again.unchanged == len(KINDS) and again.added == 0
    doc, form = renamed("suzhou-project-selfeval-2023", "jxd单位")
    doc.parts[0].fields["d_paid"] = "1234"
    (folder / "jxd单位.jxd").unlink()
    save_document(doc, folder / "jxd单位.jxd")
    third = collect(library, [folder])
    assert third.read == 1 and third.added == 1
    versions = [r for r in library.submissions() if r["unit"] == "jxd单位"]
    assert len(versions) == 2 and sum(r["current"] for r in versions) == 1  # the old one kept, not overwritten


def expected_totals(rows) -> tuple[Decimal, Decimal]:
    """Σ 预算数 and Σ 执行数 in 万元, read from each current document through the engine (not the desk)."""
    import json

    from desktop.core.interchange import document_from_json

    budget = executed = Decimal(0)
    for r in rows:
        doc = document_from_json(json.loads(r["document"]))
        form = load_form(doc.form_id)
        state = DocumentState(form, doc)
        for ps in state.parts:
            for key in ("budget", "executed"):
                addr = form.summary.get(key)
                value = ps.value(addr) if addr else None
                if value is None:
                    continue
                unit = getattr(ps.field_def(addr).type, "unit", "")
                value = Decimal(value) / 10000 if unit == "元" else Decimal(value)
                if key == "budget":
                    budget += value
                else:
                    executed += value
    return budget, executed


def test_summary_figures_match_independent_sums(inbox, library, tmp_path):
    from desktop.desk.summary_export import export_summary

    root, _made, _victim = inbox
    collect(library, [root])
    library.set_expected(["jxd单位", "json单位", "从未报送的单位"])
    summary = build_summary(library)
    current = library.submissions(current_only=True)
    budget, executed = expected_totals(current)
    forms = [line for line in summary.lines if line.kind == "表单小计"]
    assert sum(f.budget or 0 for f in forms) == budget and sum(f.executed or 0 for f in forms) == executed
    assert all(line.kind != "总计" for line in summary.lines)  # several forms: no total across them
    one = build_summary(library, form="suzhou-project-selfeval-2023")
    assert one.lines[-1].kind == "总计" and one.lines[-1].budget == one.lines[-2].budget
    assert summary.submissions == len(current)
    assert summary.missing == ["从未报送的单位"]
    projects = [line for line in summary.lines if line.kind == "项目"]
    assert sum(summary.grades.values()) == sum(1 for p in projects if p.grade)
    header, rows = summary_table(summary)
    assert len(rows) == len(summary.lines) and header[5] == "预算数"
    for col in (5, 6):  # amounts: at least 2 decimals
        assert all(len(r[col].rsplit(".", 1)[1]) >= 2 for r in rows if r[col])
    assert any("从未报送的单位" in f for f in summary_facts(summary))
    for suffix in (".xlsx", ".pdf"):
        out = export_summary(summary, tmp_path / f"汇总{suffix}", "某某主管部门")
        assert out.stat().st_size > 1000
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "汇总.pdf")).pages)
    assert "从未报送的单位" in text and "汇总单位（盖章）" in text and "某某主管部门" in text
    assert "草稿" in PdfReader(str(tmp_path / "汇总.pdf")).pages[0].extract_text()  # nothing reviewed yet


def test_two_reviewers_never_overwrite_each_other(library):
    from desktop.core.catalog import load_sample as sample  # noqa: F401 - documents the fixture's origin

    _ = sample
    folder_doc, form = renamed("suzhou-project-declare-2020", "审核单位")
    row_id = _insert(library, folder_doc, form)
    seen = library.submission(row_id)["row_version"]
    other = Library(library.engine, library.where)  # a second reviewer on the same library
    library.review(row_id, "通过", reviewer="张三", comment="可以", seen_version=seen)
    with pytest.raises(ReviewConflict) as err:
        other.review(row_id, "退回", reviewer="李四", comment="不行", seen_version=seen)
    assert "张三" in err.value.text
    row = library.submission(row_id)
    assert (row["status"], row["reviewer"], row["comment"]) == ("通过", "张三", "可以")


def _insert(library, doc, form) -> int:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    save_document(doc, folder / "x.jxd")
    collect(library, [folder])
    return next(r.id for r in library.submissions() if r["unit"] == "审核单位")


def test_a_returned_package_carries_the_comments(library, tmp_path):
    from desktop.core.review import read_review
    from desktop.desk.returns import open_return_package, write_return_package
    from desktop.store import read_draft_document

    doc, form = renamed("suzhou-project-declare-2020", "审核单位")
    sid = _insert(library, doc, form)
    v = library.submission(sid)["row_version"]
    v = library.add_comment(sid, "预算金额与资金来源合计不一致", reviewer="王审核", seen_version=v,
                            addr="composition/total/amount", label="项目资金构成 合计 预算金额")
    library.review(sid, "退回", reviewer="王审核", comment="请核对后重新报送", seen_version=v)
    package = write_return_package(library, sid, tmp_path / "退回包")
    assert package.suffix == ".zip"
    unit_side = tmp_path / "单位"
    unit_side.mkdir()
    draft = open_return_package(package, unit_side)
    review = read_review(read_draft_document(draft))
    assert review.status == "退回" and review.comment == "请核对后重新报送"
    assert review.comments[0].addr == "composition/total/amount"
    # printed: a 审核意见 page after the form
    from desktop.core.engine import DocumentState
    from desktop.export.pdf import export_pdf
    from pypdf import PdfReader

    returned = read_draft_document(draft)
    export_pdf(DocumentState(load_form(returned.form_id), returned), tmp_path / "退回.pdf")
    last = PdfReader(str(tmp_path / "退回.pdf")).pages[-1].extract_text()
    assert "审核意见" in last and "预算金额与资金来源合计不一致" in last and "请核对后重新报送" in last
    # the review is not the unit's content: the content hash is the submitted one
    from desktop.store.hashing import document_hash

    assert document_hash(read_draft_document(draft)) == library.submission(sid)["content_hash"]


def test_a_pdf_alone_can_be_collected_and_imported(tmp_path):
    from desktop.cli import main
    from desktop.store import read_draft_document

    doc, form = renamed("shenzhen-project-selfeval-2021", "只有PDF")
    pdf = write_kind(tmp_path, "pdf", doc, form, "只有PDF")
    assert main(["import-pdf", str(pdf), "-o", str(tmp_path / "还原.jxd")]) == 0
    back = read_draft_document(tmp_path / "还原.jxd")
    from desktop.store.hashing import document_hash

    assert document_hash(back) == document_hash(doc)


def test_command_line_collect_and_summary(inbox, tmp_path, capsys):
    from desktop.cli import main

    root, _made, _victim = inbox
    lib = tmp_path / "库.sqlite"
    assert main(["collect", str(root / "suzhou-project-selfeval-2023"), "--library", str(lib)]) == 0
    assert "新增报送" in capsys.readouterr().out
    assert main(["submissions", "--library", str(lib)]) == 0
    out = capsys.readouterr().out
    assert "jxd单位" in out and "待审" in out
    assert main(["summary", "--library", str(lib), "-o", str(tmp_path / "汇总.xlsx")]) == 0
    assert (tmp_path / "汇总.xlsx").exists()
