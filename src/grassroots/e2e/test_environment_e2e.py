"""End to end, issue 13's Quality test: a station exceeds its limit → the warning and the case appear → the firm
operating the station is notified and reports its rectification → staff close the case (and the alert) → the
public page shows the station's AQI. Readings arrive through the HTTP batch API with an ingest token."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.utils import timezone

from grassroots.conftest import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "img"


def district():
    """The shared cast, the default categories and routing, the firm's contact login, and the district's choice
    that a PM2.5 exceedance opens a case (a setting of the rules page, 环境预警规则)."""
    from grassroots.accounts import services as accounts
    from grassroots.cases.defaults import seed
    from grassroots.cases.models import Category, ResponsibilityRule
    from grassroots.environment.models import OperatorContact, Rule
    from grassroots.environment.tests.pages_world import reference_data

    seed(Category, ResponsibilityRule)
    reference_data()
    cast = Cast()
    Rule.objects.filter(name="PM2.5 超标").update(open_case=True, case_category="cooking_fumes", level=3)
    cast.firm_user = accounts.create_user(username="firm_user", password=PASSWORD, display_name="测试餐馆环保负责人")
    OperatorContact.objects.create(legal_person=cast.firm, user=cast.firm_user)
    return cast


def register_station(page, live_server, cast) -> int:
    """Environment staff register the firm's boundary air station on the station form (MANAGE_ENVIRONMENT)."""
    page.goto(f"{live_server.url}/environment/stations/new/")
    page.fill("input[name=code]", "aq-e2e")
    page.fill("input[name=name]", "测试餐馆厂界空气站")
    page.select_option("select[name=kind]", "air")
    page.fill("input[name=lng]", "116.32")
    page.fill("input[name=lat]", "39.85")
    page.fill("input[name=operator_uscc]", cast.firm.uscc)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/environment/stations/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def issue_token(page, live_server, station_id: int) -> str:
    """…and issue the station's ingest token on the tokens page; the secret is shown once."""
    page.goto(f"{live_server.url}/environment/tokens/")
    page.fill("input[name=name]", "厂界站数采仪")
    page.check(f"input[name=stations][value='{station_id}']")
    page.click("text=签发令牌 >> nth=-1")
    return page.get_by_test_id("issued-token").locator("code").inner_text().strip()


def test_an_exceedance_runs_to_disposal_and_the_public_page(live_server, page, browser, login):
    from grassroots.cases.models import Case, Channel
    from grassroots.environment.models import Aggregation, Alert, Datastream, ObservedProperty, Station

    cast = district()
    login(page, "staff_s1")
    station_id = register_station(page, live_server, cast)
    station = Station.objects.get(pk=station_id)
    assert station.region == cast.G1 and station.operator == cast.firm
    pm25 = ObservedProperty.objects.get(code="pm25")  # the stream as the station's data logger is set up
    Datastream.objects.create(station=station, property=pm25, unit=pm25.unit, aggregation=Aggregation.HOURLY_MEAN)
    secret = issue_token(page, live_server, station_id)

    # 1. The station exceeds its limit: 180 µg/m³ of PM2.5, sent as a batch with one bad item beside it.
    at = (timezone.now() - dt.timedelta(minutes=5)).isoformat(timespec="seconds")
    batch = {"observations": [
        {"station": "aq-e2e", "property": "pm25", "time": at, "value": 180.0},
        {"station": "aq-e2e", "property": "pm25", "time": at, "value": "NaN"},
    ]}  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    answer = page.request.post(
        f"{live_server.url}/api/v1/environment/observations", data=json.dumps(batch), headers=headers
    )
    assert answer.ok, answer.text()
    assert answer.json()["accepted"] == 1 and [e["index"] for e in answer.json()["errors"]] == [1]

    # 2. The warning and the case appear: on the alert list, the alert page links its case.
    page.goto(f"{live_server.url}/environment/alerts/")
    assert page.get_by_test_id("alert-count").inner_text().strip() == "1"
    alert = Alert.objects.get(station=station)
    page.goto(f"{live_server.url}/environment/alerts/{alert.pk}/")
    case = Case.objects.get(pk=alert.case_id)
    assert case.channel == Channel.MACHINE and page.get_by_test_id("case").inner_text() == case.number
    assert case.owner_region == cast.C1  # 环境卫生 is handled by the community (the default 责任清单)
    page.goto(f"{live_server.url}/environment/stations/{station_id}/")
    assert "AQI 230" in page.get_by_test_id("standing-value").inner_text()  # 200 + 100·(180−150)/(250−150)
    assert alert.summary in page.get_by_test_id("alerts").inner_text()

    # 3. The firm is notified, and reports what it did from its page.
    firm = browser.new_context(locale="zh-CN").new_page()
    login(firm, "firm_user")
    firm.goto(f"{live_server.url}/cases/notifications/")
    assert "测试餐馆厂界空气站" in firm.locator("main").inner_text()
    firm.goto(f"{live_server.url}/environment/firm/")
    assert alert.summary in firm.get_by_test_id("firm-alerts").inner_text()
    firm.fill("textarea[name=text]", "已停用燃煤灶具，加装油烟净化设备")
    firm.click("text=提交整改情况")
    assert "已停用燃煤灶具" in firm.get_by_test_id("firm-alerts").inner_text()

    # 4. Staff close the case through the cases UI, then the alert with the firm's rectification accepted.
    worker = browser.new_context(locale="zh-CN").new_page()
    login(worker, "worker_c1")
    worker.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "已停用燃煤灶具" in worker.locator("main").inner_text()  # the firm's report is in the case timeline
    worker.click("text=签收")
    worker.fill("form[action$='/resolve/'] input[name=note]", "现场核查，企业已整改，复测达标")
    worker.click("text=处置完毕")
    assert "待确认" in worker.get_by_test_id("case-status").inner_text()
    page.goto(f"{live_server.url}/environment/alerts/{alert.pk}/")
    page.click("button[value=accept]")
    page.fill("textarea[name=note] >> nth=0", "企业整改到位，事件已办结")
    page.click("text=关闭告警")
    assert page.get_by_test_id("status").inner_text() == "已关闭"

    # 5. The public page shows the station's AQI, to anyone.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/portal/environment/")
    assert public.get_by_test_id("reading-aq-e2e").inner_text() == "AQI 230"
    assert public.get_by_test_id("label-aq-e2e").inner_text() == "重度污染"
    SHOTS.mkdir(parents=True, exist_ok=True)
    public.screenshot(path=str(SHOTS / "environment-public.png"), full_page=True)
