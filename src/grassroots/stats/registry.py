"""Where the apps above stats plug in their rollups and the figures of their cockpit domain panels.

stats never imports the apps that register here: each registers from its AppConfig.ready() (risk/apps.py),
and the readers (stats.services.refresh_all, the cockpit's domain panel) see only what was registered. A
domain with no registered panel is shown as "no data yet"; one whose provider returns None is too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Rollup:
    name: str  # also the RollupState row that records its last refresh
    refresh: Callable[[], dict]
    rebuild: Callable[[], dict] | None = None  # a full recompute, where it differs from a refresh


@dataclass(frozen=True)
class DomainFigures:
    """What a domain tile shows for one region: its open items, their highest current level (0–4), and the
    list behind the number."""

    open: int
    top_level: int
    link: str


@dataclass(frozen=True)
class PanelProvider:
    domain: str
    label: Any  # a (lazy) translated name
    figures: Callable[[Any], DomainFigures | None]  # region → figures; None while the domain has no data
    rollup: str | None  # the rollup the figures come from: its refresh time is the tile's time of data


_rollups: dict[str, Rollup] = {}
_panels: dict[str, PanelProvider] = {}


def register_rollup(
    name: str, refresh: Callable[[], dict], *, rebuild: Callable[[], dict] | None = None
) -> Rollup:
    """Add a rollup to the periodic refresh (stats.tasks.refresh_rollups), which runs them in this order."""
    rollup = Rollup(name, refresh, rebuild)
    existing = _rollups.get(name)
    if existing is not None and existing != rollup:
        raise ImproperlyConfigured(f"rollup {name!r} is already registered by {existing.refresh.__module__}")
    _rollups[name] = rollup
    return rollup


def rollups() -> list[Rollup]:
    return list(_rollups.values())


def register_panel(
    domain: str,
    figures: Callable[[Any], DomainFigures | None],
    *,
    label: Any,
    rollup: str | None = None,
    replace: bool = False,
) -> PanelProvider:
    """Give the cockpit's domain panel its figures for `domain`.

    `rollup` names the registered rollup the figures are read from. A domain app may take over a domain
    another app registered (risk registers every risk domain) by passing replace=True.
    """
    if rollup is not None and rollup not in _rollups:
        raise ImproperlyConfigured(f"panel {domain!r} reads rollup {rollup!r}, which is not registered")
    provider = PanelProvider(domain, label, figures, rollup)
    existing = _panels.get(domain)
    if existing is not None and existing != provider and not replace:
        raise ImproperlyConfigured(f"panel {domain!r} is already registered; pass replace=True to take it over")
    _panels[domain] = provider
    return provider


def panel(domain: str) -> PanelProvider | None:
    return _panels.get(domain)


def panels() -> list[PanelProvider]:
    return list(_panels.values())
