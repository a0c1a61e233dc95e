from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "grassroots.registry"
    label = "registry"
    verbose_name = _("人房法人基础信息")

    def ready(self) -> None:
        # The region pages (areas, a lower layer) show the registry's per-child counts through this hook.
        from grassroots.areas import summaries
        from grassroots.registry.queries import counts_for

        summaries.register(counts_for)
