"""The environment JSON API under /api/v1/environment/: each concern has its own router module."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["environment"])
router.add_router("", "grassroots.environment.lab_api.router")  # POST /lab-imports
