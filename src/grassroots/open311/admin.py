from django.contrib import admin

from grassroots.core.admin_audit import AuditedAdmin
from grassroots.open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdmin):
    """Keys are issued with `grassroots open311 key create` (the key is shown once); here they are revoked, audited."""

    list_display = ("name", "is_active", "created_at")
    fields = ("name", "is_active")
    readonly_fields = ("name",)

    def has_add_permission(self, request):
        return False
