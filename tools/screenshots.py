"""Screenshots of every form window filled with its seed data, and of the main window.

    python tools/screenshots.py [--out out/screenshots] [--screen 1366x768]

For each form: ``<form>-window.png`` (the window as a clerk sees it on a screen of that size, opened
the way the app opens it) and ``<form>-page.png`` (the whole first page, scrolled content, to compare
with the paper form); ``<form>-new.png``: a new, empty draft of the form; ``marks.png``: a clerk's
mistakes.  Rendered offscreen with the bundled font (works on a machine without Chinese fonts), with
Qt's own ``widget.grab()``: no ImageMagick, no X server.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _screen(size: str) -> None:
    """The offscreen platform with one screen of ``WIDTHxHEIGHT`` pixels."""
    w, h = (int(x) for x in size.lower().split("x"))
    config = Path(tempfile.mkdtemp(prefix="jixiao-shots-")) / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "shot", "x": 0, "y": 0, "width": w, "height": h,
                                               "logicalDpi": 96, "dpr": 1}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def shoot(folder: Path) -> list[Path]:
    os.environ.setdefault("JIXIAO_HOME", tempfile.mkdtemp(prefix="jixiao-shots-"))
    sys.path.insert(0, str(ROOT))
    from desktop.app import make_app

    app = make_app()
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.session import FormSession
    from ui.form_window import FormWindow
    from ui.main_window import MainWindow
    from ui.new_draft import new_document

    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    main = MainWindow()
    main.show()
    app.processEvents()
    out.append(folder / "main-window.png")
    main.grab().save(str(out[-1]))

    def window(state: DocumentState, name: str, page: bool) -> None:
        win = FormWindow(FormSession(state))
        win.show()
        app.processEvents()
        out.append(folder / f"{name}.png")
        win.grab().save(str(out[-1]))
        if page:
            view = win.views[state.doc.parts[0].id]
            body = view.widget()
            body.resize(view.viewport().width(), body.sizeHint().height())
            app.processEvents()
            out.append(folder / f"{name.removesuffix('-window')}-page.png")
            body.grab().save(str(out[-1]))
        win.close()

    for fid in form_ids():
        form = load_form(fid)
        window(DocumentState(form, load_sample(fid)), f"{fid}-window", True)
        window(DocumentState(form, new_document(form)), f"{fid}-new", False)
    out.append(folder / "marks.png")
    _marks(app, out[-1])
    main.close()
    return out


def _marks(app, path: Path) -> None:
    """Form E with a clerk's mistakes: an error, a 提示 answered, an overridden score — how marks look."""
    from desktop.core.catalog import load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.session import FormSession
    from ui.form_window import FormWindow

    fid = "suzhou-project-selfeval-2023"
    session = FormSession(DocumentState(load_form(fid), load_sample(fid)))
    win = FormWindow(session)
    pid = session.state.doc.parts[0].id
    ps = session.state.parts[0]
    win.push(session.set_cell_command(pid, "d_paid", "２１００"))  # 资金结余 negative: a 提示, and an error
    rows = ps.data_rows("indicators")
    win.push(session.set_cell_command(pid, f"indicators/{rows[0]}/score", "0.8", override=True))
    win.push(session.set_cell_command(pid, f"indicators/{rows[1]}/actual", "abc%"))
    win.show()
    win.problems.refresh()
    app.processEvents()
    win.grab().save(str(path))
    win.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="out/screenshots", help="输出文件夹（默认 out/screenshots）")
    p.add_argument("--screen", default="1366x768", help="屏幕大小（默认 1366x768，常见的笔记本屏幕）")
    args = p.parse_args(argv)
    _screen(args.screen)
    for path in shoot(Path(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
