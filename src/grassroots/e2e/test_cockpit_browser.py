"""End to end: a street leader opens the cockpit, drills down to a grid, and the numbers match the database."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from grassroots.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "img"
MAP_PIXEL = """([lng, lat]) => {
  const el = document.querySelector('[data-cockpit-map]');
  const [x, y] = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [lng, lat]);
  const box = el.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


def test_the_cockpit_drills_to_a_grid_and_agrees_with_the_database(live_server, page, login):
    from grassroots.cases.defaults import seed
    from grassroots.cases.intake import open_case
    from grassroots.cases.models import Case, Category, Channel, ResponsibilityRule
    from grassroots.cases.tests.conftest import report
    from grassroots.risk import services, warning_rollup
    from grassroots.risk.models import Warning
    from grassroots.stats import rollups

    seed(Category, ResponsibilityRule)
    cast = Cast()
    for lng in (116.32, 116.33, 116.37, 116.36, 116.31):  # three in 第1网格, two in 第2网格
        open_case(cast.resident, report(lng=lng), channel=Channel.PORTAL)
    services.raise_signal(domain="environment", region=cast.G1, kind="PM2.5超标", value=160, severity=3)
    rollups.rebuild()
    warning_rollup.refresh()

    login(page, "leader_s1")
    page.goto(f"{live_server.url}/cockpit/")
    street_today = Case.objects.filter(region_path__startswith=cast.S1.path, created_at__date=timezone.localdate())
    assert page.get_by_test_id("value-intake_today").inner_text() == str(street_today.count())
    page.wait_for_function("() => document.querySelector('[data-cockpit-map] canvas') !== null")
    assert "PM2.5超标" in page.get_by_test_id("ticker").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.screenshot(path=str(SHOTS / "cockpit-e2e-street.png"), full_page=True)

    # Drill down on the map itself: click where 一社区's centre is drawn (ECharts converts lng/lat to pixels).
    x, y = page.evaluate(MAP_PIXEL, [cast.C1.center_lng, cast.C1.center_lat])
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(rf".*region={cast.C1.pk}$"))
    page.get_by_test_id(f"drill-{cast.G1.pk}").click()  # …and through the table of children
    page.wait_for_url(re.compile(rf".*region={cast.G1.pk}$"))
    assert page.get_by_test_id("region-name").inner_text() == cast.G1.name
    in_grid = Case.objects.filter(region=cast.G1, created_at__gte=timezone.now() - dt.timedelta(days=1))
    assert page.get_by_test_id("value-intake_today").inner_text() == str(in_grid.count()) == "3"
    assert page.get_by_test_id(f"child-received-{cast.G1.pk}").inner_text() == "3"
    environment = page.get_by_test_id("domain-environment")
    open_in_grid = Warning.objects.filter(region=cast.G1, domain="environment").exclude(status="closed").count()
    assert "环境" in environment.inner_text() and environment.get_by_test_id("open").inner_text() == str(open_in_grid)
    page.wait_for_function("() => document.querySelector('[data-cockpit-map] canvas') !== null")
    page.screenshot(path=str(SHOTS / "cockpit-e2e-grid.png"), full_page=True)
    page.get_by_test_id("tile-intake_today").click()
    assert page.get_by_test_id("case-count").inner_text() == "3"


def test_panels_flag_themselves_when_polling_stops(live_server, page, login):
    from grassroots.risk import warning_rollup
    from grassroots.stats import rollups

    cast = Cast()
    rollups.rebuild()
    warning_rollup.refresh()
    page.clock.install()
    login(page, "leader_s1")
    page.goto(f"{live_server.url}/cockpit/?region={cast.S1.pk}")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=asof]').length === 6")
    assert page.locator('[data-testid=asof][data-stale="1"]').count() == 0
    page.route("**/cockpit/panels/**", lambda route: route.abort())  # the server is gone
    page.clock.run_for("02:00")
    ticker = page.get_by_test_id("panel-ticker").get_by_test_id("asof")
    assert ticker.get_attribute("data-stale") == "1"  # a live list is stale after a minute
    assert page.get_by_test_id("panel-kpis").get_by_test_id("asof").get_attribute("data-stale") == "0"
    page.clock.run_for("10:00")
    assert page.locator('[data-testid=asof][data-stale="1"]').count() == 6
    assert "数据已过期" in page.get_by_test_id("panel-kpis").inner_text()
    assert page.locator("#panel-kpis .tile.stale").count() == 6
