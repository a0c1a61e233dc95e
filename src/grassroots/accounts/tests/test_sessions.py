"""Idle sessions end: 30 minutes for staff, a day for residents (accounts/sessions.py). Time is moved by
editing the session's last-seen stamp, not by waiting."""

import time

from django.contrib.auth import SESSION_KEY

from grassroots.accounts.sessions import IDLE_LIMIT, LAST_SEEN
from grassroots.conftest import PASSWORD

MINUTE = 60


def log_in(client, username):
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302


def idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_logging_in_starts_the_clock_with_the_roles_limit(cast, client):
    log_in(client, "grid_g1")
    assert client.session[IDLE_LIMIT] == 30 * MINUTE
    assert abs(client.session[LAST_SEEN] - time.time()) < 5
    assert client.session.get_expiry_age() == 31 * MINUTE  # the store keeps it just past the idle limit
    log_in(client, "resident")
    assert client.session[IDLE_LIMIT] == 24 * 60 * MINUTE


def test_a_staff_session_idle_for_over_thirty_minutes_is_signed_out(cast, client):
    log_in(client, "grid_g1")
    idle_for(client, 29 * MINUTE)
    assert client.get("/registry/persons/").status_code == 200
    idle_for(client, 31 * MINUTE)
    response = client.get("/registry/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"])
    assert "长时间未操作，已自动退出" in page.content.decode()


def test_the_api_on_a_session_is_signed_out_too(cast, client):
    log_in(client, "staff_s1")
    idle_for(client, 31 * MINUTE)
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_activity_keeps_a_staff_session_alive(cast, client):
    log_in(client, "grid_g1")
    for _ in range(3):  # each request more than a minute after the last refresh moves the stamp
        idle_for(client, 20 * MINUTE)
        assert client.get("/registry/persons/").status_code == 200
        assert abs(client.session[LAST_SEEN] - time.time()) < 5


def test_a_resident_may_stay_idle_longer_but_not_for_more_than_a_day(cast, client):
    log_in(client, "resident")
    idle_for(client, 3 * 60 * MINUTE)
    assert client.get("/api/v1/accounts/me").status_code == 200
    idle_for(client, 25 * 60 * MINUTE)
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_the_staff_limit_is_a_setting(cast, client, settings):
    settings.STAFF_IDLE_SECONDS = 5 * MINUTE
    log_in(client, "staff_s1")
    idle_for(client, 6 * MINUTE)
    assert client.get("/api/v1/accounts/me").status_code == 401
