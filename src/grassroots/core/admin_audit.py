"""Audited admin edits, for every app's admin: apps below audit (accounts, areas) use it too.

Configuration that the admin edits (tag vocabulary, case categories, departments, Open311 keys, users) is saved
with an audit entry naming the changed fields, in the same transaction, through the core audit port.
"""

from django.contrib import admin
from django.db import transaction

from grassroots.core.audit_events import AuditEvent
from grassroots.core.auditing import record


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
