"""A real window under X (the xcb platform): start the app on a seed form, show it, quit cleanly.

    python tools/xvfb_smoke.py [--shot shot.png] [--use-display]

Starts its own ``Xvfb`` on a free display (or, with ``--use-display``, uses the X server ``DISPLAY``
names), runs the app in a child process with ``QT_QPA_PLATFORM=xcb`` showing form E filled with its
seed data, optionally saves a screenshot of the whole X screen (taken by the app itself with Qt: no
ImageMagick needed), then asks the app to quit and checks that it exited with code 0.  Exit code 0
when all went well; 77 when Xvfb is missing (or ``DISPLAY`` is not set with ``--use-display``).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORM = "suzhou-project-selfeval-2023"

CHILD = r"""
import sys, os
sys.path.insert(0, os.environ["JIXIAO_ROOT"])
from desktop.app import make_app
app = make_app()
from PySide6.QtCore import QTimer
from desktop.core.catalog import load_sample
from desktop.session import FormSession
from ui.form_window import FormWindow
from ui.main_window import MainWindow
main = MainWindow(); main.show()
session = FormSession.create(os.path.join(os.environ["JIXIAO_HOME"], "自评表.jxd"), load_sample(sys.argv[1]))
win = FormWindow(session); win.move(0, 0); win.show()  # sized by the app to the screen
def ready():
    shot = os.environ.get("JIXIAO_SHOT")
    if shot:  # the whole X screen, as the clerk would see it
        win.screen().grabWindow(0).save(shot)
    print("shown", app.platformName(), win.isVisible(), win.windowHandle().isExposed(), flush=True)
QTimer.singleShot(500, ready)
def poll():
    if os.path.exists(os.environ["JIXIAO_QUIT"]):
        win.close(); main.close(); app.quit()
t = QTimer(); t.timeout.connect(poll); t.start(100)
sys.exit(app.exec())
"""


def free_display() -> int:
    for n in range(99, 160):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display")


def run(shot: Path | None = None, timeout: float = 60, use_display: bool = False) -> tuple[int, str]:
    if use_display:
        display = os.environ.get("DISPLAY", "")
        if not display:
            return 77, "--use-display: DISPLAY is not set"
        return _run_app(display, shot, timeout)
    if shutil.which("Xvfb") is None:
        return 77, "Xvfb is not installed"
    n = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{n}").exists():
            if time.monotonic() > deadline or xvfb.poll() is not None:
                return 1, "Xvfb did not start"
            time.sleep(0.05)
        return _run_app(f":{n}", shot, timeout)
    finally:
        xvfb.terminate()
        try:
            xvfb.wait(timeout=10)
        except subprocess.TimeoutExpired:
            xvfb.kill()


def _run_app(display: str, shot: Path | None, timeout: float) -> tuple[int, str]:
    home = Path(tempfile.mkdtemp(prefix="jixiao-xvfb-"))
    quit_flag = home / "quit"
    try:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", JIXIAO_HOME=str(home),
                   JIXIAO_ROOT=str(ROOT), JIXIAO_QUIT=str(quit_flag))
        if shot is not None:
            env["JIXIAO_SHOT"] = str(Path(shot).resolve())
        child = subprocess.Popen([sys.executable, "-c", CHILD, FORM], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.startswith("shown xcb True True"):
            child.kill()
            out, err = child.communicate()
            return 1, f"window not shown: {line!r} {err[-1500:]}"
        quit_flag.touch()
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            return 1, "the app did not quit"
        err = child.stderr.read() if child.stderr else ""
        bad = [ln for ln in err.splitlines() if "Traceback" in ln or "Fatal" in ln]
        if code != 0 or bad:
            return 1, f"exit code {code}: {err[-1500:]}"
        if shot is not None and not Path(shot).is_file():
            return 1, f"no screenshot was saved to {shot}"
        return 0, f"shown under X ({display}, xcb) and quit cleanly" + (f"; screenshot {shot}" if shot else "")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shot", type=Path, default=None, help="save a screenshot of the X screen (PNG)")
    parser.add_argument("--use-display", action="store_true",
                        help="use the X server named by DISPLAY instead of starting Xvfb")
    args = parser.parse_args(argv[1:])
    code, text = run(args.shot, use_display=args.use_display)
    print(text)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
