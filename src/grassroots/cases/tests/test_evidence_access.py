"""Case photos are streamed by cases:evidence to exactly those the case's presenter shows them to.

Staff whose scope covers the case and the reporter get every photo; a resident who only follows the case gets
the rectification photos; everyone else gets 404 (outside scope, as a missing photo), and the anonymous are
sent to sign in. The media root itself is never served.
"""

import importlib
import re

import pytest
from django.urls import clear_url_caches, get_resolver, reverse
from django.views.static import serve

from grassroots.cases import handling, residents
from grassroots.cases.evidence import Photo
from grassroots.cases.intake import open_case
from grassroots.cases.models import Channel
from grassroots.cases.tests.conftest import report

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
FIXED = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fixed_case(case_cast):
    """The resident's report with a photo (in G1, S1), resolved by 甲街道 with a rectification photo and
    followed by resident2."""
    case = open_case(case_cast.resident, report(photos=[Photo("a.png", PNG)]), channel=Channel.PORTAL)
    handling.accept_case(case_cast.staff_s1, case)
    handling.resolve_case(case_cast.staff_s1, case, note="杂物已清理完毕，通道已畅通", photos=[Photo("b.png", FIXED)])
    residents.follow_case(case_cast.resident2, case)
    return case


def url(item) -> str:
    return reverse("cases:evidence", args=[item.pk])


def fetch(client, user, item):
    client.force_login(user)
    return client.get(url(item))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def photo(case, stage):
    return case.evidence.get(stage=stage)


def test_staff_in_scope_get_the_bytes_with_the_stored_type(case_cast, client):
    case = open_case(case_cast.resident, report(photos=[Photo("a.jpg", JPEG)]), channel=Channel.PORTAL)
    response = fetch(client, case_cast.staff_s1, case.evidence.get())
    assert response.status_code == 200 and body(response) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"  # no file name: it would carry the case number
    assert response["Cache-Control"].startswith("private, max-age=")


def test_staff_outside_scope_get_404(fixed_case, case_cast, client):
    assert fetch(client, case_cast.outsider, photo(fixed_case, "report")).status_code == 404
    assert fetch(client, case_cast.outsider, photo(fixed_case, "rectify")).status_code == 404


def test_the_reporter_gets_their_photos(fixed_case, case_cast, client):
    for stage, content in (("report", PNG), ("rectify", FIXED)):
        response = fetch(client, case_cast.resident, photo(fixed_case, stage))
        assert response.status_code == 200 and body(response) == content


def test_a_follower_gets_the_rectification_photo_only(fixed_case, case_cast, client):
    fixed = fetch(client, case_cast.resident2, photo(fixed_case, "rectify"))
    assert fixed.status_code == 200 and body(fixed) == FIXED
    assert fetch(client, case_cast.resident2, photo(fixed_case, "report")).status_code == 404


def test_the_anonymous_are_sent_to_sign_in(fixed_case, client):
    response = client.get(url(photo(fixed_case, "report")))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_photo_is_404(fixed_case, case_cast, client):
    client.force_login(case_cast.staff_s1)
    last = fixed_case.evidence.order_by("-pk").first()
    assert client.get(reverse("cases:evidence", args=[last.pk + 1])).status_code == 404


def test_a_photo_missing_on_disk_is_404_not_500(fixed_case, case_cast, client):
    item = photo(fixed_case, "report")
    item.file.storage.delete(item.file.name)
    assert fetch(client, case_cast.staff_s1, item).status_code == 404


def _images(page) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', page.content.decode())


def test_the_case_pages_show_photos_that_load_for_their_viewer(fixed_case, case_cast, client):
    client.force_login(case_cast.resident)
    portal = _images(client.get(reverse("portal:case", args=[fixed_case.pk])))
    assert sorted(portal) == sorted(url(e) for e in fixed_case.evidence.all())
    assert all(client.get(src).status_code == 200 for src in portal)
    client.force_login(case_cast.staff_s1)
    staff = _images(client.get(reverse("cases:detail", args=[fixed_case.pk])))
    assert sorted(staff) == sorted(portal)
    assert all(client.get(src).status_code == 200 for src in staff)
    client.force_login(case_cast.resident2)  # the follower: the rectification photo only, and it loads
    assert _images(client.get(reverse("portal:case", args=[fixed_case.pk]))) == [url(photo(fixed_case, "rectify"))]
    assert client.get(url(photo(fixed_case, "rectify"))).status_code == 200


def test_the_media_root_is_not_served_even_in_debug(settings):
    """The old `static(MEDIA_URL, ...)` line served every photo to anyone with its path when DEBUG was on."""
    import grassroots.urls

    settings.DEBUG = True
    try:
        importlib.reload(grassroots.urls)
        clear_url_caches()
        callbacks = [getattr(p, "callback", None) for p in get_resolver().url_patterns]
        assert serve not in callbacks
    finally:
        settings.DEBUG = False
        importlib.reload(grassroots.urls)
        clear_url_caches()
