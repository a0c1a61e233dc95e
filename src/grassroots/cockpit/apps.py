from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "grassroots.cockpit"
    verbose_name = _("数字驾驶舱")
