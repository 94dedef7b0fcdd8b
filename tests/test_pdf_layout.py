"""Layout regression: the first page of every seed form against reference text positions.

``tests/fixtures/pdf/layout.json`` holds, per form, the first page's text
pieces with their positions.  A change in the layout (margins, column widths,
row heights, fonts) moves them and fails this test.  After an intended change
(or a change of a form definition or sample), regenerate the references::

    JIXIAO_REGEN_PDF_LAYOUT=1 .venv/bin/pytest tests/test_pdf_layout.py

and look at the pages (``python tools/render_pdfs.py OUT``) before committing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop.core.catalog import form_ids
from test_pdf_helpers import export_bytes, sample_state, text_items

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "layout.json"
TOLERANCE = 1.5  # points
MAX_ITEMS = 80
REGEN = os.environ.get("JIXIAO_REGEN_PDF_LAYOUT") == "1"


def first_page_layout(form_id: str) -> list[list]:
    data, _ = export_bytes(sample_state(form_id))
    items = text_items(data, 0)
    return [[i.text, i.x, i.y, i.size] for i in items[:MAX_ITEMS]]


@pytest.fixture(scope="module")
def reference() -> dict:
    if REGEN:
        data = {fid: first_page_layout(fid) for fid in form_ids()}
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        lines = ["{"]
        for k, (fid, items) in enumerate(data.items()):
            lines.append(f"{json.dumps(fid)}: [")
            lines.append(",\n".join(json.dumps(i, ensure_ascii=False) for i in items))
            lines.append("]" + ("," if k < len(data) - 1 else ""))
        lines.append("}")
        FIXTURE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("form_id", form_ids())
def test_first_page_matches_reference(reference, form_id):
    if form_id not in reference:
        pytest.fail(f"no reference layout for {form_id}; regenerate with JIXIAO_REGEN_PDF_LAYOUT=1")
    ref = reference[form_id]
    now = first_page_layout(form_id)
    assert len(now) == len(ref), f"{form_id}: {len(now)} text pieces, reference {len(ref)}"
    for (text, x, y, size), (rtext, rx, ry, rsize) in zip(now, ref):
        assert text == rtext, f"{form_id}: “{text}” where the reference has “{rtext}”"
        assert abs(x - rx) <= TOLERANCE and abs(y - ry) <= TOLERANCE, \
            f"{form_id}: “{text}” at ({x}, {y}), reference ({rx}, {ry})"
        assert abs(size - rsize) < 0.01


def test_reference_has_every_form(reference):
    assert set(form_ids()) <= set(reference)
