"""Write the example form workbook of docs/form-workbook.md as resources/examples/示例表单.xlsx.

    python tools/make_example_form.py [OUT.xlsx]

Each ``<!-- sheet: NAME -->`` table of the page becomes one sheet (its first line is row 1).
``tests/test_form_workbook.py`` uses ``docs_workbook`` to build the page's example and checks that
the shipped file is the same form.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "form-workbook.md"
OUT = ROOT / "resources" / "examples" / "示例表单.xlsx"


def doc_sheets(text: str, marker: str = "sheet") -> dict[str, list[list[str]]]:
    """{sheet name: rows of cell texts} from the page's ``<!-- sheet: NAME -->`` tables."""
    out: dict[str, list[list[str]]] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(rf"<!-- {marker}: (\S+) -->", line.strip())
        if not m:
            continue
        rows = []
        j = i + 1
        while j < len(lines) and lines[j].startswith("|"):
            cells = [c.strip() for c in lines[j].strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} and c for c in cells):
                rows.append(cells)
            j += 1
        out[m.group(1)] = rows
    return out


def docs_workbook(path: str | Path, doc: Path = DOC) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in doc_sheets(doc.read_text(encoding="utf-8")).items():
        ws = wb.create_sheet(name)
        for r, cells in enumerate(rows, start=1):
            for c, text in enumerate(cells, start=1):
                if not text:
                    continue
                cell = ws.cell(row=r, column=c, value=text)
                cell.data_type = "s"  # as typed text, never a formula
                if r == 1:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    wb.properties.title = "示例表单"
    wb.properties.creator = "jixiao"
    wb.save(path)
    return Path(path)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    print(docs_workbook(target))
