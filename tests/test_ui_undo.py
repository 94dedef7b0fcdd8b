"""Every table of every form: copy all, paste back, add, delete, move rows, clear the fields, add and
move projects — then undo everything: the document is as it was, and the draft on disk says the same."""
from __future__ import annotations

import json

import pytest
from conftest import require

require("pytest-qt", module="pytestqt")

from desktop.core.catalog import form_ids, load_sample  # noqa: E402
from desktop.session import FormSession  # noqa: E402

pytestmark = pytest.mark.gui


def _norm(doc) -> str:
    """The document's content, empty texts and empty slots left out (undo may leave an empty slot)."""
    d = doc.to_dict()
    for p in d["parts"]:
        p["fields"] = {k: v for k, v in p["fields"].items() if v != ""}
        p["tables"] = {t: [{k: v for k, v in r.items() if v != ""} for r in rows] for t, rows in p["tables"].items()}
        fixed = {t: {r: {c: x for c, x in cells.items() if x != ""} for r, cells in rows.items()}
                 for t, rows in p["fixed"].items()}
        p["fixed"] = {t: {r: c for r, c in rows.items() if c} for t, rows in fixed.items()}
        p["fixed"] = {t: rows for t, rows in p["fixed"].items() if rows}
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("form_id", form_ids())
def test_undo_everything_restores_document_and_draft(form_id, app, qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication, QLineEdit

    from desktop.store import read_draft_document
    from ui.form_window import FormWindow

    path = tmp_path / f"{form_id}.jxd"
    s = FormSession.create(path, load_sample(form_id))
    win = FormWindow(s)
    qtbot.addWidget(win)
    win.show()
    original = _norm(s.state.doc)
    for view in list(win.views.values()):
        for tv in view.tables.values():
            m = tv.model()
            tv.selectAll()
            tv.copy()
            tv.setCurrentIndex(m.index(0, 0))
            tv.paste()
            if m.table.repeat:
                tv.setCurrentIndex(m.index(m.rowCount() - 1, 0))
                tv.insert_row()
                tv.insert_row(below=False)
                tv.selectAll()
                tv.remove_rows()
                win.undo_stack.undo()
                tv.setCurrentIndex(m.index(m.rowCount() - 1, 0))
                tv.move_row(-1)
            QApplication.processEvents()
        for ed in view.editors.values():
            if isinstance(ed, QLineEdit) and not ed.isReadOnly():
                ed.setText("")
                ed.textEdited.emit("")
    if s.form.multi:
        win.add_part()
        win.move_part(-1)
        win.push(s.remove_part_command(win.current_part_id()))
        win._tab_moved(0, 1)
        QApplication.processEvents()
    assert _norm(s.state.doc) != original
    while win.undo_stack.canUndo():
        win.undo_stack.undo()
    assert _norm(s.state.doc) == original
    win.close()
    assert _norm(read_draft_document(path)) == original
