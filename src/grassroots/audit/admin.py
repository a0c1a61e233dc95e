"""The audit log in the admin (read-only), and the mixin every other admin's edits go through.

Records with services of their own (memberships, regions) call them from save_model/delete_model; the rest of
what the admin edits is configuration (tag vocabulary, case categories, departments, Open311 keys, users), which
AuditedMixin saves with an audit entry naming the changed fields, in the same transaction. Personal records
(people, cases) are not in the admin at all: it would show them unmasked and unaudited.
"""

from django.contrib import admin
from django.db import transaction

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.audit.services import record


class AuditedMixin:
    """save_model / delete_model with an audit entry (CONFIG_CHANGED, field names only) in one transaction."""

    audit_event = AuditEvent.CONFIG_CHANGED

    def audit(self, request, obj, action: str, fields: list[str]) -> None:
        record(actor=request.user, event=self.audit_event, target=obj, extra={"action": action, "fields": fields})

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self.audit(request, obj, "changed" if change else "added", list(form.changed_data))

    def delete_model(self, request, obj):
        with transaction.atomic():
            self.audit(request, obj, "deleted", [])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # "delete selected": one audited deletion each
            for obj in queryset:
                self.delete_model(request, obj)


class AuditedAdmin(AuditedMixin, admin.ModelAdmin):
    pass


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
