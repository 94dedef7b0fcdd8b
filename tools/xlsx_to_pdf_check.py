"""Export sample forms (and stress cases) to Excel, print each workbook with LibreOffice, pages to PNG.

    python tools/xlsx_to_pdf_check.py [FORM_ID ...] [--out DIR] [--dpi 50] [--stress]

LibreOffice does not fit row heights by itself, so this is how to see whether the heights, widths and
page breaks the export writes are right: open the PNGs (``<name>-sheet.png`` has all pages side by
side) and look for text that overlaps, is cut off or spills out of its cell, headings alone at a page
foot, 类别 cells without a label, a signature block without room for the seal.  ``--stress`` adds a
Shenzhen project with 60 indicator rows, a 3,000-character text, an empty 实施单位 and an error (草稿),
and form A with 3,000-character reports.  Each workbook's line also gives how full every printed page
is (the lowest thing drawn between the top and bottom margins, as a share of the page's body) and the
printed grid's width as a share of the width between the margins (1.00: LibreOffice printed at the
scale the pages were planned at).  Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "本项目按照年度计划推进信息化运行维护工作，各项任务均按时完成，服务质量稳定可靠。"


def stress_states():
    """(name, DocumentState) of the stress cases."""
    from desktop.core.catalog import load_form, load_sample
    from desktop.core.document import Row
    from desktop.core.engine import DocumentState

    fid = "shenzhen-project-selfeval-2021"
    doc = load_sample(fid)
    part = doc.parts[0]
    part.fields["implementer"] = ""
    part.fields["project_name"] = "深圳市体育信息化运行维护及数据中心建设项目（压力测试：长名称、六十行指标）"
    rows = part.rows["indicators"]
    levels = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"),
              ("满意度指标", "服务对象满意度指标")]
    while len(rows) < 60:
        i = len(rows)
        l1, l2 = levels[min(3, i * 4 // 60)]
        rows.append(Row(f"s{i:03d}", {"level1": l1, "level2": l2, "name": f"第{i}项：系统运行维护响应及时率",
                                      "target": "≥95%", "actual": "96%", "weight": "1"}))
    rows[3].cells["reason"] = SENTENCE * 70  # 3,000 characters in one cell
    part.fields["project_amount"] = "二百万"  # an error: the workbook is a 草稿
    doc.parts = doc.parts[:2]
    yield "stress-shenzhen", DocumentState(load_form(fid), doc)
    fid = "suzhou-dept-selfeval-2022"
    doc = load_sample(fid)
    long = "\n".join(SENTENCE * 25 for _ in range(4))  # four paragraphs of 1,000 characters
    for key in ("profile", "performance", "problems"):
        doc.parts[0].fields[key] = long[:3000]
    yield "stress-dept", DocumentState(load_form(fid), doc)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
    from desktop.core.catalog import form_ids, load_form, load_sample
    from desktop.core.engine import DocumentState
    from desktop.export.xlsx import export_xlsx
    from render_pdfs import contact_sheet, render_pages

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("forms", nargs="*", help="表单编号（默认全部）")
    p.add_argument("--out", default="out/xlsx", help="输出文件夹（默认 out/xlsx）")
    p.add_argument("--dpi", type=int, default=50)
    p.add_argument("--stress", action="store_true", help="加上压力测试（60 行指标、3000 字长文、空的实施单位）")
    p.add_argument("--songti", action="store_true",
                   help="“宋体”用随程序的 Noto Serif SC 显示（fontconfig），如装有宋体的机器：没有宋体时 LibreOffice "
                        "以 DejaVu Sans 加替补字形显示中文，替补字形不加粗，标题看不出粗体")
    args = p.parse_args(argv)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        print("需要 LibreOffice（soffice）和 pdftoppm", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cases = [(fid, DocumentState(load_form(fid), load_sample(fid))) for fid in args.forms or form_ids()]
    if args.stress:
        cases += list(stress_states())
    books = []
    for name, state in cases:
        xlsx = out / f"{name}.xlsx"
        result = export_xlsx(state, xlsx)
        books.append((name, xlsx, len(result.sheets)))
    with tempfile.TemporaryDirectory() as profile:  # a private profile: runs beside an open LibreOffice
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(out), *[str(b[1]) for b in books]]
        env = dict(os.environ, FONTCONFIG_FILE=_songti_conf(Path(profile))) if args.songti else None
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600, env=env)
    for name, _xlsx, sheets in books:
        pages = render_pages(out / f"{name}.pdf", out, args.dpi)
        if pages:
            contact_sheet(pages, out / f"{name}-sheet.png")
        fill, width = page_fill(out / f"{name}.pdf")
        print(f"{name}: {sheets} 个工作表 → {name}.pdf，{len(pages)} 页；各页用去 "
              + " ".join(f"{f:.2f}" for f in fill) + f"；表格宽度 {width:.3f}")
    print(f"请查看 {out}/ 中的 PNG：有无文字重叠、被截断、超出单元格")
    return 0


def page_fill(pdf: Path) -> tuple[list[float], float]:
    """How full each page of ``pdf`` is (0–1 of the body between the top and bottom margins), and the
    widest grid as a share of the width between the side margins."""
    import pypdfium2 as pdfium

    from desktop.export.xlsx_pages import MARGINS_MM, MM

    top, bottom = MARGINS_MM["top"] * MM, MARGINS_MM["bottom"] * MM
    fills, widths = [], [0.0]
    doc = pdfium.PdfDocument(str(pdf))
    for i in range(len(doc)):
        page = doc[i]
        w, h = page.get_size()
        boxes = [o.get_bounds() for o in page.get_objects(max_depth=3)]
        # what is drawn in the body: not the page header (above it) nor the footer (below it)
        body = [(x0, y0, x1, y1) for x0, y0, x1, y1 in boxes if y1 <= h - top + 3 * MM and y0 >= bottom - 3 * MM]
        if not body:
            fills.append(0.0)
            continue
        fills.append((h - top - min(b[1] for b in body)) / (h - top - bottom))
        widths.append((max(b[2] for b in body) - min(b[0] for b in body))
                      / (w - (MARGINS_MM["left"] + MARGINS_MM["right"]) * MM))
    doc.close()
    return fills, max(widths)


def _songti_conf(folder: Path) -> str:
    """A fontconfig file: the system's fonts, the bundled ones, and 宋体/SimSun shown in Noto Serif SC."""
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{ROOT / "resources" / "fonts"}</dir>
  <alias binding="strong"><family>宋体</family><prefer><family>Noto Serif SC</family></prefer></alias>
  <alias binding="strong"><family>SimSun</family><prefer><family>Noto Serif SC</family></prefer></alias>
</fontconfig>
""", encoding="utf-8")
    return str(conf)


if __name__ == "__main__":
    raise SystemExit(main())
