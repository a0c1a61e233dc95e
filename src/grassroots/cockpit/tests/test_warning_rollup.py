"""The risk rollup behind the cockpit's risk panels: counts up the tree, changes written, staleness shown."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from grassroots.cockpit import rollups, warning_rollup
from grassroots.cockpit.models import DomainStat, RollupState
from grassroots.cockpit.tests.test_views import login, panel
from grassroots.risk import services
from grassroots.risk.levels import COLOURS
from grassroots.risk.models import Warning


def stat(region, domain):
    row = DomainStat.objects.filter(region=region, domain=domain).first()
    return (row.open, row.top_level, row.recent, row.recent_closed) if row else None


@pytest.fixture
def warned(cast):
    services.raise_signal(domain="environment", region=cast.G1, kind="PM2.5超标", value=160, severity=3)
    services.raise_signal(domain="environment", region=cast.G3, kind="噪声超标", value=80, severity=1)
    services.raise_signal(domain="opinion", region=cast.G4, kind="负面舆情", value=5, severity=2)
    rollups.rebuild()
    warning_rollup.refresh()
    return cast


def test_it_counts_warnings_at_every_level(warned):
    c = warned
    g1 = stat(c.G1, "environment")
    assert g1[0] == 1 and g1[2] == 1 and g1[3] == 0 and g1[1] > 0
    assert stat(c.C1, "environment") == g1  # G2 has none, so the community is G1's figures
    street = stat(c.S1, "environment")
    assert street[0] == 2 and street[2] == 2  # G1 and G3
    assert stat(c.S1, "opinion") is None and stat(c.S2, "opinion")[0] == 1
    district = stat(c.D, "environment")
    assert district[0] == 2 and district[1] == max(g1[1], stat(c.G3, "environment")[1])
    assert stat(c.D, "opinion")[0] == 1  # the root keeps a row for every domain that has data
    assert stat(c.D, "finance") is None


def test_closing_a_warning_moves_it_from_open_to_handled(warned):
    c = warned
    warning = Warning.objects.get(region=c.G1)
    services.close_warning(c.staff_s1, warning, disposition="handled", note="已督促企业整改")
    result = warning_rollup.refresh()
    assert result["changed"] > 0
    assert stat(c.G1, "environment")[0] == 0 and stat(c.G1, "environment")[2:] == (1, 1)
    assert stat(c.S1, "environment")[0] == 1 and stat(c.S1, "environment")[2:] == (2, 1)
    assert warning_rollup.refresh()["changed"] == 0  # nothing new: nothing rewritten


def test_warnings_before_the_window_are_not_counted_as_recent(warned):
    c = warned
    old = timezone.now() - dt.timedelta(days=40)
    Warning.objects.filter(region=c.G3).update(first_at=old, last_at=old)
    warning_rollup.refresh()
    assert stat(c.G3, "environment")[0] == 1 and stat(c.G3, "environment")[2] == 0


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
