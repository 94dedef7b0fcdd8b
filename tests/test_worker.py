"""ui.worker.run_with_progress: the one way the views run long work off the GUI thread (exports, mail,
核对 PDF, 从 Excel 导入) — progress text in the dialog, 取消 at once, result and error on the GUI thread."""
from __future__ import annotations

import threading
import time

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget  # noqa: E402

from desktop.core.cancel import Cancelled  # noqa: E402
from desktop.core.errors import Code, JixiaoError  # noqa: E402
from ui.worker import run_with_progress  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def parent(app, qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def visible_dialogs(parent):
    return [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]


def when_shown(parent, act, ready=lambda dialog: True):
    """Call ``act(dialog)`` from the event loop once a progress dialog is visible and ``ready`` for it (the
    blocking call under test runs that loop)."""
    def look():
        dialogs = visible_dialogs(parent)
        if not dialogs or not ready(dialogs[0]):
            QTimer.singleShot(50, look)
            return
        act(dialogs[0])

    QTimer.singleShot(50, look)


def test_progress_text_reaches_the_dialog_and_the_result_comes_back(parent):
    labels, threads = [], []
    release = threading.Event()

    def work(token):
        threads.append(threading.current_thread())
        token.progress("正在读取 第 200 行")
        release.wait(5)
        return 42

    def look(dialog):
        labels.append(dialog.labelText())
        release.set()

    when_shown(parent, look, ready=lambda dialog: "第 200 行" in dialog.labelText())
    assert run_with_progress(parent, "从 Excel 导入", "导入", work, label="正在读取 t.xlsx…") == 42
    assert labels == ["正在读取 第 200 行"]
    assert threads[0] is not threading.main_thread()
    assert visible_dialogs(parent) == []


def test_the_works_error_is_raised_on_the_gui_thread(parent):
    error = JixiaoError(Code.CANCELLED)

    def work(token):
        raise error

    with pytest.raises(JixiaoError) as err:
        run_with_progress(parent, "核对 PDF", "核对 PDF", work)
    assert err.value is error


def test_cancel_returns_at_once_and_the_polling_work_stops(parent, qtbot):
    stopped, polls = threading.Event(), []

    def work(token):  # polls like the workbook import's Deadline
        while not token.is_set():
            polls.append(1)
            token.progress(f"第 {len(polls)} 次")
            time.sleep(0.02)
        stopped.set()
        return "dropped"

    def cancel(dialog):
        button, = [b for b in dialog.findChildren(QPushButton) if b.text() == "取消"]
        button.click()

    when_shown(parent, cancel)
    start = time.monotonic()
    with pytest.raises(Cancelled) as err:
        run_with_progress(parent, "从 Excel 导入", "导入", work,
                          cancelled=Cancelled(Code.EXPORT_CANCELLED, name="t.xlsx"))
    assert time.monotonic() - start < 3
    assert err.value.code is Code.EXPORT_CANCELLED and "t.xlsx" in err.value.text
    qtbot.waitUntil(stopped.is_set, timeout=3000)  # the abandoned work saw the token and stopped
    assert polls
    assert visible_dialogs(parent) == []


def test_work_that_cannot_be_abandoned_has_no_cancel_button(parent):
    seen = []

    def work(token):
        time.sleep(0.8)
        return "ok"

    when_shown(parent, lambda dialog: seen.append([b.text() for b in dialog.findChildren(QPushButton)
                                                   if b.isVisible()]))
    assert run_with_progress(parent, "备份", "备份", work, cancellable=False) == "ok"
    assert seen == [[]]


def test_started_work_leaves_the_caller_free_counts_on_a_bar_and_reports_when_done(parent, qtbot):
    """start_with_progress: the same worker and dialog, without the wait (the desk's collecting)."""
    from ui.worker import start_with_progress

    release = threading.Event()

    def work(token):
        for i in range(1, 4):
            token.count(i, 3, f"第 {i}/3 个")
        release.wait(5)
        return "collected"

    job = start_with_progress(parent, "汇总与审核", "收集报送", work)
    assert not job.finished  # the caller goes on at once
    qtbot.waitUntil(lambda: bool(visible_dialogs(parent)) and visible_dialogs(parent)[0].value() == 3, timeout=5000)
    dialog = visible_dialogs(parent)[0]
    assert (dialog.maximum(), dialog.labelText()) == (3, "第 3/3 个")
    with qtbot.waitSignal(job.done, timeout=5000):
        release.set()
    assert (job.result, job.error) == ("collected", None)
    assert visible_dialogs(parent) == []


def test_cancel_of_started_work_sets_the_token_and_done_follows_when_the_work_stops(parent, qtbot):
    from ui.worker import start_with_progress

    def work(token):
        while not token.is_set():
            time.sleep(0.02)
        return "kept what was read"

    job = start_with_progress(parent, "汇总与审核", "收集报送", work)
    qtbot.waitUntil(lambda: bool(visible_dialogs(parent)), timeout=5000)
    button, = [b for b in visible_dialogs(parent)[0].findChildren(QPushButton) if b.text() == "取消"]
    with qtbot.waitSignal(job.done, timeout=5000):
        button.click()
        assert visible_dialogs(parent) == []  # the dialog goes at once; the work stops at its next poll
    assert job.token.cancelled and job.result == "kept what was read"
