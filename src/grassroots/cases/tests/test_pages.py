"""The page pattern on the case pages: typed input gives a 400 (never a 500) and changes nothing, htmx sees its
errors in the flash region, and the timeline shows state labels, not status codes."""

import re
from pathlib import Path

from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel, ResponsibilityRule
from grassroots.cases.tests.conftest import report
from grassroots.conftest import PASSWORD

HTMX = {"HX-Request": "true"}


def login(client, username):
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def _accepted(case_cast, client):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    login(client, case_cast.staff_s1).post(f"/cases/{case.pk}/act/accept/")
    case.refresh_from_db()
    return case


def test_bad_numbers_and_dates_in_an_action_are_a_400_and_change_nothing(case_cast, client):
    case = _accepted(case_cast, client)
    events = case.events.count()
    bad = client.post(f"/cases/{case.pk}/act/progress/", {"note": "已到场", "percent": "一半"})
    assert bad.status_code == 400 and "进度" in bad.content.decode()
    unfixed = {"reason": "需要立项", "note": "排期施工", "planned_date": "下个月"}
    assert client.post(f"/cases/{case.pk}/act/close_unfixed/", unfixed).status_code == 400  # was a 500
    merge = client.post(f"/cases/{case.pk}/act/merge/", {"primary": "1; drop"})
    assert merge.status_code == 400
    case.refresh_from_db()
    assert case.status == "accepted" and case.events.count() == events


def test_a_bad_number_on_the_routing_page_is_a_400_and_saves_nothing(case_cast, client):
    login(client, "staff_s1")
    before = ResponsibilityRule.objects.count()
    rule = {"category": "gas", "level": "街道", "within": str(case_cast.S1.pk), "sla_hours": "7"}
    assert client.post("/cases/routing/", rule).status_code == 400
    assert client.post("/cases/routing/", {"delete": "x"}).status_code == 400
    assert ResponsibilityRule.objects.count() == before


def test_under_htmx_a_refusal_is_a_4xx_partial_retargeted_to_the_flash_region(case_cast, client):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    login(client, "staff_s1")
    refused = client.post(f"/cases/{case.pk}/act/return/", {"reason": ""}, headers=HTMX)
    assert refused.status_code == 400 and "退回理由" in refused.content.decode()
    assert (refused["HX-Retarget"], refused["HX-Reswap"]) == ("#flash", "innerHTML")
    invalid = client.post(f"/cases/{case.pk}/act/progress/", {"percent": "x"}, headers=HTMX)
    assert invalid.status_code == 400 and invalid["HX-Retarget"] == "#flash" and "进度" in invalid.content.decode()
    done = client.post(f"/cases/{case.pk}/act/accept/", {"next": "/cases/?mine=1"}, headers=HTMX)
    assert done.status_code == 204 and done["HX-Redirect"] == "/cases/?mine=1"  # htmx navigates, not swaps
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_the_layout_swaps_retargeted_4xx_partials_into_its_flash_region(case_cast, client):
    from django.contrib.staticfiles import finders

    page = login(client, "staff_s1").get("/cases/").content.decode()
    assert 'id="flash"' in page and "grassroots/htmx-errors.js" in page
    script = Path(finders.find("grassroots/htmx-errors.js")).read_text(encoding="utf-8")
    assert "htmx:beforeSwap" in script and 'getResponseHeader("HX-Retarget")' in script
    assert "shouldSwap = true" in script


def test_the_timeline_shows_state_labels_not_status_codes(case_cast, client):
    case = _accepted(case_cast, client)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)
    assert "→ 已派单" in timeline and "→ 已签收" in timeline
    assert "dispatched" not in timeline and "accepted" not in timeline
