"""Risk pages: warnings (scoped), acknowledge and close, rules, subscriptions, baseline and drivers."""

import re

from grassroots.conftest import PASSWORD
from grassroots.risk import baseline, services
from grassroots.risk.models import Status, Subscription, WarningRule


def login(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def raise_one(region, kind="PM2.5超标"):
    return services.raise_signal(domain="environment", region=region, kind=kind, value=150, severity=2).warning


def test_the_warning_list_is_scoped(cast, client):
    raise_one(cast.G1, "一社区扬尘")
    raise_one(cast.G4, "三社区扬尘")
    html = login(client, cast.worker_c1).get("/risk/warnings/").content.decode()
    assert "一社区扬尘" in html and "三社区扬尘" not in html
    assert login(client, cast.resident).get("/risk/warnings/").status_code == 200  # empty for a resident
    assert "一社区扬尘" not in client.get("/risk/warnings/").content.decode()


def test_staff_acknowledge_and_close_a_warning_on_its_page(cast, client):
    warning = raise_one(cast.G1)
    login(client, cast.worker_c1)
    client.post(f"/risk/warnings/{warning.pk}/", {"action": "acknowledge", "note": "已到场"})
    response = client.post(f"/risk/warnings/{warning.pk}/", {"action": "close", "disposition": "handled", "note": ""})
    warning.refresh_from_db()
    assert warning.status == Status.ACKNOWLEDGED  # closing without a note was refused
    client.post(f"/risk/warnings/{warning.pk}/", {"action": "close", "disposition": "handled", "note": "已洒水降尘"})
    warning.refresh_from_db()
    assert warning.status == Status.CLOSED and response.status_code == 302
    assert login(client, cast.outsider).get(f"/risk/warnings/{warning.pk}/").status_code == 404


def test_admins_edit_rules_and_others_cannot(cast, client):
    form = {"domain": "environment", "kind": "AQI", "blue": "2", "yellow": "4", "orange": "8", "red": "16",
            "hysteresis": "0.2", "half_life_hours": "12", "dedupe_minutes": "30", "notify_level": "1",
            "open_case_level": "0", "plan_level": "0"}  # fmt: skip
    login(client, cast.leader_s1).post("/risk/rules/", form)
    assert not WarningRule.objects.exists()
    login(client, cast.admin).post("/risk/rules/", form)
    assert WarningRule.objects.get(kind="AQI").thresholds == (2, 4, 8, 16)
    login(client, cast.admin).post("/risk/rules/", {**form, "yellow": "abc"})
    assert WarningRule.objects.get(kind="AQI").yellow == 4


def test_a_webhook_secret_is_shown_once(cast, client):
    login(client, cast.leader_s1)
    page = client.post(
        "/risk/subscriptions/", {"region": cast.S1.pk, "min_level": "2", "webhook_url": "https://example.org/hook"}
    ).content.decode()
    secret = re.search(r"<code>([0-9a-f]{64})</code>", page).group(1)
    assert Subscription.objects.get().webhook_secret == secret
    assert secret not in client.get("/risk/subscriptions/").content.decode()
    client.post("/risk/subscriptions/", {"region": cast.S2.pk, "in_app": "1"})  # outside the leader's street
    assert Subscription.objects.count() == 1


def test_the_baseline_is_browsable_and_compared(cast, client):
    import datetime as dt

    baseline.take_baseline(dt.date(2026, 11, 1))
    raise_one(cast.G1)
    baseline.take_baseline(dt.date(2026, 11, 2))
    html = login(client, cast.leader_s1).get("/risk/baseline/", {"region": cast.S1.pk}).content.decode()
    assert 'data-testid="taken-on">2026-11-02<' in html and "未关闭预警 · 黄色" in html and "+1" in html
    old = client.get("/risk/baseline/", {"region": cast.S1.pk, "date": "2026-11-01"}).content.decode()
    assert 'data-testid="taken-on">2026-11-01<' in old
    assert client.get("/risk/baseline/", {"region": cast.S2.pk}).status_code == 404
    assert client.get("/risk/baseline/", {"region": cast.S1.pk, "date": "yesterday"}).status_code == 400


def test_the_drivers_page_says_when_nothing_is_computed(cast, client):
    html = login(client, cast.leader_s1).get("/risk/drivers/").content.decode()
    assert "尚未计算" in html


def test_the_api_lists_acknowledges_and_closes(cast, api_client):
    warning = raise_one(cast.G1)
    raise_one(cast.G4, "三社区扬尘")
    client = api_client.as_user(cast.worker_c1)
    assert [w["id"] for w in client.get("/api/v1/risk/warnings").json()] == [str(warning.pk)]
    assert client.post(f"/api/v1/risk/warnings/{warning.pk}/acknowledge", {}).json()["status"] == "acknowledged"
    bad = client.post(f"/api/v1/risk/warnings/{warning.pk}/close", {"disposition": "handled", "note": ""})
    assert bad.status_code == 400
    closed = client.post(
        f"/api/v1/risk/warnings/{warning.pk}/close", {"disposition": "false_alarm", "note": "核实为误报"}
    )
    assert closed.json()["disposition"] == "false_alarm"
    other = api_client.as_user(cast.outsider).post(f"/api/v1/risk/warnings/{warning.pk}/acknowledge", {})
    assert other.status_code == 404
