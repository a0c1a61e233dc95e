"""The Django admin changes memberships only through the account services, so every change is audited."""

from __future__ import annotations

import pytest

from grassroots.accounts import services
from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Role
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.conftest import PASSWORD


@pytest.fixture
def root(cast, client):
    user = services.create_user(username="root", password=PASSWORD, is_superuser=True)
    client.force_login(user)
    return user


def test_editing_a_memberships_role_or_region_replaces_it(cast, client, root):
    membership = Membership.objects.get(user=cast.worker_c1)
    url = f"/admin/accounts/membership/{membership.pk}/change/"
    body = {"user": cast.worker_c1.pk, "role": Role.STREET_STAFF, "region": cast.S1.pk, "department": ""}
    response = client.post(url, body)
    assert response.status_code == 302, response.content.decode()[:2000]
    held = list(Membership.objects.filter(user=cast.worker_c1).values_list("role", "region__code"))
    assert held == [(Role.STREET_STAFF, "S1")]  # the old grant is gone, not kept beside the new one
    revoked = AuditEntry.objects.get(event=AuditEvent.MEMBERSHIP_REVOKED)
    assert revoked.actor == root and revoked.extra["role"] == Role.COMMUNITY_STAFF
    granted = AuditEntry.objects.filter(event=AuditEvent.MEMBERSHIP_GRANTED, actor=root).get()
    assert granted.extra["region"] == "S1"


def test_an_unchanged_membership_saved_again_writes_nothing(cast, client, root):
    membership = Membership.objects.get(user=cast.worker_c1)
    body = {"user": cast.worker_c1.pk, "role": membership.role, "region": cast.C1.pk, "department": ""}
    before = AuditEntry.objects.count()
    assert client.post(f"/admin/accounts/membership/{membership.pk}/change/", body).status_code == 302
    assert Membership.objects.filter(user=cast.worker_c1).count() == 1 and AuditEntry.objects.count() == before


def test_adding_and_deleting_a_membership_in_the_admin_is_audited(cast, client, root):
    body = {"user": cast.resident.pk, "role": Role.GRID_WORKER, "region": cast.G2.pk, "department": ""}
    assert client.post("/admin/accounts/membership/add/", body).status_code == 302
    added = Membership.objects.get(user=cast.resident, role=Role.GRID_WORKER)
    assert AuditEntry.objects.filter(event=AuditEvent.MEMBERSHIP_GRANTED, actor=root).exists()
    response = client.post(f"/admin/accounts/membership/{added.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Membership.objects.filter(pk=added.pk).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.MEMBERSHIP_REVOKED, actor=root).exists()


def test_a_password_set_in_the_admin_is_audited_without_the_password(cast, client, root):
    url = f"/admin/accounts/user/{cast.worker_c1.pk}/password/"
    refused = client.post(url, {"password1": "short", "password2": "other"})
    assert refused.status_code == 200 and not AuditEntry.objects.filter(event=AuditEvent.CONFIG_CHANGED).exists()
    new = "Zhe-shi-yi-ge-xin-mi-ma-2026"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:1500]
    entry = AuditEntry.objects.get(event=AuditEvent.CONFIG_CHANGED)
    assert entry.extra == {"action": "password_changed", "fields": ["password"]} and new not in str(entry.extra)
    cast.worker_c1.refresh_from_db()
    assert cast.worker_c1.check_password(new)
