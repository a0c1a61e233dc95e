"""The inbox and the channel choices, as pages and over the API: one's own only, bad input a 4xx."""

import pytest
from django.urls import reverse

from grassroots.notifications import services
from grassroots.notifications.models import ChannelChoice, Notification

TOPIC = "cases.progress"
URL = "/api/v1/cases/notifications"


@pytest.fixture
def notes(cast):
    mine = services.notify({cast.grid_g1}, "新事件：路灯不亮", topic=TOPIC, link="/cases/7/", ref="20261203-0001")
    services.notify({cast.worker_c1}, "别人的通知", topic=TOPIC)
    assert mine == 1
    return Notification.objects.get(user=cast.grid_g1), Notification.objects.get(user=cast.worker_c1)


def test_the_inbox_keeps_its_address_and_lists_only_ones_own(cast, client, notes):
    assert reverse("notifications:inbox") == "/cases/notifications/"
    client.force_login(cast.grid_g1)
    page = client.get("/cases/notifications/").content.decode()
    assert "新事件：路灯不亮" in page and 'href="/cases/7/"' in page and "别人的通知" not in page
    assert client.post("/cases/notifications/").status_code == 302
    assert notes[0].__class__.objects.get(pk=notes[0].pk).read_at is not None
    assert Notification.objects.get(pk=notes[1].pk).read_at is None  # someone else's stays unread


def test_a_resident_opens_the_inbox_without_being_sent_to_the_portal(cast, client):
    client.force_login(cast.resident)
    assert client.get("/cases/notifications/").status_code == 200


def test_the_api_lists_and_marks_read_only_ones_own(cast, api_client, notes):
    mine, other = notes
    rows = api_client.as_user(cast.grid_g1).get(URL).json()
    assert [(r["id"], r["topic"], r["ref"], r["link"]) for r in rows] == [
        (mine.pk, TOPIC, "20261203-0001", "/cases/7/")
    ]
    assert api_client.post(f"{URL}/{mine.pk}/read").json()["read_at"] is not None
    assert api_client.get(f"{URL}?unread=true").json() == []
    assert api_client.post(f"{URL}/{other.pk}/read").status_code == 404  # not yours: as if it did not exist
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_the_channels_page_says_in_app_stays_and_saves_by_htmx(cast, client):
    client.force_login(cast.grid_g1)
    page = client.get("/cases/notifications/channels/").content.decode()
    assert "站内通知始终保留" in page and 'name="email:cases.progress"' in page and "checked" in page
    # htmx: only the form comes back; an unticked box is e-mail off
    response = client.post(
        "/cases/notifications/channels/", {"email:risk.warning": "on"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "通知方式已保存" in response.content.decode()
    choices = dict(ChannelChoice.objects.filter(user=cast.grid_g1).values_list("topic", "email"))
    assert choices["risk.warning"] is True and choices[TOPIC] is False
    assert client.post("/cases/notifications/channels/", {}).status_code == 302  # without htmx: redirected


def test_the_channels_api_reads_and_updates_ones_own_choices(cast, api_client):
    client = api_client.as_user(cast.grid_g1)
    before = {c["topic"]: c for c in client.get(f"{URL}/channels").json()}
    assert before[TOPIC]["email"] is True and before[TOPIC]["in_app"] is True and before[TOPIC]["default"]
    body = {"choices": [{"topic": TOPIC, "email": False}]}
    response = client.post(f"{URL}/channels", body, REQUEST_METHOD="PUT")
    assert response.status_code == 200
    after = {c["topic"]: c for c in response.json()}
    assert after[TOPIC]["email"] is False and not after[TOPIC]["default"]
    assert not ChannelChoice.objects.filter(user=cast.worker_c1).exists()  # nobody else's


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [{"topic": "made.up", "email": False}]},
        {"choices": [{"topic": "x" * 41, "email": False}]},
        {"choices": [{"topic": TOPIC, "email": "perhaps"}]},
        {"choices": "all"},
        {},
    ],
)
def test_bad_channel_input_is_a_clear_4xx(cast, api_client, body):
    response = api_client.as_user(cast.grid_g1).post(f"{URL}/channels", body, REQUEST_METHOD="PUT")
    assert response.status_code in (400, 422), response.content
    assert response.json()["code"] == "invalid_input"
    assert not ChannelChoice.objects.exists()


def test_nobody_signed_out_reads_or_changes_choices(cast, client):
    assert client.get(f"{URL}/channels").status_code == 401
    put = client.put(f"{URL}/channels", {"choices": []}, content_type="application/json")
    assert put.status_code == 401
    assert client.get(URL).status_code == 401
    page = client.get("/cases/notifications/channels/")
    assert page.status_code == 302 and "/accounts/login" in page["Location"]
    assert client.post("/cases/notifications/channels/", {}).status_code == 302
    assert not ChannelChoice.objects.exists()
