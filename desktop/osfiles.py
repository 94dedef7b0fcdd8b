"""File operations that survive Windows' antivirus, OneDrive and search indexer.

On Windows a file just written is often held open for a moment by a virus
scanner, the OneDrive client or the indexer; ``os.replace`` then fails with
WinError 5 (access denied) or 32 (sharing violation) although a moment later it
would succeed.  :func:`replace` retries briefly on exactly those errors and is
used by every atomic writer (new draft, PDF, Excel, e-mail, library index,
bundle).  :func:`remove_tree` removes a temporary folder and ignores what it
cannot remove.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import quote

RETRY_SECONDS = 2.0  # total time to wait for a scanner to let go of a file
_FIRST_WAIT = 0.02
_BUSY_WINERRORS = {5, 32, 33}  # access denied, sharing violation, lock violation

BUSY_HINT = "（文件可能正被其他程序占用，例如杀毒软件、OneDrive 同步或 Excel；请稍后再试，或关闭占用它的程序）"


def is_busy(exc: BaseException) -> bool:
    """Is this the error of a file held open by another program (worth retrying)?"""
    if getattr(exc, "winerror", None) in _BUSY_WINERRORS:
        return True
    return os.name == "nt" and isinstance(exc, PermissionError)


def replace(src: str | Path, dst: str | Path, *, budget: float = RETRY_SECONDS) -> None:
    """``os.replace(src, dst)``, retried with backoff for up to ``budget`` seconds while the file is busy."""
    deadline = time.monotonic() + budget
    wait = _FIRST_WAIT
    while True:
        try:
            os.replace(src, dst)
            return
        except OSError as exc:
            if not is_busy(exc) or time.monotonic() + wait > deadline:
                raise
        time.sleep(wait)
        wait = min(wait * 2, 0.5)


def remove_tree(path: str | Path) -> None:
    """Remove a temporary folder; whatever another program still holds is left, silently."""
    shutil.rmtree(path, ignore_errors=True)


ONEDRIVE_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


def _norm(path: str | Path) -> str:
    text = os.path.abspath(str(path)).replace("\\", "/").rstrip("/")
    return text.casefold() if os.name == "nt" else text  # Windows paths ignore case


def onedrive_folder(path: str | Path) -> str | None:
    """The OneDrive folder that syncs ``path`` (from the OneDrive* environment variables), or None.

    A live SQLite draft in a synced folder can come back as a conflict copy (“草稿-PC名.jxd”) when
    two computers or the sync client and the app write it at once.
    """
    target = _norm(path)
    for name in ONEDRIVE_VARIABLES:
        root = os.environ.get(name, "").strip()
        if root and (target + "/").startswith(_norm(root) + "/"):
            return root
    return None


def sqlite_uri(path: Path, mode: str, immutable: bool = False) -> str:
    """A ``file:`` URI SQLite accepts for any path: Chinese names, spaces, drive letters, UNC shares
    (``\\\\server\\share\\x`` → ``file:////server/share/x``).  ``immutable``: SQLite neither locks the file nor
    looks at any journal beside it."""
    p = Path(os.path.abspath(path)).as_posix()
    if not p.startswith("/"):
        p = "/" + p  # C:/x → /C:/x
    return f"file://{quote(p, safe='/:')}?mode={mode}" + ("&immutable=1" if immutable else "")
