"""文件 → 由申报表生成自评表… in the form window and the main window: the new 自评表 opens with the
申报表's 年度 indicators and their targets in place; the 申报表 is not modified."""
from __future__ import annotations

import hashlib

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from desktop.core.catalog import load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
G, F = "national-project-declare", "national-project-selfeval"


def _menu_texts(win) -> list[str]:
    return [a.text() for m in win.menuBar().actions() if m.menu() for a in m.menu().actions()]


def _targets_shown(win) -> list[tuple[str, str]]:
    """(三级指标, 年度指标值) as the new window's indicator table shows them."""
    from PySide6.QtCore import Qt

    (view,) = win.views.values()
    model = view.tables["indicators"].model()
    cols = [c.id for c in model.columns]
    out = []
    for row in range(model.rowCount()):
        name = model.data(model.index(row, cols.index("name")), Qt.ItemDataRole.DisplayRole)
        target = model.data(model.index(row, cols.index("target")), Qt.ItemDataRole.DisplayRole)
        if name and name not in ("总分", "等级"):
            out.append((name, target))
    return out


def test_form_window_makes_the_selfeval_with_the_targets_in_place(app, qtbot, tmp_path, monkeypatch):
    from ui.form_window import FormWindow

    src = FormSession.create(tmp_path / "供水项目申报表.jxd", load_sample(G))
    win = FormWindow(src)
    qtbot.addWidget(win)
    win.show()
    assert "由申报表生成自评表…" in _menu_texts(win)
    asked = []

    def save_as(parent, title, start, filt):
        asked.append(start)
        return str(tmp_path / "供水项目自评表.jxd"), filt
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"warning: {a[2]}"))
    new = win.continue_document()
    qtbot.addWidget(new)
    assert asked and asked[0].endswith("供水项目自评表.jxd")  # the name suggested from the 申报表's
    assert new.session.form.id == F and new.isVisible()
    assert new.session.path.name == "供水项目自评表.jxd"
    shown = _targets_shown(new)
    assert shown[:3] == [("维修养护集中供水工程数量", "≥45个"), ("更换老旧供水管网长度", "≥12公里"),
                         ("水质检测合格率", "≥95%")]
    assert len(shown) == 9
    (view,) = new.views.values()
    assert view.editors["project_name"].text() == "农村饮水安全工程维修养护项目"
    assert "9 行绩效指标" in new.statusBar().currentMessage()
    # the new draft is on disk with the targets; the 申报表 window carries on untouched
    new.flush()
    again = FormSession.open(tmp_path / "供水项目自评表.jxd", readonly=True)  # the new window holds it
    ps = again.state.parts[0]
    assert [ps.raw(f"indicators/{r}/target") for r in ps.data_rows("indicators")][:2] == ["≥45个", "≥12公里"]
    again.close()
    assert win.session.form.id == G and not win.session.readonly


def test_a_selfeval_window_does_not_offer_it(app, qtbot, tmp_path):
    from ui.form_window import FormWindow

    win = FormWindow(FormSession.create(tmp_path / "自评表.jxd", load_sample(F)))
    qtbot.addWidget(win)
    assert "由申报表生成自评表…" not in _menu_texts(win)


def test_main_window_reads_the_declaration_without_changing_it(app, qtbot, tmp_path, monkeypatch):
    from ui.main_window import MainWindow

    src = tmp_path / "申报表.jxd"
    FormSession.create(src, load_sample(G)).close()
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    main = MainWindow()
    qtbot.addWidget(main)
    assert "由申报表生成自评表…" in _menu_texts(main)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), "草稿 (*.jxd)"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "自评表.jxd"), "草稿 (*.jxd)"))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"warning: {a[2]}"))
    new = main.continue_dialog()
    qtbot.addWidget(new)
    assert new.session.form.id == F
    assert ("受益群众满意度", "≥90%") in _targets_shown(new)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".jxd") == ["申报表.jxd", "自评表.jxd"]
