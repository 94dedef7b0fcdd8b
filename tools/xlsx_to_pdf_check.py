"""Export every sample form to Excel, convert each workbook to PDF with LibreOffice, and the pages to PNG.

    python tools/xlsx_to_pdf_check.py [OUT_DIR] [--dpi 60] [FORM_ID ...]

LibreOffice does not fit row heights by itself, so this is how to see whether
the heights and widths the export writes are right: open the PNGs and look
for text that overlaps, is cut off, or spills out of its cell.  Needs
``soffice`` (LibreOffice) and ``pdftoppm`` (poppler) on the PATH; prints what
it made and how many pages each workbook printed to.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.export.xlsx import export_xlsx

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", default="xlsx-check")
    p.add_argument("forms", nargs="*")
    p.add_argument("--dpi", type=int, default=60)
    args = p.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftoppm = shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        print("需要 LibreOffice（soffice）和 pdftoppm", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for fid in args.forms or form_ids():
        state = DocumentState(load_form(fid), load_sample(fid))
        xlsx = out / f"{fid}.xlsx"
        result = export_xlsx(state, xlsx)
        with tempfile.TemporaryDirectory() as profile:  # a private profile: runs beside an open LibreOffice
            cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(out), str(xlsx)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        pdf = out / f"{fid}.pdf"
        for old in out.glob(f"{fid}-*.png"):
            old.unlink()
        subprocess.run([pdftoppm, "-r", str(args.dpi), "-png", str(pdf), str(out / fid)], check=True, timeout=300)
        pages = sorted(out.glob(f"{fid}-*.png"))
        print(f"{fid}: {len(result.sheets)} 个工作表 → {pdf.name}，{len(pages)} 页 PNG")
    print(f"请查看 {out}/ 中的 PNG：有无文字重叠、被截断、超出单元格")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
