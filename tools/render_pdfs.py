"""Render every sample form's PDF, and its pages as PNG, into a folder for looking at.

    python tools/render_pdfs.py OUT [--dpi 60] [--font 宋体] [--form FORM_ID ...]

Writes ``OUT/<form>.pdf``, ``OUT/<form>-<page>.png`` and ``OUT/<form>-sheet.png``
(all pages side by side).  PNG pages need ``pdftoppm`` (poppler) or
``pypdfium2``; without either only the PDFs are written.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.core.catalog import form_ids, load_form, load_sample  # noqa: E402
from desktop.core.engine import DocumentState  # noqa: E402
from desktop.export.pdf import export_pdf  # noqa: E402


def render_pages(pdf: Path, out: Path, dpi: int) -> list[Path]:
    stem = pdf.stem
    for old in out.glob(f"{stem}-*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / stem)], check=True)
        return sorted(p for p in out.glob(f"{stem}-*.png") if not p.stem.endswith("sheet"))
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return []
    paths = []
    doc = pdfium.PdfDocument(str(pdf))
    for i in range(len(doc)):
        image = doc[i].render(scale=dpi / 72).to_pil()
        path = out / f"{stem}-{i + 1:02d}.png"
        image.save(path)
        paths.append(path)
    return paths


def contact_sheet(pages: list[Path], path: Path, columns: int = 4) -> None:
    from PIL import Image

    images = [Image.open(p) for p in pages]
    w = max(i.width for i in images)
    h = max(i.height for i in images)
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (w * min(columns, len(images)), h * rows), "white")
    for k, im in enumerate(images):
        sheet.paste(im, ((k % columns) * w, (k // columns) * h))
    sheet.save(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--dpi", type=int, default=60)
    ap.add_argument("--font", default=None, help="字体文件路径或名称（宋体、仿宋…），默认内置字体")
    ap.add_argument("--form", action="append", help="只渲染这些表单")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for fid in args.form or form_ids():
        state = DocumentState(load_form(fid), load_sample(fid))
        pdf = out / f"{fid}.pdf"
        result = export_pdf(state, pdf, font=args.font, allow_missing=True)
        pages = render_pages(pdf, out, args.dpi)
        if pages:
            contact_sheet(pages, out / f"{fid}-sheet.png")
        note = f"，缺字 {len(result.missing)} 处" if result.missing else ""
        print(f"{fid}: {result.pages} 页，校验码 {result.code}{note} → {pdf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
