"""Verification codes and ``jixiao pdf`` / ``jixiao verify`` on JSON files and drafts."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from desktop.cli import main
from desktop.core.catalog import load_sample
from desktop.core.interchange import write_json
from desktop.export.pdf_verify import qr_payload, read_stamp, short_code
from desktop.verification import verify
from desktop.store import Draft, create_draft_from_document

FORM = "suzhou-project-selfeval-2023"


def test_short_code_shape():
    code = short_code("f", "d", "0" * 64)
    assert len(code) == 9 and code[4] == "-"
    assert code != short_code("f", "d", "1" + "0" * 63)
    assert qr_payload("f", "", "ab" * 32) == "JX1:f:-:" + ("ab" * 8)


def test_pdf_command_and_verify_json(tmp_path, capsys):
    src = tmp_path / "自评表.json"
    write_json(load_sample(FORM), src)
    out = tmp_path / "输出.pdf"
    assert main(["pdf", str(src), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    stamp = read_stamp(out)
    assert stamp.pages == len(PdfReader(str(out)).pages) >= 2
    assert f"共 {stamp.pages} 页" in said
    assert stamp.form_id == FORM and len(stamp.content_hash) == 64 and not stamp.final
    assert stamp.code in said
    text = PdfReader(str(out)).pages[0].extract_text().replace(" ", "")
    assert stamp.code in text
    assert main(["verify", str(out), str(src)]) == 0
    assert "一致" in capsys.readouterr().out
    doc = load_sample(FORM)
    doc.parts[0].fields["project_name"] = "改了名字"
    write_json(doc, src)
    assert main(["verify", str(out), str(src)]) == 1
    assert "不一致" in capsys.readouterr().out


def test_final_from_draft_takes_snapshot_and_verify_names_it(tmp_path, capsys):
    draft = tmp_path / "草稿.jxd"
    create_draft_from_document(draft, load_sample(FORM))
    out = tmp_path / "final.pdf"
    assert main(["pdf", str(draft), "-o", str(out), "--final"]) == 0
    said = capsys.readouterr().out
    assert "正式版" in said and "版本" in said
    with Draft.open(draft) as d:
        snaps = d.snapshots()
        assert snaps and snaps[0].reason == "export"
        assert snaps[0].content_hash == read_stamp(out).content_hash
        d.set_value(d.document.parts[0].id, "project_name", "之后又改了")
    result = verify(out, draft)
    assert not result.ok and result.matched and "版本" in result.text
    assert main(["verify", str(out), str(draft)]) == 1
    said = capsys.readouterr().out
    assert "不一致" in said and f"版本 {snaps[0].id}" in said
    # a PDF of the current content matches it
    out2 = tmp_path / "now.pdf"
    assert main(["pdf", str(draft), "-o", str(out2)]) == 0
    assert main(["verify", str(out2), str(draft)]) == 0


def test_final_refused_with_errors(tmp_path, capsys):
    doc = load_sample(FORM)
    doc.parts[0].fields["a_initial"] = "很多"
    src = tmp_path / "bad.json"
    write_json(doc, src)
    assert main(["pdf", str(src), "-o", str(tmp_path / "x.pdf"), "--final"]) == 2
    assert "不能导出正式版" in capsys.readouterr().err
    assert main(["pdf", str(src), "-o", str(tmp_path / "x.pdf")]) == 0
    assert "草稿" in capsys.readouterr().out


def test_verify_foreign_pdf(tmp_path, capsys):
    from reportlab.pdfgen.canvas import Canvas

    other = tmp_path / "other.pdf"
    c = Canvas(str(other))
    c.drawString(100, 100, "hello")
    c.save()
    src = tmp_path / "a.json"
    write_json(load_sample(FORM), src)
    assert main(["verify", str(other), str(src)]) == 2
    assert "不是本程序导出的 PDF" in capsys.readouterr().err
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"not a pdf at all")
    assert main(["verify", str(garbage), str(src)]) == 2


def test_verify_other_form(tmp_path, capsys):
    a = tmp_path / "a.json"
    write_json(load_sample(FORM), a)
    b = tmp_path / "b.json"
    write_json(load_sample("suzhou-project-declare-2020"), b)
    out = tmp_path / "a.pdf"
    assert main(["pdf", str(a), "-o", str(out)]) == 0
    assert main(["verify", str(out), str(b)]) == 1
    assert "表单" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["项目 自评（2023）.pdf"])
def test_chinese_file_names(tmp_path, name):
    src = tmp_path / "源 文件.json"
    write_json(load_sample(FORM), src)
    assert main(["pdf", str(src), "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / name).is_file()
