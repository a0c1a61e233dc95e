from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "grassroots.sharing"
    label = "sharing"
    verbose_name = _("数据共享与开放")

    def ready(self) -> None:
        from grassroots.sharing import topics

        topics.register()
