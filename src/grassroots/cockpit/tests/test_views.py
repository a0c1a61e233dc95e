"""The cockpit: scope, honest tiles, numbers that match the lists behind them, outcomes only, drill-down."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel
from grassroots.cases.tests.conftest import report
from grassroots.conftest import PASSWORD
from grassroots.risk import services, warning_rollup
from grassroots.stats import registry, rollups
from grassroots.stats.models import RollupState
from grassroots.stats.registry import DomainFigures


def login(client, user):
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return client


@pytest.fixture
def busy(case_cast):
    cases = [open_case(case_cast.resident, report(), channel=Channel.PORTAL) for _ in range(5)]
    open_case(case_cast.resident, report(lng=116.45, lat=39.85), channel=Channel.PORTAL)
    now = timezone.now()
    Case.objects.filter(pk__in=[c.pk for c in cases[:2]]).update(
        status="closed", outcome="resolved", closed_at=now, due_at=now + dt.timedelta(hours=1), updated_at=now
    )
    rollups.rebuild()
    warning_rollup.refresh()
    return case_cast


def panel(client, name, region):
    return client.get(f"/cockpit/panels/{name}/", {"region": region.pk}).content.decode()


def value(html, key):
    return re.search(rf'data-testid="value-{key}">([^<]*)<', html).group(1)


def test_the_cockpit_opens_on_the_users_area_and_refuses_outside_it(busy, client):
    page = login(client, busy.leader_s1).get("/cockpit/").content.decode()
    assert 'data-testid="region-name">甲街道<' in page and 'hx-trigger="load, every 60s"' in page
    assert client.get("/cockpit/", {"region": busy.S2.pk}).status_code == 404
    assert client.get(f"/cockpit/panels/kpis/?region={busy.S2.pk}").status_code == 404
    assert client.get("/cockpit/panels/nonsense/").status_code == 404
    assert login(client, busy.grid_g1).get("/cockpit/").status_code == 403
    assert login(client, busy.resident).get("/cockpit/")["Location"] == "/portal/"  # a resident goes to the portal


def test_every_number_matches_the_list_behind_it(busy, client):
    login(client, busy.leader_s1)
    html = panel(client, "kpis", busy.S1)
    assert value(html, "intake_today") == "5" and value(html, "closure_rate") == "40.0"
    assert value(html, "on_time_rate") == "100.0" and value(html, "confirmed") == "2"
    for key, expected in (("intake_today", 5), ("closure_rate", 5), ("confirmed", 2)):
        link = re.search(rf'href="([^"]+)" data-testid="tile-{key}"', html).group(1).replace("&amp;", "&")
        listing = client.get(link).content.decode()
        assert re.search(r'data-testid="case-count">(\d+)<', listing).group(1) == str(expected), key


def test_a_stale_rollup_is_flagged_not_shown_as_fresh(busy, client):
    login(client, busy.leader_s1)
    assert 'data-stale="0"' in panel(client, "kpis", busy.S1)
    RollupState.objects.update(refreshed_at=timezone.now() - dt.timedelta(hours=1))
    html = panel(client, "kpis", busy.S1)
    assert 'data-stale="1"' in html and "数据已过期" in html and 'class="tile stale"' in html


def test_the_cockpit_shows_outcomes_and_never_counts_activity(busy, client):
    login(client, busy.leader_s1)
    html = "".join(panel(client, name, busy.S1) for name in ("kpis", "map", "trend", "ticker", "categories", "domains"))
    for word in ("登录", "打卡", "签到", "照片", "点赞", "浏览量", "login", "check-in", "photo", "like"):
        assert word not in html.lower(), word


def test_domains_say_no_data_until_they_send_signals(busy, client):
    login(client, busy.leader_s1)
    assert panel(client, "domains", busy.S1).count("暂无数据（该领域尚未接入）") == 5
    services.raise_signal(domain="environment", region=busy.G1, kind="PM2.5超标", value=180, severity=2)
    assert panel(client, "domains", busy.S1).count("暂无数据（该领域尚未接入）") == 5  # not until the refresh
    warning_rollup.refresh()
    html = panel(client, "domains", busy.S1)
    assert html.count("暂无数据（该领域尚未接入）") == 4 and "环境" in html
    assert "PM2.5超标" in panel(client, "ticker", busy.S1)


def test_a_domain_with_no_registered_provider_says_no_data(busy, client, monkeypatch):
    monkeypatch.setattr(registry, "_panels", {d: p for d, p in registry._panels.items() if d != "environment"})
    services.raise_signal(domain="environment", region=busy.G1, kind="PM2.5超标", value=180, severity=2)
    warning_rollup.refresh()
    login(client, busy.leader_s1)
    html = panel(client, "domains", busy.S1)
    assert html.count("暂无数据（该领域尚未接入）") == 5 and 'data-testid="domain-environment"' in html


def test_a_domain_app_adds_its_tile_through_the_registry(busy, client, monkeypatch):
    monkeypatch.setattr(registry, "_panels", dict(registry._panels))
    registry.register_panel(
        "water", lambda region: DomainFigures(open=7, top_level=2, link=f"/water/?region={region.pk}"),
        label="水务", rollup=rollups.STATE,
    )  # fmt: skip
    login(client, busy.leader_s1)
    html = panel(client, "domains", busy.S1)
    assert html.index('data-testid="domain-cases"') < html.index('data-testid="domain-water"')  # after the five
    assert re.search(rf'href="/water/\?region={busy.S1.pk}" target="_top" data-testid="domain-water">'
                     r'\s*<span class="label">水务</span><span class="value" data-testid="open">7<', html)  # fmt: skip
    assert 'data-stale="0"' in html
    RollupState.objects.filter(name=rollups.STATE).update(refreshed_at=timezone.now() - dt.timedelta(hours=1))
    assert 'data-stale="1"' in panel(client, "domains", busy.S1)  # its rollup is now one of the panel's sources


def test_the_map_drills_down_to_a_grid(busy, client):
    login(client, busy.leader_s1)
    street = panel(client, "map", busy.S1)
    assert f'data-testid="drill-{busy.C1.pk}"' in street and "cockpit-map-data" in street
    community = panel(client, "map", busy.C1)
    assert f'data-testid="child-received-{busy.G1.pk}">5<' in community
    assert f'data-testid="drill-{busy.G1.pk}"' in community
    grid = panel(client, "map", busy.G1)  # a grid, the last level, shows itself and drills no further
    assert f'data-region="{busy.G1.pk}"' in grid and 'data-testid="drill-' not in grid
    assert "近 4 周高发类别" in panel(client, "categories", busy.G1)


def test_the_cockpit_speaks_english_too(busy, client):
    login(client, busy.leader_s1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/cockpit/"})
    html = panel(client, "kpis", busy.S1)
    assert "Received today" in html and "On-time closure, 30 days" in html
    assert "No data yet (this domain is not connected)" in panel(client, "domains", busy.S1)


def test_top_category_counts_match_their_lists(busy, client):
    # Counts cover whole ISO weeks; a case the day before the first counted Monday must not be in the list.
    first = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 21)
    before = open_case(busy.resident, report(), channel=Channel.PORTAL)
    moment = timezone.make_aware(dt.datetime.combine(first - dt.timedelta(days=1), dt.time(12)))
    Case.objects.filter(pk=before.pk).update(created_at=moment, updated_at=moment)
    rollups.rebuild()
    login(client, busy.leader_s1)
    html = panel(client, "categories", busy.S1)
    rows = re.findall(r'<a href="([^"]+)" target="_top">[^<]+</a> <span class="count">(\d+)</span>', html)
    assert rows
    for link, count in rows:
        listing = client.get(link.replace("&amp;", "&")).content.decode()
        assert re.search(r'data-testid="case-count">(\d+)<', listing).group(1) == count
