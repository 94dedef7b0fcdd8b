"""One writer per draft: a sidecar lock file ``name.jxd.lock``.

The lock file is created with ``O_CREAT | O_EXCL`` (atomic on local disks and
on SMB shares) and holds JSON naming the computer, the user, the process id
and the time.  A second app instance that finds it gets :class:`DraftLocked`
with that holder and may open the draft read-only.

A lock left behind by a crashed app is *stale*: when it names this computer
and its process is gone, it is taken over.  A lock from another computer is
never judged stale automatically (its process cannot be seen from here); the
app may offer to break it (:func:`break_lock`) after asking the clerk.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import json
import logging
import os
import platform
import sys
import time
import uuid
from pathlib import Path

from desktop.store.errors import DraftLocked, LockHolder, draft_error

log = logging.getLogger(__name__)


_HELD: set[str] = set()  # tokens of the locks this process holds now


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def computer_name() -> str:
    return os.environ.get("COMPUTERNAME") or platform.node() or "本机"


def user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment (services, odd containers)
        log.info("getpass 找不到用户名，改用环境变量", exc_info=True)
        return os.environ.get("USERNAME") or os.environ.get("USER") or "未知用户"


def pid_alive(pid: int) -> bool:
    """Is a process with this id running on this computer?"""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.OpenProcess.restype = wintypes.HANDLE
        kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
        kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def read_holder(path: Path) -> LockHolder | None:
    """The holder named in the lock file of the draft at ``path`` (None: no lock or unreadable)."""
    data = _read_lock(lock_path(path))
    return _holder(data) if data is not None else None


def _read_lock(lp: Path) -> dict | None:
    try:
        data = json.loads(lp.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _holder(data: dict) -> LockHolder:
    try:
        pid = int(data.get("pid", 0))
    except (TypeError, ValueError):
        pid = 0
    return LockHolder(str(data.get("computer", "")), str(data.get("user", "")), pid, str(data.get("since", "")))


def _hide(path: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import ctypes

            ctypes.WinDLL("kernel32").SetFileAttributesW(str(path), 0x2)  # FILE_ATTRIBUTE_HIDDEN
        except Exception:  # noqa: BLE001 - a visible lock file works as well
            log.info("锁文件 %s 未能设为隐藏", path, exc_info=True)


class DraftLock:
    """The lock this process holds on one draft."""

    def __init__(self, draft: Path, token: str, stat: os.stat_result):
        self.draft = draft
        self.path = lock_path(draft)
        self.token = token
        self._stat = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        self.released = False

    @classmethod
    def acquire(cls, draft: Path) -> "DraftLock":
        """Take the lock, or raise :class:`DraftLocked` (held elsewhere) / :class:`DraftError` (folder not writable)."""
        lp = lock_path(draft)
        for _ in range(5):
            token = uuid.uuid4().hex
            data = {"computer": computer_name(), "user": user_name(), "pid": os.getpid(),
                    "since": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "token": token, "app": "jixiao"}
            try:
                fd = os.open(lp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o644)
            except FileExistsError:
                existing = _read_lock(lp)
                if existing is None:
                    continue  # removed meanwhile: try again
                if _stale(existing, lp):
                    _remove_stale(lp, existing)
                    continue
                holder = _holder(existing)
                raise DraftLocked(draft, holder, here=holder.computer == computer_name() and holder.pid == os.getpid())
            except PermissionError:
                raise draft_error("readonly_folder", draft) from None
            except FileNotFoundError:
                raise draft_error("missing_folder", draft, folder=draft.parent) from None
            except OSError as exc:
                raise draft_error("unreadable", draft, why=exc.strerror or exc) from None
            try:
                os.write(fd, json.dumps(data, ensure_ascii=False).encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            _hide(lp)
            _HELD.add(token)
            return cls(draft, token, os.stat(lp))
        holder = read_holder(draft) or LockHolder("", "", 0, "")
        raise DraftLocked(draft, holder)

    def verify(self) -> None:
        """Before a write: is the lock still ours?  Recreates a lock file someone deleted."""
        if self.released:
            raise draft_error("closed", self.draft)
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._retake()
            return
        except OSError as exc:
            raise draft_error("write_failed", self.draft, why=exc.strerror or exc) from None
        if (st.st_size, st.st_mtime_ns, st.st_ino) == self._stat:
            return
        data = _read_lock(self.path)
        if data is None:
            self._retake()
        elif data.get("token") != self.token:
            holder = _holder(data)
            raise draft_error("lock_lost", self.draft, computer=holder.computer, user=holder.user)
        else:
            self._stat = (st.st_size, st.st_mtime_ns, st.st_ino)

    def _retake(self) -> None:
        other = DraftLock.acquire(self.draft)
        _HELD.discard(self.token)
        self.token, self._stat = other.token, other._stat

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        _HELD.discard(self.token)
        data = _read_lock(self.path)
        if data is not None and data.get("token") == self.token:
            for attempt in range(3):
                try:
                    os.remove(self.path)
                    return
                except FileNotFoundError:
                    return
                except OSError:  # Windows: another instance is reading it this very moment
                    time.sleep(0.05 * (attempt + 1))
        # if it could not be removed it names this process with a token no longer held: stale


HALF_WRITTEN_AGE = 10.0  # seconds: a lock file still unreadable after this was left by a crash


def _stale(data: dict, lp: Path) -> bool:
    holder = _holder(data)
    if not data or holder.pid == 0:
        # unreadable: being written right now, or the writer died between creating and filling it
        try:
            return time.time() - os.stat(lp).st_mtime > HALF_WRITTEN_AGE
        except OSError:
            return False
    if holder.computer != computer_name():
        return False
    if holder.pid == os.getpid():
        return data.get("token") not in _HELD  # left behind by this very process
    return not pid_alive(holder.pid)


def _remove_stale(lp: Path, seen: dict) -> None:
    """Remove a stale lock; rename first so two instances cannot both remove a fresh one."""
    aside = lp.with_name(f"{lp.name}.stale-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    try:
        os.rename(lp, aside)
    except OSError:
        return
    if _read_lock(aside) == seen:
        try:
            os.remove(aside)
        except OSError:
            pass
    else:  # somebody's fresh lock: put it back
        try:
            os.rename(aside, lp)
        except OSError:
            pass


def break_lock(draft: Path) -> None:
    """Remove the lock file (after the clerk confirmed the other instance is gone)."""
    try:
        os.remove(lock_path(Path(draft)))
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise draft_error("unreadable", Path(draft), why=exc.strerror or exc) from None
