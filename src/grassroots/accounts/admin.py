from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from grassroots.accounts import services
from grassroots.accounts.models import Department, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("role", "region", "department")
    autocomplete_fields = ("region",)
    readonly_fields = ("role", "region", "department")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("显示名"), {"fields": ("display_name",)}),)
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "department", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "region__name")
    autocomplete_fields = ("user", "region")

    def save_model(self, request, obj, form, change):
        # Through the service, so the grant is scope-checked and audited.
        services.grant_membership(request.user, obj.user, role=obj.role, region=obj.region, department=obj.department)

    def delete_model(self, request, obj):
        services.revoke_membership(request.user, obj)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    search_fields = ("name", "code")
