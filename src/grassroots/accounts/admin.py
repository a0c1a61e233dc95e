from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from grassroots.accounts import services
from grassroots.accounts.models import Department, Membership, User
from grassroots.core.admin_audit import AuditedAdmin, AuditedMixin


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
class UserAdmin(AuditedMixin, BaseUserAdmin):
    """Edits are audited (field names only); memberships are granted on their own page, through the service."""

    fieldsets = BaseUserAdmin.fieldsets + ((_("显示名"), {"fields": ("display_name",)}),)
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")
    inlines = [MembershipInline]

    def user_change_password(self, request, id, form_url=""):
        """Django's own password form saves without save_model: audit it here, in the same transaction."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:  # the form was valid and saved
                self.audit(request, self.get_object(request, id), "password_changed", ["password"])
        return response


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "department", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "region__name")
    autocomplete_fields = ("user", "region")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        """Through the services, so every grant is scope-checked and audited. An edit of the role, region,
        department or user is a revocation of the old grant and a grant of the new one, in one transaction:
        saving the form directly would bypass the audit, granting alone would leave the old grant in force."""
        if change and not form.changed_data:
            return
        if change:
            services.revoke_membership(request.user, Membership.objects.select_related("region", "user").get(pk=obj.pk))
        granted = services.grant_membership(
            request.user, obj.user, role=obj.role, region=obj.region, department=obj.department
        )
        obj.pk = granted.pk  # the admin's redirect and message name the grant now in force

    def delete_model(self, request, obj):
        services.revoke_membership(request.user, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the bulk "delete selected" action, one audited revocation each
            for membership in queryset.select_related("region", "user"):
                services.revoke_membership(request.user, membership)


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "code", "region")
    search_fields = ("name", "code")
