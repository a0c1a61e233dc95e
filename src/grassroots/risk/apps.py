from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "grassroots.risk"
    verbose_name = _("风险预警")

    def ready(self) -> None:
        from grassroots.risk import delivery, warning_rollup

        warning_rollup.register()
        delivery.register_topics()
