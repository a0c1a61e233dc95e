"""The rollups moved from the cockpit app to stats: an existing database keeps its rows (and the case
rollup its watermark, so the next refresh is incremental, not a rebuild), and the move can be undone.

Runs on SQLite here; with DATABASE_URL set it runs the same way on PostgreSQL.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from grassroots.conftest import TERRITORY
from grassroots.stats import rollups
from grassroots.stats.models import CategoryWeek, DailyStat, DomainStat, RollupState

BEFORE = [("cockpit", "0002_domainstat"), ("stats", None)]  # the schema before the move
TABLES = ("rollupstate", "dailystat", "categoryweek", "domainstat")


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def tables(app: str) -> set[str]:
    names = set(connection.introspection.table_names())
    return {t for t in TABLES if f"{app}_{t}" in names}


def seed_old(apps, region_ids: dict[str, int], category_id: int, at: dt.datetime) -> None:
    apps.get_model("cockpit", "RollupState").objects.create(name="cases", watermark=at, refreshed_at=at, rows=4)
    daily = apps.get_model("cockpit", "DailyStat")
    day = timezone.localdate(at)
    for code, parent, received in (("G1", "C1", 3), ("C1", "S1", 3), ("S1", "D", 3), ("D", None, 3)):
        daily.objects.create(
            region_id=region_ids[code], parent_id=region_ids.get(parent), day=day, received=received, closed=1
        )
    apps.get_model("cockpit", "CategoryWeek").objects.create(
        region_id=region_ids["G1"], category_id=category_id, week=rollups.week_of(day), received=3
    )
    apps.get_model("cockpit", "DomainStat").objects.create(
        region_id=region_ids["D"], parent_id=None, domain="environment", open=2, top_level=3, recent=2
    )


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_its_rollups_through_the_move_and_back():
    from grassroots.areas import services as areas
    from grassroots.areas.models import Region
    from grassroots.cases.models import Category

    areas.import_regions(None, TERRITORY)
    ids = dict(Region.objects.values_list("code", "pk"))
    if not Category.objects.exists():  # a browser test's flush may have removed the seeded categories
        from grassroots.cases.defaults import seed
        from grassroots.cases.models import ResponsibilityRule

        seed(Category, ResponsibilityRule)
    category = Category.objects.order_by("pk").first()
    at = timezone.now() - dt.timedelta(minutes=3)
    try:
        old = migrate(BEFORE).loader.project_state([BEFORE[0]]).apps
        assert tables("cockpit") == set(TABLES) and tables("stats") == set()
        seed_old(old, ids, category.pk, at)

        migrate()
        assert tables("cockpit") == set() and tables("stats") == set(TABLES)
        state = RollupState.objects.get(name="cases")
        assert (state.watermark, state.rows) == (at, 4)
        rows = {(r.region_id, r.parent_id, r.received, r.closed) for r in DailyStat.objects.all()}
        assert rows == {(ids["G1"], ids["C1"], 3, 1), (ids["C1"], ids["S1"], 3, 1), (ids["S1"], ids["D"], 3, 1),
                        (ids["D"], None, 3, 1)}  # fmt: skip
        assert CategoryWeek.objects.get().received == 3 and CategoryWeek.objects.get().category_id == category.pk
        env = DomainStat.objects.get()
        assert (env.region_id, env.domain, env.open, env.top_level, env.recent) == (ids["D"], "environment", 2, 3, 2)
        new = DailyStat.objects.create(region_id=ids["G2"], parent_id=ids["C1"], day=timezone.localdate())
        assert new.pk not in {r.pk for r in DailyStat.objects.exclude(pk=new.pk)}  # the id sequence moved on
        assert "days" in rollups.refresh()  # incremental from the kept watermark, not a rebuild

        old = migrate(BEFORE).loader.project_state([BEFORE[0]]).apps
        assert tables("stats") == set() and old.get_model("cockpit", "DailyStat").objects.count() == 5
        assert old.get_model("cockpit", "DomainStat").objects.get().open == 2
    finally:
        migrate()
    assert tables("stats") == set(TABLES)


@pytest.mark.django_db
def test_a_fresh_database_has_only_the_stats_tables():
    assert tables("cockpit") == set() and tables("stats") == set(TABLES)
