"""Render every sample form's PDF, and its pages as PNG, into a folder for looking at.

    python tools/render_pdfs.py OUT [--dpi 60] [--font 宋体] [--form FORM_ID ...] [--stress]

Writes ``OUT/<form>.pdf``, ``OUT/<form>-<page>.png`` and ``OUT/<form>-sheet.png``
(all pages side by side).  ``--stress`` also writes ``OUT/<form>-stress.*``: the sample with 60 more
rows in its grouped (indicator) table, 3,000-character long texts, an empty unit name and an
explanation written for every 提示.  PNG pages need ``pdftoppm`` (poppler) or
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


STRESS_TEXT = ("本项目按照年度绩效目标组织实施，资金使用规范，管理制度健全，"
               "各项指标基本完成，社会效益明显。") * 80


def stress_state(fid: str) -> DocumentState:
    """The sample made hard to print: see the module's docstring."""
    state = DocumentState(load_form(fid), load_sample(fid))
    form = state.form
    for ps in state.parts:
        for f in form.fields.values():
            if f.type.name == "longtext" and ps.how(f.id) == "input":
                ps.set_value(f.id, STRESS_TEXT[:3000])
        for t in form.tables.values():
            rows = ps.data_rows(t.id)
            if t.group_column and t.repeat and rows:
                template = {c.id: ps.raw(f"{t.id}/{rows[-1]}/{c.id}") for c in t.columns}
                ps.insert_rows(t.id, [(None, {**template, t.label_column or "name": f"压力测试指标{i + 1}"}, None)
                                      for i in range(60)])
        unit = form.signatures.unit_field or form.meta.get("unit")
        if unit and ps.how(unit) == "input":
            ps.set_value(unit, "")
        for p in ps.warnings:
            ps.set_explanation(p.key, f"已核实：{p.body[:20]}，情况属实，特此说明。")
    return state


def render(state: DocumentState, pdf: Path, out: Path, dpi: int, font: str | None) -> None:
    result = export_pdf(state, pdf, font=font, allow_missing=True)
    pages = render_pages(pdf, out, dpi)
    if pages:
        contact_sheet(pages, out / f"{pdf.stem}-sheet.png")
    note = f"，缺字 {len(result.missing)} 处" if result.missing else ""
    print(f"{pdf.stem}: {result.pages} 页，校验码 {result.code}{note} → {pdf}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--dpi", type=int, default=60)
    ap.add_argument("--font", default=None, help="字体文件路径或名称（宋体、仿宋…），默认内置字体")
    ap.add_argument("--form", action="append", help="只渲染这些表单")
    ap.add_argument("--stress", action="store_true", help="另外渲染压力样例（60 行指标、3000 字长文、空单位名、全部提示写说明）")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for fid in args.form or form_ids():
        render(DocumentState(load_form(fid), load_sample(fid)), out / f"{fid}.pdf", out, args.dpi, args.font)
        if args.stress:
            render(stress_state(fid), out / f"{fid}-stress.pdf", out, args.dpi, args.font)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
