"""The alert, rule, task and firm pages and the alert API, as each role meets them; bad input is a 4xx that
changes nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from grassroots.conftest import PASSWORD
from grassroots.environment.models import Alert, MaintenanceTask, Rectification, Rule
from grassroots.environment.tests.rules_world import make_outlet, storm

pytestmark = pytest.mark.django_db
BASE = "/api/v1/environment"


@pytest.fixture
def outlet(cast):
    return make_outlet(cast)


@pytest.fixture
def alert(outlet):
    storm(outlet, 3)
    return Alert.objects.get()


def login(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


def test_staff_list_and_open_alerts_in_their_area(client, outlet, alert):
    login(client, outlet.grid_g1)
    page = client.get(reverse("environment:alerts"), {"status": "active"})
    assert page.status_code == 200 and escape(alert.summary) in page.content.decode()
    detail = client.get(reverse("environment:alert", args=[alert.pk]))
    assert detail.status_code == 200 and alert.case_number in detail.content.decode()


def test_an_alert_outside_ones_area_is_not_found(client, outlet, alert):
    login(client, outlet.outsider)  # community staff of C3
    assert client.get(reverse("environment:alert", args=[alert.pk])).status_code == 404
    assert escape(alert.summary) not in client.get(reverse("environment:alerts")).content.decode()


def test_the_list_narrows_to_a_region_as_the_cockpit_links_it(client, outlet, alert):
    login(client, outlet.staff_s1)
    url = reverse("environment:alerts")
    inside = client.get(url, {"status": "active", "region": outlet.G1.pk}).content.decode()
    elsewhere = client.get(url, {"status": "active", "region": outlet.G2.pk})  # the next grid of 一社区
    assert escape(alert.summary) in inside
    assert elsewhere.status_code == 200 and escape(alert.summary) not in elsewhere.content.decode()
    assert client.get(url, {"region": outlet.G4.pk}).status_code == 404  # outside 甲街道


def test_a_bad_filter_is_a_400(client, outlet, alert):
    login(client, outlet.staff_s1)
    assert client.get(reverse("environment:alerts"), {"level": "high"}).status_code == 400


def test_acknowledge_and_close_on_the_page(client, outlet, alert):
    login(client, outlet.staff_s1)
    url = reverse("environment:alert", args=[alert.pk])
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    refused = client.post(url, {"action": "close", "note": ""})
    assert refused.status_code == 302 and Alert.objects.get().status == "acknowledged"  # flashed, unchanged
    client.post(url, {"action": "close", "note": "企业已整改，复测达标"})
    assert Alert.objects.get().status == "closed"


def test_a_viewer_without_handle_cannot_close_on_the_page(client, outlet, alert):
    login(client, outlet.leader_s1)
    assert (
        client.post(reverse("environment:alert", args=[alert.pk]), {"action": "close", "note": "越权关闭"}).status_code
        == 403
    )
    assert Alert.objects.get().status == "open"


def test_review_a_rectification_on_the_page(client, outlet, alert):
    from grassroots.environment import disposal

    rect = disposal.submit_rectification(outlet.firm_user, alert, text="已更换破损的污水处理设备滤膜")
    login(client, outlet.staff_s1)
    url = reverse("environment:alert", args=[alert.pk])
    assert client.post(url, {"action": "accept", "rectification": rect.pk + 99}).status_code == 404
    client.post(url, {"action": "accept", "rectification": rect.pk, "note": "复测达标"})
    assert Rectification.objects.get().accepted is True


def test_the_firm_page_shows_its_alerts_and_takes_its_report(client, outlet, alert):
    login(client, outlet.firm_user)
    page = client.get(reverse("environment:firm"))
    assert page.status_code == 200 and escape(alert.summary) in page.content.decode()
    sent = client.post(reverse("environment:firm"), {"alert": alert.pk, "text": "已停产检修，更换滤膜"})
    assert sent.status_code == 302 and Rectification.objects.get().author == outlet.firm_user
    assert client.post(reverse("environment:firm"), {"alert": "x", "text": "已停产检修"}).status_code == 400
    assert Rectification.objects.count() == 1


def test_the_firm_page_refuses_a_login_that_speaks_for_no_firm(client, outlet, alert):
    login(client, outlet.resident)
    assert client.get(reverse("environment:firm")).status_code in (302, 403)
    assert client.post(reverse("environment:firm"), {"alert": alert.pk, "text": "冒名整改报告"}).status_code in (
        302,
        403,
    )
    assert not Rectification.objects.exists()


def test_rules_page_refuses_an_unknown_kind_or_parameter(client, outlet):
    login(client, outlet.staff_s1)
    count = Rule.objects.count()
    base = {"name": "测试阈值", "kind": "threshold", "level": "2", "params": json.dumps({"op": ">", "value": 5})}
    bad_kind = client.post(reverse("environment:rules"), base | {"kind": "magic"})
    assert bad_kind.status_code == 400 and "未知的规则类型" in bad_kind.content.decode()
    bad_param = client.post(
        reverse("environment:rules"), base | {"params": json.dumps({"op": ">", "value": 5, "x": 1})}
    )
    assert bad_param.status_code == 400 and "没有参数：x" in bad_param.content.decode()
    bad_json = client.post(reverse("environment:rules"), base | {"params": "{op"})
    assert bad_json.status_code == 400
    assert Rule.objects.count() == count
    assert client.post(reverse("environment:rules"), base).status_code == 302
    assert Rule.objects.get(name="测试阈值").params == {"op": ">", "value": 5}


def test_rules_page_needs_manage_environment(client, outlet):
    login(client, outlet.leader_s1)
    assert client.get(reverse("environment:rules")).status_code == 403


def test_tasks_page_and_closing_a_task(client, outlet):
    from grassroots.environment import rules
    from grassroots.environment.models import RuleKind
    from grassroots.environment.tests.rules_world import hours_ago, only, write

    only(Rule.objects.create(name="range", kind=RuleKind.HEALTH, params={"check": "range"}))
    rules.evaluate_batch(write(outlet.cod, [(hours_ago(1), -3.0)]))
    task = MaintenanceTask.objects.get()
    login(client, outlet.staff_s1)
    assert task.detail in client.get(reverse("environment:tasks")).content.decode()
    assert client.post(reverse("environment:task", args=[task.pk]), {"note": ""}).status_code == 302
    assert MaintenanceTask.objects.get().status == "open"
    client.post(reverse("environment:task", args=[task.pk]), {"note": "已校准传感器"})
    assert MaintenanceTask.objects.get().status == "done"


def test_api_lists_and_closes_alerts(api_client, outlet, alert):
    staff = api_client.as_user(outlet.staff_s1)
    listed = staff.get(f"{BASE}/alerts", data={"status": "active"}).json()
    assert [a["id"] for a in listed["items"]] == [alert.pk] and listed["items"][0]["count"] == 3
    assert staff.get(f"{BASE}/alerts/{alert.pk}").json()["case_number"] == alert.case_number
    short = staff.post(f"{BASE}/alerts/{alert.pk}/close", {"note": "  no  "})
    assert short.status_code == 422 and Alert.objects.get().status == "open"  # the schema says 4 characters
    assert staff.post(f"{BASE}/alerts/{alert.pk}/acknowledge", {}).json()["status"] == "acknowledged"
    closed = staff.post(f"{BASE}/alerts/{alert.pk}/close", {"note": "复测达标，关闭"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = staff.post(f"{BASE}/alerts/{alert.pk}/close", {"note": "复测达标，关闭"})
    assert again.status_code == 409 and again.json()["code"] == "alert_closed"


def test_api_denials(api_client, outlet, alert):
    assert (
        api_client.as_user(outlet.leader_s1).post(f"{BASE}/alerts/{alert.pk}/close", {"note": "越权关闭"}).status_code
        == 403
    )
    assert api_client.as_user(outlet.outsider).get(f"{BASE}/alerts/{alert.pk}").status_code == 404
    assert api_client.as_user(outlet.resident).get(f"{BASE}/alerts").status_code == 403
    assert api_client.as_user(outlet.leader_s1).get(f"{BASE}/rules").status_code == 403
    assert Alert.objects.get().status == "open"


def test_api_firm_rectification(api_client, outlet, alert):
    firm = api_client.as_user(outlet.firm_user)
    made = firm.post(f"{BASE}/alerts/{alert.pk}/rectifications", {"text": "已停产检修，更换滤膜"})
    assert made.status_code == 201 and made.json()["accepted"] is None
    staff = api_client.as_user(outlet.staff_s1)
    refused = staff.post(f"{BASE}/alerts/{alert.pk}/rectifications", {"text": "冒名整改报告"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_operator"
    assert Rectification.objects.count() == 1


def test_api_tasks_and_rules(api_client, outlet):
    staff = api_client.as_user(outlet.staff_s1)
    rules_out = staff.get(f"{BASE}/rules").json()
    assert {"排污口 COD 超标（测试）", "PM2.5 超标"} <= {r["name"] for r in rules_out}
    assert staff.get(f"{BASE}/tasks", data={"status": "open"}).json()["items"] == []
    assert staff.get(f"{BASE}/tasks", data={"status": "nope"}).status_code == 422
