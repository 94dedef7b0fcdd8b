"""Long work off the GUI thread: a worker thread does it, a progress dialog with 取消 waits, the window stays live.

The one way the views run such work (exports, mail, bundles, 核对 PDF, 从 Excel 导入, the desk's collecting).
:func:`run_with_progress` returns what the work returned, or raises what it raised, like a plain call: the
caller's code reads top to bottom.  Meanwhile the event loop runs (the window repaints, timers fire) and the
dialog — shown only when the work takes more than a moment — blocks input to the window, so the document does
not change under the work.  The work gets a :class:`~desktop.core.cancel.CancelToken`: ``token.progress(text)``
shows ``text`` in the dialog, ``token.count(done, total, text)`` also fills its bar, and work that loops polls
``token.is_set()``.  取消 sets the token (which shuts a socket the work registered) and raises
:class:`~desktop.core.cancel.Cancelled` at once: the work is abandoned and whatever it still produces is thrown
away.  The work must not touch Qt objects.

:func:`start_with_progress` is the same without the wait: it returns the :class:`Job` at once and the caller
goes on; ``job.done`` is emitted on the GUI thread when the work has returned or raised (``job.result``,
``job.error``).  There 取消 closes the dialog and sets the token, and the work stops at its next poll: it ends
in its own way (the desk's collecting keeps the files it has read) and ``done`` follows.

Both run a :class:`Job`: a plain Python thread that holds the only Qt object it signals through (no
``QRunnable``, which the pool could free while an abandoned work still runs): the result, the error and each
progress reach the GUI thread through queued signals.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from desktop.core.cancel import Cancelled, CancelToken
from desktop.core.errors import Code, message

T = TypeVar("T")
SHOW_AFTER_MS = 400  # quick work finishes without a dialog flashing up
QUEUED = Qt.ConnectionType.QueuedConnection
log = logging.getLogger(__name__)


class _Signals(QObject):
    """Emitted on the worker thread, delivered on the GUI thread."""

    progressed = Signal(str)
    counted = Signal(int, int)
    done = Signal()


class _Progress(QProgressDialog):
    """A busy bar (a counting one once the work counts); without 取消 neither Esc nor the close button hides
    it while the work goes on."""

    def __init__(self, label: str, parent: QWidget | None, cancellable: bool):
        super().__init__(label, "取消", 0, 0, parent)  # 0..0: a busy bar until the work counts its steps
        self.cancellable = cancellable
        if not cancellable:
            self.setCancelButton(None)
        self._bar = QProgressBar(self)
        self._bar.setRange(0, 0)
        self.setBar(self._bar)

    def count(self, done: int, total: int) -> None:
        """Fill the bar (on the bar itself: QProgressDialog.setValue of a modal dialog runs the event loop)."""
        if total > 0:
            self._bar.setRange(0, total)
            self._bar.setValue(min(done, total))

    def reject(self) -> None:
        if self.cancellable:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.cancellable:
            super().closeEvent(event)
        else:
            event.ignore()

    def dismiss(self) -> None:
        self.blockSignals(True)  # closing a QProgressDialog emits canceled: this is no 取消
        self.cancellable = True  # now it may close
        self.close()
        self.deleteLater()


class _Outcome:
    def __init__(self) -> None:
        self.result: object = None
        self.error: BaseException | None = None


class Job(QObject):
    """Work running on its own thread with a progress dialog; made by :func:`start_with_progress`."""

    done = Signal()  # on the GUI thread, once the work has returned or raised

    def __init__(self, parent: QWidget | None, title: str, label: str, work: Callable[[CancelToken], Any],
                 cancellable: bool, name: str):
        super().__init__(parent)
        self.finished = False
        self.abandoned = False  # run_with_progress gave up on it at 取消: what it still produces is dropped
        self._outcome = _Outcome()
        self._signals = signals = _Signals()
        self.token = CancelToken(on_progress=signals.progressed.emit, on_count=signals.counted.emit)
        self.dialog: _Progress | None = _dialog(parent, title, label, cancellable)
        signals.progressed.connect(self.dialog.setLabelText, QUEUED)
        signals.counted.connect(self.dialog.count, QUEUED)
        signals.done.connect(self._finished, QUEUED)
        if cancellable:
            self.dialog.canceled.connect(self.cancel)
        self._thread = threading.Thread(target=_run, args=(work, self.token, self._outcome, signals),
                                        name=f"jixiao-{name}", daemon=True)
        self._thread.start()
        QTimer.singleShot(SHOW_AFTER_MS, self.dialog, self._show)

    @property
    def result(self) -> Any:
        return self._outcome.result

    @property
    def error(self) -> BaseException | None:
        return self._outcome.error

    def cancel(self) -> bool:
        """取消: the dialog goes, the token is set; False when the work had already finished (its result
        stands)."""
        self._dismiss()
        return self.token.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread has ended (at most ``timeout`` seconds); True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _show(self) -> None:
        if self.dialog is not None and not self.finished and not self.token.cancelled:
            self.dialog.show()

    def _dismiss(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.dismiss()

    def _finished(self) -> None:
        self._thread.join()  # it has emitted its last signal
        self.finished = True
        self._dismiss()
        if self.abandoned:  # nobody takes its outcome
            self.deleteLater()
        self.done.emit()


def start_with_progress(parent: QWidget | None, title: str, what: str, work: Callable[[CancelToken], Any],
                        *, label: str = "", cancellable: bool = True) -> Job:
    """Start ``work(token)`` on a worker thread with a progress dialog titled ``title`` that says ``label``
    (“正在{what}，请稍候……” by default), and return its :class:`Job` at once; the caller connects
    ``job.done`` and calls ``job.deleteLater()`` when it has taken the outcome."""
    return Job(parent, title, label or message(Code.WORKING, what=what), work, cancellable, what)


def run_with_progress(parent: QWidget | None, title: str, what: str, work: Callable[[CancelToken], T],
                      *, label: str = "", cancelled: Cancelled | None = None, cancellable: bool = True) -> T:
    """Run ``work(token)`` like :func:`start_with_progress` and wait for it, the event loop running.

    ``cancelled`` is the error raised when the clerk presses 取消 (a plain “已取消” by default); work that
    cannot be abandoned half-way (``cancellable=False``) gets no 取消."""
    job = start_with_progress(parent, title, what, work, label=label, cancellable=cancellable)
    loop = QEventLoop()
    job.done.connect(loop.quit, QUEUED)
    if job.dialog is not None and cancellable:
        job.dialog.canceled.connect(loop.quit)  # after job.cancel, connected first
    loop.exec()
    if not job.finished and job.token.cancelled:
        job.abandoned = True  # 取消: the work is left to stop by itself
        raise cancelled if cancelled is not None else Cancelled()
    job.wait()  # the work has finished (or finished just as 取消 was pressed: its result stands)
    job.deleteLater()
    if job.error is not None:
        raise job.error
    return job.result  # type: ignore[return-value]


def _dialog(parent: QWidget | None, title: str, label: str, cancellable: bool) -> _Progress:
    dialog = _Progress(label, parent, cancellable)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(24 * 3600 * 1000)  # shown by our own timer, never by Qt's guess
    dialog.setMinimumWidth(360)
    return dialog


def _run(work: Callable[[CancelToken], object], token: CancelToken, outcome: _Outcome, signals: _Signals) -> None:
    try:
        outcome.result = work(token)
        if not token.finish():  # from here a late 取消 no longer stops it: its result stands
            log.info("work finished after 取消 (an abandoned one's result is dropped)")
    except BaseException as exc:  # handed to the GUI thread, which raises it there (or drops it after 取消)
        outcome.error = exc
        if token.cancelled and not isinstance(exc, Cancelled):
            log.info("work ended with %r after 取消", exc)
    finally:
        signals.done.emit()
