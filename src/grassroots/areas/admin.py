from django.contrib import admin

from grassroots.areas.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "population", "households", "grid_worker", "is_demo")
    list_filter = ("level", "is_demo")
    search_fields = ("name", "code")
    readonly_fields = ("path", "parent", "level", "code", "geometry")
    fields = ("name", "code", "level", "parent", "path", "population", "households", "grid_worker", "geometry")
    autocomplete_fields = ("grid_worker",)

    def has_add_permission(self, request):
        return False  # regions come in through GeoJSON import, which checks the whole tree

    def save_model(self, request, obj, form, change):
        from grassroots.areas import services  # services import the geometry stack; admin loads early

        services.save_region(obj, geometry=None)
