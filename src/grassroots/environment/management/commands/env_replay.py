"""`grassroots env_replay`: replay the real Beijing PM2.5 hours of 2014 into stations, through ingest().

Hour i of the extract is stamped `start + i hours` and written to each station's pm25 stream. In real time one
hour goes in every 3600/speed seconds (--speed 3600: an hour a second); with --fast everything goes at once in
batches. The default start is the latest one that never stamps a reading in the future: the current hour for
--speed 1, else far enough back that the replay ends at the current hour. Hours the source lacks (NA) are
skipped, as a real gap would be.
"""

from __future__ import annotations

import time as clock
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.environment.ingest import Reading, ingest
from grassroots.environment.models import Datastream, Station, StationKind
from grassroots.environment.realdata import SOURCE, beijing_pm25

UNIT = "µg/m³"


class Command(BaseCommand):
    help = "Replay Beijing hourly PM2.5 (2014, UCI, CC BY 4.0) into stations' pm25 streams, live or fast-forward."

    def add_arguments(self, parser):
        parser.add_argument(
            "--station", action="append", default=[], help="station code (repeat; default: demo air stations)"
        )
        parser.add_argument("--start", help="the time the first hour is stamped with (ISO 8601; local if no offset)")
        parser.add_argument("--limit", type=int, default=None, help="replay only this many hours")
        parser.add_argument(
            "--speed", type=float, default=1.0, help="hours replayed per real hour (3600: one a second)"
        )
        parser.add_argument("--fast", action="store_true", help="everything at once, in batches")
        parser.add_argument("--batch", type=int, default=5000, help="readings per ingest() call with --fast")

    def handle(self, *args, station, start, limit, speed, fast, batch, **options):
        if speed <= 0 or batch <= 0 or (limit is not None and limit <= 0):
            raise CommandError(_("--speed、--batch 和 --limit 须为正数"))
        stations = _stations(station)
        hours = beijing_pm25()[:limit] if limit else beijing_pm25()
        first = _start(start, len(hours), float("inf") if fast else speed)
        plan = [(first + timedelta(hours=i), value) for i, (_, value) in enumerate(hours)]
        names = ", ".join(s.code for s in stations)
        self.stdout.write(
            _("回放 %(n)s 小时到 %(stations)s，自 %(start)s")
            % {"n": len(plan), "stations": names, "start": first.isoformat()}
        )
        totals = self._fast(stations, plan, batch) if fast else self._live(stations, plan, speed)
        self.stdout.write(
            self.style.SUCCESS(_("完成：写入 %(accepted)s，重复 %(duplicates)s，错误 %(errors)s") % totals)
        )

    def _send(self, stations, slots, totals: dict) -> None:
        readings = [
            Reading(station=s.code, property="pm25", time=t, value=v, unit=UNIT)
            for t, v in slots
            if v is not None
            for s in stations
        ]
        if not readings:
            return
        result = ingest(readings, allowed_stations={s.pk for s in stations}, source=f"replay:{SOURCE}")
        totals["accepted"] += result.accepted
        totals["duplicates"] += result.duplicates
        totals["errors"] += len(result.errors)
        for error in result.errors[:3]:
            reading = readings[error.index]
            self.stderr.write(f"{reading.station} {reading.time.isoformat()}: {error.code} {error.message}")

    def _fast(self, stations, plan, batch: int) -> dict:
        totals = {"accepted": 0, "duplicates": 0, "errors": 0}
        step = max(1, batch // len(stations))
        began = clock.monotonic()
        for i in range(0, len(plan), step):
            self._send(stations, plan[i : i + step], totals)
        seconds = max(clock.monotonic() - began, 1e-9)
        self.stdout.write(
            _("%(n)s 条，%(s).1f 秒（%(rate).0f 条/秒）")
            % {"n": totals["accepted"], "s": seconds, "rate": totals["accepted"] / seconds}
        )
        return totals

    def _live(self, stations, plan, speed: float) -> dict:
        totals = {"accepted": 0, "duplicates": 0, "errors": 0}
        interval = 3600.0 / speed
        every = max(1, int(1.0 / interval))  # a progress line about once a second at most
        began = clock.monotonic()
        try:
            for i, slot in enumerate(plan):
                clock.sleep(max(0.0, began + i * interval - clock.monotonic()))
                self._send(stations, [slot], totals)
                if i % every == 0:
                    self.stdout.write(f"{slot[0].isoformat()} pm25={'—' if slot[1] is None else f'{slot[1]:g}'}")
        except KeyboardInterrupt:
            self.stdout.write(_("已中断"))
        return totals


def _stations(codes: list[str]) -> list[Station]:
    """The named stations, each needing a pm25 stream; by default every active demo air station."""
    streams = Datastream.objects.filter(property__code="pm25", station__active=True).select_related("station")
    if codes:
        wanted = [c.strip() for code in codes for c in code.split(",") if c.strip()]
        found = {d.station.code: d.station for d in streams.filter(station__code__in=wanted)}
        missing = [c for c in wanted if c not in found]
        if missing:
            raise CommandError(_("没有这些站点或其无 PM2.5 数据流：%(codes)s") % {"codes": ", ".join(missing)})
        return [found[c] for c in dict.fromkeys(wanted)]
    stations = [
        d.station
        for d in streams.filter(station__is_demo=True, station__kind=StationKind.AIR).order_by("station__code")
    ]
    if not stations:
        raise CommandError(_("没有演示空气站：先运行 grassroots demo，或用 --station 指定站点"))
    return stations


def _start(text: str | None, hours: int, speed: float) -> datetime:
    """The given start, or the latest start whose last reading, when it is sent, is not in the future."""
    if text:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(_("--start 无法识别：%(value)s") % {"value": text}) from None
        return moment if moment.tzinfo else timezone.make_aware(moment)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    lag = (hours - 1) * (1.0 - 1.0 / speed)  # hours the stamps run ahead of the wall clock over the replay
    return now - timedelta(hours=int(lag + 0.999999))
