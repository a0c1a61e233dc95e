from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notices, e-mail and signed webhooks for every app; topics are registered by the apps above."""

    name = "grassroots.notifications"
    label = "notifications"
    verbose_name = _("通知")
