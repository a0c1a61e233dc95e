"""The environment JSON API under /api/v1/environment/: each concern has its own router module."""

from __future__ import annotations

from ninja import Router

from grassroots.environment import alert_api, calc_api, ingest_api, lab_api, station_api

router = Router(tags=["environment"])
router.add_router("", ingest_api.router)  # /observations (ingest tokens) and /tokens
router.add_router("", lab_api.router)  # POST /lab-imports
router.add_router("", alert_api.router)  # alerts, rules, maintenance tasks (alert_api.py)
router.add_router("", calc_api.router)  # the standards calculators (calc_api.py)
router.add_router("", station_api.router)  # /stations: the station registry, standing and series
