import os
import socket
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the user's own data folder (recent drafts, installed forms): a test that needs one uses ``jixiao_home``.
# Set before collection, as tests are parametrized over the forms there are.
os.environ.setdefault("JIXIAO_HOME", os.path.join(tempfile.gettempdir(), f"jixiao-tests-{os.getpid()}"))


@pytest.fixture
def jixiao_home(tmp_path, monkeypatch):
    """A private JIXIAO_HOME (recent drafts, settings) for one test."""
    home = tmp_path / "jixiao-home"
    home.mkdir()
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    return home


@pytest.fixture
def app(qapp, jixiao_home):
    """The app's QApplication (bundled font, style sheet) over pytest-qt's, with a private JIXIAO_HOME."""
    from desktop.app import make_app

    return make_app()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What a local SMTP server received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """An aiosmtpd server on 127.0.0.1 (login clerk / 密码123), started and stopped by the test: (inbox, port)."""
    pytest.importorskip("aiosmtpd")
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def auth(server, session, envelope, mechanism, data):
        ok = (data.login, data.password) == (b"clerk", "密码123".encode())
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=auth, auth_require_tls=False,
                            ready_timeout=5)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
