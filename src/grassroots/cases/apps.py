from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "grassroots.cases"
    label = "cases"
    verbose_name = _("事件办理")

    def ready(self) -> None:
        from grassroots.cases.notify import register_topics

        register_topics()
