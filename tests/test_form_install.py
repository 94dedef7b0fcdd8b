"""Installing forms: install, upgrade, refuse older/equal/malformed, remove; drafts made with an older
version open afterwards with that version's definition and their values; the menu item."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import catalog
from desktop.core.engine import DocumentState
from desktop.forms.installed import InstallError, install, user_forms_dir
from desktop.forms.lint import read_source
from desktop.forms.workbook import write_workbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "示例表单.xlsx"
FORM_ID = "example-workbook-selfeval"


@pytest.fixture(autouse=True)
def home(jixiao_home):
    catalog.refresh()
    yield jixiao_home
    catalog.refresh()


def _definition(version: str, extra_field: bool = False) -> dict:
    data = read_source(EXAMPLE)
    data["version"] = version
    if extra_field:
        data["sections"][0]["fields"].append({"id": "contact", "label": "联系人", "type": "text"})
    return data


def _write(tmp_path: Path, data: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_install_lists_the_form_with_its_origin(tmp_path, capsys, home):
    assert FORM_ID not in catalog.form_ids()
    assert main(["form", "install", str(EXAMPLE)]) == 0
    assert "已安装表单" in capsys.readouterr().out
    assert (home / "forms" / FORM_ID / "1.json").is_file()
    assert FORM_ID in catalog.form_ids()
    assert catalog.load_form(FORM_ID).title == "项目支出绩效自评表（示例）"
    assert main(["forms"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith(FORM_ID))
    assert "示例市 2024" in line and "版本 1" in line and "由 示例表单.xlsx 安装于 " in line
    shipped = next(x for x in out.splitlines() if x.startswith("suzhou-project-selfeval-2023"))
    assert shipped.endswith("内置")


def test_same_or_older_version_is_refused(tmp_path, capsys):
    install(_write(tmp_path, _definition("2"), "v2.json"))
    assert main(["form", "install", str(_write(tmp_path, _definition("2"), "again.json"))]) == 1
    assert "不再安装相同的版本 2" in capsys.readouterr().err
    assert main(["form", "install", str(_write(tmp_path, _definition("1.9"), "old.json"))]) == 1
    assert "已有更新的版本 2，不安装较旧的版本 1.9" in capsys.readouterr().err
    assert [f.version for f in catalog.versions(FORM_ID)] == ["2"]


def test_shipped_form_may_be_upgraded_not_downgraded(tmp_path, capsys):
    data = read_source("suzhou-project-selfeval-2023")
    older = dict(data, version="2023.0")
    with pytest.raises(InstallError, match="较旧的版本"):
        install(_write(tmp_path, older, "old.json"))
    done = install(_write(tmp_path, dict(data, version="2023.10"), "new.json"))
    assert done.previous == "2023.1" and "升级到 2023.10" in done.text
    assert catalog.load_form("suzhou-project-selfeval-2023").version == "2023.10"
    assert catalog.load_form("suzhou-project-selfeval-2023", "2023.1").version == "2023.1"
    with pytest.raises(InstallError, match="2023.10"):
        install(_write(tmp_path, dict(data, version="2023.9"), "nine.json"))


def test_malformed_file_is_refused_with_its_problems(tmp_path, capsys, home):
    bad = _definition("1")
    bad["scoring"]["clases"] = {}
    assert main(["form", "install", str(_write(tmp_path, bad, "坏的.json"))]) == 1
    err = capsys.readouterr().err
    assert "坏的.json" in err and "不认识的键“clases”" in err and "您是不是想写“classes”" in err
    assert not (home / "forms").exists()
    xlsx = tmp_path / "坏的.xlsx"
    write_workbook(_definition("1"), xlsx)
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    wb["字段"]["A2"] = "haed"
    wb.save(xlsx)
    assert main(["form", "install", str(xlsx)]) == 1
    assert "工作表“字段”第 2 行“分节”列（A 列）" in capsys.readouterr().err
    assert FORM_ID not in catalog.form_ids()


def test_bad_id_is_refused(tmp_path):
    data = _definition("1")
    data["id"] = "../escape"
    with pytest.raises(InstallError, match="只能由字母"):
        install(_write(tmp_path, data, "x.json"))


def test_remove(tmp_path, capsys, home):
    install(_write(tmp_path, _definition("1"), "v1.json"))
    install(_write(tmp_path, _definition("2"), "v2.json"))
    assert main(["form", "remove", FORM_ID]) == 0
    assert "1、2" in capsys.readouterr().out
    assert FORM_ID not in catalog.form_ids()
    assert not (home / "forms" / FORM_ID).exists()
    assert main(["form", "remove", "suzhou-project-selfeval-2023"]) == 1
    assert "内置的表单，不能删除" in capsys.readouterr().err
    assert main(["form", "remove", "no-such-form"]) == 1


def test_draft_made_with_older_version_opens_with_its_values(tmp_path):
    from desktop.store import create_draft_from_document
    from desktop.store.draft import Draft

    install(_write(tmp_path, _definition("1"), "v1.json"))
    state = DocumentState.new(catalog.load_form(FORM_ID))
    state.parts[0].set_value("project_name", "职工培训")
    state.parts[0].set_value("budget", "120")
    draft_path = tmp_path / "旧版草稿.jxd"
    create_draft_from_document(draft_path, state.doc)

    done = install(_write(tmp_path, _definition("2", extra_field=True), "v2.json"))
    assert done.previous == "1"
    assert catalog.load_form(FORM_ID).version == "2"
    assert (user_forms_dir() / FORM_ID / "1.json").is_file()  # kept, not overwritten

    draft = Draft.open(draft_path)
    try:
        opened = draft.state()
        assert opened.form.version == "1" and "contact" not in opened.form.fields
        assert opened.parts[0].text("project_name") == "职工培训"
        assert opened.parts[0].text("budget") == "120.00"  # the amount, printed with its 2 decimals
    finally:
        draft.close()
    new = DocumentState.new(catalog.load_form(FORM_ID))
    assert "contact" in new.form.fields and new.doc.form_version == "2"


def test_lint_checks_without_installing(tmp_path, capsys, home):
    assert main(["form", "lint", str(EXAMPLE)]) == 0
    assert "没有问题" in capsys.readouterr().out
    assert not (home / "forms").exists()


def test_definition_round_trips_through_install(tmp_path):
    data = _definition("3")
    done = install(_write(tmp_path, copy.deepcopy(data), "v3.json"))
    from desktop.forms.canonical import dumps

    assert dumps(json.loads(done.path.read_text(encoding="utf-8"))) == dumps(data)


# ------------------------------------------------------------------ the main window's menu item
def _boxes(monkeypatch, answer=None):
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def box(kind):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, title, text))
            return answer if kind == "question" else QMessageBox.StandardButton.Ok
        return show

    for kind in ("warning", "information", "question", "critical"):
        monkeypatch.setattr(QMessageBox, kind, box(kind))
    return shown


def _menu_action(win, text):
    for menu_action in win.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(text)


def test_menu_install_malformed_file_shows_problems_and_window_stays(app, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from ui.main_window import MainWindow

    bad = _definition("1")
    bad["sections"][0]["fields"][0]["type"] = "txet"
    path = _write(tmp_path, bad, "坏的表单.json")
    shown = _boxes(monkeypatch)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    before = win.forms.count()
    _menu_action(win, "安装表单…").trigger()
    assert [s[0] for s in shown] == ["warning"]
    _, title, text = shown[0]
    assert title == "未安装表单" and "坏的表单.json" in text and "未知的字段类型“txet”" in text
    assert "您是不是想写“text”" in text
    assert win.isVisible() and win.forms.count() == before
    assert FORM_ID not in catalog.form_ids()


def test_menu_install_and_upgrade(app, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from ui.main_window import FORM_ROLE, MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    shown = _boxes(monkeypatch, answer=QMessageBox.StandardButton.No)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(EXAMPLE), ""))
    done = win.install_form_dialog()
    assert done is not None and shown[-1][0] == "information"
    item = win.forms.currentItem()
    assert item.data(FORM_ROLE) == FORM_ID and "版本 1" in item.text() and "由 示例表单.xlsx 安装于" in item.text()
    v2 = _write(tmp_path, _definition("2"), "v2.json")
    assert win.install_form(v2) is None  # asked, and the clerk said no
    assert shown[-1][0] == "question" and "升级到版本 2" in shown[-1][2]
    assert catalog.load_form(FORM_ID).version == "1"
    _boxes(monkeypatch, answer=QMessageBox.StandardButton.Yes)
    assert win.install_form(v2).previous == "1"
    assert "版本 2" in win.forms.currentItem().text()
    shown = _boxes(monkeypatch)
    assert win.install_form(v2) is None and "不再安装相同的版本 2" in shown[-1][2]


def test_forms_lists_a_damaged_installed_form_with_its_problem(tmp_path, capsys, home):
    install(_write(tmp_path, _definition("1"), "v1.json"))
    path = home / "forms" / FORM_ID / "1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][0]["fields"][0]["type"] = "txet"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    catalog.refresh()
    assert main(["forms"]) == 0
    out = capsys.readouterr().out
    assert f"{FORM_ID}\t表单定义 1.json" in out and "txet" in out
    assert "suzhou-project-selfeval-2023" in out
