"""Every role is offered only what it may use: no link leads to a 403, a 404 or a staff page for a resident."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

ROLES = ["admin", "leader_s1", "staff_s1", "worker_c1", "grid_g1", "dept_d", "resident", "outsider", "data_officer"]
# Links that change state by GET do not exist; these only leave the site, download or sign out.
SKIP_PREFIXES = ("/admin/", "/i18n/", "/accounts/logout/", "/static/", "/media/", "/api/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(body: str, base: str) -> list[str]:
    parser = Links()
    parser.feed(body)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urljoin("http://testserver" + base, href))
        if url.netloc == "testserver" and not url.path.startswith(SKIP_PREFIXES):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


@pytest.fixture
def everyone(case_cast):
    from grassroots.accounts import services as accounts
    from grassroots.accounts.roles import Role
    from grassroots.conftest import PASSWORD

    case_cast.data_officer = accounts.create_user(username="data_officer", password=PASSWORD, display_name="数据")
    accounts.grant_membership(None, case_cast.data_officer, role=Role.DATA_OFFICER, region=case_cast.D)
    return case_cast


@pytest.mark.parametrize("username", ROLES)
def test_no_link_offered_to_a_role_leads_to_a_refusal(everyone, client, username):
    client.force_login(getattr(everyone, username))
    start = client.get("/", follow=True)
    assert start.status_code == 200
    seen: set[str] = set()
    queue = deque([(start.request["PATH_INFO"], start.content.decode())])
    while queue and len(seen) < 120:
        page, body = queue.popleft()
        for link in links_of(body, page):
            if link in seen:
                continue
            seen.add(link)
            response = client.get(link)
            assert response.status_code not in (403, 404, 405, 500), f"{username}: {page} → {link}"
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                queue.append((link, response.content.decode()))
    assert seen, username


STAFF_PAGES = ["/", "/cases/", "/registry/persons/", "/registry/houses/", "/areas/", "/cockpit/", "/risk/warnings/",
               "/sharing/", "/audit/", "/accounts/tokens/"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_resident_is_sent_from_staff_pages_to_the_portal(everyone, client, url):
    client.force_login(everyone.resident)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_a_resident_sees_no_staff_menu(everyone, client):
    client.force_login(everyone.resident)
    body = client.get("/portal/").content.decode()
    for label in ("实有人口", "驾驶舱", "数据共享", "登记人员", "审计日志", "API 令牌"):
        assert label not in body
    assert "我的诉求" in body


def test_a_leader_is_not_offered_registry_entry(everyone, client):
    """A street leader may read the registry but not edit it: no 登记人员 button that would answer 403."""
    client.force_login(everyone.leader_s1)
    body = client.get("/registry/persons/").content.decode()
    assert "/registry/persons/new/" not in body
