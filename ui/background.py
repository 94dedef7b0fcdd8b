"""Work off the GUI thread, with a progress dialog that can be cancelled.

``run_in_background(parent, title, label, work)`` runs ``work(job)`` on a worker thread
(QThreadPool) while the window keeps painting and answering; ``job.progress(text)`` updates the
dialog's label from the worker, ``job.cancel`` is set when the clerk presses 取消 (work that
looks at it stops early; any result is thrown away either way).  The caller gets
``(True, result)``, or ``(False, None)`` when cancelled; an exception raised by ``work`` is
raised again on the GUI thread.
"""
from __future__ import annotations

import logging

import threading
from typing import Any, Callable

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

SHOW_AFTER_MS = 300  # a quick job finishes before the dialog would flash up


class Job(QObject):
    """What the worker and the GUI thread share: the cancel flag and the two signals."""

    progressed = Signal(str)
    done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def progress(self, text: str) -> None:
        """Called from the worker: the dialog shows ``text`` (delivered on the GUI thread)."""
        if not self.cancel.is_set():
            self.progressed.emit(text)


_RUNNING: set["_Runner"] = set()  # kept alive here until their work is done (a cancelled job runs on)
_RUNNING_LOCK = threading.Lock()


class _Runner(QRunnable):
    """Python owns it (not the pool): the wrapper and its job stay alive until ``run`` returns, even when
    the clerk cancelled and the caller went on — Qt must never call into a collected Python object."""

    def __init__(self, job: Job, work: Callable[[Job], Any]):
        super().__init__()
        self.job, self.work = job, work
        self.setAutoDelete(False)
        with _RUNNING_LOCK:
            _RUNNING.add(self)

    def run(self) -> None:
        try:
            self.job.result = self.work(self.job)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which reports it
            logging.getLogger(__name__).info("后台任务出错（交给窗口报告）", exc_info=True)
            self.job.error = exc
        finally:
            self.job.done.emit()
            with _RUNNING_LOCK:
                _RUNNING.discard(self)


class BackgroundDialog(QProgressDialog):
    """The progress dialog of one job (busy indicator, label, 取消)."""

    def __init__(self, parent: QWidget | None, title: str, label: str):
        super().__init__(label, "取消", 0, 0, parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(SHOW_AFTER_MS)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(360)


def run_in_background(parent: QWidget | None, title: str, label: str,
                      work: Callable[[Job], Any]) -> tuple[bool, Any]:
    job = Job()
    dialog = BackgroundDialog(parent, title, label)
    loop = QEventLoop()
    job.progressed.connect(dialog.setLabelText, Qt.ConnectionType.QueuedConnection)
    job.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(job.cancel.set)
    dialog.canceled.connect(loop.quit)
    QThreadPool.globalInstance().start(_Runner(job, work))
    try:
        loop.exec()
    finally:
        cancelled = job.cancel.is_set()
        dialog.hide()
        dialog.deleteLater()
    if cancelled:
        return False, None
    if job.error is not None:
        raise job.error
    return True, job.result
