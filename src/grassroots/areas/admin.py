from django.contrib import admin
from django.db import transaction

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_in_scope
from grassroots.areas.models import Region
from grassroots.core.admin_audit import AuditedAdmin
from grassroots.core.audit_events import AuditEvent


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    audit_event = AuditEvent.REGION_UPDATED

    list_display = ("name", "code", "level", "population", "households", "grid_worker", "is_demo")
    list_filter = ("level", "is_demo")
    search_fields = ("name", "code")
    readonly_fields = ("path", "parent", "level", "code", "geometry")
    fields = ("name", "code", "level", "parent", "path", "population", "households", "grid_worker", "geometry")
    autocomplete_fields = ("grid_worker",)

    def has_add_permission(self, request):
        return False  # regions come in through GeoJSON import, which checks the whole tree

    def has_delete_permission(self, request, obj=None):
        return False  # cases, people and houses hang off regions; the tree changes by import only

    def save_model(self, request, obj, form, change):
        """Through areas.services.save_region (paths, bounding boxes), by someone who may import regions over
        this one, audited with the fields changed."""
        from grassroots.areas import services  # services import the geometry stack; admin loads early

        with transaction.atomic():
            require_in_scope(request.user, Perm.IMPORT_REGIONS, obj.path)
            services.save_region(obj, geometry=None)
            self.audit(request, obj, "changed", list(form.changed_data))
