"""The residents' environment page in a browser: first load under 300 KB, axe-core clean (standard and elder
mode), usable by keyboard alone, and a station's report reached from it."""

import re
from pathlib import Path

import pytest

from grassroots.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BUDGET = 300 * 1024
# axe-core comes from npm (package.json devDependencies; `make test` runs npm ci), never from a CDN.
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def world():
    from grassroots.cases.defaults import seed
    from grassroots.cases.models import Category, ResponsibilityRule
    from grassroots.environment.tests import pages_world

    seed(Category, ResponsibilityRule)
    cast = Cast()
    pages_world.build(cast)
    return cast


@pytest.fixture
def page(browser):
    """As the shared fixture, but axe-core may be injected: the pages' CSP (script-src 'self') refuses inline
    scripts, and is bypassed here only so that the checker can run inside the page."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def transferred(page, url: str) -> int:
    """Bytes of the page and everything it loads, with a cold cache (each response body as received)."""
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body()) if r.ok else 0))
    page.goto(url, wait_until="networkidle")
    return sum(sizes)


def violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}) {v['nodes'][0]['html'][:120]}" for v in result["violations"]]


def test_the_public_page_is_light_and_accessible(live_server, page, capsys):
    world()
    url = f"{live_server.url}/portal/environment/"
    weight = transferred(page, url)
    with capsys.disabled():
        print(f"\n[portal:environment] first load {weight} bytes (budget {BUDGET})")
    assert weight < BUDGET
    assert "AQI 119" in page.get_by_test_id("reading-aq-jia-1").inner_text()
    assert page.locator("[data-testid=env-svg] circle").count() == 3
    assert violations(page) == []
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    page.goto(url)
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "21px"
    assert violations(page) == []


def test_a_resident_reaches_a_stations_report_by_keyboard(live_server, page, login):
    world()
    login(page, "resident")
    page.goto(f"{live_server.url}/portal/environment/")
    for _ in range(60):  # Tab through the page until the station's report link has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "report-aq-jia-1":
            break
    else:
        pytest.fail("the report link of aq-jia-1 is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/portal/report/\?station=aq-jia-1$"))
    assert "甲街道空气站" in page.get_by_test_id("report-station").inner_text()
    assert violations(page) == []
