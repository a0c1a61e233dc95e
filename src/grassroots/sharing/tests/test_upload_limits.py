"""The catalogue's table upload: the department is checked before the file is read, the file is read bounded and
a hostile workbook is refused in little memory (issue 11 item 4)."""

import pytest

from grassroots.conftest import PASSWORD
from grassroots.core.tests.upload_tools import MULTIPART, multipart, probe, record_upload_reads, tiny_xlsx
from grassroots.sharing import catalogue
from grassroots.sharing.models import Dataset

CSV = "区划代码,日期,户数\nG1,2026-10-01,12\n".encode()


def form(cast, file: bytes, **overrides) -> bytes:
    fields = {
        "department": str(cast.mzj.pk),
        "code": "mz-subsidy",
        "title": "低保发放名册",
        "description": "各社区低保对象发放情况（演示数据）",
        "frequency": "MONTHLY",
        "sharing_class": "conditional",
        "conditions": "仅限社会救助核查",
        "region_column": "区划代码",
        "date_column": "日期",
        "file": file,
    }
    return multipart(**{**fields, **overrides})


def login(client, username):
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("username", ["grid_g1", "zz_officer", "data_officer"])
def test_who_may_not_catalogue_for_the_department_is_refused_before_the_file_is_read(
    share_cast, client, monkeypatch, username
):
    body = form(share_cast, b"PK\x03\x04" + b"\xff" * (2 * 1024 * 1024))
    reads = record_upload_reads(monkeypatch)
    login(client, username)
    assert client.post("/sharing/datasets/new/", body, content_type=MULTIPART).status_code == 403
    assert reads == [] and not Dataset.objects.filter(code="mz-subsidy").exists()


def test_a_file_over_the_limit_is_a_413_and_is_not_read(share_cast, client, monkeypatch):
    monkeypatch.setattr(catalogue, "MAX_FILE_BYTES", len(CSV) - 1)
    body = form(share_cast, CSV)
    reads = record_upload_reads(monkeypatch)
    login(client, "mz_officer")
    assert client.post("/sharing/datasets/new/", body, content_type=MULTIPART).status_code == 413
    assert reads == [] and not Dataset.objects.filter(code="mz-subsidy").exists()


def test_the_dimension_bomb_is_a_413_in_little_memory(share_cast, client):
    body = form(share_cast, tiny_xlsx())
    login(client, "mz_officer")
    measured = probe(client.post, "/sharing/datasets/new/", body, content_type=MULTIPART)
    assert measured.result.status_code == 413 and "A1:XFD1048576" in measured.result.content.decode()
    assert measured.peak_bytes < 200 * 1024 * 1024 and measured.rss_growth_bytes < 200 * 1024 * 1024
    assert measured.seconds < 10
    assert not Dataset.objects.filter(code="mz-subsidy").exists()


def test_a_good_file_is_still_catalogued(share_cast, client):
    login(client, "mz_officer")
    response = client.post("/sharing/datasets/new/", form(share_cast, CSV), content_type=MULTIPART)
    assert response.status_code == 302
    assert Dataset.objects.get(code="mz-subsidy").resources.get().row_count == 1
