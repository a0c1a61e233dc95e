"""Evidence photos from forms are read only after the service has checked the actor, and only up to the photo limit
(issue 11 item 4)."""

import pytest

from grassroots.cases import evidence, handling
from grassroots.cases.evidence import UploadedPhoto
from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel, Evidence
from grassroots.cases.tests.conftest import report
from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.core.tests.upload_tools import MULTIPART, RecordingFile, multipart, record_upload_reads

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def vending(case_cast):
    return open_case(
        case_cast.resident,
        report(title="门口占道经营", description="小区门口每天早上有人摆摊卖菜，占了人行道", category="street_vending"),
        channel=Channel.PORTAL,
    )


def test_photos_are_counted_before_any_is_read():
    files = [RecordingFile(PNG, name=f"{n}.png") for n in range(evidence.MAX_PHOTOS + 1)]
    with pytest.raises(DomainError) as err:
        evidence.check_photos(evidence.uploaded_photos(files))
    assert err.value.code == ErrorCode.TOO_MANY_PHOTOS
    assert all(f.reads == [] for f in files)


def test_a_photo_is_read_at_most_to_its_limit(settings):
    settings.CASE_MAX_PHOTO_BYTES = 1000
    huge = RecordingFile(PNG + b"\x00" * (8 * 1024 * 1024), name="huge.png")  # no size: it must be read to know
    with pytest.raises(DomainError) as err:
        evidence.check_photos([UploadedPhoto(huge)])
    assert err.value.code == ErrorCode.PAYLOAD_TOO_LARGE and "huge.png" in err.value.message
    assert huge.bytes_read == 1001
    ((photo, kind, ext),) = evidence.check_photos([UploadedPhoto(RecordingFile(PNG, name="ok.png"))])
    assert (photo.content, kind, ext) == (PNG, "image/png", "png")


def test_a_non_handler_progress_photo_is_never_read(case_cast, vending):
    upload = RecordingFile(PNG, name="p.png")
    with pytest.raises(PermissionDenied):
        handling.add_progress(case_cast.grid_g1, vending, note="进展", photos=[UploadedPhoto(upload)])
    with pytest.raises(PermissionDenied):
        handling.resolve_case(case_cast.grid_g1, vending, note="已处理完毕", photos=[UploadedPhoto(upload)])
    assert upload.reads == []
    handling.accept_case(case_cast.officer, vending)
    handling.add_progress(case_cast.officer, vending, note="进展", photos=[UploadedPhoto(upload)])
    assert upload.reads and Evidence.objects.filter(case=vending, stage="rectify").count() == 1


def test_a_report_by_a_role_that_may_not_report_reads_no_photo(case_cast):
    upload = RecordingFile(PNG, name="p.png")
    with pytest.raises(PermissionDenied):
        open_case(case_cast.dept_d, report(photos=[UploadedPhoto(upload)]), channel=Channel.PORTAL)
    assert upload.reads == []


@pytest.mark.parametrize("channel", [Channel.PATROL, Channel.ASSISTED, Channel.MACHINE])
def test_a_resident_on_a_staff_or_system_channel_reads_no_photo(case_cast, channel):
    """The channel checks come before the photos: a refused resident never has megabytes read."""
    upload = RecordingFile(PNG, name="p.png")
    with pytest.raises(DomainError) as err:
        open_case(case_cast.resident, report(photos=[UploadedPhoto(upload)]), channel=channel)
    assert err.value.code == ErrorCode.PERMISSION_DENIED and upload.reads == []


def test_a_staff_report_outside_ones_area_reads_no_photo(case_cast):
    upload = RecordingFile(PNG, name="p.png")
    with pytest.raises(DomainError):
        open_case(case_cast.outsider, report(photos=[UploadedPhoto(upload)]), channel=Channel.PATROL)
    assert upload.reads == []


def test_the_case_pages_read_photos_only_for_the_handler(case_cast, vending, client, monkeypatch):
    body = multipart(note="现场已清理", photos=[_png("a.png"), _png("b.png")])
    reads = record_upload_reads(monkeypatch)
    client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD})
    client.post(f"/cases/{vending.pk}/act/progress/", body, content_type=MULTIPART)
    assert reads == [] and not Evidence.objects.filter(case=vending, stage="rectify").exists()
    handling.accept_case(case_cast.officer, vending)
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    client.post(f"/cases/{vending.pk}/act/progress/", body, content_type=MULTIPART)
    assert sorted(reads) == ["a.png", "b.png"]
    assert Evidence.objects.filter(case=vending, stage="rectify").count() == 1  # the same image, stored once


def test_an_oversized_photo_on_the_portal_is_refused_by_its_size_unread(case_cast, client, settings, monkeypatch):
    settings.CASE_MAX_PHOTO_BYTES = 1000
    fields = {"description": "小区门口每天早上有人摆摊卖菜，占了人行道", "lng": "116.32", "lat": "39.85"}
    body = multipart(**fields, category="street_vending", confirmed="1", photos=_png("big.png", 5000))
    reads = record_upload_reads(monkeypatch)
    client.post("/accounts/login/", {"username": "resident", "password": PASSWORD})
    response = client.post("/portal/report/", body, content_type=MULTIPART)
    assert "big.png" in response.content.decode()
    assert reads == [] and not Case.objects.exists()


def _png(name, size=0):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG + b"\x00" * max(size - len(PNG), 0), content_type="image/png")
