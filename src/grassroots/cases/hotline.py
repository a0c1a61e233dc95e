"""12345-style hotline import: CSV or Excel, checked row by row, all or nothing.

Columns (header row, Chinese names): 工单编号, 诉求内容, 来电人, 联系电话, 门牌号, 经度, 纬度, 地址, 类别.
诉求内容, 来电人 and 联系电话 are required, and a location (门牌号, or 经度+纬度). A row whose 工单编号 was
imported before is skipped, so re-importing the same file is safe.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import has_perm, require_perm
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.cases.intake import Report, open_case
from grassroots.cases.models import Case, Channel
from grassroots.core import uploads
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.core.tables import read_table

COLUMNS = {
    "工单编号": "ref",
    "诉求内容": "description",
    "来电人": "name",
    "联系电话": "phone",
    "门牌号": "door",
    "经度": "lng",
    "纬度": "lat",
    "地址": "address",
    "类别": "category",
}
REQUIRED = ("诉求内容", "来电人", "联系电话")
MAX_ROWS = 5000


def require_importer(actor) -> None:
    """Only staff who may report cases enter hotline orders (each row is then checked against their area)."""
    require_perm(actor, Perm.REPORT_CASES)
    if not has_perm(actor, Perm.VIEW_CASES):
        raise PermissionDenied(_("只有工作人员可以巡查上报、代办或录入热线"))


def import_upload(actor, upload) -> dict:
    """An uploaded file: the permission is checked before a byte of it is read, and it is read bounded."""
    require_importer(actor)
    return import_hotline(actor, upload.name, uploads.read_bounded(upload, settings.IMPORT_MAX_FILE_BYTES))


def read_rows(filename: str, content: bytes, *, required: tuple[str, ...] = REQUIRED) -> list[dict[str, str]]:
    """Rows as {column: text}. Unreadable files are refused with the reason."""
    return read_table(filename, content, required=required, max_rows=MAX_ROWS)[1]


def _report(row: dict[str, str]) -> Report:
    def number(key):
        value = row.get(key, "")
        try:
            return float(value) if value else None
        except ValueError:
            raise DomainError(
                ErrorCode.INVALID_INPUT, _("%(column)s不是数字：%(value)s") % {"column": key, "value": value}
            ) from None

    description = row.get("诉求内容", "")
    return Report(
        title=description[:24],
        description=description,
        category=row.get("类别", ""),
        lng=number("经度"),
        lat=number("纬度"),
        door_number=row.get("门牌号", ""),
        address=row.get("地址", ""),
        reporter_name=row.get("来电人", ""),
        reporter_phone=row.get("联系电话", ""),
        source_ref=f"12345:{row['工单编号']}" if row.get("工单编号") else "",
    )


@transaction.atomic
def import_hotline(actor, filename: str, content: bytes) -> dict:
    """Open a case per row. Any bad row fails the whole file with a per-row report; nothing is written."""
    require_importer(actor)
    rows = read_rows(filename, content)
    created, skipped, errors = [], [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header, as the operator sees it in Excel
        try:
            report = _report(row)
            if report.source_ref and Case.objects.filter(source_ref=report.source_ref).exists():
                skipped.append(number)
                continue
            with transaction.atomic():
                created.append(open_case(actor, report, channel=Channel.HOTLINE).number)
        except DomainError as exc:
            errors.append({"row": number, "code": str(exc.code), "message": exc.message})
    if errors:
        raise DomainError(
            ErrorCode.IMPORT_FAILED,
            _("导入失败：%(n)s 行有错误，未写入任何数据") % {"n": len(errors)},
            details=errors,
        )
    record(
        actor=actor,
        event=AuditEvent.CASES_IMPORTED,
        target_type="cases.case",
        extra={"file": filename[:100], "created": len(created), "skipped": skipped},
    )
    return {"created": created, "skipped": skipped}
