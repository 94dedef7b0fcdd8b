"""Windows branches of the files layer, run on Linux by substituting the platform pieces.

Antivirus / OneDrive holding a new file (WinError 32), network drives (UNC paths through the
bundle), reused process ids (ctypes stubs for kernel32), shipped lock files with absurd pids,
a full disk while taking the lock, bidi controls in names.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import sqlite3
import sys
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from desktop import osfiles
from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.store import Draft, DraftError, DraftLocked
from desktop.store import lock as lockmod
from desktop.store.lock import computer_name, lock_path, user_name

FORM = "suzhou-project-selfeval-2023"


def _sharing_violation() -> PermissionError:
    exc = PermissionError(13, "另一个程序正在使用此文件，进程无法访问。")
    exc.winerror = 32  # what Windows sets; Linux has no winerror attribute of its own
    return exc


class FlakyReplace:
    """os.replace that fails ``times`` times with a sharing violation, as under a virus scanner."""

    def __init__(self, times: int):
        self.times = times
        self.calls = 0
        self.real = os.replace

    def __call__(self, src, dst):
        self.calls += 1
        if self.calls <= self.times:
            raise _sharing_violation()
        return self.real(src, dst)


@pytest.fixture
def state() -> DocumentState:
    return DocumentState(load_form(FORM), load_sample(FORM))


@pytest.fixture
def scanner(monkeypatch):
    def hold(times: int) -> FlakyReplace:
        flaky = FlakyReplace(times)
        monkeypatch.setattr(os, "replace", flaky)
        return flaky
    return hold


# ---------------------------------------------------------------------------------- os.replace retried
def test_replace_retries_while_a_scanner_holds_the_file(tmp_path, scanner):
    src, dst = tmp_path / "a.part", tmp_path / "a.pdf"
    src.write_bytes(b"new")
    flaky = scanner(3)
    osfiles.replace(src, dst)
    assert dst.read_bytes() == b"new" and flaky.calls == 4


def test_replace_gives_up_after_its_budget_and_other_errors_at_once(tmp_path, scanner, monkeypatch):
    src = tmp_path / "a.part"
    src.write_bytes(b"x")
    flaky = scanner(10**6)
    with pytest.raises(PermissionError):
        osfiles.replace(src, tmp_path / "b", budget=0.1)
    assert 2 < flaky.calls < 20
    monkeypatch.setattr(os, "replace", flaky.real)
    with pytest.raises(FileNotFoundError):
        osfiles.replace(tmp_path / "missing", tmp_path / "b")


def test_permission_error_is_busy_on_windows_only(monkeypatch):
    plain = PermissionError(13, "denied")
    assert not osfiles.is_busy(plain)
    monkeypatch.setattr(os, "name", "nt")
    assert osfiles.is_busy(plain)
    assert osfiles.is_busy(_sharing_violation())


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "eml", "draft", "library", "bundle"])
def test_every_atomic_writer_survives_a_scanner(kind, tmp_path, state, scanner, monkeypatch):
    monkeypatch.setenv("JIXIAO_HOME", str(tmp_path / "home"))
    flaky = scanner(2)
    if kind == "pdf":
        from desktop.export.pdf import export_pdf

        export_pdf(state, tmp_path / "a.pdf")
        assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    elif kind == "xlsx":
        from desktop.export.xlsx import export_xlsx

        export_xlsx(state, tmp_path / "a.xlsx")
        assert zipfile.is_zipfile(tmp_path / "a.xlsx")
    elif kind == "eml":
        from desktop.export.eml import write_eml

        att = tmp_path / "附件.pdf"
        att.write_bytes(b"%PDF-1.4")
        write_eml(tmp_path / "a.eml", att, None, to="a@example.gov.cn")
        assert b"Subject" in (tmp_path / "a.eml").read_bytes()
    elif kind == "draft":
        Draft.create(tmp_path / "新草稿.jxd", load_sample(FORM)).close()
        assert (tmp_path / "新草稿.jxd").stat().st_size > 0
    elif kind == "library":
        from desktop.store.library import add_recent, recent_drafts

        add_recent(tmp_path / "x.jxd")
        assert [Path(e.path).name for e in recent_drafts()] == ["x.jxd"]
    else:
        from desktop.export.bundle import make_bundle

        out = make_bundle(state, None, tmp_path / "u盘")
        assert out.is_file() and zipfile.is_zipfile(out)
    assert flaky.calls >= 3


def test_a_busy_file_is_blamed_on_other_programs_not_only_excel(tmp_path, state, scanner):
    from desktop.export.xlsx import export_xlsx
    from desktop.core.errors import JixiaoError

    osfiles_budget = osfiles.RETRY_SECONDS
    try:
        osfiles.RETRY_SECONDS = 0.05
        scanner(10**6)
        with pytest.raises(JixiaoError) as info:
            export_xlsx(state, tmp_path / "a.xlsx")
    finally:
        osfiles.RETRY_SECONDS = osfiles_budget
    assert "杀毒软件" in info.value.text and "OneDrive" in info.value.text
    assert not (tmp_path / "a.xlsx.part").exists()


# ---------------------------------------------------------------------------------- the bundle
def test_bundle_temp_folder_cleanup_errors_are_ignored(tmp_path, state, monkeypatch):
    import shutil

    real = shutil.rmtree

    def held(path, ignore_errors=False, onerror=None, **kw):
        if not ignore_errors:  # a scanner still has a file in it open
            raise _sharing_violation()
        return None  # nothing removable: a held file stays behind, silently

    monkeypatch.setattr(shutil, "rmtree", held)
    from desktop.export.bundle import make_bundle

    out = make_bundle(state, None, tmp_path / "u盘")
    assert out.is_file()
    monkeypatch.setattr(shutil, "rmtree", real)


def test_bundle_paths_stay_short_and_the_zip_is_written_directly(tmp_path, state, monkeypatch):
    from desktop.export import bundle

    seen: list[Path] = []
    real_pdf = __import__("desktop.export.pdf", fromlist=["export_pdf"]).export_pdf

    def spy(st, path, **kw):
        seen.append(Path(path))
        return real_pdf(st, path, **kw)

    monkeypatch.setattr("desktop.export.pdf.export_pdf", spy)
    meta = state.meta()
    monkeypatch.setattr(state, "meta", lambda: {**meta, "unit": "某某市某某区某某街道办事处社区卫生服务中心" * 2})
    out = bundle.make_bundle(state, None, tmp_path)
    target_len = len(str(out))
    assert seen and all(len(str(p)) < target_len for p in seen)  # temp path shorter than the result
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert all(n.startswith(out.stem + "/") for n in names)
    assert {Path(n).suffix for n in names} == {".pdf", ".xlsx", ".json"}
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_bundle_copies_a_draft_on_a_unc_network_path(tmp_path, state, monkeypatch):
    """Windows resolves a mapped drive to \\\\server\\share\\…; SQLite refuses file://server/share/…"""
    draft = tmp_path / "网络盘草稿.jxd"
    Draft.create(draft, load_sample(FORM)).close()
    unc = PureWindowsPath(r"\\server\share") / draft.name
    real_connect = sqlite3.connect

    class Resolved(type(draft)):  # what WindowsPath.resolve() gives for a mapped drive
        def as_uri(self):
            return unc.as_uri()

    monkeypatch.setattr(type(draft), "resolve", lambda self, strict=False: Resolved(self))

    def windows_sqlite(database, *a, **kw):
        uri = database
        if isinstance(uri, str) and uri.startswith("file:"):
            rest = uri[len("file:"):]
            if rest.startswith("//") and not rest.startswith("///") and not rest.startswith("//localhost/"):
                raise sqlite3.OperationalError("invalid uri authority: " + rest[2:].split("/")[0])
        return real_connect(database, *a, **kw)

    from desktop.export import bundle

    monkeypatch.setattr(bundle.sqlite3, "connect", windows_sqlite)
    out = bundle.make_bundle(state, draft, tmp_path / "out")
    with zipfile.ZipFile(out) as zf:
        assert any(n.endswith(".jxd") for n in zf.namelist())


def test_store_uri_builder_handles_unc(monkeypatch):
    import ntpath

    from desktop import osfiles as lite  # the store's URI builder (desktop.store.sqlite re-exports it)

    monkeypatch.setattr(lite.os, "path", ntpath)
    monkeypatch.setattr(lite, "Path", PureWindowsPath)
    uri = lite.sqlite_uri(r"\\server\share\科室\草稿.jxd", "ro")
    assert uri.startswith("file:////server/share/") and uri.endswith("?mode=ro")
    assert lite.sqlite_uri(r"D:\草稿.jxd", "ro").startswith("file:///D:/")


# ---------------------------------------------------------------------------------- file names
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_bidi_controls_leave_file_and_attachment_names(tmp_path, state, monkeypatch):
    from desktop.export.bundle import make_bundle
    from desktop.export.eml import build_eml
    from desktop.export.filenames import export_basename, safe_filename

    assert safe_filename("报表\u202efdp.exe") == "报表fdp.exe"
    meta = state.meta()
    monkeypatch.setattr(state, "meta", lambda: {**meta, "unit": "某单位\u202excod.exe" + BIDI})
    base = export_basename(state.meta())
    assert not set(BIDI) & set(base) and "某单位xcod.exe" in base
    out = make_bundle(state, None, tmp_path)
    assert not set(BIDI) & set(out.name)
    with zipfile.ZipFile(out) as zf:
        assert not any(set(BIDI) & set(n) for n in zf.namelist())
    att = tmp_path / "附件\u202egpj.pdf"
    att.write_bytes(b"%PDF-1.4")
    msg = build_eml(att, None)
    names = [p.get_filename() for p in msg.iter_attachments()]
    assert names == ["附件gpj.pdf"]


# ---------------------------------------------------------------------------------- locks
@pytest.fixture
def draft_path(tmp_path) -> Path:
    path = tmp_path / "共用的草稿.jxd"
    Draft.create(path, load_sample(FORM)).close()
    return path


def _ship_lock(draft: Path, **data) -> None:
    base = {"computer": computer_name(), "user": user_name(), "since": "2026-01-01 08:00", "token": "x"}
    lock_path(draft).write_text(json.dumps({**base, **data}), encoding="utf-8")


@pytest.mark.parametrize("pid", [2**40, -5, 1e300])
def test_shipped_lock_with_an_absurd_pid_is_no_crash(draft_path, pid):
    _ship_lock(draft_path, pid=pid)
    with Draft.open(draft_path) as d:  # names this computer and no process: stale, taken over
        assert not d.readonly


def test_absurd_pid_from_another_computer_is_reported(draft_path):
    _ship_lock(draft_path, pid=2**40, computer="财务科-PC")
    with pytest.raises(DraftLocked) as info:
        Draft.open(draft_path)
    assert "财务科-PC" in info.value.text


class FakeKernel32:
    """kernel32 as seen through ctypes: processes {pid: creation FILETIME}."""

    def __init__(self, processes: dict[int, int]):
        self.processes = processes
        self.hidden: list[str] = []
        outer = self

        def OpenProcess(access, inherit, pid):
            return pid + 1000 if pid in outer.processes else 0

        def GetExitCodeProcess(handle, code):
            code._obj.value = 259
            return 1

        def GetProcessTimes(handle, creation, exit_, kernel, user):
            value = outer.processes[handle - 1000]
            creation._obj.dwLowDateTime = value & 0xFFFFFFFF
            creation._obj.dwHighDateTime = value >> 32
            return 1

        def SetFileAttributesW(path, attrs):
            outer.hidden.append(path)
            return 1

        for fn in (OpenProcess, GetExitCodeProcess, GetProcessTimes, SetFileAttributesW):
            setattr(self, fn.__name__, fn)
        self.CloseHandle = lambda handle: 1


@pytest.fixture
def windows_kernel(monkeypatch):
    def install(processes: dict[int, int]) -> FakeKernel32:
        kernel = FakeKernel32(processes)
        monkeypatch.setattr(sys, "platform", "win32")
        monkeypatch.setattr(ctypes, "WinDLL", lambda name, use_last_error=False: kernel, raising=False)
        monkeypatch.setattr(ctypes, "get_last_error", lambda: 87, raising=False)  # ERROR_INVALID_PARAMETER
        return kernel
    return install


def test_windows_pid_alive_and_start_time(windows_kernel):
    windows_kernel({4242: (7 << 32) + 5})
    assert lockmod.pid_alive(4242)
    assert not lockmod.pid_alive(4243)
    assert not lockmod.pid_alive(2**40)
    assert lockmod.process_started(4242) == str((7 << 32) + 5)
    assert lockmod.process_started(4243) == ""


def test_a_reused_pid_does_not_keep_a_crashed_lock(draft_path, windows_kernel):
    """The crashed holder had pid 4242; Windows gave 4242 to another program started later."""
    _ship_lock(draft_path, pid=4242, started=str(111))
    kernel = windows_kernel({4242: 999, os.getpid(): 555})
    with Draft.open(draft_path) as d:
        assert not d.readonly
        data = json.loads(lock_path(draft_path).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid() and data["started"] == "555"
        assert str(lock_path(draft_path)) in kernel.hidden  # the lock file is hidden on Windows


def test_a_live_holder_with_the_same_start_time_keeps_its_lock(draft_path, windows_kernel):
    _ship_lock(draft_path, pid=4242, started=str(999))
    windows_kernel({4242: 999, os.getpid(): 555})
    with pytest.raises(DraftLocked):
        Draft.open(draft_path)


def test_linux_start_time_is_read_from_proc():
    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc")
    assert lockmod.process_started(os.getpid()).isdigit()
    assert lockmod.process_started(2**40) == ""


def _full_disk(monkeypatch):
    real = os.write

    def write(fd, data):
        if fd > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(lockmod.os, "write", write)


def test_opening_on_a_full_disk_is_read_only_with_a_chinese_message(draft_path, monkeypatch):
    _full_disk(monkeypatch)
    with Draft.open(draft_path) as d:
        assert d.readonly and "磁盘已满" in d.notice
    assert not lock_path(draft_path).exists()
    monkeypatch.undo()
    with Draft.open(draft_path) as d:  # at once, no "已在计算机 （未知） 上…" from an empty lock file
        assert not d.readonly


def test_creating_on_a_full_disk_is_a_chinese_message_and_leaves_nothing(tmp_path, monkeypatch):
    _full_disk(monkeypatch)
    target = tmp_path / "新草稿.jxd"
    with pytest.raises(DraftError) as info:
        Draft.create(target, load_sample(FORM))
    assert "磁盘已满" in info.value.text and "新草稿.jxd" in info.value.text
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------- Windows: the held byte
class FakeMsvcrt:
    """msvcrt.locking with Windows' byte-range semantics: per open file, released on close or death."""

    LK_UNLCK, LK_NBLCK = 0, 2

    def __init__(self):
        self.locks: dict[tuple[int, int], object] = {}  # (inode, offset) -> holder

    def locking(self, fd, mode, nbytes):
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == self.LK_UNLCK:
            if self.locks.get(key) == fd:
                del self.locks[key]
            return
        if key in self.locks and self.locks[key] != fd:
            raise PermissionError(13, "Permission denied")
        self.locks[key] = fd

    def held_elsewhere(self, path: Path) -> None:
        """Another computer's live process holds the byte of this lock file."""
        self.locks[(os.stat(path).st_ino, lockmod.HELD_BYTE)] = "其他电脑上的进程"


@pytest.fixture
def msvcrt(monkeypatch, windows_kernel):
    fake = FakeMsvcrt()
    windows_kernel({os.getpid(): 555})
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    return fake


def test_windows_holds_a_byte_of_the_lock_file_for_the_session(draft_path, msvcrt):
    d = Draft.open(draft_path)
    try:
        data = json.loads(lock_path(draft_path).read_text(encoding="utf-8"))  # readers are not blocked
        assert data["held"] is True
        assert list(msvcrt.locks) == [(os.stat(lock_path(draft_path)).st_ino, lockmod.HELD_BYTE)]
        with pytest.raises(DraftLocked) as info:  # a second window: the byte is held
            Draft.open(draft_path)
        assert info.value.key == "locked_here"
    finally:
        d.close()
    assert msvcrt.locks == {} and not lock_path(draft_path).exists()


def test_a_crashed_holder_on_another_computer_is_taken_over(draft_path, msvcrt):
    """The PC on the network drive crashed: Windows released its byte, the lock file stayed."""
    _ship_lock(draft_path, pid=4242, computer="财务科-PC", held=True)
    with Draft.open(draft_path) as d:
        assert not d.readonly


def test_a_live_holder_on_another_computer_keeps_its_lock(draft_path, msvcrt):
    _ship_lock(draft_path, pid=4242, computer="财务科-PC", held=True)
    msvcrt.held_elsewhere(lock_path(draft_path))
    with pytest.raises(DraftLocked) as info:
        Draft.open(draft_path)
    assert "财务科-PC" in info.value.text


def test_an_old_lock_without_a_held_byte_is_judged_as_before(draft_path, msvcrt):
    _ship_lock(draft_path, pid=4242, computer="财务科-PC")  # an older version of the app: no byte held
    with pytest.raises(DraftLocked):
        Draft.open(draft_path)
