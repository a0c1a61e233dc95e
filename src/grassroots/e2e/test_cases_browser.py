"""End to end: an elderly resident reports in elder mode; the owner handles it; the resident confirms."""

import re

import pytest

from grassroots.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_closed_loop_in_a_browser(live_server, page, browser, login):
    from grassroots.cases.defaults import seed
    from grassroots.cases.models import Case, Category, ResponsibilityRule

    seed(Category, ResponsibilityRule)
    Cast()
    login(page, "resident")
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    page.goto(f"{live_server.url}/portal/report/")
    assert page.locator("select[name=category]").count() == 0  # elder mode: fewer fields
    page.fill("textarea[name=description]", "胡同口的垃圾桶三天没人清运，味道很大")
    page.fill("input[name=door_number]", "银杏胡同8号")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/cases/\d+/$"))
    case = Case.objects.get()
    assert case.category.code == "garbage" and case.owner_region.code == "C1"

    staff = browser.new_context(locale="zh-CN").new_page()
    login(staff, "worker_c1")
    staff.goto(f"{live_server.url}/cases/{case.pk}/")
    staff.click("text=签收")
    staff.fill("form[action$='/resolve/'] input[name=note]", "已联系环卫清运完毕")
    staff.click("text=处置完毕")
    assert "待确认" in staff.get_by_test_id("case-status").inner_text()

    page.goto(f"{live_server.url}/portal/cases/{case.pk}/")
    page.click("text=满意，已解决")
    assert "已解决（群众确认）" in page.get_by_test_id("case-status").inner_text()


def test_a_resident_picks_the_place_on_the_offline_map(live_server, page, login):
    from grassroots.cases.defaults import seed
    from grassroots.cases.models import Case, Category, ResponsibilityRule

    seed(Category, ResponsibilityRule)
    Cast()
    login(page, "resident")
    page.goto(f"{live_server.url}/portal/report/")
    picker = page.get_by_test_id("map-pick")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.wait_for_function("document.querySelector('[data-testid=map-pick] canvas') !== null")
    page.wait_for_timeout(500)  # the first frame is drawn after an animation tick
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 40, box["y"] + box["height"] / 2 + 40)
    assert errors == []
    lng = float(page.locator("input[name=lng]").input_value())
    lat = float(page.locator("input[name=lat]").input_value())
    assert 116.30 < lng < 116.40 and 39.80 < lat < 39.90  # south-west quarter: 一社区
    page.fill("textarea[name=description]", "这里的路灯坏了好几天，晚上一片漆黑")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/cases/\d+/$"))
    case = Case.objects.get()
    assert case.region.parent.code == "C1" and case.category.code == "streetlight"
