"""Access-matrix entries of the station pages and API, the citizen-supervision page and the station reports."""

from __future__ import annotations

from grassroots.access.entry import Entry, page, public
from grassroots.access.rules import FORM, WRITE, by_perm, record
from grassroots.accounts.roles import Perm

VIEW, MANAGE = Perm.VIEW_ENVIRONMENT, Perm.MANAGE_ENVIRONMENT
# A valid body, so that the permission and scope checks, not the body's shape, decide (in G1, 甲街道).
STATION = {"name": "新空气站", "kind": "air", "lng": 116.32, "lat": 39.85}
STREAM = {"aggregation": "hourly_mean", "interval_minutes": 60}

ENTRIES: dict[str, Entry] = {
    # Staff: the map and list and a station's page in one's area; creating and editing with MANAGE_ENVIRONMENT.
    "page GET environment:stations": page(by_perm(VIEW)),
    "page GET environment:station": page(record(VIEW)),
    "page GET environment:station_new": page(by_perm(MANAGE)),
    "page POST environment:station_new": page(by_perm(MANAGE, FORM)),  # the empty form comes back with its errors
    "page GET environment:station_edit": page(record(MANAGE)),
    "page POST environment:station_edit": page(record(MANAGE, allowed=FORM)),
    "page GET environment:station_streams": page(record(MANAGE)),
    "page POST environment:station_streams": page(
        record(MANAGE, allowed=FORM),
        body={"property_code": "pm10", "aggregation": "hourly_mean", "interval_minutes": 60},
    ),
    "api POST /api/v1/environment/stations/{station_id}/datastreams": Entry(
        record(MANAGE, allowed=WRITE), body={"property": "pm10", **STREAM}
    ),
    "api GET /api/v1/environment/stations": Entry(by_perm(VIEW)),
    "api POST /api/v1/environment/stations": Entry(by_perm(MANAGE, WRITE), body={"code": "aq-new", **STATION}),
    "api GET /api/v1/environment/stations/{station_id}": Entry(record(VIEW)),
    "api PUT /api/v1/environment/stations/{station_id}": Entry(
        record(MANAGE, allowed=WRITE), body={"version": 1, **STATION}
    ),
    "api GET /api/v1/environment/stations/{station_id}/series": Entry(record(VIEW), query={"property": "pm25"}),
    # Citizen supervision: ambient air and water quality is public, for anyone, signed in or not.
    "page GET portal:environment": public(),
}
