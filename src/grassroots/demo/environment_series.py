"""Demo environment series (演示数据): real Beijing PM2.5 moved onto the demo's dates, the rest synthesised.

PM2.5 is the real 2014 hour of the same hour-of-year (so winter heating smog falls in winter), with the source's
gaps interpolated, then varied per station: a level factor, a lag of up to two hours and slow multiplicative
noise. The other pollutants are derived from it with the relations seen in Beijing's monitoring (see
docs/environment-data.md): PM10 over a PM2.5/PM10 ratio that drops in the dusty spring; NO2 and CO rising with
PM2.5 under stagnant air, NO2 with the two traffic peaks; SO2 low, doubled in the heating season; O3 high in
summer afternoons and suppressed under haze. None of these is a measurement.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from grassroots.environment.realdata import HOURS, beijing_pm25


def hour_of_year(times: list[datetime]) -> np.ndarray:
    """Index into the 2014 extract of each time, by its Beijing hour-of-year (29 February reuses the 28th)."""
    out = np.empty(len(times), dtype=np.int64)
    for i, t in enumerate(times):
        local = t.astimezone(beijing_pm25()[0][0].tzinfo)
        day = local.timetuple().tm_yday - 1
        if local.year % 4 == 0 and day >= 59:  # leap years: a day more than 2014 had
            day = max(58, day - 1)
        out[i] = (day * 24 + local.hour) % HOURS
    return out


def _filled_pm25() -> np.ndarray:
    values = np.array([np.nan if v is None else v for _, v in beijing_pm25()], dtype=float)
    gaps = np.isnan(values)
    index = np.arange(len(values))
    values[gaps] = np.interp(index[gaps], index[~gaps], values[~gaps])
    return values


def ar_noise(rng: np.random.Generator, n: int, sigma: float, phi: float = 0.85) -> np.ndarray:
    """Slow AR(1) noise with stationary standard deviation `sigma`."""
    shocks = rng.normal(0.0, sigma * np.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    level = rng.normal(0.0, sigma)
    for i in range(n):
        level = phi * level + shocks[i]
        out[i] = level
    return out


def local_hours(times: list[datetime]) -> tuple[np.ndarray, np.ndarray]:
    """(hour of day, day of year) in Beijing time."""
    tz = beijing_pm25()[0][0].tzinfo
    local = [t.astimezone(tz) for t in times]
    return np.array([t.hour for t in local]), np.array([t.timetuple().tm_yday for t in local])


def heating(doy: np.ndarray) -> np.ndarray:
    """1 in Beijing's heating season (15 November – 15 March), else 0."""
    return ((doy >= 319) | (doy <= 74)).astype(float)


def air(times: list[datetime], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The six HJ 633 pollutants for one station, hourly, in their canonical units (CO in mg/m³)."""
    n = len(times)
    base = _filled_pm25()
    lag = int(rng.integers(0, 3))
    index = (hour_of_year(times) - lag) % HOURS
    hour, doy = local_hours(times)
    level = rng.uniform(0.8, 1.2)
    pm25 = np.maximum(2.0, base[index] * level * np.exp(ar_noise(rng, n, 0.12)))
    spring = np.exp(-(((doy - 105) / 30.0) ** 2))  # dust season around mid-April
    ratio = np.clip(0.62 - 0.22 * spring + ar_noise(rng, n, 0.04), 0.3, 0.9)
    pm10 = pm25 / ratio
    traffic = 1 + 0.22 * np.cos(2 * np.pi * (hour - 8) / 12)  # peaks at 8:00 and 20:00
    no2 = np.clip((16 + 0.2 * pm25) * traffic * np.exp(ar_noise(rng, n, 0.15)), 3, 400)
    co = np.clip((0.3 + 0.011 * pm25) * (1 + 0.3 * heating(doy)) * np.exp(ar_noise(rng, n, 0.15)), 0.1, 15)
    so2 = np.clip((2.5 + 0.025 * pm25) * (1 + heating(doy)) * np.exp(ar_noise(rng, n, 0.25)), 1, 300)
    season = 30 + 110 * (0.5 + 0.5 * np.cos(2 * np.pi * (doy - 180) / 365))
    afternoon = 0.35 + 0.65 * np.exp(-(((hour - 15) / 4.0) ** 2))
    haze = 1 - np.minimum(0.75, pm25 / 300)
    o3 = np.clip(season * afternoon * haze * np.exp(ar_noise(rng, n, 0.2)), 2, 500)
    return {
        "pm25": np.round(pm25),
        "pm10": np.round(pm10),
        "so2": np.round(so2),
        "no2": np.round(no2),
        "co": np.round(co, 1),
        "o3": np.round(o3),
    }


def water(times: list[datetime], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A river section near GB 3838-2002 class III: daily samples, worse after summer rain."""
    n = len(times)
    _, doy = local_hours(times)
    summer = np.exp(-(((doy - 205) / 35.0) ** 2))  # the July–August rains wash in nutrients and organics
    return {
        "ph": np.round(np.clip(7.8 + ar_noise(rng, n, 0.2, 0.7), 6.5, 9.2), 2),
        "do": np.round(np.clip(9.5 - 3.5 * summer + ar_noise(rng, n, 0.6, 0.7), 2.5, 14), 2),
        "codmn": np.round(np.clip(4.0 + 1.8 * summer + ar_noise(rng, n, 0.6, 0.7), 1.0, 12), 1),
        "nh3n": np.round(np.clip(0.45 + 0.35 * summer + ar_noise(rng, n, 0.15, 0.7), 0.03, 3), 3),
        "tp": np.round(np.clip(0.11 + 0.08 * summer + ar_noise(rng, n, 0.03, 0.7), 0.01, 0.6), 3),
    }


NOISE_LEVELS = {"1": (52.0, 42.0), "2": (56.0, 46.0), "4a": (66.0, 54.0)}  # typical day, night Leq


def noise(times: list[datetime], rng: np.random.Generator, zone: str) -> dict[str, np.ndarray]:
    """Hourly Leq by functional zone; GB 3096-2008 day is 06:00–22:00, night 22:00–06:00."""
    hour, _ = local_hours(times)
    day, night = NOISE_LEVELS[zone]
    level = np.where((hour >= 6) & (hour < 22), day, night)
    return {"leq": np.round(level + ar_noise(rng, len(times), 2.0, 0.6), 1)}


SOIL = {"soil_ph": 7.9, "cd": 0.18, "hg": 0.12, "as": 10.0, "pb": 28.0, "cr": 62.0, "cu": 26.0, "ni": 27.0, "zn": 85.0}


def soil(times: list[datetime], rng: np.random.Generator, cadmium: float = 1.0) -> dict[str, np.ndarray]:
    """A few samples of an urban site, mostly below the GB 15618-2018 screening values; `cadmium` scales Cd."""
    out = {}
    for code, typical in SOIL.items():
        spread = 0.15 if code == "soil_ph" else typical * 0.12
        values = typical * (cadmium if code == "cd" else 1.0) + rng.normal(0, spread, len(times))
        out[code] = np.round(np.maximum(values, 0.01), 2 if code != "hg" else 3)
    return out


def discharge(times: list[datetime], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A small works' outlet: flow in working hours, COD around 60 mg/L with occasional spikes."""
    hour, _ = local_hours(times)
    working = (hour >= 8) & (hour < 18)
    n = len(times)
    flow = np.where(working, 12.0, 2.0) * np.exp(ar_noise(rng, n, 0.15, 0.6))
    cod = 60 * np.exp(ar_noise(rng, n, 0.15, 0.8))
    spikes = rng.random(n) < 0.002
    cod[spikes] *= rng.uniform(2.0, 3.5, int(spikes.sum()))
    return {"flow": np.round(flow, 2), "cod": np.round(cod, 1)}


def hourly(end: datetime, hours: int) -> list[datetime]:
    return [end - timedelta(hours=hours - 1 - i) for i in range(hours)]


def daily(end: datetime, days: int, hour: int = 10) -> list[datetime]:
    """One sampling time a day at `hour` Beijing time, the last one not after `end`."""
    tz = beijing_pm25()[0][0].tzinfo
    last = end.astimezone(tz).replace(hour=hour, minute=0, second=0, microsecond=0)
    if last > end:
        last -= timedelta(days=1)
    return [last - timedelta(days=days - 1 - i) for i in range(days)]
