"""The 汇总与审核 window: collect, filter, open read-only, comment on a cell, return; the unit sees it."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog  # noqa: E402

from test_desk import renamed, write_kind  # noqa: E402


def test_collect_filter_open_return_and_the_unit_sees_the_comment(app, qtbot, tmp_path, monkeypatch):
    from ui.desk_window import DeskWindow, current_address
    from ui.main_window import MainWindow

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for unit, kind in (("甲单位", "jxd"), ("乙单位", "pdf"), ("丙单位", "json")):
        doc, form = renamed("suzhou-project-declare-2020", unit)
        write_kind(inbox, kind, doc, form, unit)
    doc, form = renamed("suzhou-project-selfeval-2023", "丁单位")
    write_kind(inbox, "xlsx", doc, form, "丁单位")
    desk = DeskWindow(tmp_path / "库.sqlite")
    qtbot.addWidget(desk)
    desk.show()
    worker = desk.collect([str(inbox)])
    with qtbot.waitSignal(worker.done, timeout=60000):
        pass
    QApplication.processEvents()
    assert desk.model.rowCount() == 4
    # filter: one form, then a search
    desk.form_box.setCurrentIndex(desk.form_box.findData("suzhou-project-declare-2020"))
    assert desk.model.rowCount() == 3
    desk.search.setText("乙单位")
    assert desk.model.rowCount() == 1
    desk.table.selectRow(0)
    desk.table.setCurrentIndex(desk.model.index(0, 1))
    win = desk.open_selected()  # deletes itself when closed
    assert win.session.readonly
    # comment on the cell the reviewer clicked: 项目资金构成 合计
    table = next(iter(v.tables["composition"] for v in win.views.values()))
    model = table.model()
    addr = next(a for a in ("composition/total/amount",) if model.index_of(a).isValid())
    table.setFocus()
    table.setCurrentIndex(model.index_of(addr))
    QApplication.processEvents()
    monkeypatch.setattr(win, "focusWidget", lambda: table)
    assert current_address(win) == (0, addr)
    monkeypatch.setattr(QInputDialog, "getMultiLineText",
                        staticmethod(lambda *a, **k: ("合计与资金来源不一致，请核对", True)))
    desk._comment_from(win, desk.selected_id())
    assert desk.set_status("退回", "请核对后重新报送")
    assert desk.model.visible[0]["status"] == "退回"
    package = tmp_path / "退回乙单位.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(package), "")))
    assert desk.write_return() == package
    # the unit opens the package in its app: the comment sits in the problems panel, beside its cell
    unit_folder = tmp_path / "乙单位电脑"
    unit_folder.mkdir()
    local = unit_folder / package.name
    local.write_bytes(package.read_bytes())
    main = MainWindow()
    qtbot.addWidget(main)
    unit_win = main.open_return(local)
    assert unit_win is not None  # deletes itself when closed
    panel = unit_win.problems
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any("审核意见" in t and "退回" in t for t in texts)
    item = next(panel.list.item(i) for i in range(panel.list.count()) if "合计与资金来源不一致" in texts[i])
    jumped = []
    monkeypatch.setattr(unit_win, "jump", lambda part, a: jumped.append((part, a)))
    panel.jump = unit_win.jump
    panel._go(item)
    assert jumped == [(0, addr)]
    unit_win.close()
    win.close()
    desk.close()


def test_desk_sorting_and_filtering_keep_up(app, qtbot):
    from ui.desk_model import DeskFilter, DeskModel

    model = DeskModel()
    rows = [{"id": i, "unit": f"单位{i % 97}", "project": f"项目{i}", "form_title": "表", "form_id": "f",
             "budget": str(i * 3 % 1000), "executed": "1", "rate": "0.5", "score": str(i % 100), "grade": "优",
             "errors": i % 3, "hints": 0, "status": "待审" if i % 2 else "通过", "current": True, "comment": ""}
            for i in range(2000)]
    model.load(rows)
    from ui.desk_model import COLUMNS

    model.sort([c for c, _ in COLUMNS].index("budget"))  # 预算数: numerically, not as text
    budgets = [int(model.visible[i]["budget"]) for i in range(len(model.visible))]
    assert budgets == sorted(budgets)
    model.apply(DeskFilter(status="通过", errors_only=True, text="单位5"))
    assert all(r["status"] == "通过" and r["errors"] and "单位5" in r["unit"] for r in model.visible)
    assert model.rowCount() == len(model.visible) > 0


def test_main_window_has_the_desk(app, qtbot, tmp_path, monkeypatch):
    from ui.main_window import MainWindow

    monkeypatch.setenv("JIXIAO_HOME", str(tmp_path))
    main = MainWindow()
    qtbot.addWidget(main)
    texts = [a.text() for a in main.menuBar().actions()[0].menu().actions()]
    assert "汇总与审核…" in texts and "打开退回包…" in texts
    desk = main.open_desk()  # deletes itself when closed
    assert Path(desk.lib.where).parent == tmp_path
    desk.close()


def test_the_library_can_be_changed_from_the_window(app, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui import settings as user_settings
    from ui.desk_window import DeskWindow

    desk = DeskWindow(tmp_path / "甲.sqlite")
    qtbot.addWidget(desk)
    other = tmp_path / "乙.sqlite"
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (str(other), True)))
    assert desk.choose_library()
    assert desk.lib.where == str(other) and user_settings.get("desk_library") == str(other)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a, **k: said.append(a[2])))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (str(tmp_path / "无此文件夹" / "x"), True)))
    assert not desk.choose_library() and "不存在" in said[0]
    assert desk.lib.where == str(other)  # the window keeps working on the library it had
    desk.close()


def test_cancel_during_collecting_stops_it_keeps_what_was_read_and_the_window_stays_usable(app, qtbot, tmp_path,
                                                                                           monkeypatch):
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    import desktop.desk.collect as collecting
    from ui.desk_window import DeskWindow

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    doc, form = renamed("suzhou-project-declare-2020", "甲单位")
    for i in range(8):
        doc.parts[0].fields[form.meta["unit"]] = f"单位{i}"
        write_kind(inbox, "json", doc, form, f"单位{i}")
    store = collecting._store_file
    stored = []

    def slow_store(*args, **kwargs):  # a slow share: each file takes a while
        stored.append(1)
        time.sleep(0.25)
        return store(*args, **kwargs)

    monkeypatch.setattr(collecting, "_store_file", slow_store)
    desk = DeskWindow(tmp_path / "库.sqlite")
    qtbot.addWidget(desk)
    desk.show()
    job = desk.collect([str(inbox)])
    assert desk.collect([str(inbox)]) is job  # a second click while it runs starts nothing new
    bars = []

    def dialog():
        shown = [d for d in desk.findChildren(QProgressDialog) if d.isVisible()]
        return shown[0] if shown and shown[0].maximum() == 8 and shown[0].value() >= 2 else None

    qtbot.waitUntil(lambda: dialog() is not None, timeout=20000)  # the bar counts files
    bars.append((dialog().value(), dialog().maximum(), dialog().labelText()))
    button, = [b for b in dialog().findChildren(QPushButton) if b.text() == "取消"]
    with qtbot.waitSignal(job.done, timeout=20000):
        button.click()
        assert not [d for d in desk.findChildren(QProgressDialog) if d.isVisible()]  # gone at once
    QApplication.processEvents()
    assert bars[0][1] == 8 and "正在读取" in bars[0][2] and "/8：" in bars[0][2]
    assert desk.job is None
    kept = desk.model.rowCount()
    assert 2 <= kept < 8 and len(stored) == kept  # stopped between files; what was read is in the library
    assert "已取消" in desk.statusBar().currentMessage()
    # the window goes on: filter, and collect the rest
    desk.search.setText("单位")
    assert desk.model.rowCount() == kept
    monkeypatch.setattr(collecting, "_store_file", store)
    with qtbot.waitSignal(desk.collect([str(inbox)], remember=False).done, timeout=60000):
        pass
    QApplication.processEvents()
    assert desk.model.rowCount() == 8
    desk.close()
