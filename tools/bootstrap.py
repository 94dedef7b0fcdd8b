"""Set everything up, then start the app or run the tests.

    python tools/bootstrap.py run              # set up and start 绩效填报
    python tools/bootstrap.py cli forms        # the command line: jixiao forms, jixiao pdf …, jixiao check …
    python tools/bootstrap.py test             # set up, check the code (ruff, layer contracts), run every test

Works on Windows (``py tools\\bootstrap.py run``) and Linux.  It creates
``.venv`` beside the project, installs the project (``run``, ``cli``, ``setup``: the runtime
dependencies only; ``test``: with its test extras), and re-installs only when
pyproject.toml changed or the extras are not there yet.  The ``jixiao`` command is installed into that
``.venv`` (not on the PATH): ``cli`` runs it with the words that follow.  On Linux as root (a CI machine)
``test`` also installs the Debian packages the tests use (Xvfb, poppler, LibreOffice
Calc, PostgreSQL) when apt is there; without them those tests skip with a message —
or fail, when the environment variable ``CI`` is set (tests/conftest.py ``require``).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
DEBIAN_PACKAGES = ["xvfb", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxkbcommon-x11-0",
                   "libxcb-randr0", "libxcb-render-util0", "libxcb-image0", "libxcb-shape0", "x11-apps",
                   "poppler-utils", "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3"]
# big ones, without their recommendations: about 100 MB to download on a bare Debian 12
DEBIAN_PACKAGES_LEAN = ["libreoffice-calc", "postgresql"]
TOOLS = ("Xvfb", "pdftoppm", "soffice", "psql")  # all there: nothing to install


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def install_target(command: str) -> str:
    """What pip installs for a command: the app's runtime dependencies only to run it (an intranet
    mirror may carry nothing else), the test extras (pytest, PyInstaller…) to test it."""
    return ".[test]" if command == "test" else "."


def ensure_venv(command: str = "run") -> Path:
    py = venv_python()
    if not py.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    target = install_target(command)
    stamp = VENV / ".jixiao-installed"
    pyproject = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    done = stamp.read_text().split() if stamp.exists() else []
    have = done[1:] if done and done[0] == pyproject else []
    if target not in have and ".[test]" not in have:  # the test extras include the runtime ones
        print("安装依赖 …", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
                       cwd=ROOT, check=True)
        stamp.write_text(" ".join([pyproject, *have, target]))
    return py


def venv_script(name: str) -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def check_code(py: Path) -> int:
    """ruff (syntax errors, pyflakes) and the import contracts of pyproject.toml (docs/architecture.md)."""
    for what, cmd in (("ruff", [str(py), "-m", "ruff", "check", "."]),
                      ("lint-imports", [str(venv_script("lint-imports")), "--no-cache"])):
        print(f"检查代码：{what} …", flush=True)
        rc = subprocess.call(cmd, cwd=ROOT)
        if rc != 0:
            print(f"{what} 未通过（退出码 {rc}），不运行测试", flush=True)
            return rc
    return 0


def ensure_system_packages() -> None:
    """Debian packages for the Xvfb and PDF-to-PNG tests (CI machines; best effort)."""
    if sys.platform != "linux" or not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    if all(shutil.which(tool) for tool in TOOLS):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", *DEBIAN_PACKAGES], env=env, check=False, timeout=600,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *DEBIAN_PACKAGES_LEAN], env=env,
                       check=False, timeout=600, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        print("（未能安装 Xvfb / poppler / LibreOffice / PostgreSQL，相关测试将跳过）", flush=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    extra = argv[2:]
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command not in ("run", "cli", "test", "setup"):
        print(__doc__)
        return 2
    if command == "cli" and not extra:
        extra = ["--help"]
    py = ensure_venv(command)
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(py), "-m", "desktop", *extra], cwd=ROOT)
    if command == "cli":  # ``python -m desktop`` is the ``jixiao`` command; file names are the user's own
        return subprocess.call([str(py), "-m", "desktop", *extra])
    ensure_system_packages()
    rc = check_code(py)
    if rc != 0:
        return rc
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return subprocess.call([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
