"""The environment JSON API under /api/v1/environment/: each concern has its own router module."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["environment"])

from grassroots.environment import calc_api  # noqa: E402  (each concern's router is mounted below)

router.add_router("", calc_api.router)
