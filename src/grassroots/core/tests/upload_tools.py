"""Hostile uploads built in the test (a dimension bomb, a zip bomb), a file that records its reads, and a probe of
the memory and time a call takes. Shared by the upload tests of core, cases, areas and sharing."""

from __future__ import annotations

import gc
import io
import resource
import time
import tracemalloc
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, TemporaryUploadedFile
from django.test.client import BOUNDARY, encode_multipart

MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)


def _sheet(dimension: str | None, rows: str) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>{rows}</sheetData></worksheet>"
    )


def cell_row(number: int, *values: str, column: str = "A") -> str:
    cells = "".join(
        f'<c r="{chr(ord(column) + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


# A header row and one cell in the sheet's last row: openpyxl fills every row between with the declared width.
BOMB_ROWS = cell_row(1, "诉求内容", "来电人", "联系电话") + cell_row(1048576, "x")


def tiny_xlsx(*, dimension: str | None = "A1:XFD1048576", rows: str = BOMB_ROWS, sheet: str | None = None) -> bytes:
    """A minimal workbook by hand (1.5 KB); by default one whose declared 16384 × 1048576 cells openpyxl would
    materialise as 17 billion values (a header, an empty gap of a million rows padded to full width, one cell)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet if sheet is not None else _sheet(dimension, rows))
    return out.getvalue()


def zip_bomb_xlsx(inflated: int = 32 * MB) -> bytes:
    """A workbook whose sheet inflates ~1000× (`inflated` bytes of blank XML from a few tens of kilobytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            head = _sheet(None, cell_row(1, "诉求内容")).encode()
            member.write(head[: -len(b"</sheetData></worksheet>")])
            chunk = b" " * MB
            for _ in range(inflated // MB):
                member.write(chunk)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


class RecordingFile(io.BytesIO):
    """An upload stand-in that records each read (how much was asked, how much given)."""

    def __init__(self, content: bytes = b"", name: str = "upload.bin", *, size: bool = False):
        super().__init__(content)
        self.name = name
        self.reads: list[tuple[int, int]] = []
        if size:
            self.size = len(content)

    def read(self, n: int | None = -1) -> bytes:
        data = super().read(n)
        self.reads.append((-1 if n is None else n, len(data)))
        return data

    @property
    def bytes_read(self) -> int:
        return sum(given for _, given in self.reads)


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"  # not the client's constant: it would re-encode the body


def multipart(**fields) -> bytes:
    """A multipart body, encoded before reads are recorded (the test client reads the files it sends). A bytes
    value becomes a file named after its field with a .csv or .xlsx suffix as its content suggests."""
    encoded = {}
    for key, value in fields.items():
        if isinstance(value, bytes):
            value = SimpleUploadedFile(f"{key}.xlsx" if value[:2] == b"PK" else f"{key}.csv", value)
        encoded[key] = value
    return encode_multipart(BOUNDARY, encoded)


def record_upload_reads(monkeypatch) -> list[str]:
    """Record the name of every uploaded file (as Django hands it to a view) whose content is read."""
    reads: list[str] = []

    def read(self, *args):
        reads.append(self.name)
        return self.file.read(*args)

    for cls in (InMemoryUploadedFile, TemporaryUploadedFile):
        monkeypatch.setattr(cls, "read", read, raising=False)
    return reads


@dataclass
class Probe:
    peak_bytes: int  # tracemalloc: the largest Python heap the call reached above its start
    rss_growth_bytes: int  # growth of the process's peak resident set (catches C allocations as well)
    seconds: float
    error: Exception | None
    result: object = None


def probe(fn, *args, **kwargs) -> Probe:
    """Run `fn`, keeping its exception; measure its peak memory and its time."""
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    result, error = None, None
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the probe reports it, the test asserts on it
        error = exc
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return Probe(peak, rss_after - rss_before, seconds, error, result)
