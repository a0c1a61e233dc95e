"""The registration point: rollups and domain panels come from the apps above stats, in order, each once."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from grassroots.stats import registry, rollups, services, tasks
from grassroots.stats.models import RollupState
from grassroots.stats.registry import DomainFigures


@pytest.fixture
def clean(monkeypatch):
    """An empty registry for the test; the apps' own registrations come back afterwards."""
    monkeypatch.setattr(registry, "_rollups", {})
    monkeypatch.setattr(registry, "_panels", {})


def nothing() -> dict:
    return {}


def test_stats_registers_the_case_rollup_first():
    first = registry.rollups()[0]
    assert (first.name, first.refresh, first.rebuild) == (rollups.STATE, rollups.refresh, rollups.rebuild)


def test_a_rollup_is_registered_once(clean):
    registry.register_rollup("water", nothing)
    registry.register_rollup("water", nothing)  # the same registration again is harmless
    with pytest.raises(ImproperlyConfigured, match="water"):
        registry.register_rollup("water", dict)
    assert [r.name for r in registry.rollups()] == ["water"]


def test_a_panel_must_name_a_registered_rollup_and_take_over_a_domain_explicitly(clean):
    def figures(region):
        return DomainFigures(open=1, top_level=2, link="/x/")

    with pytest.raises(ImproperlyConfigured, match="not registered"):
        registry.register_panel("water", figures, label="水务", rollup="water")
    registry.register_rollup("water", nothing)
    registry.register_panel("water", figures, label="水务", rollup="water")
    with pytest.raises(ImproperlyConfigured, match="replace=True"):
        registry.register_panel("water", lambda region: None, label="水务")
    registry.register_panel("water", lambda region: None, label="供水", replace=True)
    assert registry.panel("water").label == "供水" and registry.panel("water").rollup is None
    assert registry.panel("sewage") is None


def test_one_failing_rollup_does_not_stop_the_others(clean):
    ran = []
    registry.register_rollup("first", lambda: ran.append("first") or {"rows": 1})
    registry.register_rollup("broken", lambda: 1 / 0)
    registry.register_rollup("last", lambda: ran.append("last") or {"rows": 2}, rebuild=lambda: {"rebuilt": 1})
    with pytest.raises(services.RollupFailed, match="broken"):
        services.refresh_all()
    assert ran == ["first", "last"]
    registry._rollups.pop("broken")
    assert services.rebuild_all() == {"first": {"rows": 1}, "last": {"rebuilt": 1}}  # a rebuild where there is one


def test_the_periodic_job_runs_the_registered_rollups(db, clean):
    registry.register_rollup(rollups.STATE, rollups.refresh, rebuild=rollups.rebuild)
    assert set(tasks.refresh_rollups()) == {rollups.STATE}
    assert RollupState.objects.get(name=rollups.STATE).refreshed_at is not None
