"""Set everything up, then start the app or run the tests.

    python tools/bootstrap.py run              # set up and start 绩效填报
    python tools/bootstrap.py cli forms        # the command line: jixiao forms, jixiao pdf …, jixiao check …
    python tools/bootstrap.py test             # set up and run every test

Works on Windows (``py tools\\bootstrap.py run``) and Linux.  It creates
``.venv`` beside the project, installs the project with its test extras, and
re-installs only when pyproject.toml changed.  The ``jixiao`` command is installed into that
``.venv`` (not on the PATH): ``cli`` runs it with the words that follow.  On Linux as root (a CI machine)
``test`` also installs the few Debian packages the screen tests use when apt is
there; without them those tests skip with a message.
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


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    py = venv_python()
    if not py.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    stamp = VENV / ".jixiao-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        print("安装依赖 …", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", ".[test]"],
                       cwd=ROOT, check=True)
        stamp.write_text(want)
    return py


def ensure_system_packages() -> None:
    """Debian packages for the Xvfb and PDF-to-PNG tests (CI machines; best effort)."""
    if sys.platform != "linux" or not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    if shutil.which("Xvfb") and shutil.which("pdftoppm"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", *DEBIAN_PACKAGES], env=env, check=False, timeout=600,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        print("（未能安装 Xvfb / poppler，相关测试将跳过）", flush=True)


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
    py = ensure_venv()
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(py), "-m", "desktop", *extra], cwd=ROOT)
    if command == "cli":  # ``python -m desktop`` is the ``jixiao`` command; file names are the user's own
        return subprocess.call([str(py), "-m", "desktop", *extra])
    ensure_system_packages()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return subprocess.call([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
