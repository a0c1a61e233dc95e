"""Grid features for the drivers model (路径): who lives there, how they live, what businesses are there."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Count, Q
from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.registry.models import House, LegalPerson, Person, PersonStatus

# Feature → (中文, English) and the unit a coefficient is read in (shares per 10 percentage points).
FEATURES = {
    "rental_share": (("出租房占比", "rental share"), 0.1),
    "elderly_share": (("60 岁以上人口占比", "share of residents aged 60+"), 0.1),
    "catering_per_1000": (("每千人餐饮单位数", "restaurants per 1,000 residents"), 1.0),
    "retail_per_1000": (("每千人零售单位数", "shops per 1,000 residents"), 1.0),
}


def grid_features(today: dt.date | None = None) -> pd.DataFrame:
    """One row per grid with people: population (registered persons) and the features above."""
    today = today or timezone.localdate()
    born_before = today.replace(year=today.year - 60)
    people = {
        row["region_id"]: row
        for row in Person.objects.filter(status=PersonStatus.ACTIVE)  # moved out or died: not residents
        .order_by()
        .values("region_id")
        .annotate(population=Count("id"), elderly=Count("id", filter=Q(birth_date__lte=born_before)))
    }
    houses = {
        row["region_id"]: row
        for row in House.objects.order_by()
        .values("region_id")
        .annotate(houses=Count("id"), rentals=Count("id", filter=Q(is_rental=True)))
    }
    firms = {
        row["region_id"]: row
        for row in LegalPerson.objects.order_by()
        .values("region_id")
        .annotate(catering=Count("id", filter=Q(industry="H")), retail=Count("id", filter=Q(industry="F")))
    }
    rows = []
    for grid_id, code, name in Region.objects.filter(level=Level.GRID).values_list("id", "code", "name"):
        population = people.get(grid_id, {}).get("population", 0)
        if population == 0:
            continue
        house = houses.get(grid_id, {"houses": 0, "rentals": 0})
        firm = firms.get(grid_id, {"catering": 0, "retail": 0})
        rows.append(
            {
                "grid_id": grid_id,
                "code": code,
                "name": name,
                "population": population,
                "rental_share": house["rentals"] / house["houses"] if house["houses"] else 0.0,
                "elderly_share": people[grid_id]["elderly"] / population,
                "catering_per_1000": 1000 * firm["catering"] / population,
                "retail_per_1000": 1000 * firm["retail"] / population,
            }
        )
    return pd.DataFrame(rows).set_index("grid_id") if rows else pd.DataFrame()
