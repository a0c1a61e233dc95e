"""Human-readable case numbers: GR + local date + a per-day sequence, e.g. GR20261124-000123."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from grassroots.cases.models import DayCounter


def next_number(moment: dt.datetime) -> str:
    """Call inside the intake transaction: the counter row stays locked until it commits."""
    assert transaction.get_connection().in_atomic_block
    day = timezone.localtime(moment).strftime("%Y%m%d")
    DayCounter.objects.get_or_create(day=day)
    DayCounter.objects.filter(day=day).update(last=F("last") + 1)
    last = DayCounter.objects.select_for_update().get(day=day).last
    return f"GR{day}-{last:06d}"
