from django.contrib import admin

from grassroots.open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `grassroots open311 key create` (the key is shown once); here they are revoked."""

    list_display = ("name", "is_active", "created_at")
    fields = ("name", "is_active")
    readonly_fields = ("name",)

    def has_add_permission(self, request):
        return False
