"""The app's log file and its last-resort error handler.

:func:`setup` (also called :func:`setup_logging`) sends every logger to a rotating file in the app data folder
(``%APPDATA%\\jixiao\\logs\\jixiao.log`` on Windows, ``~/.local/share/jixiao/logs`` on
Linux, ``$JIXIAO_HOME/logs`` when set): at most 1 MB, three older files kept.

:func:`install_excepthook` makes an unexpected error in the window logged and shown
to the clerk in Chinese instead of the windowed app vanishing without a word (a
program built without a console has nowhere to print a traceback).
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Callable

LOGGER = "jixiao"
FILE_NAME = "jixiao.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger(LOGGER)
NOTICE = "jixiao.notice"  # what the command line also prints on stderr (e.g. a journal not used)


def log_dir() -> Path:
    from desktop.paths import data_dir

    return data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / FILE_NAME


def setup() -> Path | None:
    """Log to the rotating file (once per process); returns its path, None when it cannot be written."""
    path = log_file()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path.resolve():
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None  # a read-only profile: run without a log rather than not at all
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return path


setup_logging = setup


def notices_to_stderr() -> None:
    """On the command line, notices for the clerk (logged on ``jixiao.notice``) are printed too."""
    notice = logging.getLogger(NOTICE)
    if not any(getattr(h, "_jixiao_stderr", False) for h in notice.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("注意：%(message)s"))
        handler._jixiao_stderr = True  # type: ignore[attr-defined]
        notice.addHandler(handler)


def crash_text(path: Path | None) -> str:
    where = f"详细情况已记录在日志文件 {path} 中。" if path else ""
    return ("程序遇到了一个意外错误，刚才的操作没有完成。"
            f"{where}\n\n已填写的内容随时保存在草稿文件中，不会丢失；可以继续使用。"
            "如果反复出现，请把日志文件发给单位的信息管理人员。")


_showing = threading.local()


def install_excepthook(show: Callable[[str], None]) -> None:
    """Route uncaught exceptions to the log and to ``show`` (a message box); the app stays up."""
    path = setup()

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("未处理的错误\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if getattr(_showing, "active", False):  # an error while showing the last one: log only
            return
        _showing.active = True
        try:
            show(crash_text(path))
        except Exception:  # noqa: BLE001 - the hook must never raise
            log.exception("无法显示错误信息")
        finally:
            _showing.active = False

    def thread_hook(args: threading.ExceptHookArgs) -> None:  # e.g. the mail thread: logged, no window
        log.error("线程 %s 中未处理的错误\n%s", getattr(args.thread, "name", "?"),
                  "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)))

    sys.excepthook = hook
    threading.excepthook = thread_hook
