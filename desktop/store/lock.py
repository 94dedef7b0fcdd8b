"""One writer per draft: a sidecar lock file ``name.jxd.lock``.

The lock file is created with ``O_CREAT | O_EXCL`` (atomic on local disks and
on SMB shares) and holds JSON naming the computer, the user, the process id
and the time.  A second app instance that finds it gets :class:`DraftLocked`
with that holder and may open the draft read-only.

A lock left behind by a crashed app is *stale*: when it names this computer
and its process is gone — or a process with that id is running but started at
another time than the one recorded (Windows reuses ids quickly) — it is taken over.
On Windows the holder also keeps the lock file open with one byte locked for the
whole session; Windows (and the file server, for a network drive) releases that
byte when the process ends in any way, so a lock whose byte is free is stale
even when it names another computer.  A lock from another computer is
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

from desktop.core.errors import os_why
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


MAX_PID = 2**31 - 1  # a larger "pid" in a (shipped or tampered) lock file names no process


def _kernel32():
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE,) + (ctypes.POINTER(wintypes.FILETIME),) * 4
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    return kernel32


_QUERY_LIMITED = 0x1000  # PROCESS_QUERY_LIMITED_INFORMATION


def pid_alive(pid: int) -> bool:
    """Is a process with this id running on this computer?"""
    if not 0 < pid <= MAX_PID:
        return False
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        kernel32 = _kernel32()
        handle = kernel32.OpenProcess(_QUERY_LIMITED, False, pid)
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


def process_started(pid: int) -> str:
    """When the process ``pid`` started, as an opaque string ('' when it cannot be told).

    Windows reuses process ids quickly: a lock naming a pid that is alive but started at another
    time was left by a process that is gone.
    """
    if not 0 < pid <= MAX_PID:
        return ""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        kernel32 = _kernel32()
        handle = kernel32.OpenProcess(_QUERY_LIMITED, False, pid)
        if not handle:
            return ""
        try:
            times = [wintypes.FILETIME() for _ in range(4)]  # creation, exit, kernel, user
            if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
                return ""
            return str((times[0].dwHighDateTime << 32) | times[0].dwLowDateTime)
        finally:
            kernel32.CloseHandle(handle)
    try:  # Linux: field 22 of /proc/PID/stat, clock ticks after boot (the name before it may hold spaces)
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


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
    except (TypeError, ValueError, OverflowError):
        pid = 0
    return LockHolder(str(data.get("computer", "")), str(data.get("user", "")), pid, str(data.get("since", "")))


def _hide(path: Path) -> None:
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.WinDLL("kernel32").SetFileAttributesW(str(path), 0x2)  # FILE_ATTRIBUTE_HIDDEN
        except Exception:  # noqa: BLE001 - a visible lock file works as well
            log.info("锁文件 %s 未能设为隐藏", path, exc_info=True)


HELD_BYTE = 1 << 20  # Windows: the byte locked while the lock is held; beyond the JSON, so readers are not blocked


def _msvcrt():
    if sys.platform != "win32":
        return None
    try:
        import msvcrt
    except ImportError:
        return None
    return msvcrt


def _hold(fd: int) -> bool:
    """Windows: lock one byte of the open lock file for the session.  Windows releases it when the
    process ends in any way (a crash, 结束任务, a power cut of the PC — the file server notices)."""
    msvcrt = _msvcrt()
    if msvcrt is None:
        return False
    try:
        os.lseek(fd, HELD_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False
    finally:
        os.lseek(fd, 0, os.SEEK_SET)


def _still_held(lp: Path) -> bool | None:
    """Windows: is the lock file's byte locked by a live holder (on any computer)?  None: cannot tell."""
    msvcrt = _msvcrt()
    if msvcrt is None:
        return None
    try:
        fd = os.open(lp, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        os.lseek(fd, HELD_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return True
        os.lseek(fd, HELD_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return False
    finally:
        os.close(fd)


def _fill(fd: int, lp: Path, draft: Path, data: dict) -> int | None:
    """Write the holder into the new lock file; on failure (a full disk) remove it again.

    Returns the descriptor when it stays open to hold the lock (Windows), else None (closed)."""
    held = _hold(fd)
    data["held"] = held
    try:
        try:
            os.write(fd, json.dumps(data, ensure_ascii=False).encode("utf-8"))
            os.fsync(fd)
        finally:
            if not held:
                os.close(fd)
    except OSError as exc:
        if held:
            _let_go(fd)
        try:
            os.remove(lp)  # an empty lock file would block the next open for seconds
        except OSError:
            pass
        raise draft_error("lock_failed", draft, why=os_why(exc)) from None
    return fd if held else None


def _let_go(fd: int | None) -> None:
    if fd is None:
        return
    msvcrt = _msvcrt()
    try:
        if msvcrt is not None:
            os.lseek(fd, HELD_BYTE, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    except OSError:
        pass
    finally:
        os.close(fd)


class DraftLock:
    """The lock this process holds on one draft."""

    def __init__(self, draft: Path, token: str, stat: os.stat_result, fd: int | None = None):
        self.draft = draft
        self.path = lock_path(draft)
        self.token = token
        self._stat = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        self._fd = fd  # Windows: the open lock file whose byte is locked for the session
        self.released = False

    @classmethod
    def acquire(cls, draft: Path) -> "DraftLock":
        """Take the lock, or raise :class:`DraftLocked` (held elsewhere) / :class:`DraftError` (folder not writable)."""
        lp = lock_path(draft)
        for _ in range(5):
            token = uuid.uuid4().hex
            data = {"computer": computer_name(), "user": user_name(), "pid": os.getpid(),
                    "started": process_started(os.getpid()),
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
                raise draft_error("lock_failed", draft, why=os_why(exc)) from None
            kept = _fill(fd, lp, draft, data)
            _hide(lp)
            _HELD.add(token)
            return cls(draft, token, os.stat(lp), kept)
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
            raise draft_error("write_failed", self.draft, why=os_why(exc)) from None
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
        _let_go(self._fd)
        self.token, self._stat, self._fd = other.token, other._stat, other._fd

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        _HELD.discard(self.token)
        _let_go(self._fd)  # Windows cannot remove a file this process still has open
        self._fd = None
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
    if holder.computer == computer_name() and holder.pid == os.getpid():
        return data.get("token") not in _HELD  # left behind by this very process
    if data.get("held"):
        held = _still_held(lp)  # Windows: released by the system when the holder died, on any computer
        if held is not None:
            return not held
    if holder.computer != computer_name():
        return False
    if not pid_alive(holder.pid):
        return True
    started = str(data.get("started") or "")
    return bool(started) and process_started(holder.pid) not in ("", started)  # the pid was reused


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
        raise draft_error("unreadable", Path(draft), why=os_why(exc)) from None
