"""The email package: .eml parsed back with Python's email package; SMTP against a local aiosmtpd."""
from __future__ import annotations

import email
import socket
import time
from email import policy

import pytest
from conftest import free_port

from desktop.core.catalog import load_form, load_sample
from desktop.core.engine import DocumentState
from desktop.export.eml import (EmlError, MailTemplate, build_eml, message_bytes, open_in_mail_client,
                                subject_vars_of, write_eml)
from desktop.export.smtp import SmtpError, SmtpSettings, send

PDF_NAME = "苏州市体育信息中心_项目支出绩效自评表_电子政务项目运行维护资金_20261124.pdf"
XLSX_NAME = "苏州市体育信息中心_项目支出绩效自评表（数据）.xlsx"
VARS = {"unit": "苏州市体育信息中心", "form": "苏州市级财政支出项目绩效自评表", "year": "2023",
        "project": "电子政务项目运行维护资金"}


@pytest.fixture
def files(tmp_path):
    pdf = tmp_path / PDF_NAME
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    xlsx = tmp_path / XLSX_NAME
    xlsx.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 80)
    return pdf, xlsx


def parse(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def test_eml_parses_back_with_everything_intact(tmp_path, files):
    pdf, xlsx = files
    out = write_eml(tmp_path / "报送.eml", pdf, xlsx, to="张科长 <zhang@czj.suzhou.gov.cn>", subject_vars=VARS)
    raw = out.read_bytes()
    assert raw.isascii()  # 7-bit clean: every client reads it
    msg = parse(raw)
    assert msg["Subject"] == "苏州市体育信息中心2023年度苏州市级财政支出项目绩效自评表（电子政务项目运行维护资金）"
    assert msg["To"].addresses[0].display_name == "张科长"
    assert msg["To"].addresses[0].addr_spec == "zhang@czj.suzhou.gov.cn"
    assert msg["X-Unsent"] == "1"
    body = msg.get_body(("plain",)).get_content()
    for word in ("苏州市体育信息中心", "2023", "《苏州市级财政支出项目绩效自评表》", "电子政务项目运行维护资金",
                 PDF_NAME, XLSX_NAME):
        assert word in body
    atts = list(msg.iter_attachments())
    assert [a.get_filename() for a in atts] == [PDF_NAME, XLSX_NAME]
    assert atts[0].get_content_type() == "application/pdf"
    assert atts[1].get_content_type().endswith("spreadsheetml.sheet")
    assert atts[0].get_content() == pdf.read_bytes()
    assert atts[1].get_content() == xlsx.read_bytes()


def test_attachment_names_in_both_encodings(files):
    pdf, xlsx = files
    raw = message_bytes(build_eml(pdf, xlsx, to="a@b.cn", subject_vars=VARS)).decode("ascii")
    assert "filename*=utf-8''%E8%8B%8F" in raw  # RFC 2231 on Content-Disposition
    assert 'name="=?utf-8?b?' in raw  # RFC 2047 on Content-Type, for Outlook / Foxmail
    from email.header import decode_header, make_header

    for part in parse(raw.encode()).iter_attachments():
        encoded = part.get_param("name", header="content-type")
        assert str(make_header(decode_header(str(encoded)))) == part.get_filename()
    assert "\r\n" in raw and raw.count("\n") == raw.count("\r\n")


def test_template_with_placeholders(files):
    pdf, xlsx = files
    tpl = MailTemplate(subject="【{year}】{unit}报送{form}", body="{unit}：{project}，{unknown} {0.__class__}")
    msg = build_eml(pdf, xlsx, to="a@b.cn", subject_vars=VARS, template=tpl)
    assert msg["Subject"] == "【2023】苏州市体育信息中心报送苏州市级财政支出项目绩效自评表"
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("苏州市体育信息中心：电子政务项目运行维护资金，{unknown} {0.__class__}")


def test_subject_vars_of_a_document():
    state = DocumentState(load_form("shanghai-project-goals-2020"), load_sample("shanghai-project-goals-2020"))
    v = subject_vars_of(state)
    assert v["year"] == "2020" and v["unit"] and v["form"] == "财政项目支出绩效目标表"
    assert "、" in v["project"]  # five projects


def test_bad_address_and_missing_file(files, tmp_path):
    pdf, xlsx = files
    with pytest.raises(EmlError) as err:
        build_eml(pdf, xlsx, to="不是地址", subject_vars=VARS)
    assert "收件人地址" in err.value.text
    with pytest.raises(EmlError) as err:
        build_eml(tmp_path / "没有.pdf", xlsx, to="", subject_vars=VARS)
    assert "不存在" in err.value.text


def test_open_in_mail_client_does_not_block(monkeypatch, tmp_path):
    import subprocess
    import sys

    calls = []

    class FakePopen:  # a mail client that never exits: waiting for it would hang the window
        def __init__(self, cmd, **kwargs):
            calls.append((cmd, kwargs))

        def wait(self, *a, **k):
            raise AssertionError("waited for the mail client")

        communicate = wait

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    monkeypatch.setattr(subprocess, "run", FakePopen.wait)
    monkeypatch.setattr(subprocess, "call", FakePopen.wait)
    monkeypatch.setattr(sys, "platform", "linux")
    path = tmp_path / "信.eml"
    path.write_bytes(b"x")
    open_in_mail_client(path)
    assert len(calls) == 1
    cmd, kwargs = calls[0]
    assert cmd[0] == "xdg-open" and str(path) in map(str, cmd)
    assert kwargs["start_new_session"]  # detached: closing the app does not close the mail client

    def missing(cmd, **kwargs):
        raise FileNotFoundError(2, "No such file")

    monkeypatch.setattr(subprocess, "Popen", missing)
    with pytest.raises(EmlError) as err:
        open_in_mail_client(path)
    assert "邮件程序" in err.value.text


def test_cli_eml(tmp_path, capsys):
    from desktop.cli import main
    from desktop.commands import save_document

    src = tmp_path / "e.json"
    save_document(load_sample("suzhou-project-selfeval-2023"), src)
    out = tmp_path / "邮件.eml"
    assert main(["eml", str(src), "-o", str(out), "--to", "czj@example.gov.cn"]) == 0
    msg = parse(out.read_bytes())
    names = [a.get_filename() for a in msg.iter_attachments()]
    assert len(names) == 2 and names[0].endswith(".pdf") and names[1].endswith(".xlsx")
    assert "苏州市级财政支出项目绩效自评表" in names[0]
    assert msg["To"] == "czj@example.gov.cn"


# ---------------------------------------------------------------------------------------
# SMTP against a local server (the smtp_server fixture is in conftest.py)
# ---------------------------------------------------------------------------------------


def test_send_through_local_smtp(smtp_server, files):
    inbox, port = smtp_server
    pdf, xlsx = files
    msg = build_eml(pdf, xlsx, to="张科长 <zhang@czj.suzhou.gov.cn>", subject_vars=VARS)
    start = time.monotonic()
    accepted = send(msg, "127.0.0.1", port, "clerk", "密码123", timeout=5, sender="clerk@unit.gov.cn")
    assert time.monotonic() - start < 5
    assert accepted == ["zhang@czj.suzhou.gov.cn"]
    (env,) = inbox.envelopes
    assert env.mail_from == "clerk@unit.gov.cn" and env.rcpt_tos == ["zhang@czj.suzhou.gov.cn"]
    got = parse(env.content)
    assert got["Subject"] == msg["Subject"]
    assert [a.get_filename() for a in got.iter_attachments()] == [PDF_NAME, XLSX_NAME]
    assert "X-Unsent" not in got


def test_wrong_password_is_a_chinese_message(smtp_server, files):
    inbox, port = smtp_server
    msg = build_eml(*files, to="a@b.cn", subject_vars=VARS)
    with pytest.raises(SmtpError) as err:
        send(msg, "127.0.0.1", port, "clerk", "wrong", timeout=5, sender="c@u.cn")
    assert "用户名或密码" in err.value.text
    assert inbox.envelopes == []


def test_refused_and_silent_servers_fail_quickly(files):
    msg = build_eml(*files, to="a@b.cn", subject_vars=VARS)
    port = free_port()  # nothing listens there
    start = time.monotonic()
    with pytest.raises(SmtpError) as err:
        send(msg, "127.0.0.1", port, timeout=3, sender="c@u.cn")
    assert "拒绝连接" in err.value.text and time.monotonic() - start < 3
    with socket.socket() as silent:  # accepts the connection, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        start = time.monotonic()
        with pytest.raises(SmtpError) as err:
            send(msg, "127.0.0.1", silent.getsockname()[1], timeout=1, sender="c@u.cn")
        assert "超时" in err.value.text or "断开" in err.value.text
        assert time.monotonic() - start < 4


def test_settings_round_trip():
    s = SmtpSettings.from_dict({"host": "mail.gov.cn", "port": "465", "use_ssl": True, "junk": 1})
    assert s.port == 465 and s.use_ssl and SmtpSettings.from_dict(s.to_dict()) == s
    assert "password" not in s.to_dict()
