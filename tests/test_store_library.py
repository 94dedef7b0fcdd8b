"""The drafts library: recent drafts, folder index and search, a copy for the new year."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop.core.catalog import form_ids, load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.store import Draft, DraftError, read_draft_document
from desktop.store import library as lib

FORM = "suzhou-project-selfeval-2023"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    h = tmp_path / "用户数据"
    monkeypatch.setenv("JIXIAO_HOME", str(h))
    return h


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "草稿夹"
    (f / "2023年").mkdir(parents=True)
    for fid in form_ids():
        Draft.create(f / "2023年" / f"{fid}.jxd", load_sample(fid)).close()
    (f / "坏的.jxd").write_bytes(b"not a draft at all")
    (f / "说明.txt").write_text("x", encoding="utf-8")
    return f


def test_data_dir(monkeypatch, home):
    assert lib.data_dir() == home
    monkeypatch.delenv("JIXIAO_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/somewhere")
    if os.name != "nt":
        assert lib.data_dir() == Path("/somewhere/jixiao")
    assert not home.exists()  # nothing written until something is recorded


def test_recent_drafts(folder, home):
    paths = sorted((folder / "2023年").glob("*.jxd"))
    for p in paths:
        lib.add_recent(p)
    lib.add_recent(paths[0])  # opened again: to the top, once
    recent = lib.recent_drafts()
    assert [Path(e.path) for e in recent] == [paths[0].resolve()] + [p.resolve() for p in reversed(paths[1:])]
    assert recent[0].title and recent[0].opened
    lib.remove_recent(paths[0])
    assert Path(lib.recent_drafts()[0].path) == paths[-1].resolve()
    shutil.rmtree(folder / "2023年")
    assert not any(e.exists for e in lib.recent_drafts())  # listed, shown as missing, no crash
    (home / "recent.json").write_text("{broken", encoding="utf-8")
    assert lib.recent_drafts() == []


def test_index_and_search(folder, monkeypatch):
    entries = lib.index_folder(folder)
    assert len(entries) == len(form_ids()) + 1
    bad = [e for e in entries if e.problem]
    assert [e.name for e in bad] == ["坏的.jxd"] and "不是草稿文件" in bad[0].problem
    good = [e for e in entries if not e.problem]
    e = next(x for x in good if x.form == FORM)
    assert (e.unit, e.year, e.project) == ("苏州市信息中心", "2023", "电子政务项目运行维护资金")
    assert [x.form for x in lib.search_drafts(entries, unit="信息中心", year="2023")] == [FORM]
    assert [x.form for x in lib.search_drafts(entries, project="政务云")] == []
    assert [x.form for x in lib.search_drafts(entries, form="自评表", year="2023")] == [FORM]
    assert {x.form for x in lib.search_drafts(entries, text="体育 2020")} == {
        f for f in form_ids() if f.endswith("2020")}
    multi = lib.search_drafts(entries, project="上海体育文史业务经费")
    assert [x.form for x in multi] == ["shanghai-project-goals-2020"]
    assert not lib.index_folder(folder, recursive=False)[0].form  # only 坏的.jxd at the top

    # unchanged files come from the cache; a changed one is read again
    calls = []
    real = lib.read_entry
    monkeypatch.setattr(lib, "read_entry", lambda p: calls.append(p) or real(p))
    lib.index_folder(folder)
    assert calls == []
    path = folder / "2023年" / f"{FORM}.jxd"
    with Draft.open(path) as draft:
        draft.set_value(draft.document.parts[0].id, "project_name", "新的项目名称")
    again = lib.index_folder(folder)
    assert [Path(p).name for p in calls] == [path.name]
    assert lib.search_drafts(again, project="新的项目名称")[0].form == FORM


def test_duplicate_for_new_year(tmp_path):
    src = tmp_path / "2023.jxd"
    doc = load_sample(FORM)
    part = doc.parts[0]
    first = part.rows["indicators"][0].id
    part.overrides[f"indicators/{first}/score"] = "0.5"
    part.explanations[f"x@indicators/{first}/actual"] = "原因"
    Draft.create(src, doc).close()
    before = src.read_bytes()
    out = lib.duplicate_for_new_year(src, tmp_path / "2024")
    assert out == tmp_path / "2024.jxd"
    assert src.read_bytes() == before
    new = read_draft_document(out).parts[0]
    old = load_sample(FORM).parts[0]
    assert new.fields["year"] == "2024"
    assert new.fields["project_name"] == old.fields["project_name"]
    assert new.overrides == {} and new.explanations == {}
    for a, b in zip(old.rows["indicators"], new.rows["indicators"]):
        assert "actual" not in b.cells
        assert {k: v for k, v in a.cells.items() if k != "actual"} == b.cells  # names, classes, targets kept
    assert any("actual" in r.cells for r in old.rows["indicators"])
    # sub-project names and budgets kept; the year's actual spending (a "yearly" column) cleared
    assert new.rows["composition"][0].cells == {k: v for k, v in old.rows["composition"][0].cells.items()
                                                if k != "actual"}
    assert new.fields.get("d_paid", "") == "" and old.fields["d_paid"]
    assert new.fields["department"] == old.fields["department"]
    with pytest.raises(DraftError):
        lib.duplicate_for_new_year(src, out)  # never overwrites
    DocumentState(load_form(FORM), read_draft_document(out))  # a valid document for the engine


@pytest.mark.parametrize("form_id", form_ids())
def test_duplicate_every_form(form_id, tmp_path):
    src = tmp_path / "old.jxd"
    Draft.create(src, load_sample(form_id)).close()
    new = read_draft_document(lib.duplicate_for_new_year(src, tmp_path / "new.jxd"))
    form = load_form(form_id)
    year = form.meta.get("year")
    old = load_sample(form_id)
    for a, b in zip(old.parts, new.parts):
        if year and a.fields.get(year, "").isdigit():
            assert int(b.fields[year]) == int(a.fields[year]) + 1
        for t in form.tables.values():
            actual = {c.id for c in t.columns if c.type.name == "actual"}
            for r in b.rows.get(t.id, []):
                assert not actual & set(r.cells)
        assert not b.overrides and not b.explanations
