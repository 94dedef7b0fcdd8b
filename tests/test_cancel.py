"""取消 from another thread: the token's rules, and an SMTP send to a server that never answers (no Qt)."""
from __future__ import annotations

import threading
import time
from email.message import EmailMessage

import pytest

from desktop.core.cancel import Cancelled, CancelToken
from desktop.export.smtp import send


def test_token_runs_hooks_once_and_not_after_the_work_finished():
    token, calls = CancelToken(), []
    token.on_cancel(lambda: calls.append("a"))
    assert token.cancel() and token.cancelled and calls == ["a"]
    assert token.cancel() and calls == ["a"]  # a second 取消 changes nothing
    token.on_cancel(lambda: calls.append("late"))  # registered after 取消: runs at once
    assert calls == ["a", "late"]
    assert not token.finish()
    with pytest.raises(Cancelled) as err:
        token.check()
    assert err.value.text == "已取消"
    done = CancelToken()
    done.on_cancel(lambda: calls.append("never"))
    assert done.finish()
    assert not done.cancel() and not done.cancelled and "never" not in calls  # too late: the result stands
    done.check()


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = "zhang@czj.suzhou.gov.cn"
    msg["Subject"] = "自评表"
    msg.set_content("附件")
    return msg


def test_cancel_shuts_the_connection_to_a_silent_server(silent_server):
    port, seen = silent_server
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    start = time.monotonic()
    with pytest.raises(Cancelled) as err:
        send(message(), "127.0.0.1", port, sender="jxb@unit.gov.cn", timeout=60, cancel=token)
    assert time.monotonic() - start < 5  # not the 60 s timeout
    assert err.value.text == f"已取消发送：已断开与邮件服务器 127.0.0.1:{port} 的连接，邮件没有发出"
    deadline = time.monotonic() + 3
    while "eof" not in seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen["eof"]  # the server saw the connection closed, without a word


def test_cancelled_before_connecting_sends_nothing(silent_server):
    port, seen = silent_server
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        send(message(), "127.0.0.1", port, sender="jxb@unit.gov.cn", timeout=60, cancel=token)


def test_progress_is_told_until_cancelled_and_is_set_reads_like_an_event():
    told: list[str] = []
    token = CancelToken(on_progress=told.append)
    assert not token.is_set()
    token.progress("正在读取 第 200 行")
    token.cancel()
    token.progress("第 400 行")  # the dialog is gone: nothing more is told
    assert token.is_set() and told == ["正在读取 第 200 行"]
    CancelToken().progress("nobody listens")  # no listener: nothing happens


def test_the_workbook_import_has_the_one_cancelled():
    from desktop.export import xlsx_import, xlsx_safety

    assert xlsx_safety.Cancelled is Cancelled and xlsx_import.Cancelled is Cancelled
    deadline = xlsx_safety.Deadline("t.xlsx", 60, cancel=CancelToken())
    deadline.poll("第 1 行")
    deadline.cancel.cancel()
    with pytest.raises(Cancelled):
        deadline.poll("第 2 行")


def test_counted_progress_reaches_its_listener_with_the_text_and_stops_at_cancel():
    counts, texts = [], []
    token = CancelToken(on_progress=texts.append, on_count=lambda done, total: counts.append((done, total)))
    token.count(1, 4, "第 1/4 个")
    token.count(2, 4)
    token.cancel()
    token.count(3, 4, "第 3/4 个")
    assert counts == [(1, 4), (2, 4)] and texts == ["第 1/4 个"]
    CancelToken(on_progress=texts.append).count(1, 2, "只有文字")  # no bar listening: the text still goes
    assert texts[-1] == "只有文字"
