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


# ---------------------------------------------------------------------------------------
# what the PDF visibly shows, not what its metadata claims
# ---------------------------------------------------------------------------------------

def _find(pdf, text):
    """(page number, (left, bottom, right, top)) of the first occurrence of ``text`` in the PDF's text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            found = tp.search(text).get_next()
            if found:
                index, count = found
                boxes = [tp.get_charbox(index + k) for k in range(count)]
                return i + 1, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                               max(b[2] for b in boxes), max(b[3] for b in boxes))
    finally:
        doc.close()
    raise AssertionError(f"{text} not in {pdf}")


def _overlay(pdf, out, page, draw):
    """Draw on one page of ``pdf`` with ReportLab and merge it over the page (pypdf); metadata kept."""
    import io

    from pypdf import PdfWriter
    from reportlab.pdfgen.canvas import Canvas

    reader = PdfReader(str(pdf))
    box = reader.pages[page - 1].mediabox
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(float(box.width), float(box.height)))
    draw(c)
    c.save()
    writer = PdfWriter(clone_from=reader)
    writer.pages[page - 1].merge_page(PdfReader(buf).pages[0])
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def _draft(tmp_path, name, doc=None):
    path = tmp_path / name
    create_draft_from_document(path, doc or load_sample(FORM))
    return path


def test_a_figure_drawn_over_is_caught_with_its_page(tmp_path, capsys):
    draft = _draft(tmp_path, "草稿.jxd")
    good = tmp_path / "好.pdf"
    assert main(["pdf", str(draft), "-o", str(good)]) == 0
    assert verify(good, draft).ok
    page, (left, bottom, right, top) = _find(good, "2077.78")

    def cover(c):
        c.setFillColorRGB(1, 1, 1)
        c.rect(left - 1, bottom - 1, right - left + 2, top - bottom + 2, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica", top - bottom)
        c.drawString(left, bottom, "9077.78")

    bad = _overlay(good, tmp_path / "改过.pdf", page, cover)
    assert read_stamp(bad).content_hash == read_stamp(good).content_hash  # the metadata still "matches"
    result = verify(bad, draft)
    assert not result.ok
    assert result.difference.page == page and f"第 {page} 页" in result.text
    assert "9077.78" in result.text and "2077.78" in result.text
    left_mm, top_mm, _, _ = result.difference.box_mm
    assert abs(left_mm - left * 25.4 / 72) < 5
    assert main(["verify", str(bad), str(draft)]) == 1
    assert "不一致" in capsys.readouterr().out


def test_invisible_text_is_caught_in_the_text_layer(tmp_path):
    draft = _draft(tmp_path, "草稿.jxd")
    good = tmp_path / "好.pdf"
    assert main(["pdf", str(draft), "-o", str(good)]) == 0

    def hidden(c):
        t = c.beginText(100, 100)
        t.setTextRenderMode(3)  # invisible: only in what is copied or searched
        t.setFont("Helvetica", 10)
        t.textLine("9999999.99")
        c.drawText(t)

    bad = _overlay(good, tmp_path / "暗字.pdf", 1, hidden)
    result = verify(bad, draft)
    assert not result.ok and result.difference.kind == "text" and "第 1 页" in result.text


def test_metadata_copied_from_another_pdf_is_caught(tmp_path):
    from pypdf import PdfWriter

    draft = _draft(tmp_path, "草稿.jxd")
    genuine = tmp_path / "真.pdf"
    assert main(["pdf", str(draft), "-o", str(genuine)]) == 0
    other = load_sample(FORM)
    other.parts[0].fields["c_allocated"] = "9077.78"
    src = tmp_path / "别的.json"
    write_json(other, src)
    forged = tmp_path / "别的.pdf"
    assert main(["pdf", str(src), "-o", str(forged)]) == 0
    writer = PdfWriter(clone_from=PdfReader(str(forged)))
    writer.add_metadata({"/Keywords": PdfReader(str(genuine)).metadata["/Keywords"]})
    with open(tmp_path / "冒充.pdf", "wb") as fh:
        writer.write(fh)
    assert read_stamp(tmp_path / "冒充.pdf").content_hash == read_stamp(genuine).content_hash
    result = verify(tmp_path / "冒充.pdf", draft)
    assert not result.ok and result.difference is not None
    assert "第 " in result.text and "页" in result.text


def test_same_content_from_another_draft_is_told_apart(tmp_path, capsys):
    mine = _draft(tmp_path, "我的.jxd")
    theirs = _draft(tmp_path, "别人的.jxd")
    out = tmp_path / "别人的.pdf"
    assert main(["pdf", str(theirs), "-o", str(out)]) == 0
    assert verify(out, theirs).ok
    result = verify(out, mine)
    assert not result.ok and result.same_content_other_draft
    assert "内容相同但不是同一份草稿" in result.text
    assert main(["verify", str(out), str(mine)]) == 1
    assert "内容相同但不是同一份草稿" in capsys.readouterr().out


def test_a_match_says_what_it_proves(tmp_path):
    draft = _draft(tmp_path, "草稿.jxd")
    out = tmp_path / "a.pdf"
    assert main(["pdf", str(draft), "-o", str(out)]) == 0
    result = verify(out, draft)
    assert result.ok and "不能说明 PDF 是谁" in result.text
