"""The risk rollup (stats.DomainStat) behind the cockpit's risk panels: counts up the tree, only changes
written, and what risk registers with stats."""

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.risk import services, warning_rollup
from grassroots.risk.models import Domain, Warning
from grassroots.stats import registry, rollups, tasks
from grassroots.stats.models import DomainStat, RollupState


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


def test_risk_registers_its_rollup_and_a_tile_for_every_risk_domain():
    names = [r.name for r in registry.rollups()]
    assert names.index(rollups.STATE) < names.index(warning_rollup.STATE)  # stats' own first, then risk's
    for domain in Domain:
        provider = registry.panel(domain.value)
        assert provider is not None and provider.rollup == warning_rollup.STATE
        assert str(provider.label) == str(domain.label)


def test_a_domain_has_no_figures_until_it_sends_a_signal(warned):
    c = warned
    assert warning_rollup.figures("finance", c.S1) is None
    environment = warning_rollup.figures("environment", c.S1)
    assert (environment.open, environment.top_level) == stat(c.S1, "environment")[:2]
    assert environment.link == f"/risk/warnings/?region={c.S1.pk}&domain=environment&status=active"
    opinion = warning_rollup.figures("opinion", c.S1)  # a domain with data, none of it in this street
    assert (opinion.open, opinion.top_level) == (0, 0)


def test_the_periodic_job_refreshes_the_case_and_the_risk_rollup(warned):
    c = warned
    RollupState.objects.update(refreshed_at=None)
    services.raise_signal(domain="finance", region=c.G2, kind="非法集资线索", value=1, severity=2)
    result = tasks.refresh_rollups()
    # Every registered rollup runs (domain apps register theirs too), the case and the risk rollup among them.
    from grassroots.stats import registry

    assert set(result) == {r.name for r in registry.rollups()} >= {rollups.STATE, warning_rollup.STATE}
    assert stat(c.S1, "finance")[0] == 1
    assert all(s.refreshed_at is not None for s in RollupState.objects.all())
