"""The Django admin changes state only through services or with an audit entry; personal records are absent."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory

from grassroots.accounts import services as accounts
from grassroots.accounts.models import Department, User
from grassroots.areas.models import Region
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.cases.models import Case, Category
from grassroots.conftest import PASSWORD
from grassroots.open311.models import ApiKey
from grassroots.registry.models import House, Household, LegalPerson, Person, PersonChange, Tag


@pytest.fixture
def root(cast):
    return accounts.create_user(username="root", password=PASSWORD, is_superuser=True)


def admin_save(user, obj, **changes):
    """Save `obj` as the admin's change form would, with `changes` applied, through its ModelAdmin."""
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().post("/")
    request.user = user
    form_class = model_admin.get_form(request, obj, change=True)
    data = {k: v for k, v in model_to_dict(obj, fields=form_class.base_fields).items() if v is not None}
    form = form_class({**data, **changes}, instance=obj)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, True)
    return request


def last(event: AuditEvent) -> AuditEntry:
    return AuditEntry.objects.filter(event=event).order_by("-leaf_index").first()


@pytest.mark.parametrize("model", [Person, House, Household, LegalPerson, PersonChange, Case])
def test_personal_records_are_not_in_the_admin(cast, client, root, model):
    assert model not in admin.site._registry
    client.force_login(root)
    assert client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/").status_code == 404


def test_tag_and_category_edits_are_audited_with_field_names(cast, root):
    tag = Tag.objects.order_by("code").first()
    admin_save(root, tag, name="独居老人（重点）")
    entry = last(AuditEvent.CONFIG_CHANGED)
    assert (
        entry.actor == root
        and entry.target_id == str(tag.pk)
        and entry.extra == {"action": "changed", "fields": ["name"]}
    )
    category = Category.objects.order_by("code").first()
    admin_save(root, category, is_active=False)
    assert last(AuditEvent.CONFIG_CHANGED).extra["fields"] == ["is_active"]
    assert Category.objects.get(pk=category.pk).is_active is False


def test_a_region_is_saved_through_its_service_audited_and_never_deleted(cast, client, root):
    admin_save(root, Region.objects.get(code="G1"), population=1234)
    entry = last(AuditEvent.REGION_UPDATED)
    assert entry.actor == root and entry.extra["fields"] == ["population"]
    assert Region.objects.get(code="G1").path == cast.G1.path  # save_region kept the derived path
    client.force_login(root)
    assert client.post(f"/admin/areas/region/{cast.G1.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Region.objects.filter(pk=cast.G1.pk).exists()


def test_departments_keys_and_users_are_audited_too(cast, client, root):
    department = Department.objects.get(code="cgw")
    admin_save(root, department, name="区城市管理委员会")
    assert last(AuditEvent.CONFIG_CHANGED).target_type == "accounts.department"
    key = ApiKey.objects.create(name="12345 热线", key_hash="0" * 64)
    admin_save(root, key, is_active=False)
    assert last(AuditEvent.CONFIG_CHANGED).extra == {"action": "changed", "fields": ["is_active"]}
    user = User.objects.get(username="grid_g1")
    joined = {"date_joined_0": f"{user.date_joined:%Y-%m-%d}", "date_joined_1": f"{user.date_joined:%H:%M:%S}"}
    admin_save(root, user, is_active=False, **joined)  # the admin's split date-time widget
    entry = last(AuditEvent.CONFIG_CHANGED)
    assert entry.target_type == "accounts.user" and "is_active" in entry.extra["fields"]
    assert User.objects.get(pk=user.pk).is_active is False


def test_deleting_configuration_is_audited_before_the_row_goes(cast, client, root):
    client.force_login(root)
    tag = Tag.objects.create(code="matrix-tag", name="临时", applies_to="person")
    assert client.post(f"/admin/registry/tag/{tag.pk}/delete/", {"post": "yes"}).status_code == 302
    entry = last(AuditEvent.CONFIG_CHANGED)
    assert entry.extra["action"] == "deleted" and entry.target_id == str(tag.pk)


def test_the_audit_log_cannot_be_edited_in_the_admin(cast, client, root):
    client.force_login(root)
    entry = AuditEntry.objects.order_by("leaf_index").first()
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
