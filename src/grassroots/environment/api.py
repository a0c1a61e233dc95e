"""The environment JSON API under /api/v1/environment/: each concern has its own router module."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["environment"])

from grassroots.environment.alert_api import router as alert_router  # noqa: E402

router.add_router("", alert_router)  # alerts, rules, maintenance tasks (alert_api.py)
