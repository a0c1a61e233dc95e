"""Reading an uploaded CSV or Excel table within bounds, refusing unreadable or oversized files with the reason.

The bounds hold while the file is read, not after it: an xlsx is a zip of XML, so a file of a few kilobytes can
declare a sheet of A1:XFD1048576 (17 billion cells, each padded in by openpyxl) or hold a member that inflates a
thousandfold. So the zip's directory is checked before openpyxl opens the file, the sheet's declared dimension
before a row is read, and rows, columns and cells are counted as the rows stream in.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from grassroots.core.errors import DomainError, ErrorCode

MAX_COLUMNS = 200
MAX_CELLS = 2_000_000  # data cells held at once (rows × header width): what bounds the memory of the result
# A zip member's declared size is a real bound: Python's zipfile stops inflating there and then checks the CRC.
ZIP_MAX_MEMBERS = 500
ZIP_MAX_MEMBER_BYTES = 64 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 128 * 1024 * 1024
ZIP_MAX_RATIO = 100  # sheet XML compresses 5–30×; a zip bomb ~1000×
ZIP_RATIO_FROM = 1024 * 1024  # a small member (styles, a short sheet) may compress well without harm


@dataclass(frozen=True)
class Bounds:
    rows: int  # data rows, the header not counted
    columns: int = MAX_COLUMNS
    cells: int = MAX_CELLS

    @property
    def sheet_rows(self) -> int:
        """Rows the file may span: the header, the data rows and as many blank rows (skipped, but read)."""
        return 2 * self.rows + 1


def _too_many_rows(bounds: Bounds) -> DomainError:
    return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("一次最多导入 %(n)d 行") % {"n": bounds.rows})


def _too_many_columns(bounds: Bounds) -> DomainError:
    return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("表格最多 %(n)d 列") % {"n": bounds.columns})


def _declared_too_large(ref: str, bounds: Bounds) -> DomainError:
    values = {"ref": ref, "rows": bounds.rows, "columns": bounds.columns}
    message = _("表格声明的范围 %(ref)s 超过上限（最多 %(rows)d 行、%(columns)d 列）") % values
    return DomainError(ErrorCode.PAYLOAD_TOO_LARGE, message)


def check_zip(content: bytes) -> None:
    """Refuse an archive whose members would inflate beyond the limits, judged from its directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, _("无法读取 Excel 文件：%(reason)s") % {"reason": exc}) from None
    if len(members) > ZIP_MAX_MEMBERS:
        raise DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("Excel 文件内部的部件过多"))
    total = 0
    for member in members:
        total += member.file_size
        ratio_too_high = member.file_size > ZIP_RATIO_FROM and member.file_size > ZIP_MAX_RATIO * member.compress_size
        if member.file_size > ZIP_MAX_MEMBER_BYTES or total > ZIP_MAX_TOTAL_BYTES or ratio_too_high:
            raise DomainError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                _("Excel 文件解压后过大（%(size)s），疑似压缩炸弹") % {"size": filesizeformat(member.file_size)},
            )


def _xlsx_rows(content: bytes, bounds: Bounds) -> Iterator[list]:
    check_zip(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            if (sheet.max_row or 0) > bounds.sheet_rows or (sheet.max_column or 0) > bounds.columns:
                raise _declared_too_large(sheet.calculate_dimension(), bounds)
            # Rows then come as wide as their last cell: a short or wrong declaration neither truncates nor pads.
            sheet.reset_dimensions()
            for row in sheet.iter_rows(max_row=bounds.sheet_rows + 1, values_only=True):
                yield ["" if v is None else str(v).strip() for v in row]
        finally:
            book.close()
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - a crafted workbook can fail anywhere inside openpyxl: a 400, not a 500
        reason = str(exc)[:200] or type(exc).__name__
        raise DomainError(ErrorCode.INVALID_INPUT, _("无法读取 Excel 文件：%(reason)s") % {"reason": reason}) from None


def _csv_rows(content: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(ErrorCode.INVALID_INPUT, _("CSV 编码无法识别（请用 UTF-8 或 GBK）"))
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, _("CSV 格式错误：%(reason)s") % {"reason": exc}) from None


def _rows(filename: str, content: bytes, bounds: Bounds) -> Iterator[list]:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(content, bounds)
    if name.endswith(".csv"):
        return _csv_rows(content)
    raise DomainError(ErrorCode.INVALID_INPUT, _("只支持 .csv 或 .xlsx 文件"))


def read_table(
    filename: str,
    content: bytes,
    *,
    required: tuple[str, ...] = (),
    max_rows: int = 5000,
    max_columns: int = MAX_COLUMNS,
    max_cells: int = MAX_CELLS,
) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows as {column: text}; blank lines are skipped. Refused as soon as a bound is passed."""
    bounds = Bounds(max_rows, max_columns, max_cells)
    header: list[str] | None = None
    rows: list[dict[str, str]] = []
    for read, row in enumerate(_rows(filename, content, bounds), start=1):
        if read > bounds.sheet_rows:
            raise _too_many_rows(bounds)
        while row and not row[-1]:
            row.pop()
        if len(row) > bounds.columns:
            raise _too_many_columns(bounds)
        if not row:
            continue
        if header is None:
            header = row
            missing = [c for c in required if c not in header]
            if missing:
                raise DomainError(ErrorCode.INVALID_INPUT, _("缺少列：%(columns)s") % {"columns": "、".join(missing)})
            continue
        if len(rows) >= bounds.rows:
            raise _too_many_rows(bounds)
        if (len(rows) + 1) * len(header) > bounds.cells:
            raise DomainError(ErrorCode.PAYLOAD_TOO_LARGE, _("表格单元格过多（最多 %(n)d 个）") % {"n": bounds.cells})
        rows.append({h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h})
    if header is None:
        raise DomainError(ErrorCode.INVALID_INPUT, _("文件是空的"))
    return [h for h in header if h], rows
