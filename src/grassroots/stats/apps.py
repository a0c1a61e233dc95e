from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "grassroots.stats"
    verbose_name = _("统计汇总")

    def ready(self) -> None:
        # The case rollup is registered here: the cases app sits below stats and cannot reach the registry.
        from grassroots.stats import registry, rollups

        registry.register_rollup(rollups.STATE, rollups.refresh, rebuild=rollups.rebuild)
