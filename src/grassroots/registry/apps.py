from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "grassroots.registry"
    label = "registry"
    verbose_name = _("人房法人基础信息")
