"""`grassroots beat`: run the periodic jobs (CELERY_BEAT_SCHEDULE) on one machine with no broker.

With a broker configured, run Celery's own `celery -A grassroots worker -B` instead. Without one, tasks run
eagerly, so nothing would ever run the schedule: this command runs Celery beat itself over kombu's in-memory
transport, and each due task executes eagerly in this process. `make run` starts it beside the web server.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Run the periodic jobs in-process (SLA checks, rollups, risk, audit checkpoints) when no broker is set"

    def add_arguments(self, parser):
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--max-interval", type=float, default=30.0, help="longest sleep between checks (s)")

    def handle(self, *args, loglevel: str, max_interval: float, **options):
        if settings.CELERY_BROKER_URL:
            raise CommandError(_("已配置 CELERY_BROKER_URL，请改为运行 celery -A grassroots worker -B"))
        from celery.apps.beat import Beat

        from grassroots.celery import app

        app.conf.broker_url = "memory://"  # beat needs a transport to start; eager tasks never use it
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        schedule = settings.VAR_DIR / "celerybeat-schedule"
        Beat(app=app, schedule=str(schedule), loglevel=loglevel, max_interval=max_interval).run()
