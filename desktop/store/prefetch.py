"""Importing what a draft's first write needs on a background thread, while the clerk types.

A draft is opened and read without SQLAlchemy (:mod:`desktop.store.content_read`); its first write imports
it, a third of a second.  The form window writes after a pause in typing, so the import is started at the
first edit (:meth:`desktop.store.draft.Draft.expect_write`) and is done by the time the write comes.

The thread only imports: it makes no engine and opens no connection.  The write waits for it
(:func:`wait`) before it imports anything itself, so the two threads never import the same modules at the
same time (Python's import locks would make them wait, but a thread holding one module while waiting for
another can trip their deadlock detection).  A failed import is logged and left to the write, which then
imports on its own thread and reports what is wrong there.
"""
from __future__ import annotations

import importlib
import logging
import sys
import threading

# in the order a write imports them: the library first, then the store's writers over it
MODULES = ("sqlalchemy", "sqlalchemy.pool", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.sqlite.pysqlite",
           "desktop.store.schema", "desktop.store.connection", "desktop.store.content")

log = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None


def start() -> bool:
    """Start importing :data:`MODULES` on a daemon thread, once per process; False when there is nothing
    to do (all imported already) or it was started before."""
    global _thread
    with _lock:
        if _thread is not None or all(name in sys.modules for name in MODULES):
            return False
        _thread = threading.Thread(target=_import, name="jixiao-prefetch-writes", daemon=True)
        _thread.start()
        return True


def started() -> bool:
    """Whether the prefetch has been started in this process (it may have finished)."""
    return _thread is not None


def wait() -> None:
    """Let a prefetch that is under way finish (the first write calls this before it imports)."""
    thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join()


def _import() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the write imports it again and reports it; a daemon must not die loud
            log.warning("预先载入 %s 失败；第一次保存时再载入", name, exc_info=True)
            return
