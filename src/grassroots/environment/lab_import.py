"""Lab results (water and soil samples) from CSV or Excel, all or nothing, with an error list per row.

Columns, in English or Chinese (header row; the order does not matter):
station_code/站点编码, property/指标, sampled_at/采样时间, value/数值, unit/单位 and optionally note/备注.
A row is checked by the same rules as every other reading: the file's rows go through `ingest.ingest()` inside
the import's transaction, and any error it reports rolls the whole file back. What is particular to a lab file
is checked here: its cells parse, a sample appears once in the file and was not entered before, and the same
file is never imported twice (its SHA-256 digest is unique).
"""

from __future__ import annotations

import hashlib
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm, scoped, widest_path
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.tables import read_table
from grassroots.environment.ingest import STATION_NOT_ALLOWED, UNKNOWN_STATION, Reading, ingest
from grassroots.environment.models import Datastream, LabImport, Observation, Station

MAX_ROWS = 5000
MAX_NOTE = 200
# Header (lower-cased, spaces removed) → field. Both languages, as labs and Excel templates write them.
COLUMNS = {
    "station_code": "station", "站点编码": "station", "站点": "station",
    "property": "property", "指标": "property", "监测指标": "property",
    "sampled_at": "time", "采样时间": "time",
    "value": "value", "数值": "value", "监测值": "value",
    "unit": "unit", "单位": "unit",
    "note": "note", "备注": "note",
}  # fmt: skip
REQUIRED = ("station", "property", "time", "value", "unit")
HEADER_NAMES = {"station": "站点编码", "property": "指标", "time": "采样时间", "value": "数值", "unit": "单位"}
# A sampling time as labs and Excel write it: 2026-11-20, 2026/11/20 9:30, 2026-11-20T09:30:00+08:00.
TIME_RE = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and macro-bearing .doc/.xls saved in the old format
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Row:
    number: int  # as the operator sees it in Excel: the header is row 1
    reading: Reading
    note: str


def import_lab_results(actor, upload) -> LabImport:
    """An uploaded file. The permission is checked before a byte is read; the file is read bounded."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    content = uploads.read_bounded(upload, settings.IMPORT_MAX_FILE_BYTES)
    return import_lab_file(actor, str(upload.name or "")[:200], content)


def attempt_import(actor, upload) -> tuple[LabImport | None, DomainError | None]:
    """For the page, which shows a refused file's rows instead of a flash: the import, or why it was refused.
    A permission refusal is not caught (a 403 page, the file unread)."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    try:
        return import_lab_results(actor, upload), None
    except DomainError as error:
        return None, error


@transaction.atomic
def import_lab_file(actor, filename: str, content: bytes) -> LabImport:
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    check_file(filename, content)
    digest = hashlib.sha256(content).hexdigest()
    if LabImport.objects.filter(digest=digest).exists():
        raise _duplicate_file()
    header, cells = read_table(filename, content, max_rows=MAX_ROWS)
    fields = _fields(header)
    rows, errors = _parse(fields, cells)
    errors += _already_entered(actor, rows)
    allowed = _allowed_stations(actor, {row.reading.station for row in rows})
    with transaction.atomic():  # a savepoint: ingest's writes are undone when any row is refused
        result = ingest([row.reading for row in rows], allowed_stations=allowed, source=f"lab:{filename[:60]}")
        errors += [_ingest_error(rows[e.index], e) for e in result.errors]
        if errors:
            transaction.set_rollback(True)
    if errors:
        errors.sort(key=lambda e: e["row"])
        message = _("导入失败：%(n)s 行有错误，未写入任何数据") % {"n": len({e["row"] for e in errors})}
        raise DomainError(ErrorCode.IMPORT_FAILED, message, details=errors)
    if not rows:
        raise DomainError(ErrorCode.INVALID_INPUT, _("文件中没有数据行"))
    try:
        with transaction.atomic():
            done = LabImport.objects.create(filename=filename, digest=digest, rows=len(rows), created_by=actor)
    except IntegrityError:  # the same file, imported concurrently
        raise _duplicate_file() from None
    notes = [[row.number, row.note] for row in rows if row.note][:100]
    stations = sorted({row.reading.station for row in rows})
    extra = {"file": filename[:100], "digest": digest, "rows": len(rows), "stations": stations[:50], "notes": notes}
    record(actor=actor, event=AuditEvent.LAB_RESULTS_IMPORTED, target=done, extra=extra)
    return done


def check_file(filename: str, content: bytes) -> None:
    """Refuse what is not what its name says: a workbook with macros (.xlsm, or an .xlsx carrying a VBA project),
    an old binary .xls, or a zip named .csv. Bombs and oversized sheets are refused by core.tables."""
    name = filename.lower()
    if name.endswith((".xlsm", ".xls", ".xlsb")) or content.startswith(OLE_MAGIC):
        raise DomainError(ErrorCode.LAB_FILE_REFUSED, _("只接受 .csv 或 .xlsx 文件（不接受带宏或旧版 .xls 文件）"))
    if name.endswith(".csv"):
        if content.startswith(ZIP_MAGIC) or b"\x00" in content[:8192]:
            raise DomainError(ErrorCode.LAB_FILE_REFUSED, _("文件扩展名为 .csv，内容却不是文本表格"))
        return
    if name.endswith(".xlsx"):
        if not content.startswith(ZIP_MAGIC):
            raise DomainError(ErrorCode.LAB_FILE_REFUSED, _("文件扩展名为 .xlsx，内容却不是 Excel 工作簿"))
        _refuse_macros(content)
        return
    raise DomainError(ErrorCode.LAB_FILE_REFUSED, _("只接受 .csv 或 .xlsx 文件（不接受带宏或旧版 .xls 文件）"))


def _refuse_macros(content: bytes) -> None:
    """An .xlsm renamed .xlsx still declares its macro-enabled content type and carries vbaProject.bin."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = {n.lower() for n in archive.namelist()}
            types = archive.read("[Content_Types].xml")[:65536] if "[content_types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError, EOFError):
        return  # unreadable: core.tables refuses it with the reason
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise DomainError(ErrorCode.LAB_FILE_REFUSED, _("工作簿含有宏，已拒绝；请另存为不含宏的 .xlsx"))


def _duplicate_file() -> DomainError:
    return DomainError(ErrorCode.LAB_DUPLICATE_FILE, _("该文件已导入过，未重复写入"))


def _fields(header: list[str]) -> dict[str, str]:
    """field → the header text that names it; unknown columns are refused, so a typo is not silently ignored."""
    fields: dict[str, str] = {}
    unknown = []
    for text in header:
        field = COLUMNS.get(re.sub(r"\s+", "", text).lower())
        if field is None:
            unknown.append(text)
        elif field in fields:
            raise DomainError(ErrorCode.INVALID_INPUT, _("列重复：%(column)s") % {"column": text})
        else:
            fields[field] = text
    if unknown:
        raise DomainError(ErrorCode.INVALID_INPUT, _("无法识别的列：%(columns)s") % {"columns": "、".join(unknown)})
    missing = [HEADER_NAMES[f] for f in REQUIRED if f not in fields]
    if missing:
        raise DomainError(ErrorCode.INVALID_INPUT, _("缺少列：%(columns)s") % {"columns": "、".join(missing)})
    return fields


def _row_error(number: int, code: str, message: str) -> dict:
    return {"row": number, "code": str(code), "message": str(message)}


def _ingest_error(row: Row, error) -> dict:
    """ingest's verdict on a row. A station outside the actor's area is, to them, unknown (no existence leak)."""
    if error.code == STATION_NOT_ALLOWED:
        message = _("未知站点 %(station)s") % {"station": row.reading.station}
        return _row_error(row.number, UNKNOWN_STATION, message)
    return _row_error(row.number, error.code, error.message)


def _parse(fields: dict[str, str], cells: list[dict[str, str]]) -> tuple[list[Row], list[dict]]:
    rows: list[Row] = []
    errors: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, cell in enumerate(cells, start=2):
        get = {field: cell.get(text, "").strip() for field, text in fields.items()}
        problem = _problem(get)
        if problem:
            errors.append(_row_error(number, *problem))
            continue
        time = parse_time(get["time"])
        key = (get["station"], get["property"], time)
        if key in seen:
            message = _("与第 %(row)s 行是同一站点、指标和采样时间") % {"row": seen[key]}
            errors.append(_row_error(number, "duplicate_row", message))
            continue
        seen[key] = number
        reading = Reading(station=get["station"], property=get["property"], time=time, value=float(get["value"]),
                          unit=get["unit"])  # fmt: skip
        rows.append(Row(number, reading, get.get("note", "")))
    return rows, errors


def _problem(get: dict[str, str]) -> tuple[str, str] | None:
    """The first thing wrong with a row's cells, as (code, message); None when they parse."""
    for field in REQUIRED:
        if not get[field]:
            return "missing_field", _("%(column)s为空") % {"column": HEADER_NAMES[field]}
    if parse_time(get["time"]) is None:
        return "invalid_time", _("采样时间无法识别：%(value)s（例：2026-11-20 09:30）") % {"value": get["time"][:40]}
    try:
        value = float(get["value"])
    except ValueError:
        value = None
    if value is None or math.isinf(value):
        return "invalid_number", _("数值不是数字：%(value)s") % {"value": get["value"][:40]}
    if len(get.get("note", "")) > MAX_NOTE:
        return "note_too_long", _("备注最多 %(n)s 个字") % {"n": MAX_NOTE}
    return None


def parse_time(text: str) -> datetime | None:
    """An aware datetime; a time without an offset is local (Asia/Shanghai), as labs in China write it."""
    match = TIME_RE.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour or 0):02d}:{minute or '00'}:{second or '00'}"
    if offset:
        iso += "+00:00" if offset == "Z" else f"{offset[:3]}:{offset[-2:]}"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else timezone.make_aware(moment)


def _allowed_stations(actor, codes: set[str]) -> set[int]:
    """The stations named that the actor manages: any other is, to ingest, a station it does not know."""
    named = Station.objects.filter(code__in=codes)
    return set(scoped(named, actor, Perm.MANAGE_ENVIRONMENT, path_field="region_path").values_list("pk", flat=True))


def _already_entered(actor, rows: list[Row]) -> list[dict]:
    """A sample entered before (same stream and time) is an error: ingest would skip it as a re-send, but a lab
    file that silently keeps an older value is wrong either way. Only streams in the actor's scope are asked."""
    if not rows:
        return []
    streams = scoped(
        Datastream.objects.filter(station__code__in={r.reading.station for r in rows}),
        actor,
        Perm.MANAGE_ENVIRONMENT,
        path_field="station__region_path",
    ).values_list("pk", "station__code", "property__code")
    ids = {(code, prop): pk for pk, code, prop in streams}
    wanted = [(ids[key], row) for row in rows if (key := (row.reading.station, row.reading.property)) in ids]
    if not wanted:
        return []
    stream_ids = {stream for stream, row in wanted}
    times = sorted({row.reading.time for stream, row in wanted})
    existing: set = set()
    for start in range(0, len(times), 500):  # bounded parameter lists, for SQLite's limit
        found = Observation.objects.filter(datastream_id__in=stream_ids, time__in=times[start : start + 500])
        existing.update(found.values_list("datastream_id", "time"))
    message = _("该站点该指标在此采样时间已有数据")
    return [_row_error(row.number, "already_entered", message) for stream, row in wanted
            if (stream, row.reading.time) in existing]  # fmt: skip


def history(actor, limit: int = 50):
    """The actor's own imports; a manager over the whole district sees every import (a LabImport names no
    region, the stations it wrote are in its audit row)."""
    require_perm(actor, Perm.MANAGE_ENVIRONMENT)
    imports = LabImport.objects.select_related("created_by")
    widest = widest_path(actor, Perm.MANAGE_ENVIRONMENT) or ""
    if widest.count("/") > 2:  # "/" is everything, "/<district>/" the district
        imports = imports.filter(created_by=actor)
    return imports[:limit]
