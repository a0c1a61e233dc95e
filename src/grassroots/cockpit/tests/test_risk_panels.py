"""The cockpit's risk panels over the risk rollup: staleness shown per source, colours by level, numbers
that match the warning lists behind them."""

import datetime as dt
import re

from django.utils import timezone

from grassroots.cockpit.tests.test_views import login, panel
from grassroots.risk import services, warning_rollup
from grassroots.risk.levels import COLOURS
from grassroots.risk.models import Warning
from grassroots.risk.tests import test_warning_rollup as risk_rollup
from grassroots.stats.models import RollupState

stat = risk_rollup.stat
warned = risk_rollup.warned  # the same fixture: three environment and opinion warnings, both rollups fresh


def test_risk_panels_are_flagged_when_the_risk_rollup_stops(warned, client):
    c = warned
    login(client, c.leader_s1)
    for name in ("domains", "map"):
        assert 'data-stale="0"' in panel(client, name, c.S1), name
    RollupState.objects.filter(name=warning_rollup.STATE).update(refreshed_at=timezone.now() - dt.timedelta(hours=1))
    for name in ("domains", "map", "kpis"):
        html = panel(client, name, c.S1)
        assert 'data-stale="1"' in html and "数据已过期" in html, name
    kpis = panel(client, "kpis", c.S1)
    stale_tiles = re.findall(r'class="tile( stale)?" href="[^"]*" data-testid="tile-(\w+)"', kpis)
    assert {key for mark, key in stale_tiles if mark} == {"warnings_handled"}  # the case tiles are still fresh


def test_the_map_colours_children_by_their_highest_level(warned, client):
    c = warned
    login(client, c.leader_s1)
    html = panel(client, "map", c.S1)
    top = stat(c.C1, "environment")[1]
    row = re.search(rf'<tr data-region="{c.C1.pk}">.*?</tr>', html, re.S).group(0)
    assert COLOURS[top] in row and f'data-testid="child-level-{c.C1.pk}"' in row


def warning_count(client, link):
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    return int(re.search(r'data-testid="warning-count">(\d+)<', listing).group(1))


def test_risk_numbers_match_the_warning_lists_behind_them(warned, client):
    c = warned
    old = timezone.now() - dt.timedelta(days=40)  # outside the 30-day window, still open
    services.raise_signal(domain="environment", region=c.G2, kind="异味", value=3, severity=1, occurred_at=old)
    services.close_warning(c.staff_s1, Warning.objects.get(region=c.G1), disposition="handled", note="已督促企业整改")
    warning_rollup.refresh()
    login(client, c.leader_s1)
    kpis = panel(client, "kpis", c.S1)
    link = re.search(r'href="([^"]+)" data-testid="tile-warnings_handled"', kpis).group(1)
    detail = re.search(r'data-testid="tile-warnings_handled".*?class="detail">(\d+)/(\d+)<', kpis, re.S).groups()
    assert detail == ("1", "2") and warning_count(client, link) == 2
    domains = panel(client, "domains", c.S1)
    link = re.search(r'<a class="domain" href="([^"]+)" target="_top" data-testid="domain-environment">', domains)
    shown = re.search(r'data-testid="domain-environment">.*?data-testid="open">(\d+)<', domains, re.S).group(1)
    assert shown == "2" and warning_count(client, link.group(1)) == 2  # G3's and the old one in G2
    assert client.get("/risk/warnings/", {"first_from": "yesterday"}).status_code == 400
