"""Cockpit panels over the large demo district with 1,000,000 cases: each panel's query time from the
rollups, beside the raw scan of the cases table that would give the same numbers; plus the incremental
refresh and the forecast backtest (MASE, MAPE) beside seasonal naive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/cockpit.py [--cases 1000000] [--keep]

Creates a throw-away database (PostgreSQL when DATABASE_URL is set, else SQLite), imports the large demo
territory (10 streets, 80 communities, 2,000 grids), and writes two years of past cases with the demo's
history generator. Grid features are drawn at random here (the 1M-person register is not needed to time
panels). Goal: < 200 ms per panel on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ["GRASSROOTS_HOME"] = tempfile.mkdtemp(prefix="grassroots-cockpit-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grassroots.settings")
os.environ.setdefault("GRASSROOTS_ENV", "development")  # generated keys in the temporary home
GOAL_MS = 200.0


def fresh_database(reuse: str | None) -> str | None:
    """A new PostgreSQL database for this run (or the one to reuse); None on SQLite (a throw-away home)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    base = url.rsplit("/", 1)[0]
    name = reuse or f"grassroots_cockpit_bench_{os.getpid()}"
    if not reuse:
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return name


def finish(name: str | None, keep: bool) -> None:
    if name is None:
        return
    from django.db import connections

    connections.close_all()
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    if keep:
        print(f"\nkept database {name}: time again with --reuse {name}")
    else:
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"DROP DATABASE {name}"], check=True)


def timed(fn, repeat: int = 7) -> float:
    fn()  # warm the caches once, as a polling panel would
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def setup(cases: int) -> None:
    import numpy as np
    import pandas as pd
    from django.core.management import call_command

    from grassroots.areas import services as areas
    from grassroots.areas.models import Level, Region
    from grassroots.cases.defaults import seed
    from grassroots.cases.models import Category, ResponsibilityRule
    from grassroots.demo.history import seed_history
    from grassroots.demo.loader import SCALES, build_regions

    call_command("migrate", verbosity=0)
    seed(Category, ResponsibilityRule)
    collection, _ = build_regions(SCALES["large"], 20261123)
    areas.import_regions(None, collection)
    rng = np.random.default_rng(1)
    grids = list(Region.objects.filter(level=Level.GRID).values_list("pk", flat=True))
    population = rng.integers(200, 900, len(grids))
    Region.objects.bulk_update(
        [Region(pk=g, population=int(p)) for g, p in zip(grids, population, strict=True)], ["population"]
    )
    features = pd.DataFrame(
        {
            "population": population,
            "rental_share": rng.uniform(0.05, 0.45, len(grids)),
            "elderly_share": rng.uniform(0.1, 0.4, len(grids)),
            "catering_per_1000": rng.uniform(0, 20, len(grids)),
            "retail_per_1000": rng.uniform(0, 20, len(grids)),
        },
        index=grids,
    )
    for level in (Level.COMMUNITY, Level.STREET, Level.DISTRICT):  # populations up the tree, for densities
        for region in Region.objects.filter(level=level):
            region.population = sum(Region.objects.filter(parent=region).values_list("population", flat=True))
            region.save(update_fields=["population"])
    start = time.perf_counter()
    written = seed_history(total=cases, features=features, progress=lambda m: None)
    print(f"setup: {written:,} cases written in {time.perf_counter() - start:.0f} s")


def seed_risk(signals: int) -> None:
    """Signals and warnings at the scale of years of use (storms folded ~25 to a warning, 2 % still open),
    so the risk panels are timed on full tables, not empty ones."""
    import datetime as dt

    import numpy as np
    from django.utils import timezone

    from grassroots.areas.models import Level, Region
    from grassroots.risk.models import Domain, RiskScore, Signal, Status, Warning

    if Signal.objects.exists():
        return
    rng = np.random.default_rng(2)
    grids = list(Region.objects.filter(level=Level.GRID).values_list("pk", "path"))
    domains = [Domain.CASES, Domain.ENVIRONMENT, Domain.OPINION]
    now, start = timezone.now(), time.perf_counter()
    warnings, rows = [], []
    for i in range(signals // 25):
        grid, path = grids[rng.integers(len(grids))]
        first = now - dt.timedelta(minutes=int(rng.integers(0, 2 * 365 * 24 * 60)))
        level = int(rng.integers(1, 5))
        is_open = rng.random() < 0.02
        warnings.append(Warning(
            domain=domains[i % 3], kind="基准", region_id=grid, region_path=path, level=level, peak_level=level,
            status=Status.OPEN if is_open else Status.CLOSED, count=25, score=float(level), summary="基准测试预警",
            first_at=first, last_at=first + dt.timedelta(minutes=50), closed_at=None if is_open else first,
            disposition="" if is_open else "handled",
        ))  # fmt: skip
    Warning.objects.bulk_create(warnings, batch_size=5000)
    for w in warnings:
        rows += [Signal(domain=w.domain, kind=w.kind, region_id=w.region_id, region_path=w.region_path, value=1.0,
                        severity=w.level, occurred_at=w.first_at + dt.timedelta(minutes=2 * k), warning_id=w.pk)
                 for k in range(25)]  # fmt: skip
        if len(rows) >= 50_000:
            Signal.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Signal.objects.bulk_create(rows, batch_size=5000)
    hot = rng.choice(len(grids), size=len(grids) // 10, replace=False)
    RiskScore.objects.bulk_create(
        [
            RiskScore(
                region_id=grids[g][0],
                region_path=grids[g][1],
                domain=domains[g % 3],
                score=3.0,
                level=int(rng.integers(1, 5)),
                updated_at=now,
            )
            for g in hot
        ]  # fmt: skip
    )
    print(f"setup: {signals:,} signals in {len(warnings):,} warnings written in {time.perf_counter() - start:.0f} s")


def raw_scans(region, today):
    """The same numbers straight from the cases table, as a cockpit without rollups would get them."""
    import datetime as dt

    from django.db.models import Count, F, Q
    from django.db.models.functions import TruncWeek
    from django.utils import timezone

    from grassroots.cases.models import Case
    from grassroots.risk.models import Signal, Status, Warning

    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=29), dt.time()))
    inside = Case.objects.filter(region_path__startswith=region.path)
    window = inside.filter(created_at__gte=start)
    return {
        "kpis": lambda: (
            window.aggregate(n=Count("id"), done=Count("id", filter=Q(closed_at__isnull=False))),
            inside.filter(closed_at__gte=start).aggregate(
                n=Count("id"), on_time=Count("id", filter=Q(closed_at__lte=F("due_at")))
            ),
        ),
        "map": lambda: list(window.values("region__parent_id").annotate(n=Count("id"))),
        "trend": lambda: list(
            inside.filter(created_at__gte=start - dt.timedelta(weeks=52))
            .annotate(w=TruncWeek("created_at"))
            .values("w")
            .annotate(n=Count("id"))
        ),
        "categories": lambda: list(
            inside.filter(created_at__gte=start).values("category_id").annotate(n=Count("id")).order_by("-n")[:5]
        ),
        "domains": lambda: (
            set(Signal.objects.order_by().values_list("domain", flat=True).distinct()),
            list(
                Warning.objects.filter(region_path__startswith=region.path)
                .exclude(status=Status.CLOSED)
                .order_by()
                .values("domain")
                .annotate(n=Count("id"))
            ),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reuse", help="time again on a database an earlier run filled (PostgreSQL)")
    parser.add_argument("--signals", type=int, default=500_000, help="risk signals to seed (folded into warnings)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database for --reuse")
    args = parser.parse_args()
    database = fresh_database(args.reuse)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from grassroots.areas.models import Level, Region
    from grassroots.cases.models import Case
    from grassroots.cockpit import panels
    from grassroots.risk import forecasting, warning_rollup
    from grassroots.stats import rollups

    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"reusing {args.reuse}: cases and rollups as an earlier run left them")
    else:
        setup(args.cases)
    seed_risk(args.signals)
    start = time.perf_counter()
    built = rollups.rebuild()
    rows = f"{built['daily']:,} daily rows, {built['weekly']:,} weekly"
    print(f"rollup rebuild: {time.perf_counter() - start:.1f} s ({rows})")
    start = time.perf_counter()
    risk = warning_rollup.refresh()
    print(f"risk rollup refresh: {time.perf_counter() - start:.2f} s ({risk['rows']:,} region × domain rows)")
    if connection.vendor == "postgresql":  # planner statistics after the bulk loads, as autovacuum would gather
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}, cases: {Case.objects.count():,}")
    today = timezone.localdate()
    regions = {level: Region.objects.filter(level=level).order_by("code").first() for level in Level}
    builders = {
        "kpis": panels.kpis, "map": panels.map_data, "trend": panels.trend, "ticker": panels.ticker,
        "categories": panels.categories, "domains": panels.domains,
    }  # fmt: skip
    print(f"\n{'panel':<11}{'region':<10}{'rollup ms':>10}{'raw scan ms':>13}{'goal ms':>9}  verdict")
    worst = 0.0
    for level, region in regions.items():
        scans = raw_scans(region, today)
        for name, build in builders.items():
            ms = timed(lambda b=build, r=region: b(r))
            raw = f"{timed(scans[name], repeat=3):>13.1f}" if name in scans else f"{'—':>13}"
            worst = max(worst, ms)
            verdict = "met" if ms < GOAL_MS else "NOT MET"
            print(f"{name:<11}{level.label:<10}{ms:>10.1f}{raw}{GOAL_MS:>9.0f}  {verdict}")
    print(f"slowest panel: {worst:.1f} ms (goal < {GOAL_MS:.0f} ms: {'met' if worst < GOAL_MS else 'NOT MET'})")

    from grassroots.cases.intake import open_machine_case

    rollups.refresh()  # absorb the overlap window left by the rebuild
    centres = list(Region.objects.filter(level=Level.GRID).values_list("center_lng", "center_lat")[:200])
    start = time.perf_counter()
    for i in range(1000):  # through the real intake: numbering, routing, SLA, audit
        lng, lat = centres[i % len(centres)]
        open_machine_case(title="基准测试", description="楼道堆放杂物堵塞消防通道", category="fire_hazard",
                          lng=lng, lat=lat, source=f"bench-{i}")  # fmt: skip
    print(f"\n1,000 new cases through intake: {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    done = rollups.refresh()
    took = (time.perf_counter() - start) * 1000
    print(f"\nincremental refresh after ~1,000 new cases: {took:.0f} ms ({done['rows']} rows touched)")

    start = time.perf_counter()
    figures = forecasting.refresh()
    print(
        f"\nforecast backtest ({figures['series']} street × category series, {figures['origins']} origins, "
        f"horizon {figures['horizon']} weeks, {time.perf_counter() - start:.0f} s):\n"
        f"  Poisson GLM     MASE {figures['mase']:.3f}  MAPE {figures['mape']:.1f}%  "
        f"90% interval coverage {figures['coverage'] * 100:.1f}%\n"
        f"  seasonal naive  MASE {figures['naive_mase']:.3f}  MAPE {figures['naive_mape']:.1f}%\n"
        f"  ratio (model / naive MASE): {figures['mase'] / figures['naive_mase']:.2f} (goal < 1)"
    )
    finish(database, keep=args.keep or bool(args.reuse))


if __name__ == "__main__":
    main()
