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
        raise SmtpError(Code.SMTP_NO_HOST)
    recipients = to or [a for _, a in getaddresses(message.get_all("To", []) + message.get_all("Cc", []))
                        if a]
    if not recipients:
        raise SmtpError(Code.SMTP_NO_RECIPIENTS)
    from_addr = sender or next((a for _, a in getaddresses(message.get_all("From", [])) if a), "") or user
    if not from_addr:
        raise SmtpError(Code.SMTP_NO_SENDER)
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


_FAILURES: list[tuple[type[BaseException] | tuple[type[BaseException], ...], Code]] = [  # the first that fits
    (smtplib.SMTPAuthenticationError, Code.SMTP_LOGIN),
    (smtplib.SMTPNotSupportedError, Code.SMTP_UNSUPPORTED),
    (smtplib.SMTPRecipientsRefused, Code.SMTP_RECIPIENTS),
    (smtplib.SMTPSenderRefused, Code.SMTP_SENDER),
    (smtplib.SMTPServerDisconnected, Code.SMTP_DISCONNECTED),
    (smtplib.SMTPException, Code.SMTP_FAILED),
    (ssl.SSLError, Code.SMTP_TLS),
    ((socket.timeout, TimeoutError), Code.SMTP_TIMEOUT),
    (ConnectionRefusedError, Code.SMTP_REFUSED),
    (socket.gaierror, Code.SMTP_UNKNOWN_HOST),
    (OSError, Code.SMTP_UNREACHABLE),
]


def _explain(exc: BaseException, where: str, host: str, timeout: float) -> SmtpError:
    """The clerk's words for a failed send."""
    code = next(code for kind, code in _FAILURES if isinstance(exc, kind))
    if isinstance(exc, smtplib.SMTPException):
        why = _why(exc)
    elif isinstance(exc, ssl.SSLError):
        why = str(exc.reason or exc)
    else:
        why = str(getattr(exc, "strerror", None) or exc)
    return SmtpError(code, where=where, host=host, timeout=timeout, why=why,
                     recipients="、".join(getattr(exc, "recipients", None) or ()), sender=getattr(exc, "sender", ""))


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
