"""从 Excel 导入 in the form window: our own export back, a clerk's sheet through the column mapping
(one undo step, saved to the draft), and a hostile file refused with a message."""
from __future__ import annotations

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")
require("openpyxl", module="openpyxl")

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox  # noqa: E402

from desktop.core.errors import Code  # noqa: E402
from desktop.core.catalog import load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
E = "suzhou-project-selfeval-2023"


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes answered at once; what they said is kept."""
    said: list[tuple[str, str]] = []

    def box(kind, answer=QMessageBox.StandardButton.Ok):
        def show(parent, title, text, *a, **k):
            said.append((kind, text))
            return answer
        return show

    monkeypatch.setattr(QMessageBox, "information", box("information"))
    monkeypatch.setattr(QMessageBox, "warning", box("warning"))
    monkeypatch.setattr(QMessageBox, "question", box("question", QMessageBox.StandardButton.Yes))
    return said


def window(qtbot, tmp_path, form_id=E, name="表.jxd"):
    from ui.form_window import FormWindow

    s = FormSession.create(tmp_path / name, load_sample(form_id))
    win = FormWindow(s)
    qtbot.addWidget(win)
    win.show()
    return win


def choose_file(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "Excel 文件 (*.xlsx)"))


def clerk_sheet(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["2023年项目指标"])
    ws.append(["类别", "指标名称", "目标值", "实际完成值"])
    ws.append(["产出指标", "培训人次（导入）", "≥500人次", "520人次"])
    ws.append(["效益指标", "满意度（导入）", "≥90%", "93%"])
    ws.append(["效益指标", "覆盖街道数（导入）", "12个", "12个"])
    wb.save(path)
    return path


def test_own_export_comes_back(app, qtbot, tmp_path, monkeypatch, boxes):
    from desktop.export.xlsx import export_xlsx
    from desktop.export.xlsx_import import export_map
    from openpyxl import load_workbook
    from ui import exports

    win = window(qtbot, tmp_path)
    s = win.session
    ps = s.state.parts[0]
    rid = ps.data_rows("indicators")[0]
    addr = f"indicators/{rid}/actual"
    out = tmp_path / "导出.xlsx"
    export_xlsx(s.state, out)
    cell = export_map(out)[0]["cells"][addr]["c"][0]
    wb = load_workbook(out)
    wb[export_map(out)[0]["sheet"]][cell] = "从Excel改的值"
    wb.save(out)
    choose_file(monkeypatch, out)
    before = s.state.doc.to_dict()
    summary = exports.import_xlsx(win)
    assert summary and "1 处" in summary
    (kind, text), = [b for b in boxes if b[0] == "question"]
    assert "从Excel改的值" in text  # what changed was shown before taking it over
    assert ps.raw(addr) == "从Excel改的值"
    win.undo_stack.undo()
    assert s.state.doc.to_dict() == before
    win.undo_stack.redo()
    win.flush()
    path = s.path
    win.close()
    again = FormSession.open(path)
    assert again.state.parts[0].raw(addr) == "从Excel改的值"
    again.close()


def test_clerk_sheet_through_mapping(app, qtbot, tmp_path, monkeypatch, boxes):
    from ui import xlsx_import_dialog as xd

    win = window(qtbot, tmp_path)
    s = win.session
    ps = s.state.parts[0]
    n = len(ps.data_rows("indicators"))
    sheet = clerk_sheet(tmp_path / "科室的表.xlsx")
    choose_file(monkeypatch, sheet)
    seen = {}

    def drive(dialog):
        seen["dialog"] = dialog
        assert dialog.table_id() == "indicators"  # the table the headers fit best
        assert dialog.data.headers == ["类别", "指标名称", "目标值", "实际完成值"]
        assert dialog.preview.rowCount() == 3 and dialog.preview.item(0, 1).text() == "培训人次（导入）"
        assert dialog.mapping() == {"类别": "cls", "指标名称": "name", "目标值": "target", "实际完成值": "actual"}
        dialog.set_column("类别", None)  # the clerk decides not to take the 类别
        dialog.set_column("类别", "cls")  # ...and changes their mind
        dialog.mode_buttons["append"].setChecked(True)
        dialog.set_column("目标值", "actual")  # two sheet columns into one: refused, the dialog stays open
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted and "每一列只能对应一次" in boxes[-1][1]
        dialog.set_column("目标值", "target")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(xd.MappingDialog, "exec", drive)
    summary = xd.import_xlsx(win)
    assert summary == "新增 3 行，更新 0 行"
    rows = ps.data_rows("indicators")
    assert len(rows) == n + 3
    names = [ps.raw(f"indicators/{r}/name") for r in rows[-3:]]
    assert names == ["培训人次（导入）", "满意度（导入）", "覆盖街道数（导入）"]
    assert ps.raw(f"indicators/{rows[-2]}/actual") == "93%"
    assert any("新增 3 行" in text for _, text in boxes)
    assert win.undo_stack.count() == 1
    win.undo_stack.undo()  # one undo removes them all
    assert len(ps.data_rows("indicators")) == n
    win.undo_stack.redo()
    win.flush()
    path = s.path
    win.close()
    again = FormSession.open(path)
    aps = again.state.parts[0]
    assert [aps.raw(f"indicators/{r}/name") for r in aps.data_rows("indicators")[-3:]] == names
    again.close()


def test_replace_mode_is_one_undo_step(app, qtbot, tmp_path, monkeypatch, boxes):
    from ui import xlsx_import_dialog as xd

    win = window(qtbot, tmp_path)
    ps = win.session.state.parts[0]
    before = win.session.state.doc.to_dict()
    choose_file(monkeypatch, clerk_sheet(tmp_path / "表.xlsx"))

    def drive(dialog):
        dialog.mode_buttons["replace"].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(xd.MappingDialog, "exec", drive)
    xd.import_xlsx(win)
    assert len(ps.data_rows("indicators")) == 3
    win.undo_stack.undo()
    assert win.session.state.doc.to_dict() == before


@pytest.mark.parametrize("content", [b"this is not a zip at all", b"PK\x03\x04broken"])
def test_hostile_file_is_refused(app, qtbot, tmp_path, monkeypatch, boxes, content):
    from ui import exports

    win = window(qtbot, tmp_path)
    before = win.session.state.doc.to_dict()
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(content)
    choose_file(monkeypatch, bad)
    assert exports.import_xlsx(win) is None
    (kind, text), = boxes
    assert kind == "warning" and "坏文件.xlsx" in text
    assert win.session.state.doc.to_dict() == before
    assert win.undo_stack.count() == 0


def test_a_command_that_cannot_apply_is_left_out(app, qtbot, tmp_path, boxes):
    from desktop.session import SetCell
    from ui.xlsx_import_dialog import push_import

    win = window(qtbot, tmp_path)
    s = win.session
    ps = s.state.parts[0]
    rid = ps.data_rows("indicators")[0]
    good = f"indicators/{rid}/actual"
    computed = f"indicators/{rid}/score"
    assert ps.how(computed) == "computed"
    before = s.state.doc.to_dict()
    failed = push_import(win, [SetCell(ps.part.id, good, ps.raw(good), "新值"),
                               SetCell(ps.part.id, computed, ps.raw(computed), "99")])
    assert len(failed) == 1 and "未导入" in failed[0]
    assert ps.raw(good) == "新值"
    win.undo_stack.undo()
    assert s.state.doc.to_dict() == before
    win.undo_stack.redo()
    assert ps.raw(good) == "新值"
    win.close()


def test_own_export_of_several_projects(app, qtbot, tmp_path, monkeypatch, boxes):
    from desktop.core.catalog import form_ids
    from desktop.export.xlsx import export_xlsx
    from desktop.export.xlsx_import import export_map
    from openpyxl import load_workbook
    from ui import exports

    C = "shenzhen-project-selfeval-2021"
    if C not in form_ids():
        pytest.skip("form C not there yet")
    win = window(qtbot, tmp_path, C)
    s = win.session
    out = tmp_path / "深圳.xlsx"
    export_xlsx(s.state, out)
    maps = export_map(out)
    last = maps[-1]
    ps = s.state.parts[len(maps) - 1]
    addr = next(a for a in last["cells"] if "/" not in a and ps.how(a) == "input" and len(last["cells"][a]["c"]) == 1)
    wb = load_workbook(out)
    wb[last["sheet"]][last["cells"][addr]["c"][0]] = "改过的文字"
    wb.save(out)
    choose_file(monkeypatch, out)
    others = [p.to_dict() for p in s.state.doc.parts[:-1]]
    assert exports.import_xlsx(win)
    assert ps.raw(addr) == "改过的文字"
    assert [p.to_dict() for p in s.state.doc.parts[:-1]] == others  # the other projects untouched
    win.close()


def test_mapping_dialog_for_every_form(app, qtbot, tmp_path, monkeypatch, boxes):
    from desktop.core.catalog import form_ids
    from ui.xlsx_import_dialog import MappingDialog

    sheet = clerk_sheet(tmp_path / "表.xlsx")
    for i, fid in enumerate(form_ids()):
        win = window(qtbot, tmp_path, fid, f"{i}.jxd")
        d = MappingDialog(win, sheet, ["指标"])
        qtbot.addWidget(d)
        table = win.form.tables[d.table_id()]
        assert d.mapping(), fid
        assert set(d.mapping().values()) <= set(table.column_ids)
        win.close()


def test_any_failure_is_a_chinese_message_and_the_window_stays(app, qtbot, tmp_path, monkeypatch, boxes):
    """Not only the project's own errors: a failure of any kind inside the import is told, not raised."""
    from desktop.export import xlsx_import
    from ui import xlsx_import_dialog as xd

    win = window(qtbot, tmp_path)
    before = win.session.state.doc.to_dict()
    sheet = clerk_sheet(tmp_path / "表.xlsx")
    choose_file(monkeypatch, sheet)

    def broken(*a, **k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(xlsx_import, "read_xlsx", broken)
    assert xd.import_xlsx(win) is None
    (kind, text), = boxes
    assert kind == "warning" and "表.xlsx" in text and "表单没有改动" in text
    monkeypatch.setattr(xlsx_import, "read_sheet_table", lambda *a, **k: {}["boom"])
    monkeypatch.setattr(xlsx_import, "read_xlsx", lambda *a, **k: (_ for _ in ()).throw(xlsx_import.NotOwnExport(Code.XLSX_NOT_OWN, name="表.xlsx")))
    monkeypatch.setattr(xd.MappingDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    assert xd.import_xlsx(win) is None  # the sheet could not be read: nothing chosen, nothing imported
    assert any(k == "warning" and "KeyError" in t and "表.xlsx" in t for k, t in boxes[1:])
    assert win.isVisible()
    assert win.session.state.doc.to_dict() == before and win.undo_stack.count() == 0


def big_sheet(path, n):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["类别", "指标名称", "目标值", "实际完成值"])
    for i in range(n):
        ws.append(["产出目标", f"指标{i}", f">={i} 个", f"{i} 个"])
    wb.save(path)
    return path


def test_import_runs_on_a_worker_and_cancel_changes_nothing(app, qtbot, tmp_path, monkeypatch, boxes):
    """While the rows are worked out the window keeps answering (a timer ticks); 取消 leaves the form as it was."""
    import threading
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from ui import xlsx_import_dialog as xd

    win = window(qtbot, tmp_path)
    before = win.session.state.doc.to_dict()
    choose_file(monkeypatch, big_sheet(tmp_path / "大表.xlsx", 2000))
    real_plan = xd.plan_table_import
    worker = {}

    def slow_plan(*a, **k):
        worker["thread"] = threading.current_thread()
        out = real_plan(*a, **k)
        time.sleep(3)  # a slow machine
        return out

    monkeypatch.setattr(xd, "plan_table_import", slow_plan)
    monkeypatch.setattr(xd.MappingDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(50)
    seen = {}

    def cancel_soon():
        dialogs = [d for d in win.findChildren(QProgressDialog) if d.isVisible() and not d.wasCanceled()]
        if not dialogs or "thread" not in worker:
            QTimer.singleShot(100, cancel_soon)
            return
        seen["ticks"] = len(ticks)
        button, = [b for b in dialogs[0].findChildren(QPushButton) if b.text() == "取消"]
        button.click()

    QTimer.singleShot(300, cancel_soon)
    start = time.monotonic()
    assert xd.import_xlsx(win) is None
    took = time.monotonic() - start
    timer.stop()
    assert worker["thread"] is not threading.main_thread()
    assert seen["ticks"] >= 3  # the GUI thread ran its timer while the import was being worked out
    assert took < 3  # cancel returns at once, without waiting for the worker
    assert win.session.state.doc.to_dict() == before
    assert win.undo_stack.count() == 0
    assert not any(k == "warning" for k, _ in boxes)
    qtbot.wait(3200)  # the abandoned worker finishes; its result is thrown away
    assert win.session.state.doc.to_dict() == before


def test_a_big_import_is_one_undo_step(app, qtbot, tmp_path, monkeypatch, boxes):
    from ui import xlsx_import_dialog as xd

    win = window(qtbot, tmp_path)
    ps = win.session.state.parts[0]
    n = len(ps.data_rows("indicators"))
    before = win.session.state.doc.to_dict()
    choose_file(monkeypatch, big_sheet(tmp_path / "大表.xlsx", 1500))

    def drive(dialog):
        dialog.mode_buttons["append"].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(xd.MappingDialog, "exec", drive)
    assert xd.import_xlsx(win) == "新增 1500 行，更新 0 行"
    assert len(ps.data_rows("indicators")) == n + 1500
    model = win.views[ps.part.id].tables["indicators"].model()
    assert model.rowCount() >= n + 1500
    assert win.undo_stack.count() == 1
    win.undo_stack.undo()
    assert win.session.state.doc.to_dict() == before
    assert model.rowCount() < n + 10
    win.undo_stack.redo()
    win.flush()
    again = FormSession.open(win.session.path, readonly=True)
    assert len(again.state.parts[0].data_rows("indicators")) == n + 1500
    again.close()
