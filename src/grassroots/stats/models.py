"""Pre-computed rollups behind the cockpit and the risk analytics (stats/rollups.py, and the rollups the
domain apps register in stats/registry.py).

Every row exists for a region at every level (grid, community, street, district), so a panel for any
region reads a few dozen rows by index instead of scanning cases. The tables moved here from the cockpit
app (cockpit migrations 0003 and 0004 copy the rows and drop the old tables); the constraint names differ
from the old ones because both tables exist while the rows are copied.
"""

from django.db import models


class DailyStat(models.Model):
    """Outcomes per region and local day. Received counts by day of receipt; closure counts by day of closure."""

    region = models.ForeignKey("areas.Region", on_delete=models.CASCADE, related_name="+")
    parent_id = models.BigIntegerField(null=True)  # the region's parent, for "children of" panels without a join
    day = models.DateField()
    received = models.PositiveIntegerField(default=0)
    received_closed = models.PositiveIntegerField(default=0)  # of those received that day, closed by now
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)  # closed as resolved and confirmed by the resident
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="stats_dailystat_region_day_uniq")]
        indexes = [models.Index(fields=["parent_id", "day"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}"


class CategoryWeek(models.Model):
    """Cases received per region, category and ISO week (Monday), for top categories, trends and forecasts."""

    region = models.ForeignKey("areas.Region", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("cases.Category", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    received = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "week"], name="stats_categoryweek_key_uniq")
        ]
        indexes = [models.Index(fields=["region", "week"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.category_id} {self.week}"


class RollupState(models.Model):
    """Where the incremental refresh stands. Its row is locked while a refresh runs."""

    name = models.CharField(max_length=40, primary_key=True)
    watermark = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.name


class DomainStat(models.Model):
    """Warnings per region (at every level) and risk domain, for the cockpit's risk panels and tiles.

    Written by stats.services.write_domain_stats from what the risk app computes (risk/warning_rollup.py).

    A row for a root region exists for every domain that has ever sent a signal: that is how a panel knows
    "no data yet" without reading the signals table.
    """

    region = models.ForeignKey("areas.Region", on_delete=models.CASCADE, related_name="+")
    parent_id = models.BigIntegerField(null=True)
    domain = models.CharField(max_length=20)
    open = models.PositiveIntegerField(default=0)  # open or acknowledged warnings in the subtree
    top_level = models.PositiveSmallIntegerField(default=0)  # highest current level of the subtree's scores
    recent = models.PositiveIntegerField(default=0)  # warnings first seen in the window
    recent_closed = models.PositiveIntegerField(default=0)  # of those, closed with a disposition

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "domain"], name="stats_domainstat_region_domain_uniq")
        ]
        indexes = [models.Index(fields=["parent_id", "domain"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.domain}"
