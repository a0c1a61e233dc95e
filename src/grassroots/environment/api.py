"""The environment JSON API under /api/v1/environment/: each concern has its own router module."""

from __future__ import annotations

from ninja import Router

from grassroots.environment import ingest_api

router = Router(tags=["environment"])
router.add_router("", ingest_api.router)  # /observations (ingest tokens) and /tokens
router.add_router("", "grassroots.environment.lab_api.router")  # POST /lab-imports
router.add_router("", "grassroots.environment.calc_api.router")  # POST /aqi, /water-class, /noise, /soil
