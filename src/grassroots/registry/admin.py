"""Only the tag vocabulary is edited in the admin, audited (audit/admin.py). People, houses, households and
legal persons are deliberately absent: the admin would show decrypted personal data without masking or audit,
and edit it past the registry's services; staff use the registry pages instead (docs/registry.md)."""

from django.contrib import admin

from grassroots.core.admin_audit import AuditedAdmin
from grassroots.registry.models import Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ("name", "code", "applies_to", "description")
    list_filter = ("applies_to",)
