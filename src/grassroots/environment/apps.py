from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "grassroots.environment"
    label = "environment"
    verbose_name = _("生态环境监测")

    def ready(self) -> None:
        from grassroots.environment import aggregates

        aggregates.register()  # the hourly and daily aggregates join stats' rollup job
        from grassroots.environment import rules

        rules.register()  # the warning rules run after each ingested batch; alert topics for notifications
