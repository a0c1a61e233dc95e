from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "grassroots.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        # Apps below audit (accounts, areas) write their rows through the port in core.
        from grassroots.audit.services import record
        from grassroots.core import auditing

        auditing.install(record)
