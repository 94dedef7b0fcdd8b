"""Long work off the GUI thread: a worker thread does it, a progress dialog with 取消 waits, the window stays live.

The one way the views run such work (exports, mail, bundles, 核对 PDF, 从 Excel 导入).
:func:`run_with_progress` returns what the work returned, or raises what it raised, like a plain call: the
caller's code reads top to bottom.  Meanwhile the event loop runs (the window repaints, timers fire) and the
dialog — shown only when the work takes more than a moment — blocks input to the window, so the document does
not change under the work.  The work gets a :class:`~desktop.core.cancel.CancelToken`: ``token.progress(text)``
shows ``text`` in the dialog, and work that loops polls ``token.is_set()``.  取消 sets the token (which shuts a
socket the work registered) and raises :class:`~desktop.core.cancel.Cancelled` at once: the work is abandoned and
whatever it still produces is thrown away.  The work must not touch Qt objects.

The worker is a plain Python thread that holds the only Qt object it signals through (no ``QRunnable``, which
the pool could free while an abandoned work still runs): the result, the error and each progress text reach
the GUI thread through queued signals.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.core.cancel import Cancelled, CancelToken
from desktop.core.errors import Code, message

T = TypeVar("T")
SHOW_AFTER_MS = 400  # quick work finishes without a dialog flashing up
log = logging.getLogger(__name__)


class _Signals(QObject):
    """Emitted on the worker thread, delivered on the GUI thread."""

    progressed = Signal(str)
    done = Signal()


class _Progress(QProgressDialog):
    """A busy bar; without 取消 neither Esc nor the close button hides it while the work goes on."""

    def __init__(self, label: str, parent: QWidget | None, cancellable: bool):
        super().__init__(label, "取消", 0, 0, parent)  # 0..0: a busy bar, the work gives no steps
        self.cancellable = cancellable
        if not cancellable:
            self.setCancelButton(None)

    def reject(self) -> None:
        if self.cancellable:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.cancellable:
            super().closeEvent(event)
        else:
            event.ignore()


class _Outcome:
    def __init__(self) -> None:
        self.result: object = None
        self.error: BaseException | None = None


def run_with_progress(parent: QWidget | None, title: str, what: str, work: Callable[[CancelToken], T],
                      *, label: str = "", cancelled: Cancelled | None = None, cancellable: bool = True) -> T:
    """Run ``work(token)`` on a worker thread with a progress dialog titled ``title`` that says ``label``
    (“正在{what}，请稍候……” by default) until the work reports progress.

    ``cancelled`` is the error raised when the clerk presses 取消 (a plain “已取消” by default); work that
    cannot be abandoned half-way (``cancellable=False``) gets no 取消."""
    signals = _Signals()
    token = CancelToken(on_progress=lambda text: signals.progressed.emit(text))
    outcome = _Outcome()
    loop = QEventLoop()
    signals.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    dialog = _dialog(parent, title, label or message(Code.WORKING, what=what), cancellable)
    signals.progressed.connect(dialog.setLabelText, Qt.ConnectionType.QueuedConnection)
    if cancellable:
        dialog.canceled.connect(loop.quit)
    worker = threading.Thread(target=_run, args=(work, token, outcome, signals), name=f"jixiao-{what}", daemon=True)
    worker.start()
    QTimer.singleShot(SHOW_AFTER_MS, dialog, lambda: None if token.cancelled or not worker.is_alive() else dialog.show())
    loop.exec()
    pressed = cancellable and dialog.wasCanceled()
    if cancellable:
        dialog.canceled.disconnect(loop.quit)
    dialog.cancellable = True  # now it may close
    dialog.close()
    dialog.deleteLater()
    if pressed and token.cancel():
        raise cancelled if cancelled is not None else Cancelled()
    worker.join()  # the work has finished (or finished just as 取消 was pressed: its result stands)
    if outcome.error is not None:
        raise outcome.error
    return outcome.result  # type: ignore[return-value]


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
        if not token.finish():
            log.info("abandoned work finished after 取消; its result is dropped")
    except BaseException as exc:  # handed to the GUI thread, which raises it there (or drops it after 取消)
        outcome.error = exc
        if token.cancelled and not isinstance(exc, Cancelled):
            log.info("abandoned work ended with %r after 取消", exc)
    finally:
        signals.done.emit()
