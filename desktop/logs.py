"""The app's log: a rotating file in the data folder (``jixiao.log``, 3 × 1 MB), for the IT person a clerk calls.

``setup_logging()`` is called once at start-up (the window and the command line); nothing happens on import.
"""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_NAME = "jixiao.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    from desktop.store.library import data_dir

    return data_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO, path: Path | None = None) -> Path | None:
    """Send the ``desktop`` and ``ui`` loggers to the rotating file; returns its path (None if it cannot be
    written: the app runs on without a log).  Calling it again changes nothing."""
    path = path or log_path()
    root = logging.getLogger()
    for h in root.handlers:
        if isinstance(h, logging.handlers.RotatingFileHandler) and Path(h.baseFilename) == path.resolve():
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                       encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path
