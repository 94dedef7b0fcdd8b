"""A throw-away PostgreSQL server for the library tests (Debian's ``postgresql`` package).

Started once per test session in a temporary folder on a free loopback port
(``initdb`` + ``pg_ctl``; as root the server runs as the ``postgres`` user,
since PostgreSQL refuses to run as root), stopped at the end.  Each test gets
a database of its own.  Where no server binaries are installed the tests skip
with a message, except under CI (``CI`` set), where that is a failure.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="jx-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> "PgServer":
        if self.as_root:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "jixiao", "-E", "UTF8", "--no-sync")
        opts = f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://jixiao@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        import psycopg

        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server():
    bin_dir = _bin_dir()
    problem = ""
    if bin_dir is None:
        problem = "没有安装 PostgreSQL（Debian: apt-get install postgresql）"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            problem = "没有安装 psycopg（pip install psycopg[binary]）"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI 中缺少 PostgreSQL 测试所需：{problem}")
        pytest.skip(problem)
    server = PgServer(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()
