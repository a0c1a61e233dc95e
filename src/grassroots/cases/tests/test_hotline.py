import io

import pytest
from openpyxl import Workbook

from grassroots.cases.hotline import import_hotline
from grassroots.cases.models import Case
from grassroots.core.errors import DomainError, ErrorCode

HEADER = "工单编号,诉求内容,来电人,联系电话,门牌号,经度,纬度,地址,类别\n"
GOOD = [
    "A001,胡同口垃圾三天没人清运，味道很大,刘女士,13600001111,银杏胡同8号,,,,garbage",
    "A002,路灯坏了晚上一片漆黑,张先生,13600002222,,116.45,39.85,柳荫街口,",
]


def csv_bytes(rows, encoding="utf-8-sig"):
    return (HEADER + "\n".join(rows) + "\n").encode(encoding)


def test_a_good_file_opens_one_case_per_row(case_cast):
    report = import_hotline(case_cast.admin, "orders.csv", csv_bytes(GOOD))
    assert len(report["created"]) == 2
    cases = {c.source_ref: c for c in Case.objects.all()}
    assert cases["12345:A001"].region == case_cast.G1 and cases["12345:A001"].channel == "hotline"
    assert cases["12345:A002"].category.code == "streetlight"  # classified automatically
    assert cases["12345:A001"].assisted_by == case_cast.admin and cases["12345:A001"].reporter_name == "刘女士"


def test_re_importing_skips_rows_already_imported(case_cast):
    import_hotline(case_cast.admin, "orders.csv", csv_bytes(GOOD))
    again = import_hotline(case_cast.admin, "orders.csv", csv_bytes(GOOD))
    assert again == {"created": [], "skipped": [2, 3]} and Case.objects.count() == 2


def test_gbk_csv_and_excel_are_read(case_cast):
    import_hotline(case_cast.admin, "gbk.csv", csv_bytes(GOOD[:1], encoding="gbk"))
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(GOOD[1].split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    import_hotline(case_cast.admin, "orders.xlsx", buffer.getvalue())
    assert Case.objects.count() == 2


def test_one_bad_row_fails_the_file_with_a_report_and_writes_nothing(case_cast):
    rows = GOOD + [
        "A003,,王先生,13600003333,银杏胡同8号,,,,",
        "A004,井盖丢了,李先生,12345,,116.32,39.85,,",
        "A005,下水道冒水,赵女士,13600005555,,200,39.85,,",
    ]
    with pytest.raises(DomainError) as err:
        import_hotline(case_cast.admin, "orders.csv", csv_bytes(rows))
    assert err.value.code == ErrorCode.IMPORT_FAILED
    assert [d["row"] for d in err.value.details] == [4, 5, 6]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("orders.csv", b"", "空"),
        ("orders.csv", "诉求内容,来电人\n".encode(), "缺少列"),
        ("orders.xlsx", b"not a zip", "Excel"),
        ("orders.pdf", b"%PDF", ".csv"),
    ],
)
def test_unreadable_files_are_refused(case_cast, name, content, reason):
    with pytest.raises(DomainError) as err:
        import_hotline(case_cast.admin, name, content)
    assert reason in err.value.message


def test_the_import_page_and_api(case_cast, client, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grassroots.conftest import PASSWORD

    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    bad = SimpleUploadedFile("o.csv", csv_bytes(["A9,,x,1,,,,,"]))
    response = client.post("/cases/hotline/", {"file": bad})
    assert response.status_code == 400 and "第 2 行" in response.content.decode()
    api = api_client.as_user(case_cast.admin)
    from django.test import Client

    raw = Client()
    upload = SimpleUploadedFile("o.csv", csv_bytes(GOOD))
    ok = raw.post("/api/v1/cases/hotline-import", {"file": upload}, headers=api.headers)
    assert ok.status_code == 200 and len(ok.json()["created"]) == 2


def test_street_staff_cannot_import_orders_outside_their_street(case_cast):
    with pytest.raises(DomainError) as err:
        import_hotline(case_cast.staff_s1, "orders.csv", csv_bytes(GOOD))
    assert [(d["row"], d["code"]) for d in err.value.details] == [(3, "permission_denied")]
    assert Case.objects.count() == 0


# --- bounded uploads (issue 11 item 4) ---

MEMORY_CEILING = 200 * 1024 * 1024


def login(client, username):
    from grassroots.conftest import PASSWORD

    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if the hotline file reaches the table parser."""

    def parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr("grassroots.cases.hotline.read_table", parse)


@pytest.mark.parametrize("username", ["resident", "dept_d", "leader_s1", "officer"])
def test_a_role_that_may_not_import_is_refused_before_the_file_is_read(case_cast, username, no_parsing):
    from grassroots.cases.hotline import import_upload
    from grassroots.core.errors import PermissionDenied
    from grassroots.core.tests.upload_tools import RecordingFile

    upload = RecordingFile(b"\x00garbage" * 400_000, name="orders.xlsx")
    with pytest.raises(PermissionDenied):
        import_upload(getattr(case_cast, username), upload)
    assert upload.reads == []


def test_the_page_and_the_api_refuse_a_resident_before_reading(case_cast, client, api_client, monkeypatch, no_parsing):
    from grassroots.core.tests.upload_tools import MULTIPART, multipart, record_upload_reads

    body = multipart(file=b"PK\x03\x04" + b"\xff" * (2 * 1024 * 1024))
    headers = api_client.as_user(case_cast.resident).headers
    login(client, "resident")
    reads = record_upload_reads(monkeypatch)
    page = client.post("/cases/hotline/", body, content_type=MULTIPART)
    assert (page.status_code, page["Location"]) == (302, "/portal/")  # a resident is sent to the portal, unread
    client.logout()
    api = client.post("/api/v1/cases/hotline-import", body, content_type=MULTIPART, headers=headers)
    assert api.status_code == 403 and api.json()["code"] == "permission_denied"
    assert reads == [] and Case.objects.count() == 0


def test_the_dimension_bomb_is_a_413_in_little_memory_through_page_and_api(case_cast, client, api_client):
    from grassroots.core.tests.upload_tools import MULTIPART, multipart, probe, tiny_xlsx

    body = multipart(file=tiny_xlsx())
    login(client, "admin")
    page = probe(client.post, "/cases/hotline/", body, content_type=MULTIPART)
    assert page.result.status_code == 413 and "A1:XFD1048576" in page.result.content.decode()
    headers = api_client.as_user(case_cast.admin).headers
    api = probe(client.post, "/api/v1/cases/hotline-import", body, content_type=MULTIPART, headers=headers)
    assert api.result.status_code == 413 and api.result.json()["code"] == "payload_too_large"
    for measured in (page, api):
        assert measured.peak_bytes < MEMORY_CEILING and measured.rss_growth_bytes < MEMORY_CEILING
        assert measured.seconds < 10
    assert Case.objects.count() == 0


def test_a_file_over_the_import_limit_is_a_413_and_is_not_read(case_cast, client, settings, monkeypatch, no_parsing):
    from grassroots.core.tests.upload_tools import MULTIPART, multipart, record_upload_reads

    settings.IMPORT_MAX_FILE_BYTES = 1000
    body = multipart(file=csv_bytes(GOOD * 20))
    login(client, "admin")
    reads = record_upload_reads(monkeypatch)
    response = client.post("/cases/hotline/", body, content_type=MULTIPART)
    assert response.status_code == 413 and "file.csv" in response.content.decode()
    assert reads == [] and Case.objects.count() == 0


def test_the_routing_import_is_bounded_and_checks_permission_first(case_cast, client, monkeypatch):
    from grassroots.cases.models import ResponsibilityRule
    from grassroots.core.tests.upload_tools import MULTIPART, multipart, record_upload_reads, tiny_xlsx

    before = ResponsibilityRule.objects.count()
    body = multipart(file=tiny_xlsx())
    reads = record_upload_reads(monkeypatch)
    login(client, "grid_g1")
    assert client.post("/cases/routing/", body, content_type=MULTIPART).status_code == 403
    assert reads == []
    login(client, "staff_s1")
    response = client.post("/cases/routing/", body, content_type=MULTIPART)
    assert response.status_code == 413 and "A1:XFD1048576" in response.content.decode()
    assert ResponsibilityRule.objects.count() == before


def test_the_api_documents_the_import_refusals(client):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/cases/hotline-import"]["post"]["responses"]
    assert {"200", "400", "403", "413"} <= set(responses)
