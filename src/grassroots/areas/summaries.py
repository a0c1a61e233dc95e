"""The per-child figures on a region's page (people, houses, firms …), supplied by the registry.

Areas sits below the registry (areas → registry would be an upward import), so the region page does not
compute them: the registry registers its counter from `RegistryConfig.ready()`. A counter takes the viewer and
the region and returns one row per child region, `{"region": child, "persons": n, …}`, counted over the
viewer's scope only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from grassroots.areas.models import Region

Counter = Callable[[object, Region], list[dict]]

_counter: Counter | None = None


def register(counter: Counter) -> None:
    global _counter
    _counter = counter


def child_counts(user, region: Region) -> list[dict]:
    if _counter is None:
        raise ImproperlyConfigured("no region counter registered: grassroots.registry must be in INSTALLED_APPS")
    return _counter(user, region)
