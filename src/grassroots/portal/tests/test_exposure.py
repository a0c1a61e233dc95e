"""Issue 11: 我也遇到 is a POST with a CSRF token and a signed offer, never a GET link a page could make one follow;
and the report form asks, unticked, whether the case may be shown publicly."""

import re

from django.test import Client

from grassroots.cases import duplicates
from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel, Follower
from grassroots.cases.tests.conftest import report
from grassroots.portal.tests.test_portal import login

DUPLICATE = {"description": "3号楼楼道里堆满纸箱杂物，堵住消防通道", "category": "fire_hazard", "lng": 116.3201}
DUPLICATE["lat"] = 39.8501


def _offer(page: str) -> str:
    return re.search(r'name="offer" value="([^"]+)"', page).group(1)


def test_the_offer_is_a_form_with_a_csrf_token_not_a_link(case_cast, client):
    first = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    page = login(client, case_cast.resident2).post("/portal/report/", DUPLICATE).content.decode()
    form = re.search(r'<form method="post" action="/portal/me-too/"[^>]*>(.*?)</form>', page, re.S)
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1) and 'name="offer"' in form.group(1)
    assert "me-too" not in "".join(re.findall(r'href="([^"]*)"', page))
    assert str(first.pk) not in page  # nothing names the other case


def test_a_get_never_follows(case_cast, client):
    first = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    offer = _offer(login(client, case_cast.resident2).post("/portal/report/", DUPLICATE).content.decode())
    assert client.get(f"/portal/cases/{first.pk}/me-too/").status_code == 404  # the old link
    assert client.get("/portal/me-too/", {"offer": offer}).status_code == 405
    assert not Follower.objects.filter(case=first, user=case_cast.resident2).exists()


def test_a_cross_site_post_without_the_token_is_refused(case_cast):
    first = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(case_cast.resident2)
    offer = duplicates.make_offer(case_cast.resident2, first)  # a genuine offer, lured into a forged POST
    assert browser.post("/portal/me-too/", {"offer": offer}).status_code == 403
    assert not Follower.objects.filter(case=first, user=case_cast.resident2).exists()


def test_a_bad_offer_is_refused_with_a_message(case_cast, client):
    first = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    response = login(client, case_cast.resident2).post("/portal/me-too/", {"offer": "forged"}, follow=True)
    assert "只能关注系统向您推荐的类似事件" in response.content.decode()
    assert not Follower.objects.filter(case=first, user=case_cast.resident2).exists()


def test_publishing_is_asked_and_off_unless_ticked(case_cast, client):
    login(client, case_cast.resident)
    page = client.get("/portal/report/").content.decode()
    checkbox = re.search(r'<input type="checkbox" name="public"[^>]*>', page)
    assert checkbox and "checked" not in checkbox.group(0)
    body = {"description": "胡同口的垃圾桶三天没人清运，味道很大", "door_number": "银杏胡同8号", "category": "garbage"}
    client.post("/portal/report/", body)
    client.post(
        "/portal/report/", {**body, "description": "胡同口的垃圾桶又满了没人清运", "public": "on", "confirmed": "1"}
    )
    assert list(Case.objects.order_by("created_at").values_list("public", flat=True)) == [False, True]
