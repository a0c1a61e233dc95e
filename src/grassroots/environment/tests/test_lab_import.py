"""Lab-result import: CSV (UTF-8, BOM, GBK) and Excel, all or nothing with row numbers, refused files."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.environment.lab_import import import_lab_results, parse_time
from grassroots.environment.models import (
    Aggregation,
    Datastream,
    LabImport,
    Observation,
    ObservedProperty,
    Station,
    StationKind,
)  # fmt: skip

pytestmark = pytest.mark.django_db

GOOD = (
    "station_code,property,sampled_at,value,unit,note\n"
    "ws-g1,ph,2026-11-20 09:30,7.4,无量纲,平行样\n"
    "ws-g1,codmn,2026-11-20 09:30,4.2,mg/L,\n"
)
CHINESE = (
    "站点编码,指标,采样时间,数值,单位,备注\n"
    "ws-g1,ph,2026/11/21 10:00,7.1,无量纲,上游\n"
    "ws-g1,codmn,2026/11/21 10:00,3.9,mg/L,\n"
)


@pytest.fixture
def stations(cast):
    made = {}
    for code, region in (("ws-g1", cast.G1), ("ws-g4", cast.G4)):
        station = Station.objects.create(
            code=code, name=f"{region.name}断面", kind=StationKind.WATER, region=region, lng=116.3, lat=39.85
        )
        for prop in ObservedProperty.objects.filter(code__in=["ph", "codmn"]):
            Datastream.objects.create(
                station=station, property=prop, unit=prop.unit, aggregation=Aggregation.SAMPLE, interval_minutes=1440
            )
        made[code] = station
    return made


def upload(content: bytes | str, name: str = "lab.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, "application/octet-stream")


def refused(actor, file) -> DomainError:
    with pytest.raises(DomainError) as caught:
        import_lab_results(actor, file)
    assert Observation.objects.count() == 0 and LabImport.objects.count() == 0
    return caught.value


def values(code: str) -> list[tuple[str, float]]:
    rows = Observation.objects.filter(datastream__station__code=code).order_by("datastream__property__code")
    return list(rows.values_list("datastream__property__code", "value"))


def test_it_imports_a_good_csv_with_an_audit_row(cast, stations):
    done = import_lab_results(cast.staff_s1, upload(GOOD))
    assert (done.rows, done.filename, done.created_by) == (2, "lab.csv", cast.staff_s1)
    assert values("ws-g1") == [("codmn", 4.2), ("ph", 7.4)]
    sample = Observation.objects.get(datastream__property__code="ph")
    assert sample.time == datetime.fromisoformat("2026-11-20T09:30+08:00")  # local time when none is given
    entry = AuditEntry.objects.get(event=AuditEvent.LAB_RESULTS_IMPORTED)
    assert entry.extra["rows"] == 2 and entry.extra["notes"] == [[2, "平行样"]]


@pytest.mark.parametrize(
    "encoded",
    [CHINESE.encode("gbk"), b"\xef\xbb\xbf" + CHINESE.encode("utf-8"), CHINESE.encode("utf-8")],
    ids=["gbk", "utf8-bom", "utf8"],
)
def test_it_reads_chinese_headers_in_gbk_and_utf8_with_or_without_bom(cast, stations, encoded):
    assert import_lab_results(cast.staff_s1, upload(encoded)).rows == 2
    assert values("ws-g1") == [("codmn", 3.9), ("ph", 7.1)]


def workbook(rows, *, vba: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not vba:
        return buffer.getvalue()
    out = io.BytesIO()  # what Excel's .xlsm carries, renamed .xlsx
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


def test_it_imports_excel_with_date_cells(cast, stations):
    content = workbook([
        ["站点编码", "指标", "采样时间", "数值", "单位"],
        ["ws-g1", "ph", datetime(2026, 11, 22, 8, 0), 7.6, "无量纲"],
        ["ws-g1", "codmn", "2026-11-22 08:00", 5, "mg/L"],
    ])  # fmt: skip
    assert import_lab_results(cast.staff_s1, upload(content, "lab.xlsx")).rows == 2
    assert values("ws-g1") == [("codmn", 5.0), ("ph", 7.6)]


def test_a_formula_is_read_as_its_stored_value_never_evaluated(cast, stations):
    content = workbook([
        ["station_code", "property", "sampled_at", "value", "unit"],
        ["ws-g1", "ph", "2026-11-22 08:00", "=7+1", "无量纲"],
    ])  # fmt: skip
    error = refused(cast.staff_s1, upload(content, "lab.xlsx"))
    assert error.code == ErrorCode.IMPORT_FAILED and error.details[0]["code"] == "missing_field"


def test_one_bad_row_rejects_the_file_with_each_bad_row_numbered(cast, stations):
    content = (
        "station_code,property,sampled_at,value,unit\n"
        "ws-g1,ph,2026-11-20 09:30,7.4,无量纲\n"  # row 2 is good
        "ws-g1,codmn,2026-11-20 09:30,4.2,µg/L\n"  # 3: not the stream's unit
        "ws-g1,ph,20.11.2026,7.0,无量纲\n"  # 4: no such time format
        "ws-g1,ph,2026-11-20 10:30,abc,无量纲\n"  # 5: not a number
        "nowhere,ph,2026-11-20 09:30,7.0,无量纲\n"  # 6: unknown station
        "ws-g4,ph,2026-11-20 09:30,7.0,无量纲\n"  # 7: a station outside 甲街道, to staff_s1 unknown as well
        "ws-g1,ph,2026-11-20 09:30,7.5,无量纲\n"  # 8: the same sample as row 2
        "ws-g1,ph,2099-01-01 00:00,7.0,无量纲\n"  # 9: in the future
        "ws-g1,ph,2026-11-20 11:30,nan,无量纲\n"  # 10: NaN
    )
    error = refused(cast.staff_s1, upload(content))
    assert error.code == ErrorCode.IMPORT_FAILED and error.status == 400
    by_row = {e["row"]: e["code"] for e in error.details}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert (by_row[4], by_row[5], by_row[8]) == ("invalid_time", "invalid_number", "duplicate_row")
    assert by_row[6] == by_row[7]  # no hint that ws-g4 exists
    assert "3 " not in error.message and "8" in error.message


def test_a_sample_entered_before_is_an_error_not_silently_kept(cast, stations):
    import_lab_results(cast.staff_s1, upload(GOOD))
    again = GOOD.replace("4.2", "4.3")
    error = refused_after_first(cast.staff_s1, upload(again))
    assert [(e["row"], e["code"]) for e in error.details] == [(2, "already_entered"), (3, "already_entered")]


def refused_after_first(actor, file) -> DomainError:
    before = (Observation.objects.count(), LabImport.objects.count())
    with pytest.raises(DomainError) as caught:
        import_lab_results(actor, file)
    assert (Observation.objects.count(), LabImport.objects.count()) == before
    return caught.value


def test_the_same_file_twice_is_refused(cast, stations):
    import_lab_results(cast.staff_s1, upload(GOOD))
    error = refused_after_first(cast.dept_d, upload(GOOD, "renamed.csv"))
    assert (error.code, error.status) == (ErrorCode.LAB_DUPLICATE_FILE, 409)


def test_an_oversized_file_is_refused_before_it_is_parsed(cast, stations, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    error = refused(cast.staff_s1, upload(GOOD + "ws-g1,ph,2026-11-23 09:30,7.4,无量纲\n" * 5))
    assert (error.code, error.status) == (ErrorCode.PAYLOAD_TOO_LARGE, 413)


def test_a_zip_bomb_is_refused_from_its_directory(cast, stations):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    error = refused(cast.staff_s1, upload(buffer.getvalue(), "bomb.xlsx"))
    assert (error.code, error.status) == (ErrorCode.PAYLOAD_TOO_LARGE, 413)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("macros.xlsx", workbook([["station_code"]], vba=True)),
        ("macros.xlsm", workbook([["station_code"]])),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("sheet.csv", workbook([["station_code"]])),
        ("text.xlsx", GOOD.encode()),
        ("lab.txt", GOOD.encode()),
    ],
    ids=["xlsx-with-vba", "xlsm", "xls", "zip-named-csv", "text-named-xlsx", "txt"],
)
def test_a_disguised_or_macro_file_is_refused(cast, stations, name, content):
    error = refused(cast.staff_s1, upload(content, name))
    assert (error.code, error.status) == (ErrorCode.LAB_FILE_REFUSED, 400)


class Untouchable:
    name = "lab.csv"
    size = 10

    def read(self, *args):
        raise AssertionError("the file was read before the permission check")


def test_a_role_that_may_not_manage_stations_is_refused_before_the_file_is_read(cast, stations):
    for actor in (cast.worker_c1, cast.grid_g1, cast.resident):
        assert refused(actor, Untouchable()).code == ErrorCode.PERMISSION_DENIED


def test_unknown_or_missing_columns_are_named(cast, stations):
    error = refused(cast.staff_s1, upload("站点编码,指标,采样时间,数值,单位,颜色\n"))
    assert "颜色" in error.message
    error = refused(cast.staff_s1, upload("站点编码,指标,数值\nws-g1,ph,7\n"))
    assert "采样时间" in error.message and "单位" in error.message


def test_times_parse_as_labs_write_them():
    local = datetime.fromisoformat("2026-11-20T09:05+08:00")
    assert parse_time("2026/11/20 9:05") == parse_time("2026-11-20T09:05:00") == local
    assert parse_time("2026-11-20T01:05Z") == local
    assert parse_time("2026-11-20") == datetime.fromisoformat("2026-11-20T00:00+08:00")
    assert parse_time("2026-13-01") is None and parse_time("46000.5") is None


def test_the_api_answers_201_and_the_error_rows(cast, stations, client):
    client.force_login(cast.staff_s1)
    from grassroots.accounts.services import issue_api_token

    _, secret = issue_api_token(cast.staff_s1, name="lab")
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/environment/lab-imports", {"file": upload(GOOD)}, headers=headers)
    assert response.status_code == 201 and response.json()["rows"] == 2
    bad = GOOD.replace("7.4", "x").replace("2026-11-20", "2026-11-24")
    response = client.post("/api/v1/environment/lab-imports", {"file": upload(bad)}, headers=headers)
    body = response.json()
    assert response.status_code == 400 and body["code"] == "import_failed"
    assert body["details"] == [{"row": 2, "code": "invalid_number", "message": "数值不是数字：x"}]


def test_the_page_shows_a_refused_files_rows_and_the_history(cast, stations, client):
    client.force_login(cast.staff_s1)
    response = client.post("/environment/lab-imports/", {"file": upload(GOOD)})
    assert response.status_code == 302
    bad = GOOD.replace("7.4", "abc").replace("09:30", "10:30")
    response = client.post("/environment/lab-imports/", {"file": upload(bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="lab-errors"' in page and "invalid_number" in page and "lab.csv" in page
    client.force_login(cast.worker_c1)
    assert client.get("/environment/lab-imports/").status_code == 403
