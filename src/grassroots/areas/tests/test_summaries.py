"""The region page's counts come from the registry through areas.summaries (areas sits below the registry)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from grassroots.areas import summaries
from grassroots.registry.queries import counts_for


def test_the_registry_registers_its_counter():
    assert summaries._counter is counts_for


def test_region_pages_refuse_to_render_without_a_counter(cast, monkeypatch):
    monkeypatch.setattr(summaries, "_counter", None)
    with pytest.raises(ImproperlyConfigured):
        summaries.child_counts(cast.admin, cast.D)
