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
