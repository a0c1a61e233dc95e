"""The category tree is configured here (names, anonymity, public space, active). Cases themselves are handled on the
workbench, through the services, never edited in the admin. Category edits are audited (audit/admin.py)."""

from django.contrib import admin

from grassroots.cases.models import Category
from grassroots.core.admin_audit import AuditedAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("name", "code", "parent", "allow_anonymous", "public_space", "is_active")
    list_filter = ("parent", "allow_anonymous", "public_space", "is_active")
    search_fields = ("name", "code")
