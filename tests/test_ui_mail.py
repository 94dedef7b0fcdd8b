"""发送邮件 from the form window straight through an intranet mail server (a local aiosmtpd on loopback),
with the server set up in 设置; the password is asked for, never stored."""
from __future__ import annotations

import email
from email import policy

import pytest
from conftest import require
from conftest import free_port

require("pytest-qt", module="pytestqt")
require("aiosmtpd", module="aiosmtpd")

from PySide6.QtWidgets import QInputDialog, QMessageBox  # noqa: E402

from desktop.core.catalog import load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui
E = "suzhou-project-selfeval-2023"


@pytest.fixture
def said(monkeypatch):
    out: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: out.append(("warning", text)))
    monkeypatch.setattr(QMessageBox, "information", lambda p, t, text, *a, **k: out.append(("information", text)))
    return out


def configure(port, user="", timeout=5):
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog()
    dlg.edits["smtp_host"].setText("127.0.0.1")
    dlg.port.setValue(port)
    dlg.security.setCurrentIndex(dlg.security.findData("none"))
    dlg.timeout.setValue(timeout)
    dlg.edits["smtp_user"].setText(user)
    dlg.edits["smtp_sender"].setText("jxb@unit.gov.cn")
    dlg.edits["mail_to"].setText("张科长 <zhang@czj.suzhou.gov.cn>")
    dlg.accept()
    dlg.deleteLater()


def window(qtbot, tmp_path):
    from ui.form_window import FormWindow

    win = FormWindow(FormSession.create(tmp_path / "自评表.jxd", load_sample(E)))
    qtbot.addWidget(win)
    win.show()
    return win


def direct(monkeypatch, asked):
    from ui import exports

    monkeypatch.setattr(exports, "ask_how", lambda win, server: asked.append(("how", server)) or "smtp")

    def recipients(win, title, label, mode, default):
        asked.append(("to", default))
        return default, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(recipients))


def test_send_from_window_through_intranet_server(app, qtbot, tmp_path, monkeypatch, smtp_server, said):
    from ui import exports
    from ui import settings as user_settings

    inbox, port = smtp_server
    configure(port)
    assert user_settings.smtp_settings().port == port
    win = window(qtbot, tmp_path)
    asked: list = []
    direct(monkeypatch, asked)
    exports.send_mail(win)
    assert said == []
    assert asked == [("how", f"127.0.0.1:{port}"), ("to", "张科长 <zhang@czj.suzhou.gov.cn>")]
    (env,) = inbox.envelopes
    assert env.mail_from == "jxb@unit.gov.cn" and env.rcpt_tos == ["zhang@czj.suzhou.gov.cn"]
    msg = email.message_from_bytes(env.content, policy=policy.default)
    subject = str(msg["Subject"])
    assert "苏州" in subject or "项目" in subject or "自评" in subject  # a Chinese subject, decoded
    assert any("\u4e00" <= ch <= "\u9fff" for ch in subject)
    names = [a.get_filename() for a in msg.iter_attachments()]
    assert len(names) == 2 and names[0].endswith(".pdf") and names[1].endswith(".xlsx")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in names[0])
    pdf, xlsx = [a.get_content() for a in msg.iter_attachments()]
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")
    assert "X-Unsent" not in msg
    assert "zhang@czj.suzhou.gov.cn" in win.statusBar().currentMessage()
    win.close()


def test_password_asked_and_kept_for_the_session_only(app, qtbot, tmp_path, monkeypatch, smtp_server, said):
    from ui import exports
    from ui import settings as user_settings

    inbox, port = smtp_server
    configure(port, user="clerk")
    win = window(qtbot, tmp_path)
    asked: list = []
    direct(monkeypatch, asked)
    answers = iter([("错的", False), ("密码123", True)])
    monkeypatch.setattr(exports, "ask_password", lambda w, user, srv: asked.append(("password", user)) or next(answers))
    try:
        assert exports.send_direct(win, user_settings.smtp_settings()) is None
        (kind, text), = said
        assert kind == "warning" and "用户名或密码" in text
        assert exports.send_direct(win, user_settings.smtp_settings()) == ["zhang@czj.suzhou.gov.cn"]
        assert exports.send_direct(win, user_settings.smtp_settings()) == ["zhang@czj.suzhou.gov.cn"]
        assert [a for a in asked if a[0] == "password"] == [("password", "clerk")] * 2  # not a third time
        assert len(inbox.envelopes) == 2
        home = tmp_path / "jixiao-home"
        assert "smtp_host" in (home / "settings.json").read_text("utf-8")
        assert not any("密码123" in f.read_text("utf-8", errors="replace") for f in home.iterdir() if f.is_file())
    finally:
        user_settings.remember_password("127.0.0.1", "clerk", None)
    win.close()


def test_server_not_reachable_is_told_in_chinese(app, qtbot, tmp_path, monkeypatch, said):
    from ui import exports

    configure(free_port())  # nothing listens there
    win = window(qtbot, tmp_path)
    direct(monkeypatch, [])
    exports.send_mail(win)
    (kind, text), = said
    assert kind == "warning" and "无法连接邮件服务器" in text
    assert win.isVisible()
    win.close()


def test_without_server_the_mail_program_is_used(app, qtbot, tmp_path, monkeypatch, said):
    from ui import exports

    win = window(qtbot, tmp_path)
    monkeypatch.setattr(exports, "ask_how", lambda *a: pytest.fail("no choice without a server"))
    opened = []
    monkeypatch.setattr("desktop.export.eml.open_in_mail_client", lambda p, files=None: opened.append(p))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("a@b.cn", True)))
    monkeypatch.setattr("ui.settings.export_folder", lambda: tmp_path)
    out = exports.send_mail(win)
    assert opened == [out] and out.suffix == ".eml" and out.is_file()
    win.close()


def test_silent_server_leaves_the_window_live_and_cancellable(app, qtbot, tmp_path, monkeypatch, said,
                                                              silent_server):
    import sys
    import threading
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from ui import exports
    from ui import settings as user_settings

    port, seen = silent_server
    configure(port, timeout=120)  # the server would keep the window waiting two minutes
    win = window(qtbot, tmp_path)
    direct(monkeypatch, [])
    crashes: list = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashes.append(args))
    monkeypatch.setattr(sys, "excepthook", lambda *args: crashes.append(args))
    ticks: list[float] = []
    ticker = QTimer(win)
    ticker.timeout.connect(lambda: ticks.append(time.monotonic()))
    ticker.start(50)
    pressed: list = []

    def cancel_once_waiting():
        dialogs = [d for d in win.findChildren(QProgressDialog) if d.isVisible()]
        if not (dialogs and seen.get("connected")):
            QTimer.singleShot(50, cancel_once_waiting)
            return
        pressed.append((time.monotonic(), dialogs[0].labelText()))
        QTimer.singleShot(300, dialogs[0].findChild(QPushButton, "").click)  # a little longer, then 取消

    QTimer.singleShot(50, cancel_once_waiting)
    assert exports.send_direct(win, user_settings.smtp_settings()) is None
    back = time.monotonic()
    (at, label), = pressed
    assert "发送邮件" in label
    assert back - at < 1.5  # 0.3 s after the dialog was seen, not the server's two minutes
    assert len([t for t in ticks if at <= t <= back]) >= 3  # the window's timer kept firing meanwhile
    (kind, text), = said
    assert kind == "information" and "已取消发送" in text and "没有发出" in text and f"127.0.0.1:{port}" in text
    assert "已取消发送" in win.statusBar().currentMessage()
    assert not [d for d in win.findChildren(QProgressDialog) if d.isVisible()]
    qtbot.waitUntil(lambda: "eof" in seen, timeout=3000)  # the connection was shut, not left to time out
    assert seen["eof"]
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith("jixiao-")], timeout=3000)
    assert crashes == []
    assert win.isVisible()
    ticker.stop()
    win.close()


def test_cancelled_pdf_export_writes_nothing(app, qtbot, tmp_path, monkeypatch, said):
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

    import desktop.export.pdf
    from ui import exports

    win = window(qtbot, tmp_path)
    target = tmp_path / "大表.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    release = threading.Event()
    real = desktop.export.pdf.export_pdf

    def slow(state, out, **kw):  # a document that takes long to lay out
        release.wait(10)
        return real(state, out, **kw)

    monkeypatch.setattr(desktop.export.pdf, "export_pdf", slow)

    def cancel_when_shown():
        dialogs = [d for d in win.findChildren(QProgressDialog) if d.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, cancel_when_shown)
            return
        dialogs[0].findChild(QPushButton, "").click()

    QTimer.singleShot(50, cancel_when_shown)
    assert exports.export_pdf(win) is None
    (kind, text), = said
    assert kind == "information" and text == "已取消导出，没有写入 大表.pdf"
    release.set()  # the abandoned work finishes and is thrown away
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith("jixiao-")], timeout=10000)
    assert list(tmp_path.glob("大表.pdf*")) == []
    monkeypatch.setattr(desktop.export.pdf, "export_pdf", real)
    assert exports.export_pdf(win) == target and target.read_bytes().startswith(b"%PDF")
    win.close()
