"""PDF export speed against LibreOffice's headless XLSX → PDF export, measured in the same run.

    python benchmarks/bench_pdf.py

Two documents: the seed form B (about 4 pages) and a 2000-row indicator table
(form E with 2000 rows in 项目绩效实现情况).  For each, an equivalent XLSX
(the same printed cells, bordered, wrapped, A4, header row repeated) is
written with openpyxl and converted by ``soffice --headless --convert-to pdf``
— what a clerk does today.  LibreOffice's time includes its start-up, as it
does for the clerk; a warm-up conversion first initialises its profile.
Targets: ≥ 5× faster for B, ≥ 3× for 2000 rows.  Without LibreOffice the
ratios are skipped with a message.
"""
from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.core.catalog import load_form, load_sample  # noqa: E402
from desktop.core.document import Row, new_row_id  # noqa: E402
from desktop.core.engine import DocumentState  # noqa: E402
from desktop.export.pdf import export_pdf  # noqa: E402

ROWS = 2000


def form_b() -> DocumentState:
    fid = "suzhou-project-declare-2020"
    return DocumentState(load_form(fid), load_sample(fid))


def stress_2000() -> DocumentState:
    form = load_form("suzhou-project-selfeval-2023")
    doc = load_sample(form.id)
    classes = ["产出目标", "效益目标", "满意度目标"]
    doc.parts[0].rows["indicators"] = [
        Row(new_row_id(), {"cls": classes[i * 3 // ROWS], "name": f"运维服务指标第{i + 1}项（驻场运维考核）",
                           "target": ">=95%", "weight": "1", "actual": "96%"})
        for i in range(ROWS)
    ]
    return DocumentState(form, doc)


def time_export(state: DocumentState, runs: int) -> tuple[float, int]:
    export_pdf(state, io.BytesIO())  # warm: font registered, caches filled
    times = []
    pages = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        pages = export_pdf(state, io.BytesIO()).pages
        times.append(time.perf_counter() - t0)
    return statistics.median(times), pages


# ---------------------------------------------------------------------------------- the XLSX baseline
def sheet_rows(state: DocumentState) -> list[list[str]]:
    """Every printed cell of the form, table by table, as rows of a sheet."""
    rows: list[list[str]] = [[state.form.title]]
    for ps in state.parts:
        for s in state.form.sections:
            if s.table is None:
                for f in s.fields:
                    rows.append([f.label, ps.text(f.id)])
            else:
                t = s.table
                rows.append([t.title])
                rows.append([c.label for c in t.columns])
                for rid in ps.display_rows(t.id):
                    rows.append([ps.text(f"{t.id}/{rid}/{c.id}") for c in t.columns])
    return rows


def write_xlsx(rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    font = Font(name="宋体", size=10)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for cell in row:
            cell.border = border
            cell.alignment = wrap
            cell.font = font
    for col, width in zip("ABCDEFGH", (18, 40, 16, 12, 16, 12, 12, 20)):
        ws.column_dimensions[col].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    wb.save(path)


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for p in (r"C:\Program Files\LibreOffice\program\soffice.exe", "/usr/bin/soffice",
              "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if Path(p).exists():
            return p
    return None


def time_libreoffice(exe: str, xlsx: Path, profile: Path, runs: int) -> float:
    outdir = xlsx.parent / "lo"
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(outdir), str(xlsx)]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        times.append(time.perf_counter() - t0)
    if not (outdir / (xlsx.stem + ".pdf")).is_file():
        raise RuntimeError("LibreOffice produced no PDF")
    return statistics.median(times)


def run() -> list[tuple[str, str, str]]:
    b, big = form_b(), stress_2000()
    t_b, pages_b = time_export(b, 7)
    t_big, pages_big = time_export(big, 3)
    out = [
        (f"PDF 导出：表 B（{pages_b} 页）", f"{t_b * 1000:.0f} ms", ""),
        (f"PDF 导出：{ROWS} 行指标表（{pages_big} 页）", f"{t_big * 1000:.0f} ms", ""),
    ]
    exe = soffice()
    if exe is None:
        out.append(("LibreOffice 对比", "跳过：未安装 LibreOffice（soffice）", "≥5× / ≥3×"))
        return out
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profile"
        xb, xbig = tmpdir / "b.xlsx", tmpdir / "big.xlsx"
        write_xlsx(sheet_rows(b), xb)
        write_xlsx(sheet_rows(big), xbig)
        time_libreoffice(exe, xb, profile, 1)  # warm-up: creates the profile
        lo_b = time_libreoffice(exe, xb, profile, 3)
        lo_big = time_libreoffice(exe, xbig, profile, 2)
    out += [
        ("LibreOffice XLSX→PDF：表 B", f"{lo_b * 1000:.0f} ms", ""),
        (f"LibreOffice XLSX→PDF：{ROWS} 行", f"{lo_big * 1000:.0f} ms", ""),
        ("倍数（LibreOffice / 本程序）：表 B", f"{lo_b / t_b:.1f}×", "≥ 5×"),
        (f"倍数（LibreOffice / 本程序）：{ROWS} 行", f"{lo_big / t_big:.1f}×", "≥ 3×"),
    ]
    return out


def main() -> int:
    for measure, figure, target in run():
        print(f"{measure}\t{figure}\t{target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
