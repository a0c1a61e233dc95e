"""grassroots — 基层智慧治理平台."""

from grassroots.celery import app as celery_app

__all__ = ["celery_app"]
