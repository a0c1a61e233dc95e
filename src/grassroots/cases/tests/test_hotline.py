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
