"""Reading an uploaded CSV or Excel table, refusing unreadable files with the reason (shared by imports)."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from grassroots.core.errors import DomainError, ErrorCode


def _cells(filename: str, content: bytes) -> list[list[str]]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
            raise DomainError(ErrorCode.INVALID_INPUT, f"无法读取 Excel 文件 / unreadable Excel file: {exc}") from None
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK unless told otherwise
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError(ErrorCode.INVALID_INPUT, "CSV 编码无法识别（请用 UTF-8 或 GBK）")
        try:
            return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise DomainError(ErrorCode.INVALID_INPUT, f"CSV 格式错误 / malformed CSV: {exc}") from None
    raise DomainError(ErrorCode.INVALID_INPUT, "只支持 .csv 或 .xlsx 文件")


def read_table(
    filename: str, content: bytes, *, required: tuple[str, ...] = (), max_rows: int = 5000
) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows as {column: text}; blank lines are skipped."""
    table = [row for row in _cells(filename, content) if any(row)]
    if not table:
        raise DomainError(ErrorCode.INVALID_INPUT, "文件是空的 / the file is empty")
    header = table[0]
    missing = [c for c in required if c not in header]
    if missing:
        raise DomainError(ErrorCode.INVALID_INPUT, f"缺少列 / missing columns: {'、'.join(missing)}")
    if len(table) - 1 > max_rows:
        raise DomainError(ErrorCode.PAYLOAD_TOO_LARGE, f"一次最多导入 {max_rows} 行")
    rows = [{h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h} for row in table[1:]]
    return [h for h in header if h], rows
