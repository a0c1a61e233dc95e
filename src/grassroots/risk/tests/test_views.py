"""Risk pages: warnings (scoped), acknowledge and close, rules, subscriptions, baseline and drivers."""

import re
import socket

from grassroots.conftest import PASSWORD
from grassroots.risk import baseline, services
from grassroots.risk.levels import Level
from grassroots.risk.models import PlanProposal, Signal, Status, Subscription, WarningRule


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
    response = login(client, cast.resident).get("/risk/warnings/")
    assert (response.status_code, response["Location"]) == (302, "/portal/")  # a resident goes to the portal
    assert "一社区扬尘" not in client.get("/risk/warnings/", follow=True).content.decode()


def test_a_region_outside_ones_area_is_not_found_like_a_missing_one(cast, client):
    raise_one(cast.G1, "一社区扬尘")
    login(client, cast.worker_c1)
    assert "一社区扬尘" in client.get("/risk/warnings/", {"region": cast.G1.pk}).content.decode()
    assert client.get("/risk/warnings/", {"region": cast.C3.pk}).status_code == 404  # another street
    assert client.get("/risk/warnings/", {"region": cast.S1.pk}).status_code == 404  # above one's community
    assert client.get("/risk/warnings/", {"region": 999999}).status_code == 404
    assert login(client, cast.resident).get("/risk/warnings/", {"region": cast.G1.pk})["Location"] == "/portal/"


def test_the_warning_page_shows_labels_and_whom_the_rule_notifies(cast, client):
    services.save_rule(cast.admin, domain="environment", notify_roles=["street_leader", "grid_worker"])
    warning = raise_one(cast.G1)
    html = login(client, cast.worker_c1).get(f"/risk/warnings/{warning.pk}/").content.decode()
    assert "· 开启 ·" in html and "· opened ·" not in html
    notify = re.search(r'data-testid="notify">(.*?)</dd>', html).group(1)
    assert notify == "蓝色及以上：订阅者、街道领导、网格员（管辖该区域的人员）"


def test_evidence_that_is_not_http_or_a_site_path_is_shown_as_text(cast, client):
    warning = raise_one(cast.G1)
    Signal.objects.filter(warning=warning).update(evidence=["javascript:alert(1)", "/environment/stations/7/"])
    html = login(client, cast.worker_c1).get(f"/risk/warnings/{warning.pk}/").content.decode()
    assert 'href="javascript:' not in html and '<span class="unsafe-link">javascript:alert(1)</span>' in html
    assert '<a href="/environment/stations/7/" rel="noopener noreferrer">' in html


def test_street_leaders_adopt_or_decline_a_proposed_plan_on_the_warning_page(cast, client):
    services.save_rule(cast.admin, domain="environment", plan_level=Level.YELLOW, plan_name="大气污染应急预案")
    warning = raise_one(cast.G1)
    proposal = PlanProposal.objects.get(warning=warning)
    page = f"/risk/warnings/{warning.pk}/"
    html = login(client, cast.staff_s1).get(page).content.decode()
    assert "大气污染应急预案" in html and "待街道领导决定是否启动。" in html and 'value="adopt_plan"' not in html
    html = client.post(page, {"action": "adopt_plan", "proposal": proposal.pk}, follow=True).content.decode()
    assert "只有街道领导或系统管理员可以决定是否启动预案" in html
    login(client, cast.leader_s1)
    assert 'value="decline_plan"' in client.get(page).content.decode()
    html = client.post(page, {"action": "decline_plan", "proposal": proposal.pk}, follow=True).content.decode()
    assert "不采纳须写明理由" in html and PlanProposal.objects.get(pk=proposal.pk).status == "proposed"
    assert client.post(page, {"action": "decline_plan", "proposal": 1}).status_code == 404
    client.post(page, {"action": "decline_plan", "proposal": proposal.pk, "note": "污染源已查明并关停"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("declined", cast.leader_s1)
    html = client.get(page).content.decode()
    assert 'data-testid="proposal-status">未采纳<' in html and "预案建议未采纳" in html


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
            "open_case_level": "0", "plan_level": "0",
            "notify_roles": ["street_leader", "community_staff"]}  # fmt: skip
    login(client, cast.leader_s1).post("/risk/rules/", form)
    assert not WarningRule.objects.exists()
    login(client, cast.admin).post("/risk/rules/", form)
    rule = WarningRule.objects.get(kind="AQI")
    assert rule.thresholds == (2, 4, 8, 16) and rule.notify_roles == ["street_leader", "community_staff"]
    html = client.get("/risk/rules/").content.decode()
    assert 'data-testid="rule-roles">街道领导、社区工作人员<' in html
    login(client, cast.admin).post("/risk/rules/", {**form, "yellow": "abc"})
    assert WarningRule.objects.get(kind="AQI").yellow == 4
    html = client.post("/risk/rules/", {**form, "notify_roles": ["resident"]}, follow=True).content.decode()
    assert "通知的角色须为能查看预警的工作人员角色" in html
    assert WarningRule.objects.get(kind="AQI").notify_roles == ["street_leader", "community_staff"]


def test_rules_are_read_only_by_staff_who_handle_warnings(cast, client):
    assert login(client, cast.resident).get("/risk/rules/")["Location"] == "/portal/"
    for user in (cast.grid_g1, cast.dept_d):
        assert login(client, user).get("/risk/rules/").status_code == 403, user
        assert "/risk/rules/" not in client.get("/risk/warnings/").content.decode()
    assert login(client, cast.grid_g1).post("/risk/rules/", {"domain": "environment"}).status_code == 403
    html = login(client, cast.leader_s1).get("/risk/rules/").content.decode()
    assert 'data-testid="rules"' in html and "新增或修改规则" not in html  # reads, cannot edit
    assert "新增或修改规则" in login(client, cast.admin).get("/risk/rules/").content.decode()


def test_a_webhook_secret_is_shown_once(cast, client, monkeypatch):
    # The address is resolved when saved (core.outbound): answer for example.org here, not the network.
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [(2, 1, 6, "", ("93.184.215.14", port))])
    login(client, cast.leader_s1)
    page = client.post(
        "/risk/subscriptions/", {"region": cast.S1.pk, "min_level": "2", "webhook_url": "https://example.org/hook"}
    ).content.decode()
    secret = re.search(r"<code>([0-9a-f]{64})</code>", page).group(1)
    assert Subscription.objects.get().webhook_secret == secret
    assert secret not in client.get("/risk/subscriptions/").content.decode()
    client.post("/risk/subscriptions/", {"region": cast.S2.pk, "in_app": "1"})  # outside the leader's street
    assert Subscription.objects.count() == 1
    internal = {"region": cast.S1.pk, "min_level": "2", "webhook_url": "http://169.254.169.254/latest/"}
    html = client.post("/risk/subscriptions/", internal, follow=True).content.decode()
    assert "Webhook 地址不可用" in html and "内部网络" in html and Subscription.objects.count() == 1


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


def test_the_drivers_page_gives_a_refusal_in_the_readers_language(cast, client):
    from django.utils import timezone

    from grassroots.risk.models import ModelRun

    error = "网格数 4 太少，至少需要 5 个 / 4 rows is too few, at least 5 are needed"
    ModelRun.objects.create(kind=f"drivers:{cast.S1.pk}", computed_at=timezone.now(), figures={"error": error})
    page = login(client, cast.leader_s1)
    html = page.get("/risk/drivers/", {"region": cast.S1.pk}).content.decode()
    assert "网格数 4 太少，至少需要 5 个" in html and "rows is too few" not in html
    english = page.get("/risk/drivers/", {"region": cast.S1.pk}, headers={"accept-language": "en"}).content.decode()
    assert "4 rows is too few, at least 5 are needed" in english and "网格数 4 太少" not in english


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
