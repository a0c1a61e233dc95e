"""The station list as CSV (UTF-8 with BOM, for Excel in China) or Excel, formula-guarded, audited as an export."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.spreadsheet import safe_cell, safe_row
from grassroots.environment.current import Now

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header() -> list[str]:
    return [_("站点编码"), _("名称"), _("类型"), _("网格"), _("经度"), _("纬度"), _("运营单位"), _("当前值"),
            _("评价"), _("超标"), _("数据时间")]  # fmt: skip


def _line(n: Now) -> list:
    s = n.station
    at = n.at.isoformat(timespec="minutes") if n.at else ""
    return [safe_cell(v) for v in (s.code, s.name, s.get_kind_display(), s.region.name, s.lng, s.lat,
                                   s.operator_name, n.value, n.label, n.exceeds, at)]  # fmt: skip


@transaction.atomic
def export(actor, standing: list[Now], *, fmt: str, filters: dict) -> tuple[bytes, str, str]:
    """(body, content type, file name) of the list the actor sees; the export itself is an audit row."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(safe_row(_header()))
        writer.writerows(_line(n) for n in standing)
        body, content_type = ("\ufeff" + buffer.getvalue()).encode(), "text/csv; charset=utf-8"
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("stations")
        sheet.append(safe_row(_header()))
        for n in standing:
            sheet.append(_line(n))
        out = io.BytesIO()
        book.save(out)
        body, content_type = out.getvalue(), XLSX
    record(actor=actor, event=AuditEvent.ENV_STATIONS_EXPORTED, target_type="environment.station",
           extra={"format": fmt, "rows": len(standing), "filters": filters})  # fmt: skip
    return body, content_type, f"stations.{fmt}"
