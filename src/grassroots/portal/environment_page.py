"""Citizen supervision (公众监督): the residents' environment page, and a report about a station.

The page lists each public station's current AQI (HJ 633 real-time, with its colour and category) or water
class (GB 3838-2002) and draws them on the district map; the list is the accessible equal of the map and comes
first. A resident reporting about a station gets the portal's report form with the station filled in: its
place as the location, its code and name in the report, and an environment category.
"""

from __future__ import annotations

from django.utils import timezone

from grassroots.areas.models import Level, Region
from grassroots.cases.models import Category
from grassroots.environment import current
from grassroots.environment.alerts import CASE_CATEGORY
from grassroots.environment.models import Station, StationKind
from grassroots.environment.standards import aqi, water
from grassroots.portal import environment_map

# The report category per station kind: the environment leaves of the default tree (cases/defaults.py 环境卫生),
# as the alerts' cases use them. Air has no leaf of its own; cooking fumes are what residents most often report
# about city air, and a soil site is reported as the neglected spot residents see.
CATEGORY = {**CASE_CATEGORY, StationKind.AIR: "cooking_fumes", StationKind.SOIL: "dirty_spots"}
ENVIRONMENT_PARENT = "sanitation"


def context() -> dict:
    rows = current.public_standing()
    streets = Region.objects.filter(level=Level.STREET, geometry__isnull=False).order_by("code")
    if not streets.exists():
        streets = Region.objects.filter(level=Level.DISTRICT, geometry__isnull=False).order_by("code")
    drawing = environment_map.draw(
        [(r.name, r.geometry) for r in streets[:200]], [(n.station.lng, n.station.lat) for n in rows]
    )
    points = list(zip(rows, drawing.markers, strict=True)) if drawing else []
    newest = max((n.at for n in rows if n.at), default=None)
    return {
        "rows": rows,
        "drawing": drawing,
        "points": points,
        "newest": newest,
        "checked_at": timezone.now(),
        "aqi_levels": [(upper, category, colour.hex) for upper, _name, category, colour in aqi.LEVELS],
        "water_classes": [(water.CLASS_NAMES[c], current.WATER_COLOURS[c]) for c in water.CLASSES],
        "standard": current.aqi_standard(),
    }


def station_for_report(code: str | None) -> Station | None:
    """The active station a report is about, by its public code; anything else is a report about no station."""
    if not code:
        return None
    return Station.objects.filter(code=code[:40], active=True).select_related("region").first()


def report_initial(station: Station) -> dict:
    return {"lng": station.lng, "lat": station.lat, "category": _category(station), "address": _place(station)}


def with_station(post, station: Station):
    """The posted report with the station's place as its location and its code and name in the address; the
    category stays the resident's choice and defaults to the station kind's environment category."""
    data = post.copy()
    data["lng"], data["lat"], data["door_number"] = str(station.lng), str(station.lat), ""
    data["address"] = _place(station)
    if not data.get("category"):
        data["category"] = _category(station)
    return data


def environment_categories() -> list[Category]:
    return list(Category.objects.filter(parent__code=ENVIRONMENT_PARENT, is_active=True).order_by("code"))


def _category(station: Station) -> str:
    code = CATEGORY.get(station.kind, "")
    return code if Category.objects.filter(code=code, is_active=True).exists() else ""


def _place(station: Station) -> str:
    return f"监测站点 {station.name}（{station.code}）"[:200]
