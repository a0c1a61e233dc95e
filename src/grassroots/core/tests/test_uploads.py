"""Uploads are read bounded, tables are parsed within bounds while streaming, and an oversized body is a 413
before anything reads it (issue 11 item 4: memory exhaustion by upload)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from openpyxl import Workbook

from grassroots.core import tables
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.limits import RequestSizeMiddleware
from grassroots.core.tests.upload_tools import (
    MB,
    MULTIPART,
    RecordingFile,
    cell_row,
    multipart,
    probe,
    record_upload_reads,
    tiny_xlsx,
    zip_bomb_xlsx,
)
from grassroots.core.uploads import read_bounded, stream_bounded

MEMORY_CEILING = 200 * MB


def refused(fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        fn(*args, **kwargs)
    return err.value


# --- the bounded reader ---


def test_read_bounded_returns_a_file_within_the_limit():
    f = RecordingFile(b"x" * 100)
    assert read_bounded(f, 100) == b"x" * 100


def test_read_bounded_reads_at_most_one_byte_past_the_limit():
    f = RecordingFile(b"x" * (10 * MB), name="big.csv")
    error = refused(read_bounded, f, 1000)
    assert error.code == ErrorCode.PAYLOAD_TOO_LARGE and error.status == 413
    assert "big.csv" in error.message
    assert f.bytes_read == 1001


def test_read_bounded_refuses_an_upload_by_its_size_without_reading_it():
    f = RecordingFile(b"x" * 2000, size=True)
    assert refused(read_bounded, f, 1000).code == ErrorCode.PAYLOAD_TOO_LARGE
    assert f.reads == []


def test_stream_bounded_yields_chunks_and_stops_past_the_limit():
    assert b"".join(stream_bounded(RecordingFile(b"a" * 300), 300, chunk_bytes=64)) == b"a" * 300
    f = RecordingFile(b"a" * (10 * MB))
    with pytest.raises(DomainError) as err:
        for _ in stream_bounded(f, 1000, chunk_bytes=64):
            pass
    assert err.value.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert f.bytes_read == 1001 and max(asked for asked, _ in f.reads) <= 64


# --- tables: bounds while streaming ---


def test_the_dimension_bomb_is_refused_quickly_in_little_memory():
    content = tiny_xlsx()  # 1.5 KB declaring A1:XFD1048576; the old reader ran out of memory on it
    assert len(content) < 2048
    result = probe(tables.read_table, "orders.xlsx", content, required=("诉求内容",))
    assert isinstance(result.error, DomainError) and result.error.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert "A1:XFD1048576" in result.error.message
    assert result.peak_bytes < MEMORY_CEILING and result.rss_growth_bytes < MEMORY_CEILING
    assert result.seconds < 5


def test_without_a_dimension_the_rows_are_counted_as_they_stream():
    content = tiny_xlsx(dimension=None)  # the same header and last cell, a million-row gap between
    result = probe(tables.read_table, "orders.xlsx", content, max_rows=50)
    assert isinstance(result.error, DomainError) and result.error.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert "50" in result.error.message
    assert result.peak_bytes < MEMORY_CEILING and result.seconds < 5


def test_a_cell_beyond_the_column_bound_is_refused():
    content = tiny_xlsx(dimension=None, rows='<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>')
    error = refused(tables.read_table, "wide.xlsx", content)
    assert error.code == ErrorCode.PAYLOAD_TOO_LARGE and str(tables.MAX_COLUMNS) in error.message


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    content = zip_bomb_xlsx(32 * MB)
    assert len(content) < 100 * 1024
    opened = []
    monkeypatch.setattr(tables, "load_workbook", lambda *a, **k: opened.append(a))
    result = probe(tables.read_table, "bomb.xlsx", content)
    assert isinstance(result.error, DomainError) and result.error.code == ErrorCode.PAYLOAD_TOO_LARGE
    assert opened == []
    assert result.peak_bytes < MEMORY_CEILING and result.seconds < 5


def test_zip_members_are_bounded_in_number_and_declared_size(monkeypatch):
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for n in range(tables.ZIP_MAX_MEMBERS + 1):
            z.writestr(f"m{n}", b"")
    assert refused(tables.read_table, "many.xlsx", many.getvalue()).code == ErrorCode.PAYLOAD_TOO_LARGE
    monkeypatch.setattr(tables, "ZIP_MAX_MEMBER_BYTES", 500)  # each member of the tiny workbook is under 1 KB
    monkeypatch.setattr(tables, "ZIP_MAX_TOTAL_BYTES", 1000)
    assert refused(tables.read_table, "a.xlsx", tiny_xlsx(dimension=None)).code == ErrorCode.PAYLOAD_TOO_LARGE


def test_a_workbook_within_bounds_is_read_whole_even_if_its_dimension_is_short():
    rows = cell_row(1, "诉求内容", "来电人") + cell_row(2, "a", "b") + cell_row(3, "c", "d") + cell_row(4, "e", "f")
    header, data = tables.read_table("a.xlsx", tiny_xlsx(dimension="A1:B3", rows=rows))
    assert header == ["诉求内容", "来电人"] and [r["诉求内容"] for r in data] == ["a", "c", "e"]


def test_a_real_workbook_at_the_row_bound_is_accepted_and_one_more_row_is_not():
    book = Workbook()
    book.active.append(["编号", "内容"])
    for n in range(20):
        book.active.append([n, f"第{n}行"])
    out = io.BytesIO()
    book.save(out)
    assert len(tables.read_table("a.xlsx", out.getvalue(), max_rows=20)[1]) == 20
    assert refused(tables.read_table, "a.xlsx", out.getvalue(), max_rows=19).code == ErrorCode.PAYLOAD_TOO_LARGE


@pytest.mark.parametrize(
    "sheet",
    [
        "<worksheet><sheetData><row r='1'><c r='A1'><v>1",  # truncated XML
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>',  # entities (refused by the parser)
        "<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        "<sheetData><row r='x'><c r='?'/></row></sheetData></worksheet>",  # nonsense references
    ],
)
def test_a_broken_workbook_is_a_400_not_a_500(sheet):
    error = refused(tables.read_table, "a.xlsx", tiny_xlsx(sheet=sheet))
    assert error.code in (ErrorCode.INVALID_INPUT, ErrorCode.PAYLOAD_TOO_LARGE) and error.status < 500


def test_csv_is_bounded_row_by_row_and_column_by_column():
    many = ("h\n" + "v\n" * 101).encode()
    assert refused(tables.read_table, "a.csv", many, max_rows=100).code == ErrorCode.PAYLOAD_TOO_LARGE
    blank = ("h\n" + "\n" * 1000 + "v\n").encode()  # blank lines are skipped, but not without end
    assert refused(tables.read_table, "a.csv", blank, max_rows=100).code == ErrorCode.PAYLOAD_TOO_LARGE
    wide = ("," * 500 + "x\n").encode()
    assert refused(tables.read_table, "a.csv", wide).code == ErrorCode.PAYLOAD_TOO_LARGE
    cells = ("a,b,c\n" + "1,2,3\n" * 10).encode()
    assert refused(tables.read_table, "a.csv", cells, max_cells=29).code == ErrorCode.PAYLOAD_TOO_LARGE
    assert len(tables.read_table("a.csv", cells, max_cells=30)[1]) == 10


# --- the request body limit ---


@pytest.fixture
def small_requests(settings):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    return settings


def test_a_multipart_body_over_the_limit_is_413_before_it_is_parsed(small_requests, client, monkeypatch):
    body = multipart(file=SimpleUploadedFile("orders.csv", b"x" * (128 * 1024)))
    reads = record_upload_reads(monkeypatch)
    parsed = []
    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", lambda self: parsed.append(self.path))
    page = client.post("/cases/hotline/", body, content_type=MULTIPART)
    assert page.status_code == 413 and "64.0" in page.content.decode()
    api = client.post("/api/v1/cases/hotline-import", body, content_type=MULTIPART)
    assert api.status_code == 413 and api.json()["code"] == "payload_too_large"
    assert parsed == [] and reads == []


def test_a_body_within_the_limit_passes(small_requests, client):
    assert client.post("/api/v1/regions/import", b"{}", content_type="application/json").status_code == 401


def test_a_body_without_a_length_is_read_as_empty_by_django():
    """The premise of checking Content-Length only: under WSGI a chunked body (no length) is never read."""
    stream = RecordingFile(b"x" * (4 * MB))
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/regions/import",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": stream,
        "wsgi.url_scheme": "http",
    }
    seen = []
    middleware = RequestSizeMiddleware(lambda request: seen.append(request.body) or HttpResponse())
    middleware(WSGIRequest(environ))
    assert seen == [b""] and stream.reads == []


@pytest.mark.parametrize("length", ["not a number", "-5", "1e3"])
def test_a_malformed_content_length_is_a_400_not_a_500(client, length):
    response = client.post("/api/v1/regions/import", b"{}", content_type="application/json", CONTENT_LENGTH=length)
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert client.post("/cases/hotline/", b"", content_type="text/plain", CONTENT_LENGTH=length).status_code == 400


def test_the_limits_are_consistent():
    s = django_settings
    assert s.FILE_UPLOAD_MAX_MEMORY_SIZE <= s.DATA_UPLOAD_MAX_MEMORY_SIZE <= s.MAX_REQUEST_BYTES
    assert s.IMPORT_MAX_FILE_BYTES <= s.MAX_REQUEST_BYTES
    assert 9 * s.CASE_MAX_PHOTO_BYTES < s.MAX_REQUEST_BYTES  # a case form with its nine photos fits
    order = s.MIDDLEWARE
    assert order.index("grassroots.core.limits.RequestSizeMiddleware") < order.index(
        "grassroots.core.middleware.DomainErrorMiddleware"
    )
