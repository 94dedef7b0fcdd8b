"""Windows branches of the app, run on Linux by substituting the platform pieces.

打开方式 / a bare file path, the windowed app's last-resort error handler and log, Simple MAPI
(ctypes stubs for MAPI32.DLL) and the Explorer fallback instead of os.startfile, OneDrive and the
Documents folder, printing resolution and greyscale, per-user fonts and 仿宋_GB2312, the build
filter on Windows' folder layout, and bootstrap's runtime-only install.
"""
from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState

ROOT = Path(__file__).resolve().parents[1]
E = "suzhou-project-selfeval-2023"


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------- a bare file path
@pytest.fixture
def opened(monkeypatch):
    calls: list = []
    import desktop.app

    monkeypatch.setattr(desktop.app, "run", lambda file=None, argv=None: calls.append(file) or 0)
    return calls


def test_a_bare_existing_file_opens_in_the_window(tmp_path, opened):
    from desktop import cli

    draft = tmp_path / "C盘 草稿.jxd"
    draft.write_bytes(b"x")
    assert cli.main([str(draft)]) == 0
    other = tmp_path / "别的文件.dat"  # any existing file: the window says what it is
    other.write_bytes(b"x")
    assert cli.main([str(other)]) == 0
    missing = r"Z:\共享盘\已断开.jxd"  # a network drive gone: the window says it cannot be found
    assert cli.main([missing]) == 0
    assert opened == [str(draft), str(other), missing]


def test_commands_and_options_still_go_to_the_command_line(tmp_path, opened, capsys):
    from desktop import cli

    assert cli.main(["forms"]) == 0
    assert "suzhou" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["nonsense"])
    assert cli.main([]) == 0 and opened == [None]


def test_windowed_program_without_console_streams(monkeypatch):
    from desktop.app import _no_console_streams

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    _no_console_streams()
    print("不会崩溃")
    print("也不会", file=sys.stderr)
    assert sys.stdout is not None and sys.stderr is not None


# ---------------------------------------------------------------------------------- the excepthook and log
@pytest.fixture
def fresh_log(monkeypatch, tmp_path):
    from desktop import logs

    monkeypatch.setenv("JIXIAO_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    before = list(logs.log.handlers)
    yield logs
    for h in logs.log.handlers[:]:
        if h not in before:
            h.close()
            logs.log.removeHandler(h)


def test_uncaught_error_is_logged_and_shown_in_chinese(fresh_log):
    logs = fresh_log
    shown: list[str] = []
    logs.install_excepthook(shown.append)
    try:
        raise ValueError("内部错误 42")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    text = logs.log_file().read_text(encoding="utf-8")
    assert "ValueError: 内部错误 42" in text and "Traceback" in text
    assert len(shown) == 1 and "意外错误" in shown[0] and str(logs.log_file()) in shown[0]
    assert logs.log_file().parent == Path(os.environ["JIXIAO_HOME"]) / "logs"


def test_an_error_in_a_background_thread_is_logged(fresh_log):
    logs = fresh_log
    logs.install_excepthook(lambda text: pytest.fail("no window from a thread"))

    def mail():
        raise OSError("MAPI 出错")

    t = threading.Thread(target=mail, name="jixiao-mail")
    t.start()
    t.join()
    text = logs.log_file().read_text(encoding="utf-8")
    assert "jixiao-mail" in text and "MAPI 出错" in text


def test_an_error_while_showing_is_only_logged(fresh_log):
    logs = fresh_log

    def broken(text):
        raise RuntimeError("no display")

    logs.install_excepthook(broken)
    sys.excepthook(KeyError, KeyError("x"), None)  # must not raise
    assert "无法显示错误信息" in logs.log_file().read_text(encoding="utf-8")


def test_log_rotates(fresh_log, monkeypatch):
    logs = fresh_log
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    logs.setup()
    for i in range(200):
        logs.log.warning("第 %d 行 %s", i, "很长的内容" * 5)
    files = sorted(p.name for p in logs.log_dir().iterdir())
    assert files[:2] == ["jixiao.log", "jixiao.log.1"] and len(files) <= 1 + logs.BACKUPS


def test_data_folder_on_windows(monkeypatch, tmp_path):
    from desktop.store import library

    monkeypatch.delenv("JIXIAO_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert library.data_dir() == tmp_path / "Roaming" / "jixiao"
    assert not library._same(r"C:\Users\张三\文档\a.jxd", r"c:\users\张三\文档\A.JXD")


# ---------------------------------------------------------------------------------- mail: Simple MAPI
class FakeMapi:
    """MAPI32.DLL's MAPISendMailW as ctypes calls it; records the message it was given."""

    def __init__(self, result: int = 0):
        self.result = result
        self.calls: list[dict] = []
        outer = self

        def MAPISendMailW(session, ui_param, message, flags, reserved):
            from desktop.export.mapi import MAPI_DIALOG, MAPI_LOGON_UI

            msg = message._obj
            outer.calls.append({
                "subject": msg.lpszSubject, "body": msg.lpszNoteText, "flags": flags,
                "dialog": flags & MAPI_DIALOG and flags & MAPI_LOGON_UI,
                "to": [msg.lpRecips[i].lpszAddress for i in range(msg.nRecipCount)],
                "files": [msg.lpFiles[i].lpszPathName for i in range(msg.nFileCount)],
                "names": [msg.lpFiles[i].lpszFileName for i in range(msg.nFileCount)],
            })
            return outer.result

        self.MAPISendMailW = MAPISendMailW


@pytest.fixture
def windows_mail(monkeypatch):
    """MAPI32.DLL stubbed, the background thread run in line, Explorer recorded; ``state["windows"]()``
    then makes sys.platform win32 (after any draft is open: the lock would ask kernel32)."""
    from desktop.export import eml

    @contextlib.contextmanager
    def on_windows():  # back to Linux before pytest reports a failure (pathlib would refuse)
        real = sys.platform
        sys.platform = "win32"
        try:
            yield
        finally:
            sys.platform = real

    state = {"mapi": FakeMapi(), "popen": [], "startfile": [], "windows": on_windows}

    def windll(name, *a, **k):
        if state["mapi"] is None:
            raise OSError(126, "找不到指定的模块。")
        assert name.upper() == "MAPI32.DLL"
        return state["mapi"]

    monkeypatch.setattr(ctypes, "WinDLL", windll, raising=False)
    monkeypatch.setattr(eml, "_in_background", lambda job: job())
    monkeypatch.setattr(subprocess, "Popen", lambda cmd, *a, **k: state["popen"].append(cmd))
    monkeypatch.setattr(os, "startfile", lambda *a: state["startfile"].append(a), raising=False)
    return state


def _mail(tmp_path) -> tuple[Path, list[Path]]:
    from desktop.export.eml import write_eml

    pdf, xlsx = tmp_path / "苏州 自评表.pdf", tmp_path / "苏州 自评表.xlsx"
    pdf.write_bytes(b"%PDF-1.4")
    xlsx.write_bytes(b"PK")
    out = write_eml(tmp_path / "苏州 自评表.eml", pdf, xlsx, to="张科长 <zhang@czj.suzhou.gov.cn>",
                    subject_vars={"unit": "苏州市信息中心", "form": "自评表"})
    return out, [pdf, xlsx]


def test_mail_opens_a_compose_window_with_the_attachments(tmp_path, windows_mail):
    from desktop.export.eml import open_in_mail_client

    out, files = _mail(tmp_path)
    with windows_mail["windows"]():
        assert open_in_mail_client(out, files) == "windows"
    (call,) = windows_mail["mapi"].calls
    assert call["dialog"]
    assert call["to"] == ["SMTP:zhang@czj.suzhou.gov.cn"]
    assert "苏州市信息中心" in call["subject"] and call["body"]
    assert call["files"] == [str(f.resolve()) for f in files]
    assert call["names"] == ["苏州 自评表.pdf", "苏州 自评表.xlsx"]
    assert windows_mail["startfile"] == [] and windows_mail["popen"] == []


@pytest.mark.parametrize("mapi", [None, 2, 26])  # no MAPI32.DLL; MAPI_E_FAILURE; MAPI_E_NOT_SUPPORTED
def test_without_a_mail_program_the_files_are_shown_in_explorer(tmp_path, windows_mail, mapi):
    from desktop.export.eml import open_in_mail_client

    windows_mail["mapi"] = None if mapi is None else FakeMapi(mapi)
    out, files = _mail(tmp_path)
    with windows_mail["windows"]():
        open_in_mail_client(out, files)
    assert windows_mail["popen"] == [f'explorer /select,"{files[0].resolve()}"']
    assert windows_mail["startfile"] == []


def test_the_user_closing_the_compose_window_is_no_fallback(tmp_path, windows_mail):
    from desktop.export.eml import open_in_mail_client

    windows_mail["mapi"] = FakeMapi(1)  # MAPI_USER_ABORT
    out, files = _mail(tmp_path)
    with windows_mail["windows"]():
        open_in_mail_client(out, files)
    assert windows_mail["popen"] == []


def test_send_mail_from_the_window_keeps_the_attachments_on_windows(app, qtbot, tmp_path, monkeypatch,
                                                                   windows_mail):
    from PySide6.QtWidgets import QInputDialog

    from desktop.session import FormSession
    from ui import exports
    from ui.form_window import FormWindow

    win = FormWindow(FormSession.create(tmp_path / "自评表.jxd", load_sample(E)))
    qtbot.addWidget(win)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("a@b.cn", True)))
    monkeypatch.setattr("ui.settings.export_folder", lambda: tmp_path)
    with windows_mail["windows"]():
        out = exports.send_mail(win)
        again = exports.send_mail(win)  # a second time: a new folder, nothing overwritten
    folder = out.parent
    assert folder.parent == tmp_path and folder.name.endswith("_邮件")
    assert sorted(p.suffix for p in folder.iterdir()) == [".eml", ".pdf", ".xlsx"]
    call = windows_mail["mapi"].calls[0]
    assert [Path(f).parent for f in call["files"]] == [folder.resolve()] * 2
    assert "新邮件窗口" in win.statusBar().currentMessage()
    assert again.parent != folder and again.parent.name.endswith("_邮件(2)")
    win.close()


# ---------------------------------------------------------------------------------- window actions and OSError
def test_window_actions_catch_os_errors_in_chinese(app, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from desktop.session import FormSession
    from ui import exports
    from ui.form_window import FormWindow

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: said.append(text))
    win = FormWindow(FormSession.create(tmp_path / "自评表.jxd", load_sample(E)))
    qtbot.addWidget(win)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path / "u")))

    def held(*a, **k):
        exc = PermissionError(13, "Permission denied", str(tmp_path / "u" / "x"))
        exc.winerror = 32
        raise exc

    monkeypatch.setattr("desktop.export.bundle.make_bundle", held)
    assert exports.bundle(win) is None
    assert len(said) == 1 and "杀毒软件" in said[0] and "OneDrive" in said[0] and "被另一程序占用" in said[0]  # WinError 32, said as such
    win.close()


# ---------------------------------------------------------------------------------- OneDrive, Documents
def test_onedrive_folders_are_recognised(monkeypatch, tmp_path):
    from desktop.osfiles import onedrive_folder

    personal, work = tmp_path / "OneDrive", tmp_path / "OneDrive - 苏州市财政局"
    monkeypatch.setenv("OneDrive", str(personal))
    monkeypatch.setenv("OneDriveCommercial", str(work))
    assert onedrive_folder(personal / "文档" / "a.jxd") == str(personal)
    assert onedrive_folder(work / "a.jxd") == str(work)
    assert onedrive_folder(tmp_path / "OneDriveX" / "a.jxd") is None
    assert onedrive_folder(tmp_path / "本地" / "a.jxd") is None
    upper = str(personal / "a.jxd").upper()
    os.name = "nt"  # Windows paths ignore case (pathlib refuses to work meanwhile: no Path here)
    try:
        found = onedrive_folder(upper)
    finally:
        os.name = "posix"
    assert found is not None


def test_form_window_warns_about_a_draft_in_onedrive(app, qtbot, tmp_path, monkeypatch):
    from desktop.session import FormSession
    from ui.form_window import FormWindow

    synced = tmp_path / "OneDrive" / "文档"
    synced.mkdir(parents=True)
    monkeypatch.setenv("OneDrive", str(tmp_path / "OneDrive"))
    win = FormWindow(FormSession.create(synced / "自评表.jxd", load_sample(E)))
    qtbot.addWidget(win)
    win.show()
    assert win.place_label.isVisible() and "OneDrive" in win.place_label.text()
    assert "冲突副本" in win.place_label.toolTip()
    local = FormWindow(FormSession.create(tmp_path / "本地.jxd", load_sample(E)))
    qtbot.addWidget(local)
    local.show()
    assert not local.place_label.isVisible()
    win.close()
    local.close()


def test_default_draft_folder_is_the_known_documents_folder(app, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    from ui import settings

    redirected = tmp_path / "OneDrive - 单位" / "文档"
    redirected.mkdir(parents=True)
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda kind: str(redirected)))
    monkeypatch.setattr(settings, "get", lambda key: "")
    assert settings.draft_folder() == redirected


# ---------------------------------------------------------------------------------- printing
class Recorder:
    def __init__(self, real):
        self.real = real
        self.calls: list[tuple[float, bool]] = []

    def __call__(self, pdf, index, dpi, grey=False):
        self.calls.append((dpi, grey))
        return self.real(pdf, index, dpi, grey)


def _printer(tmp_path, dpi: int):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    printer.setResolution(dpi)
    printer.setColorMode(QPrinter.ColorMode.Color)
    return printer


def test_printing_is_at_most_300_dpi_and_grey_without_colour(app, tmp_path, monkeypatch):
    from ui import print_preview

    job = print_preview.make_job(DocumentState(load_form(E), load_sample(E)))
    rec = Recorder(print_preview.render_page)
    monkeypatch.setattr(print_preview, "render_page", rec)
    assert print_preview.paint_job(_printer(tmp_path, 1200), job) == job.pages
    printed = [c for c in rec.calls if c[0] != print_preview.PROBE_DPI]
    assert printed == [(300, True)] * job.pages


def test_a_page_with_colour_prints_in_colour(app, tmp_path, monkeypatch):
    from reportlab.lib.colors import red
    from reportlab.pdfgen import canvas

    from ui import print_preview

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, "black text")
    c.showPage()
    c.setFillColor(red)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    job = print_preview.PrintJob(buf.getvalue(), 2, "X", False)
    rec = Recorder(print_preview.render_page)
    monkeypatch.setattr(print_preview, "render_page", rec)
    print_preview.paint_job(_printer(tmp_path, 600), job, max_dpi=print_preview.PREVIEW_DPI)
    printed = [c for c in rec.calls if c[0] != print_preview.PROBE_DPI]
    assert printed == [(150, True), (150, False)]


def test_pages_are_rasterised_one_at_a_time(app, tmp_path, monkeypatch):
    """Each page's image is released before the next one is made."""
    from PySide6.QtGui import QPainter

    from ui import print_preview

    job = print_preview.make_job(DocumentState(load_form("shenzhen-project-selfeval-2021"),
                                               load_sample("shenzhen-project-selfeval-2021")))
    live: list[int] = []
    import gc
    import weakref

    refs: list = []

    class Box:  # QImage cannot be weakly referenced: follow a wrapper drawn in its place
        def __init__(self, image):
            self.image = image

    real = print_preview.render_page

    def render(pdf, index, dpi, grey=False):
        if dpi == print_preview.PROBE_DPI:  # the colour probe's thumbnail
            return real(pdf, index, dpi, grey)
        gc.collect()
        live.append(sum(1 for r in refs if r() is not None))
        box = Box(real(pdf, index, dpi, grey))
        refs.append(weakref.ref(box))
        return box

    monkeypatch.setattr(print_preview, "render_page", render)
    monkeypatch.setattr(QPainter, "drawImage", lambda self, rect, box: None)
    print_preview.paint_job(_printer(tmp_path, 300), job)
    assert job.pages > 3 and max(live) == 0


# ---------------------------------------------------------------------------------- fonts
@pytest.fixture
def font_dirs(monkeypatch, tmp_path):
    from desktop.fonts import font_path

    windir, local = tmp_path / "Windows", tmp_path / "Local"
    (windir / "Fonts").mkdir(parents=True)
    (local / "Microsoft" / "Windows" / "Fonts").mkdir(parents=True)
    monkeypatch.setenv("WINDIR", str(windir))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    monkeypatch.setattr(sys, "platform", "win32")
    real = font_path().read_bytes()
    return windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts", real


def test_per_user_fonts_are_found(font_dirs):
    from desktop.export.pdf_font import choose_font

    system, user, data = font_dirs
    (user / "仿宋_GB2312.ttf").write_bytes(data)
    chosen = choose_font("仿宋_GB2312")
    assert chosen.path == user / "仿宋_GB2312.ttf" and not chosen.warning
    assert str(user / "仿宋_GB2312.ttf") in chosen.label


def test_fangsong_gb2312_never_silently_becomes_another_file(font_dirs):
    from desktop.export.pdf_font import choose_font, resolve_font

    system, user, data = font_dirs
    (system / "simfang.ttf").write_bytes(data)
    chosen = choose_font("仿宋_GB2312")
    assert chosen.path == system / "simfang.ttf"
    assert "本机没有字体“仿宋_GB2312”" in chosen.warning and str(system / "simfang.ttf") in chosen.warning
    (system / "simfang.ttf").unlink()
    assert resolve_font("仿宋_GB2312").path is None and "内置" in resolve_font("仿宋_GB2312").warning


def test_export_says_which_font_file_was_used(font_dirs, tmp_path):
    from desktop.export.pdf import export_pdf

    system, user, data = font_dirs
    (system / "simfang.ttf").write_bytes(data)
    result = export_pdf(DocumentState(load_form(E), load_sample(E)), tmp_path / "a.pdf", font="仿宋_GB2312")
    assert str(system / "simfang.ttf") in result.font
    assert any("仿宋_GB2312" in w for w in result.warnings)


def test_settings_dialog_shows_the_font_file(app, font_dirs):
    from ui.settings_dialog import SettingsDialog

    system, user, data = font_dirs
    (user / "FS_GB2312.ttf").write_bytes(data)
    dlg = SettingsDialog()
    dlg.edits["print_font"].setText("仿宋_GB2312")
    assert str(user / "FS_GB2312.ttf") in dlg.font_file.text()
    dlg.edits["print_font"].setText("")
    assert "内置" in dlg.font_file.text()
    dlg.deleteLater()


# ---------------------------------------------------------------------------------- build and bootstrap
@pytest.mark.parametrize("dest,keep", [
    (r"PySide6\plugins\platforms\qwindows.dll", True),
    (r"PySide6\plugins\multimedia\ffmpegmediaplugin.dll", False),
    (r"PySide6\plugins\printsupport\windowsprintersupport.dll", True),
    (r"PySide6\qml\QtQuick\Controls\qtquickcontrols2plugin.dll", False),
    (r"PySide6\translations\qtbase_zh_CN.qm", True),
    (r"PySide6\translations\qtbase_de.qm", False),
    (r"PySide6\opengl32sw.dll", False),
    (r"PySide6\Qt6Widgets.dll", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/translations/qt_fr.qm", False),
    ("resources/forms/a.json", True),
])
def test_build_filter_trims_windows_and_linux_layouts(dest, keep):
    assert _load_tool("build_filter").wanted(dest) is keep


def test_build_spec_makes_a_windowed_and_a_console_program():
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'name="绩效填报", console=False' in spec and 'name="jixiao", console=True' in spec
    assert "COLLECT(console_exe, windowed_exe" in spec


@pytest.mark.parametrize("command,target", [("run", "."), ("setup", "."), ("test", ".[test]")])
def test_bootstrap_installs_only_what_the_command_needs(command, target, monkeypatch, tmp_path):
    boot = _load_tool("bootstrap")
    monkeypatch.setattr(boot, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(boot, "venv_python", lambda: tmp_path / "python")
    (tmp_path / "python").write_text("")
    runs: list[list[str]] = []
    monkeypatch.setattr(boot.subprocess, "run", lambda cmd, **k: runs.append(cmd))
    (tmp_path / ".venv").mkdir()
    boot.ensure_venv(command)
    assert runs[0][-2:] == ["-e", target]
    boot.ensure_venv(command)  # installed: not again
    assert len(runs) == 1
    if command != "test":
        boot.ensure_venv("test")  # the tests need their extras on top
        assert runs[-1][-1] == ".[test]" and len(runs) == 2
        boot.ensure_venv("run")  # which include the runtime ones
        assert len(runs) == 2
