"""Access-matrix entries of the standards calculators (environment/calc_api.py): open to every signed-in user,
residents included, since they read no record and change nothing; anonymous callers get 401 (the default)."""

from __future__ import annotations

from grassroots.access.entry import Entry, signed_in

PREFIX = "api POST /api/v1/environment"

ENTRIES: dict[str, Entry] = {
    f"{PREFIX}/aqi": Entry(
        signed_in(), body={"standard": "HJ633-2026", "kind": "daily", "concentrations": {"pm25": 68, "o3_8h": 172}}
    ),
    f"{PREFIX}/water-class": Entry(signed_in(), body={"water_body": "river", "parameters": {"nh3n": 0.6}}),
    f"{PREFIX}/noise": Entry(signed_in(), body={"zone_class": "1", "period": "night", "leq": 47.3}),
    f"{PREFIX}/soil": Entry(signed_in(), body={"ph": 6.5, "land_use": "paddy", "metals": {"cd": 0.5}}),
}
