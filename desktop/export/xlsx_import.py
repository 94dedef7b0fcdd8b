"""Reading Excel files: our own export back into a form, or a clerk's own sheet as a table.

Public API::

    read_xlsx(path) -> XlsxImport                 # a file this program exported (lossless)
    is_own_export(path) -> bool
    sheet_names(path) -> list[str]                # visible sheets, for a chooser
    read_sheet_table(path, sheet=None, header_row=None, max_rows=5000) -> SheetTable  # (headers, rows)
    guess_mapping(headers, table) -> dict[header, column id]
    apply_mapping(state, table_id, mapping, rows, ...) -> MappingResult

Every file goes through :func:`desktop.export.xlsx_safety.open_workbook` first
(zip bombs, entity bombs, oversize parts refused; formulas read as their saved
results; external links ignored), and reading stops after a row cap and a
time budget, so a sheet of a million rows costs no more than a small one.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.document import Document
from desktop.core.engine import DocumentState, PartState, ReadOnlyCell
from desktop.core.errors import Code, JixiaoError, did_you_mean
from desktop.core.types import Choice
from desktop.export import xlsx_text as xt
from desktop.export.xlsx import FORMAT_TAG, HIDDEN_SHEET
from desktop.export.xlsx_mapping import (MappingResult, XlsxImportError, apply_mapping, guess_mapping,
                                         mappable_columns)
from desktop.export.xlsx_safety import (LIMITS, Cancelled, Deadline, Limits, XlsxRefused, guarded, open_workbook,
                                        sheet_rows)

log = logging.getLogger(__name__)

__all__ = ["read_xlsx", "is_own_export", "sheet_names", "read_sheet_table", "guess_mapping", "apply_mapping",
           "mappable_columns", "export_map", "XlsxImport", "SheetTable", "MappingResult", "XlsxImportError",
           "NotOwnExport", "XlsxRefused", "Cancelled"]

TIME_BUDGET = 4.0  # seconds for a whole import (a clerk's sheet stops with a note, our own export is refused) …
SECONDS_PER_MB = 0.5  # … plus this per MB of sheet XML: a big genuine file is read at 4+ MB/s, a small one never hangs
MAX_SCAN_ROWS = 20000  # rows looked at (blank ones included) for a table
MAX_HIDDEN_CHARS = 20_000_000  # the form information of a 5,000-row export is a few MB
MAX_COLUMNS = 200  # columns of a clerk's sheet looked at
_CHECKED = "☑■√✓✔☒"


class NotOwnExport(XlsxImportError):
    """The workbook was not exported by this program (use the column-mapping import)."""


@dataclass
class XlsxImport:
    document: Document
    changed: list[str] = field(default_factory=list)  # cells edited in Excel and taken over
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# cell values as text
# ---------------------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """What a cell holds, as the text a clerk would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return ""
        return xt.number_text(value, "General")
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return xt.clean(str(value))


def _close(wb: Any) -> None:
    try:
        wb.close()
    except Exception:  # pragma: no cover - the workbook was read; closing is tidying up
        log.warning("关闭 Excel 工作簿时出错", exc_info=True)


# ---------------------------------------------------------------------------------------
# our own export
# ---------------------------------------------------------------------------------------

def is_own_export(path: str | Path) -> bool:
    try:
        wb, _ = open_workbook(path)
    except JixiaoError:
        return False
    try:
        return HIDDEN_SHEET in wb.sheetnames
    finally:
        _close(wb)


def _opened(path: str | Path, limits: Limits, cancel: Any = None,
            progress: Any = None) -> tuple[str, Deadline, Any, Any]:
    name = Path(path).name
    deadline = Deadline(name, TIME_BUDGET, cancel, progress)
    deadline.poll("打开文件")
    wb, report = open_workbook(path, limits)
    deadline.extend(report.sheet_bytes / (1024 * 1024) * SECONDS_PER_MB)
    return name, deadline, wb, report


def read_xlsx(path: str | Path, limits: Limits = LIMITS, *, cancel: Any = None, progress: Any = None) -> XlsxImport:
    """The document an exported workbook holds, with the cells edited in Excel taken over.
    ``cancel`` (an Event) and ``progress(text)`` are for a window's worker thread."""
    from desktop.core.catalog import load_form
    from desktop.core.interchange import document_from_json

    name, deadline, wb, report = _opened(path, limits, cancel, progress)
    try:
        if HIDDEN_SHEET not in wb.sheetnames:
            raise NotOwnExport(Code.XLSX_NO_FORM_INFO, name=name)
        payload = _payload(wb[HIDDEN_SHEET], name, deadline)
        try:
            doc = document_from_json(payload.get("document"))
            form = load_form(doc.form_id)
            doc = document_from_json(payload.get("document"), form.version)
        except JixiaoError as exc:
            raise XlsxImportError(Code.XLSX_INFO_UNUSABLE, name=name, why=exc.text) from None
        except (RecursionError, TypeError, ValueError, AttributeError, KeyError) as exc:
            raise XlsxImportError(Code.XLSX_INFO_DAMAGED, name=name, why=exc.__class__.__name__) from None
        result = XlsxImport(doc, notes=report.notes())
        state = DocumentState(form, doc)
        for i, smap in enumerate(payload.get("sheets") or []):
            if i >= len(state.parts) or not isinstance(smap, dict):
                break
            sheet = smap.get("sheet")
            if sheet not in wb.sheetnames:
                result.notes.append(f"工作表“{sheet}”已被删除，该部分按导出时的内容导入")
                continue
            with guarded(name, sheet):
                _take_edits(wb[sheet], state, i, smap, result, deadline)
        return result
    finally:
        _close(wb)


def _payload(ws: Any, name: str, deadline: Deadline) -> dict[str, Any]:
    with guarded(name, "表单信息"):
        tag, pieces = _hidden_text(ws, name, deadline)
    if tag != FORMAT_TAG:
        raise NotOwnExport(Code.XLSX_NOT_OWN_IMPORT, name=name)
    try:
        data = json.loads("".join(pieces))
    except RecursionError:
        raise XlsxImportError(Code.XLSX_INFO_TOO_DEEP, name=name) from None
    except ValueError:
        raise XlsxImportError(Code.XLSX_INFO_DAMAGED, name=name, why="可能被其他程序改动过") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG:
        raise XlsxImportError(Code.XLSX_INFO_BROKEN, name=name)
    return data


def _hidden_text(ws: Any, name: str, deadline: Deadline) -> tuple[Any, list[str]]:
    """The tag in A1 and the JSON text in A2, A3, … (up to the first gap)."""
    pieces: list[str] = []
    size = 0
    tag = None
    expected = 1
    for r, cells in sheet_rows(ws, deadline, max_col=1):
        value = cells.get(1)
        if r != expected or (r > 1 and value is None):
            break
        expected += 1
        if r == 1:
            tag = value
            continue
        pieces.append(str(value))
        size += len(pieces[-1])
        if size > MAX_HIDDEN_CHARS:
            raise XlsxImportError(Code.XLSX_INFO_TOO_BIG, name=name)
    return tag, pieces


def _ref(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    col, row = coordinate_from_string(ref)
    return row, column_index_from_string(col)


def _take_edits(ws: Any, state: DocumentState, index: int, smap: dict[str, Any], result: XlsxImport,
                deadline: Deadline) -> None:
    cmap: dict[str, Any] = smap.get("cells") or {}
    anchors = [(a[0], a[1]) for a in smap.get("anchors") or [] if isinstance(a, list) and len(a) == 2]
    needed: set[tuple[int, int]] = set()
    if not isinstance(cmap, dict):
        return
    for info in cmap.values():
        if not isinstance(info, dict):
            continue
        for ref in info.get("c") or []:
            try:
                needed.add(_ref(ref))
            except (ValueError, TypeError):
                continue
    for ref, _ in anchors:
        try:
            needed.add(_ref(ref))
        except (ValueError, TypeError):
            continue
    if not needed:
        return
    deadline.check(f"工作表“{ws.title}”")
    max_row = max(r for r, _ in needed)
    values: dict[tuple[int, int], Any] = {}
    for r, cells in sheet_rows(ws, deadline):  # the cells the sheet holds, never a padded grid
        if r > max_row:
            break
        for c, v in cells.items():
            if (r, c) in needed:
                values[(r, c)] = v
    moved = [text for ref, text in anchors if cell_text(values.get(_ref(ref))).strip() != text.strip()]
    if moved:
        result.notes.append(f"工作表“{ws.title}”的行列在 Excel 中被插入、删除或移动过（如“{moved[0][:20]}”不在原位），"
                            "无法逐格对应，该部分按导出时的内容导入，Excel 中的修改请在程序中重新填写")
        return
    ps = state.parts[index]
    where = f"{state.part_title(index)}：" if state.form.multi else ""
    for k, (addr, info) in enumerate(cmap.items()):
        if k % 500 == 0:
            deadline.check(f"工作表“{ws.title}”")
        if not isinstance(info, dict):
            continue
        try:
            refs = [_ref(x) for x in info.get("c") or []]
        except (ValueError, TypeError):
            continue
        if not refs:
            continue
        seen = _visible(refs, info.get("j") or [], info.get("n"), values)
        written = info.get("w")
        if _same(seen, written):
            continue
        raw = seen if isinstance(seen, str) else xt.number_text(seen, info.get("n") or "General")
        if info.get("i"):  # the export indented the first line of every paragraph
            raw = xt.unindent_paragraphs(raw)
        _apply_edit(ps, addr, raw, where, result)


def _visible(refs: list[tuple[int, int]], joins: list[str], fmt: str | None, values: dict) -> Any:
    if fmt is not None and len(refs) == 1:
        v = values.get(refs[0])
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return v
        return cell_text(v)
    out = []
    for k, ref in enumerate(refs):
        out.append(cell_text(values.get(ref)))
        if k < len(refs) - 1:
            out.append(joins[k] if k < len(joins) else "\n")
    return "".join(out)


def _same(seen: Any, written: Any) -> bool:
    if isinstance(seen, (int, float)) and isinstance(written, (int, float)):
        return abs(seen - written) <= 1e-9 * max(1.0, abs(written))
    if written is None:
        written = ""
    return str(seen) == str(written) if isinstance(seen, str) else False


def _apply_edit(ps: PartState, addr: str, raw: str, where: str, result: XlsxImport) -> None:
    try:
        how = ps.how(addr)
        f = ps.field_def(addr)
    except (KeyError, ValueError):
        return
    if isinstance(f.type, Choice) and f.type.boxes and f.type.options:
        raw = _from_boxes(raw, f.type.options)
    place = f"{where}{ps.describe(addr)}"
    try:
        if how == "input":
            ps.set_value(addr, raw)
        elif ps.overridable(addr):
            ps.set_override(addr, raw)
        else:
            result.notes.append(f"{place} 是计算值，Excel 中的修改未导入")
            return
    except (ReadOnlyCell, KeyError) as exc:
        result.notes.append(f"{place} 的修改未导入：{exc}")
        return
    result.changed.append(f"{place} 改为“{raw[:40]}{'…' if len(raw) > 40 else ''}”")


def _from_boxes(text: str, options: list[str]) -> str:
    """``公共事业类☐  政策类☑`` → ``政策类``; anything else is kept as typed."""
    chosen = [o for o in options if re.search(re.escape(o) + r"\s*[" + _CHECKED + "]", text)]
    if len(chosen) == 1:
        return chosen[0]
    if not chosen and all(re.search(re.escape(o) + r"\s*☐", text) for o in options):
        return ""
    return text


# ---------------------------------------------------------------------------------------
# a clerk's own sheet
# ---------------------------------------------------------------------------------------

class SheetTable(tuple):
    """``(headers, rows)``; rows are dicts header → text.  Also ``notes``, ``sheet``,
    ``header_row`` (1-based) and ``row_numbers`` (the sheet row of each data row)."""

    def __new__(cls, headers: list[str], rows: list[dict[str, str]], *, sheet: str = "", header_row: int = 0,
                row_numbers: list[int] | None = None, notes: list[str] | None = None, truncated: bool = False):
        obj = super().__new__(cls, (headers, rows))
        obj.sheet = sheet
        obj.header_row = header_row
        obj.row_numbers = row_numbers or []
        obj.notes = notes or []
        obj.truncated = truncated
        return obj

    @property
    def headers(self) -> list[str]:
        return self[0]

    @property
    def rows(self) -> list[dict[str, str]]:
        return self[1]


def sheet_names(path: str | Path) -> list[str]:
    wb, _ = open_workbook(path)
    try:
        with guarded(Path(path).name):
            return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible" and ws.title != HIDDEN_SHEET]
    finally:
        _close(wb)


def read_sheet_table(path: str | Path, sheet: str | None = None, header_row: int | None = None,
                     max_rows: int = 5000, limits: Limits = LIMITS, *, cancel: Any = None,
                     progress: Any = None) -> SheetTable:
    """The rows of a clerk's sheet under its header row (found when not given), bounded.
    ``cancel`` (an Event) and ``progress(text)`` are for a window's worker thread."""
    name, deadline, wb, report = _opened(path, limits, cancel, progress)
    try:
        visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible" and ws.title != HIDDEN_SHEET]
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise XlsxImportError(Code.XLSX_NO_SHEET, name=name, sheet=sheet,
                                      suggestion=did_you_mean(sheet, [w.title for w in visible]))
            ws = wb[sheet]
        elif visible:
            ws = visible[0]
        else:
            raise XlsxImportError(Code.XLSX_NO_VISIBLE_SHEET, name=name)
        notes = report.notes()
        with guarded(name, ws.title):
            raw_rows, stopped = _scan_rows(ws, header_row, max_rows, deadline)
        if stopped:
            notes.append(stopped)
        hr = header_row or _find_header(raw_rows)
        if hr is None:
            return SheetTable([], [], sheet=ws.title, notes=notes + [f"工作表“{ws.title}”中没有找到表头行"])
        header_cells = next((cells for r, cells in raw_rows if r == hr), [])
        headers = _headers(header_cells)
        rows: list[dict[str, str]] = []
        numbers: list[int] = []
        truncated = False
        for r, cells in raw_rows:
            if r <= hr or not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append({h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers) if h})
            numbers.append(r)
        if truncated and not stopped:
            notes.append(f"工作表“{ws.title}”的数据超过 {max_rows} 行，只读取了前 {max_rows} 行")
        truncated = truncated or bool(stopped)
        return SheetTable(headers, rows, sheet=ws.title, header_row=hr, row_numbers=numbers, notes=notes,
                          truncated=truncated)
    finally:
        _close(wb)


def _scan_rows(ws: Any, header_row: int | None, max_rows: int,
               deadline: Deadline) -> tuple[list[tuple[int, list[str]]], str]:
    """Rows as text, up to the header plus ``max_rows`` non-blank rows (and a scan cap and the import's
    time budget); only the rows and cells the sheet holds are looked at."""
    out: list[tuple[int, list[str]]] = []
    data = 0
    head_limit = (header_row or 30)
    for n, (r, present) in enumerate(sheet_rows(ws, max_col=MAX_COLUMNS), start=1):
        if n % 200 == 0:
            deadline.poll(f"第 {r} 行")
            if deadline.over():
                return out, f"工作表“{ws.title}”过大，读取 {deadline.seconds:.0f} 秒后停止（读到第 {r} 行）"
        width = max(present, default=0)
        cells = [cell_text(present.get(c)) for c in range(1, width + 1)]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append((r, cells))
            if r > head_limit:
                data += 1
        if data > max_rows:
            return out, f"工作表“{ws.title}”的数据超过 {max_rows} 行，只读取了前 {max_rows} 行"
        if n >= MAX_SCAN_ROWS + head_limit:
            return out, f"工作表“{ws.title}”超过 {MAX_SCAN_ROWS} 行，只读取了前 {MAX_SCAN_ROWS} 行"
    return out, ""



def _find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    """The first row among the first 30 with the most text cells (a title row has one)."""
    best, best_n = None, 1
    for r, cells in rows:
        if r > 30:
            break
        texts = [c for c in cells if c.strip()]
        words = [c for c in texts if xt.number_cell(c) is None]
        if len(texts) >= 2 and len(words) * 2 >= len(texts) and len(texts) > best_n:
            best, best_n = r, len(texts)
    return best


def _headers(cells: list[str]) -> list[str]:
    from openpyxl.utils import get_column_letter

    out: list[str] = []
    seen: set[str] = set()
    for i, c in enumerate(cells):
        h = re.sub(r"\s+", "", c) or f"第{get_column_letter(i + 1)}列"
        base, n = h, 2
        while h in seen:
            h = f"{base}({n})"
            n += 1
        seen.add(h)
        out.append(h)
    return out


def export_map(path: str | Path) -> list[dict[str, Any]]:
    """Where an exported workbook put each address: ``[{'sheet', 'part', 'cells': {addr: {'c': [refs], …}}}]``
    (one entry per part; for tests and for the window's “show in Excel” hints)."""
    name, deadline, wb, _ = _opened(path, LIMITS)
    try:
        if HIDDEN_SHEET not in wb.sheetnames:
            raise NotOwnExport(Code.XLSX_NOT_OWN, name=name)
        return list(_payload(wb[HIDDEN_SHEET], name, deadline).get("sheets") or [])
    finally:
        _close(wb)
