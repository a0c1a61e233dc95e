"""路径: which grid features go with more cases, fitted per district and street over the last year.

A region whose fit fails (too few grids, a singular design, perfect separation, overflow) keeps its run with
the error in `figures["error"]`, so one bad fit never stops the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.risk.analytics.drivers import fit_drivers
from grassroots.risk.errors import FIT_ERRORS
from grassroots.risk.features import FEATURES, grid_features
from grassroots.risk.models import ModelRun
from grassroots.stats import queries

DAYS = 365


def refresh(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=DAYS)
    frame = grid_features(today)
    if frame.empty:
        return {"models": 0}
    counts = queries.received_by_region(list(frame.index), start, today)
    frame["cases"] = [counts.get(grid, 0) for grid in frame.index]
    paths = dict(Region.objects.filter(pk__in=list(frame.index)).values_list("pk", "path"))
    frame["path"] = [paths[grid] for grid in frame.index]
    now, runs = timezone.now(), []
    for region in Region.objects.filter(level__in=[Level.DISTRICT, Level.STREET]).order_by("path"):
        subset = frame[frame["path"].str.startswith(region.path)]
        figures = {"region": region.pk, "region_name": region.name, "start": str(start), "end": str(today)}
        try:
            model = fit_drivers(
                subset,
                features=list(FEATURES),
                labels={name: label for name, (label, _) in FEATURES.items()},
                units={name: unit for name, (_, unit) in FEATURES.items()},
            )
            figures["model"] = dataclasses.asdict(model)
        except FIT_ERRORS as exc:  # too few grids, no variation, a failed fit: say why instead of showing nothing
            figures["error"] = str(exc) or type(exc).__name__
        runs.append(ModelRun(kind=f"drivers:{region.pk}", computed_at=now, figures=figures))
    with transaction.atomic():
        ModelRun.objects.filter(kind__startswith="drivers:").delete()
        ModelRun.objects.bulk_create(runs)
    return {"models": len(runs)}


def latest(region: Region) -> ModelRun | None:
    """The model for the region, or for the nearest street/district above it."""
    for region_id in reversed([int(p) for p in region.path.strip("/").split("/") if p]):
        run = ModelRun.objects.filter(kind=f"drivers:{region_id}").first()
        if run is not None:
            return run
    return None
