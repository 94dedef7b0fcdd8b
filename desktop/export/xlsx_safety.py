"""Checks an .xlsx file before openpyxl is allowed to open it.

A clerk may be sent any spreadsheet.  Before anything parses it we look at
the zip's own records (file size, entry count, the central directory, every
member's uncompressed size and compression ratio — a zip bomb is refused
before a byte is inflated), then stream every XML part once: a ``<!DOCTYPE``
or ``<!ENTITY`` (the entity bombs; Excel never writes either) is refused, a
row with more cells than Excel allows is refused, formulas are counted (they
are read as their saved results, never evaluated) and external links are
listed (they are ignored).  ``defusedxml`` guards the parser as well:
openpyxl uses it whenever it is installed.

Every refusal is an :class:`XlsxRefused` whose text says, in Chinese, what is
wrong with the file.
"""
from __future__ import annotations

import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.cancel import Cancelled  # the one 取消 error; re-exported for xlsx_import
from desktop.core.errors import Code, JixiaoError, os_why

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 100 * MB  # the .xlsx itself
    entries: int = 10000  # zip members
    central_dir: int = 8 * MB
    total: int = 150 * MB  # all members, uncompressed
    member: int = 80 * MB  # one worksheet, uncompressed
    shared_strings: int = 20 * MB
    other_xml: int = 8 * MB  # styles, workbook, theme … (parsed whole by openpyxl)
    ratio: float = 200.0  # uncompressed / compressed, for members over ratio_from bytes
    ratio_from: int = 1 * MB
    cells_per_row: int = 16384  # Excel's last column is XFD


LIMITS = Limits()


class XlsxRefused(JixiaoError):
    """The file is not opened: the text says why."""


@dataclass
class SafetyReport:
    formulas: int = 0
    external_links: list[str] = field(default_factory=list)
    connections: bool = False
    macros: bool = False
    sheet_bytes: int = 0  # worksheet XML, uncompressed: what reading has to get through

    def notes(self) -> list[str]:
        out = []
        if self.formulas:
            out.append(f"表中有 {self.formulas} 个公式：按文件保存时的计算结果读取，不重新计算；没有保存结果的公式按空白处理")
        if self.external_links:
            shown = "、".join(self.external_links[:5]) + ("……" if len(self.external_links) > 5 else "")
            out.append(f"文件引用了外部工作簿（{shown}），外部链接已忽略")
        if self.connections:
            out.append("文件含有数据连接（查询），已忽略")
        if self.macros:
            out.append("文件含有宏，宏不会运行")
        return out


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_TAGS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|f)[\s>/]")
_TARGET = re.compile(rb'Target="([^"]*)"')
_CHUNK = 1 * MB


def _name(path: Path) -> str:
    return path.name


def check_xlsx(path: str | Path, limits: Limits = LIMITS) -> SafetyReport:
    """Refuse a hostile or broken file (:class:`XlsxRefused`), else what the import should mention."""
    path = Path(path)
    name = _name(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            tail_len = min(size, 65536 + 22)
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
    except OSError as exc:
        raise XlsxRefused(Code.XLSX_UNREADABLE, name=name, why=os_why(exc)) from None
    if head.startswith(_OLE):
        raise XlsxRefused(Code.XLSX_OLD_FORMAT, name=name)
    if not head.startswith(b"PK"):
        raise XlsxRefused(Code.XLSX_NOT_XLSX, name=name)
    if size > limits.file_bytes:
        raise XlsxRefused(Code.XLSX_TOO_BIG, name=name, size_mb=size / MB, limit_mb=limits.file_bytes // MB)
    _check_directory(name, tail, limits)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxRefused(Code.XLSX_BAD_ZIP, name=name, why=str(exc)) from None
    with zf:
        infos = zf.infolist()
        _check_members(name, infos, limits)
        return _scan(name, zf, infos, limits)


def _check_directory(name: str, tail: bytes, limits: Limits) -> None:
    """The end-of-central-directory record, read before zipfile builds its member list."""
    k = tail.rfind(_EOCD)
    if k < 0 or len(tail) - k < 22:
        raise XlsxRefused(Code.XLSX_BAD_ZIP, name=name, why="找不到 zip 目录")
    _, _, _, entries, cd_size, _ = struct.unpack("<HHHHII", tail[k + 4:k + 20])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF or _EOCD64_LOCATOR in tail[max(0, k - 20):k]:
        raise XlsxRefused(Code.XLSX_ZIP64, name=name)
    if entries > limits.entries or cd_size > limits.central_dir:
        raise XlsxRefused(Code.XLSX_TOO_MANY_MEMBERS, name=name, entries=entries)


def _check_members(name: str, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise XlsxRefused(Code.XLSX_NO_WORKBOOK, name=name)
    total = 0
    for i in infos:
        if i.flag_bits & 0x1:
            raise XlsxRefused(Code.XLSX_ENCRYPTED, name=name)
        total += i.file_size
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > limits.ratio_from and ratio > limits.ratio:
            raise XlsxRefused(Code.XLSX_ZIP_BOMB, name=name, member=i.filename, size_mb=i.file_size / MB,
                              ratio=ratio)
        cap = _cap(i.filename, limits)
        if cap is not None and i.file_size > cap:
            raise XlsxRefused(Code.XLSX_MEMBER_TOO_BIG, name=name, member=i.filename, size_mb=i.file_size / MB,
                              limit_mb=cap // MB)
        if total > limits.total:
            raise XlsxRefused(Code.XLSX_TOTAL_TOO_BIG, name=name, limit_mb=limits.total // MB)


def _cap(member: str, limits: Limits) -> int | None:
    low = member.lower()
    if not (low.endswith(".xml") or low.endswith(".rels")):
        return limits.member
    if low.startswith("xl/worksheets/") or low.startswith("xl/chartsheets/"):
        return limits.member
    if low == "xl/sharedstrings.xml":
        return limits.shared_strings
    return limits.other_xml


_CT_DEFAULT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?Default\b[^>]*?Extension="([^"]*)"[^>]*?ContentType="([^"]*)"', re.I)
_CT_OVERRIDE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?Override\b[^>]*?PartName="([^"]*)"[^>]*?ContentType="([^"]*)"',
                          re.I)
_XML_NAMES = (".xml", ".rels", ".vml")


def _xml_parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> set[str]:
    """Members that are XML by name, by [Content_Types].xml (extension or part name) or by their first byte."""
    types = zf.read("[Content_Types].xml")
    xml_ext = {m.group(1).lower().lstrip(b".").decode("ascii", "replace") for m in _CT_DEFAULT.finditer(types)
               if b"xml" in m.group(2).lower()}
    xml_part = {m.group(1).decode("utf-8", "replace").lstrip("/").lower() for m in _CT_OVERRIDE.finditer(types)
                if b"xml" in m.group(2).lower()}
    out = set()
    for i in infos:
        low = i.filename.lower()
        ext = low.rsplit(".", 1)[-1] if "." in low.rsplit("/", 1)[-1] else ""
        if low.endswith(_XML_NAMES) or ext in xml_ext or low in xml_part or _looks_like_xml(zf, i):
            out.add(i.filename)
    return out


def _looks_like_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.is_dir() or info.file_size == 0:
        return False
    with zf.open(info) as fh:
        head = fh.read(64)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" or head[:2] in (b"\xff\xfe", b"\xfe\xff")


def _scan(name: str, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> SafetyReport:
    report = SafetyReport()
    try:
        xml = _xml_parts(zf, infos)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError, KeyError) as exc:
        raise XlsxRefused(Code.XLSX_BAD_DIRECTORY, name=name, why=str(exc)) from None
    for i in infos:
        low = i.filename.lower()
        if low.startswith("xl/externallinks/") and low.endswith(".rels"):
            report.external_links.extend(_targets(zf.read(i)))
        if low == "xl/connections.xml" or low.startswith("xl/queries/"):
            report.connections = True
        if low.endswith("vbaproject.bin"):
            report.macros = True
        if i.filename not in xml:
            continue
        sheet = low.startswith("xl/worksheets/")
        if sheet:
            report.sheet_bytes += i.file_size
        _scan_part(name, zf, i, sheet, report, limits)
    if not report.external_links and any(i.filename.lower().startswith("xl/externallinks/externallink")
                                         for i in infos):
        report.external_links.append("未知位置")
    return report


_CELL_TAGS = (b"<c ", b"<c>", b"<c\n", b"<c\t", b"<c\r", b"<c/")
_F_TAGS = (b"<f>", b"<f ", b"<f\n", b"<f\t", b"<f\r")
_KEEP = 8  # bytes held back for the next chunk, so that no tag is cut or counted twice


def _count(data: bytes, tags: tuple[bytes, ...], start: int, end: int) -> int:
    """Tags that start in data[start:end] (they may run past ``end``)."""
    return sum(data.count(t, start, min(len(data), end + len(t) - 1)) for t in tags)


def _scan_part(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: bool, report: SafetyReport,
               limits: Limits) -> None:
    """One streaming pass: no DTD, no row wider than Excel allows, formulas counted."""
    cells = 0  # cells since the last <row>
    carry = b""
    first = True
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk and not carry:
                    break
                if first:
                    first = False
                    if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]:
                        raise XlsxRefused(Code.XLSX_NOT_UTF8, name=name, member=info.filename)
                data = carry + chunk
                if _DTD.search(data):
                    raise XlsxRefused(Code.XLSX_DTD, name=name)
                end = len(data) - _KEEP if chunk else len(data)
                if sheet and end > 0:
                    report.formulas += _count(data, _F_TAGS, 0, end)
                    cells = _row_cells(data, end, cells, limits, name)
                carry = data[end:] if chunk else b""
                if not chunk:
                    break
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise XlsxRefused(Code.XLSX_BAD_MEMBER, name=name, member=info.filename, why=str(exc)) from None


_ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_WINDOW = 32768  # a row of more than 16384 cells is longer than two windows


def _row_at_or_before(data: bytes, pos: int) -> int:
    return max(data.rfind(b"<row", 0, pos), data.rfind(b":row", 0, pos) - 1, 0)


def _row_cells(data: bytes, end: int, cells: int, limits: Limits, name: str) -> int:
    """Cells in the row still open after data[:end]; refuses a row wider than Excel's columns.

    Only rows longer than a window of bytes can be too wide, so rows are counted one by one only
    where a whole window has no ``<row`` in it."""
    m = _ROW_RE.search(data, 0, end)
    if m is None:
        cells += _count(data, _CELL_TAGS, 0, end)
        _wide(cells, limits, name)
        return cells
    first = m.start()
    _wide(cells + _count(data, _CELL_TAGS, 0, first), limits, name)
    last = _row_at_or_before(data, end)
    pos = first
    while pos + _WINDOW <= last:
        if _ROW_RE.search(data, pos + 1, pos + _WINDOW) is None:
            a = _row_at_or_before(data, pos + 1)
            nxt = _ROW_RE.search(data, pos + _WINDOW, last + 1)
            b = nxt.start() if nxt else last
            _wide(_count(data, _CELL_TAGS, a, b), limits, name)
            pos = max(b, pos + _WINDOW)
        else:
            pos += _WINDOW
    return _count(data, _CELL_TAGS, last, end)


def _wide(cells: int, limits: Limits, name: str) -> None:
    if cells > limits.cells_per_row:
        raise XlsxRefused(Code.XLSX_ROW_TOO_WIDE, name=name, limit=limits.cells_per_row)


def _targets(rels: bytes) -> list[str]:
    out = []
    for m in _TARGET.finditer(rels):
        t = m.group(1).decode("utf-8", "replace")
        t = t.replace("file:///", "")
        out.append(t.rsplit("/", 1)[-1] or t)
    return out


_PATCH_LOCK = threading.Lock()
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"')


def _head_size(self: Any) -> None:
    """openpyxl's read-only sheet looks for ``<dimension>`` by parsing the whole sheet when it is
    missing (seconds for a million rows); read only the head.  The row count is never trusted:
    reading is bounded by the caller's row cap instead."""
    from openpyxl.utils.cell import range_boundaries

    with self._get_source() as src:
        head = src.read(65536)
    m = _DIMENSION.search(head)
    if m:
        try:
            min_col, _, max_col, _ = range_boundaries(m.group(1).decode("ascii"))
        except (ValueError, TypeError):
            return
        self._min_column, self._max_column = min_col or 1, max_col
    self._max_row = None


def open_workbook(path: str | Path, limits: Limits = LIMITS) -> tuple[Any, SafetyReport]:
    """Check the file, then open it read-only with the saved formula results (never evaluated),
    without external links or macros.  The caller closes the workbook."""
    report = check_xlsx(path, limits)
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise XlsxRefused(Code.XLSX_NO_DEFUSEDXML)
    try:
        with _PATCH_LOCK:
            from openpyxl.worksheet._read_only import ReadOnlyWorksheet

            original = ReadOnlyWorksheet._get_size
            ReadOnlyWorksheet._get_size = _head_size
            try:
                wb = load_workbook(path, read_only=True, data_only=True, keep_links=False, keep_vba=False)
            finally:
                ReadOnlyWorksheet._get_size = original
    except XlsxRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise refusal(Path(path).name, exc) from None
    return wb, report


# ---------------------------------------------------------------------------------------
# reading a sheet: only the cells it holds, within one time budget, every failure in Chinese
# ---------------------------------------------------------------------------------------

class Deadline:
    """One time budget for a whole import (opening, the hidden sheet, every visible sheet); also the
    way a window's worker thread hears of 取消 (``cancel``, an Event) and reports progress."""

    def __init__(self, name: str, seconds: float, cancel: Any = None, progress: Any = None):
        import time

        self.name = name
        self.seconds = seconds
        self.cancel = cancel
        self.progress = progress
        self._clock = time.monotonic
        self.start = time.monotonic()
        self.end = self.start + seconds

    def extend(self, seconds: float) -> None:
        """More time for a bigger file (known once its parts have been measured)."""
        self.seconds += seconds
        self.end = self.start + self.seconds

    def over(self) -> bool:
        return self._clock() > self.end

    def poll(self, where: str = "") -> None:
        """Stop when cancelled; tell the window where reading has got to."""
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled(Code.IMPORT_CANCELLED)
        if self.progress is not None and where:
            self.progress(f"正在读取 {self.name}：{where}")

    def check(self, where: str = "") -> None:
        self.poll(where)
        if self.over():
            at = f"（读到{where}）" if where else ""
            raise XlsxRefused(Code.XLSX_TIMEOUT, name=self.name, seconds=self.seconds, at=at)


def sheet_rows(ws: Any, deadline: Deadline | None = None, max_col: int | None = None):
    """``(row number, {column: value})`` for the rows the sheet's XML really holds, in file order.

    Missing rows and cells are never made up (openpyxl pads a sheet out to the farthest cell it
    names, a million rows of 16,384 cells for one tampered reference)."""
    from desktop.export.xlsx_cells import CellReader

    reader = CellReader(ws)
    try:
        with ws._get_source() as src:
            for n, (r, cells) in enumerate(reader.rows(src, max_col)):
                if deadline is not None and n % 200 == 0:
                    deadline.check(f"工作表“{ws.title}”第 {r} 行")
                yield r, cells
    except JixiaoError:
        raise
    except Exception as exc:  # noqa: BLE001 - told with the sheet and row by refusal()
        raise SheetBroken(exc, ws.title, reader.at_row) from exc


class SheetBroken(Exception):
    """Reading a sheet failed at its row ``row`` (0: before any row)."""

    def __init__(self, cause: BaseException, sheet: str, row: int):
        super().__init__(str(cause))
        self.cause, self.sheet, self.row = cause, sheet, row


_ENTITY_KINDS = ("Entities", "DTD", "ExternalReference", "NotSupported")


def refusal(name: str, exc: BaseException, sheet: str | None = None) -> XlsxRefused:
    """What went wrong while parsing a workbook, in Chinese, naming the file (and sheet, and row)."""
    near = ""
    if isinstance(exc, SheetBroken):
        sheet, near = exc.sheet, (f"第 {exc.row} 行附近" if exc.row else "开头")
        exc = exc.cause
    where = f"的工作表“{sheet}”{near}" if sheet else ""
    chain = [exc, exc.__cause__, exc.__context__]
    kinds = " ".join(e.__class__.__name__ for e in chain if e is not None)
    if any(k in kinds for k in _ENTITY_KINDS):
        return XlsxRefused(Code.XLSX_ENTITIES, name=name, where=where)
    if isinstance(exc, RecursionError):
        return XlsxRefused(Code.XLSX_TOO_DEEP, name=name, where=where)
    if isinstance(exc, MemoryError):
        return XlsxRefused(Code.XLSX_OUT_OF_MEMORY, name=name, where=where)
    line, col = _xml_position(exc)
    if line:
        return XlsxRefused(Code.XLSX_BAD_XML, name=name, where=where, line=line, col=col)
    return XlsxRefused(Code.XLSX_BROKEN, name=name, where=where, kind=exc.__class__.__name__)


def _xml_position(exc: BaseException) -> tuple[int, int]:
    """(line, column) of an XML syntax error (ElementTree's ParseError or expat's ExpatError)."""
    pos = getattr(exc, "position", None)
    if isinstance(pos, tuple) and len(pos) == 2:
        return int(pos[0]), int(pos[1]) + 1
    line = getattr(exc, "lineno", None)
    if isinstance(line, int) and exc.__class__.__name__ in ("ExpatError", "ParseError"):
        return line, int(getattr(exc, "offset", 0) or 0) + 1
    return 0, 0


class guarded:
    """``with guarded(name, sheet):`` turns any parsing failure into :class:`XlsxRefused`."""

    def __init__(self, name: str, sheet: str | None = None):
        self.name, self.sheet = name, sheet

    def __enter__(self) -> "guarded":
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, JixiaoError) or not isinstance(exc, Exception):
            return False
        raise refusal(self.name, exc, self.sheet) from None
