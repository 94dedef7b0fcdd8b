"""Optional sending through an intranet mail server (SMTP).

Public API::

    send(message, host, port=25, user='', password='', *, use_tls=False, use_ssl=False, timeout=20,
         sender='', to=None, cancel=None) -> list[str]      # the accepted recipients
    SmtpSettings(host, port, user, use_tls, use_ssl, timeout, sender)  # what the app keeps (no password)

Every failure is an :class:`SmtpError` with a Chinese explanation (server not
reachable, timed out, login refused, recipients refused, TLS problem).  The
timeout bounds every network step, so a silent server never hangs the app, and
a :class:`~desktop.core.cancel.CancelToken` shuts the connection at once when the
clerk cancels (then :class:`~desktop.core.cancel.Cancelled`).
"""
from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from dataclasses import asdict, dataclass
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any

from desktop.core.cancel import CancelToken, Cancelled
from desktop.core.errors import Code, JixiaoError

__all__ = ["send", "SmtpError", "SmtpSettings"]


class SmtpError(JixiaoError):
    """The message was not sent; the text says why."""


@dataclass
class SmtpSettings:
    host: str = ""
    port: int = 25
    user: str = ""
    use_tls: bool = False  # STARTTLS after connecting
    use_ssl: bool = False  # TLS from the start (usually port 465)
    timeout: float = 20.0
    sender: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SmtpSettings":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        s = cls(**known)
        s.port = int(s.port or (465 if s.use_ssl else 25))
        s.timeout = float(s.timeout or 20.0)
        return s


def send(message: Message, host: str, port: int = 25, user: str = "", password: str = "", *,
         use_tls: bool = False, use_ssl: bool = False, timeout: float = 20.0, sender: str = "",
         to: list[str] | None = None, context: ssl.SSLContext | None = None,
         cancel: CancelToken | None = None) -> list[str]:
    """Send ``message``; returns the recipients the server accepted.

    ``cancel`` (from another thread) shuts the connection at once and raises :class:`Cancelled`."""
    from desktop.export.eml import message_bytes

    if not host:
        raise SmtpError("没有设置邮件服务器地址（SMTP）")
    recipients = to or [a for _, a in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
                        if a]
    if not recipients:
        raise SmtpError("没有收件人地址")
    from_addr = sender or next((a for _, a in getaddresses(message.get_all("From", [])) if a), "") or user
    if not from_addr:
        raise SmtpError("没有发件人地址（请在设置中填写发件人或登录用户名）")
    if message.get("From") is None:
        message["From"] = from_addr
    if "X-Unsent" in message:
        del message["X-Unsent"]
    data = message_bytes(message) if isinstance(message, EmailMessage) else message.as_bytes()
    where = f"{host}:{port}"
    client: _Client | None = None
    try:
        client = _Client(timeout, (context or ssl.create_default_context()) if use_ssl else None, cancel)
        client.connect(host, port)
        if use_tls:
            client.starttls(context=context or ssl.create_default_context())
        if user:
            _login(client, user, password)
        if cancel is not None:
            cancel.check()
        refused = client.sendmail(from_addr, recipients, data)
        return [r for r in recipients if r not in refused]
    except (smtplib.SMTPException, OSError) as exc:
        if cancel is not None and cancel.cancelled:
            raise Cancelled(Code.MAIL_CANCELLED, server=where) from None
        raise _explain(exc, where, host, timeout) from None
    finally:
        if client is not None:
            client.end()


class _Client(smtplib.SMTP):
    """smtplib's client (TLS from the start when given a context) whose socket 取消 can shut from another
    thread, even while the client waits for a server that accepted the connection and never answers."""

    def __init__(self, timeout: float, tls: ssl.SSLContext | None, cancel: CancelToken | None):
        self._tls = tls
        self._cancel = cancel
        super().__init__(timeout=timeout)  # no host: connect() comes after the token holds the client
        if cancel is not None:
            cancel.on_cancel(self._shut)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        self._host = host  # smtplib's name for SNI and STARTTLS (set by its constructor, which has no host here)
        sock = socket.create_connection((host, port), timeout, self.source_address)
        if self._tls is not None:
            sock = self._tls.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
        self.sock = sock
        if self._cancel is not None and self._cancel.cancelled:
            self._shut()
        if self._tls is not None:
            sock.do_handshake()
        return sock

    def _shut(self) -> None:
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv on Linux and Windows alike
            except OSError:
                pass

    def end(self) -> None:
        try:
            self.quit()
        except (smtplib.SMTPException, OSError):
            try:
                self.close()
            except OSError:
                pass


def _explain(exc: BaseException, where: str, host: str, timeout: float) -> SmtpError:
    """The clerk's words for a failed send."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpError(f"邮件服务器 {where} 拒绝登录：用户名或密码不对")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SmtpError(f"邮件服务器 {where} 不支持所需的功能（{_why(exc)}），请检查加密和登录设置")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return SmtpError(f"邮件服务器拒绝了收件人：{'、'.join(exc.recipients)}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SmtpError(f"邮件服务器拒绝了发件人 {exc.sender}（{_why(exc)}）")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SmtpError(f"邮件服务器 {where} 断开了连接（可能需要加密连接，或端口不对）")
    if isinstance(exc, smtplib.SMTPException):
        return SmtpError(f"邮件发送失败：{_why(exc)}")
    if isinstance(exc, ssl.SSLError):
        return SmtpError(f"与邮件服务器 {where} 的加密连接失败：{exc.reason or exc}")
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return SmtpError(f"连接邮件服务器 {where} 超时（{timeout:g} 秒）")
    if isinstance(exc, ConnectionRefusedError):
        return SmtpError(f"无法连接邮件服务器 {where}：对方拒绝连接（地址或端口不对，或服务器未开启）")
    if isinstance(exc, socket.gaierror):
        return SmtpError(f"找不到邮件服务器“{host}”（地址不对或网络不通）")
    assert isinstance(exc, OSError)
    return SmtpError(f"无法连接邮件服务器 {where}：{exc.strerror or exc}")


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616) where offered: smtplib's own login only takes
    ASCII, and falls through mechanisms one after another on a wrong password."""
    client.ehlo_or_helo_if_needed()
    methods = (client.esmtp_features.get("auth") or "").upper().split()
    if "PLAIN" not in methods:
        client.login(user, password)
        return
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, resp = client.docmd("AUTH", "PLAIN " + token)
    if code == 334:  # the server wants the credentials on their own line
        code, resp = client.docmd(token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, resp)


def _why(exc: smtplib.SMTPException) -> str:
    err = getattr(exc, "smtp_error", b"")
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    code = getattr(exc, "smtp_code", "")
    return f"{code} {err}".strip() or str(exc)
