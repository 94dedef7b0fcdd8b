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


def configure(port, user=""):
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog()
    dlg.edits["smtp_host"].setText("127.0.0.1")
    dlg.port.setValue(port)
    dlg.security.setCurrentIndex(dlg.security.findData("none"))
    dlg.timeout.setValue(5)
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
