"""The audit log in the admin (read-only), and the mixin every other admin's edits go through.

Records with services of their own (memberships, regions) call them from save_model/delete_model; the rest of
what the admin edits is configuration (tag vocabulary, case categories, departments, Open311 keys, users), which
AuditedMixin saves with an audit entry naming the changed fields, in the same transaction. Personal records
(people, cases) are not in the admin at all: it would show them unmasked and unaudited.
"""

from django.contrib import admin

from grassroots.audit.models import AuditEntry
from grassroots.core.admin_audit import AuditedAdmin, AuditedMixin

__all__ = ["AuditedAdmin", "AuditedMixin", "AuditEntryAdmin"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "event", "target_type", "target_id")
    list_filter = ("event", "target_type")
    search_fields = ("actor_label", "target_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
