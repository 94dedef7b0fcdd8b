"""The USB-stick bundle and Windows-safe file names."""
from __future__ import annotations

import datetime as dt
import importlib.util
import zipfile

import pytest

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.export.bundle import make_bundle
from desktop.export.filenames import export_basename, safe_filename
from desktop.export.xlsx_import import read_xlsx

E = "suzhou-project-selfeval-2023"
DAY = dt.date(2026, 11, 24)
HAS_PDF = importlib.util.find_spec("desktop.export.pdf") is not None


def state_of(form_id: str = E) -> DocumentState:
    return DocumentState(load_form(form_id), load_sample(form_id))


@pytest.mark.parametrize("name, expected", [
    ("苏州市体育信息中心_自评表", "苏州市体育信息中心_自评表"),
    ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
    ("报告. . .", "报告"),
    ("CON", "_CON"), ("con.txt", "_con.txt"), ("LPT1.pdf", "_LPT1.pdf"), ("COM9", "_COM9"),
    ("", "未命名"), ("???", "未命名"), ("tab\there\nnewline", "tab here newline"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_length_keeps_extension():
    name = safe_filename("很长的单位名称" * 40 + ".xlsx")
    assert name.endswith(".xlsx") and len(name) <= 80 and len(name.encode()) <= 205


def test_export_basename():
    meta = {"unit": "苏州市信息中心", "title": "苏州市级财政支出项目绩效自评表", "project": "电子政务项目运行维护资金"}
    assert export_basename(meta, DAY) == "苏州市信息中心_苏州市级财政支出项目绩效自评表_电子政务项目运行维护资金_20261124"
    several = export_basename({"unit": "上海市体育局", "title": "绩效目标表", "project": "甲、乙、丙"}, DAY)
    assert several == "上海市体育局_绩效目标表_甲等3个项目_20261124"
    assert export_basename({"unit": "a/b", "title": "", "project": ""}, DAY) == "a_b_20261124"


@pytest.mark.skipif(not HAS_PDF, reason="desktop.export.pdf is not there yet: the bundle is tested without the PDF")
def test_zip_bundle_with_pdf_xlsx_and_json(tmp_path):
    state = state_of()
    path = make_bundle(state, None, tmp_path / "U盘", as_zip=True, when=DAY)
    assert path.suffix == ".zip" and path.exists()
    base = export_basename(state.meta(), DAY)
    assert path.stem == base
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(f"{base}/{base}{ext}" for ext in (".pdf", ".xlsx", ".json"))
        assert all(i.flag_bits & 0x800 for i in zf.infolist())  # UTF-8 names
        assert zf.read(f"{base}/{base}.pdf").startswith(b"%PDF")
        zf.extract(f"{base}/{base}.xlsx", tmp_path / "out")
    back = read_xlsx(tmp_path / "out" / base / f"{base}.xlsx")
    assert back.document.to_dict() == state.doc.to_dict()
    again = make_bundle(state, None, tmp_path / "U盘", when=DAY)  # never overwrites
    assert again != path and again.name.endswith("(2).zip")
    assert not [p for p in (tmp_path / "U盘").iterdir() if p.name.startswith("jixiao-bundle-")]


def test_folder_bundle_with_a_draft(tmp_path):
    from desktop.store import create_draft_from_document, read_draft_document

    state = state_of()
    draft = tmp_path / "我的草稿.jxd"
    create_draft_from_document(draft, state.doc)
    path = make_bundle(state, draft, tmp_path / "out", as_zip=False, pdf=HAS_PDF, when=DAY)
    assert path.is_dir()
    base = export_basename(state.meta(), DAY)
    names = sorted(p.name for p in path.iterdir())
    expected = [f"{base}.jxd", f"{base}.xlsx"] + ([f"{base}.pdf"] if HAS_PDF else [])
    assert names == sorted(expected)
    copied = read_draft_document(path / f"{base}.jxd")
    assert copied.to_dict() == state.doc.to_dict()


def test_bundle_without_pdf(tmp_path):
    path = make_bundle(state_of("shanghai-project-goals-2020"), None, tmp_path, pdf=False, when=DAY)
    with zipfile.ZipFile(path) as zf:
        assert sorted(n.rsplit(".", 1)[1] for n in zf.namelist()) == ["json", "xlsx"]


def test_missing_draft_is_a_chinese_error(tmp_path):
    from desktop.export.bundle import BundleError

    with pytest.raises(BundleError) as err:
        make_bundle(state_of(), tmp_path / "没有.jxd", tmp_path / "o", pdf=False, when=DAY)
    assert "不存在" in err.value.text
