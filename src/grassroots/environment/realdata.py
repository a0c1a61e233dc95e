"""The committed real data: Beijing hourly PM2.5 for 2014 (UCI "Beijing PM2.5 Data", CC BY 4.0; data/SOURCE.md).

Read by `grassroots env_replay` and by the demo, which derives its stations' year from it.
"""

from __future__ import annotations

import csv
from datetime import datetime
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
BEIJING_PM25 = DATA_DIR / "beijing_pm25_2014.csv"
HOURS = 8760  # 2014 has no 29 February
SOURCE = "beijing_pm25_2014"


@lru_cache(maxsize=1)
def beijing_pm25() -> tuple[tuple[datetime, float | None], ...]:
    """Every hour of 2014 in order, as (aware time in +08:00, µg/m³ or None where the source has NA)."""
    with BEIJING_PM25.open(newline="", encoding="utf-8") as f:
        rows = tuple(
            (datetime.fromisoformat(r["time"]), float(r["pm25"]) if r["pm25"] else None) for r in csv.DictReader(f)
        )
    if len(rows) != HOURS:
        raise ValueError(f"{BEIJING_PM25.name}: {len(rows)} rows, expected {HOURS}")
    return rows
