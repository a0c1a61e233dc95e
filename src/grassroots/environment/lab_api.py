"""POST /api/v1/environment/lab-imports: lab results (water, soil samples) from CSV or Excel, all or nothing."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from grassroots.core.schemas import errors
from grassroots.environment.lab_import import import_lab_results
from grassroots.environment.lab_schemas import LAB_FILE_BODY, LabImportOut

router = Router(tags=["environment"])


@router.post(
    "/lab-imports",
    response={201: LabImportOut, **errors(400, 401, 403, 409, 413, 422)},
    openapi_extra=LAB_FILE_BODY,
)
def lab_import(request: HttpRequest, file: UploadedFile = File(...)):  # noqa: B008 - ninja idiom
    """CSV (UTF-8 with or without BOM, or GBK) or .xlsx with columns station_code/站点编码, property/指标,
    sampled_at/采样时间, value/数值, unit/单位 and optionally note/备注. 403 before the file is read for a role
    that may not manage stations; 400 `import_failed` with per-row `details` (LabRowErrorOut) when any row is
    wrong, and nothing is written; 400 `lab_file_refused` for macros, .xls or a disguised file; 409
    `lab_duplicate_file` for a file imported before; 413 beyond the size, row or unpacked-size bounds."""
    return Status(201, import_lab_results(request.auth, file))
