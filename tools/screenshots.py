"""Screenshots of every form window filled with its seed data, and of the main window.

    python tools/screenshots.py [folder]        # default: ./screenshots

For each form: ``<form>-window.png`` (the window as a clerk sees it, 1300×1000) and
``<form>-page.png`` (the whole first page, scrolled content, to compare with the paper form).
Rendered offscreen with the bundled font (works on a machine without Chinese fonts).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def shoot(folder: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("JIXIAO_HOME", tempfile.mkdtemp(prefix="jixiao-shots-"))
    from desktop.app import make_app

    app = make_app()
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.session import FormSession
    from ui.form_window import FormWindow
    from ui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    main = MainWindow()
    main.resize(1000, 680)
    main.show()
    app.processEvents()
    out.append(folder / "main-window.png")
    main.grab().save(str(out[-1]))
    for fid in form_ids():
        session = FormSession(DocumentState(load_form(fid), load_sample(fid)))
        win = FormWindow(session)
        win.resize(1300, 1000)
        win.show()
        app.processEvents()
        out.append(folder / f"{fid}-window.png")
        win.grab().save(str(out[-1]))
        view = win.views[session.state.doc.parts[0].id]
        page = view.widget()
        page.resize(view.viewport().width(), page.sizeHint().height())
        app.processEvents()
        out.append(folder / f"{fid}-page.png")
        page.grab().save(str(out[-1]))
        win.close()
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
    win.resize(1300, 1000)
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


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("screenshots")
    for p in shoot(folder):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
