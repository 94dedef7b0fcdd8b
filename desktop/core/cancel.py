"""Stopping long work that runs on another thread: the token the work watches and 取消 sets.

The work registers what would keep it blocked (a socket waiting for a silent
server) with :meth:`CancelToken.on_cancel`; :meth:`CancelToken.cancel` runs those
hooks from the thread that cancels.  Work that loops polls :meth:`CancelToken.is_set`
(the spelling of a ``threading.Event``) or calls :meth:`CancelToken.check`, and tells where
it has got to with :meth:`CancelToken.progress` (and, when it counts its steps, :meth:`CancelToken.count`).  :meth:`CancelToken.finish` marks the point
after which the work's result stands, so a late 取消 cannot claim to have stopped it.
Qt-free: the SMTP client, the workbook import and the views share it.
"""
from __future__ import annotations

import threading
from typing import Callable

from desktop.core.errors import Code, JixiaoError

__all__ = ["CancelToken", "Cancelled"]


class Cancelled(JixiaoError):
    """The clerk cancelled; ``text`` says what was not done."""

    def __init__(self, code: Code = Code.CANCELLED, /, **data: object):
        super().__init__(code, **data)


class CancelToken:
    """Set once by 取消; the work checks :attr:`cancelled` or registers hooks that unblock it."""

    def __init__(self, on_progress: Callable[[str], None] | None = None,
                 on_count: Callable[[int, int], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._finished = False
        self._hooks: list[Callable[[], None]] = []
        self._on_progress = on_progress
        self._on_count = on_count

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def is_set(self) -> bool:
        """The same as :attr:`cancelled`, for work that polls a ``threading.Event``."""
        return self._cancelled

    def progress(self, text: str) -> None:
        """Tell whoever waits (a progress dialog) where the work has got to; nothing once cancelled."""
        if self._on_progress is not None and not self._cancelled:
            self._on_progress(text)

    def count(self, done: int, total: int, text: str = "") -> None:
        """Tell how far work that counts its steps has got (``done`` of ``total``, a bar in a dialog) and,
        with ``text``, where; nothing once cancelled."""
        if self._on_count is not None and not self._cancelled:
            self._on_count(done, total)
        if text:
            self.progress(text)

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` when cancelled (at once if already cancelled); it must not raise."""
        with self._lock:
            if not self._cancelled:
                self._hooks.append(hook)
                return
        hook()

    def cancel(self) -> bool:
        """Stop the work; False when it had already finished (its result stands)."""
        with self._lock:
            if self._finished:
                return False
            self._cancelled = True
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            hook()
        return True

    def finish(self) -> bool:
        """The work is done and its result should stand: False when it was cancelled first."""
        with self._lock:
            if self._cancelled:
                return False
            self._finished = True
            self._hooks = []
            return True

    def check(self) -> None:
        """Raise :class:`Cancelled` if the work should stop."""
        if self._cancelled:
            raise Cancelled()
