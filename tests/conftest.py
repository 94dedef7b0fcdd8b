import importlib
import importlib.util
import os
import shutil
import socket
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the user's own data folder (recent drafts, installed forms): a test that needs one uses ``jixiao_home``.
# Set before collection, as tests are parametrized over the forms there are.
os.environ.setdefault("JIXIAO_HOME", os.path.join(tempfile.gettempdir(), f"jixiao-tests-{os.getpid()}"))


def require(tool: str, module: str | None = None, why: str = ""):
    """A program (on PATH) or, with ``module``, an importable extra the tests below need.

    Missing: the test (or, at module level, the whole file) is skipped — except when the environment variable
    ``CI`` is set, where ``tools/bootstrap.py test`` installs everything and a missing tool is a failure, not a
    silent skip.  Returns the imported module when ``module`` is given, else the program's path."""
    found = None
    if module is not None:
        if importlib.util.find_spec(module.split(".")[0]) is not None:
            found = importlib.import_module(module)
    else:
        found = shutil.which(tool)
    if found is None:
        text = f"{tool} is not installed" + (f" ({why})" if why else "")
        if os.environ.get("CI"):
            pytest.fail(f"{text}; CI is set, so this is a failure: tools/bootstrap.py test installs it",
                        pytrace=False)
        pytest.skip(text, allow_module_level=True)
    return found


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


@pytest.fixture
def silent_server():
    """A TCP server on 127.0.0.1 that accepts one connection and never says a word: (port, what it saw).
    ``seen["eof"]`` is True once the client shut the connection without sending anything."""
    import threading

    srv = socket.create_server(("127.0.0.1", 0))
    seen: dict = {}

    def serve():
        try:
            conn, _ = srv.accept()
        except OSError:  # the fixture closed the server: the test never connected
            seen["connected"] = False
            return
        seen["connected"] = True
        seen["eof"] = conn.recv(100) == b""
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield srv.getsockname()[1], seen
    srv.close()


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
    require("aiosmtpd", module="aiosmtpd")
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


@pytest.fixture(autouse=True)
def _no_leftover_log_files():
    """The command line and the app add a log file in the (per-test) data folder: take it away after the test."""
    import logging

    root = logging.getLogger()
    before = list(root.handlers)
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
