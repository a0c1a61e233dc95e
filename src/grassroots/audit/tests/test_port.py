"""The audit port in core (core/auditing.py): apps below audit write their rows through it, in their transaction."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from grassroots.accounts import services as accounts
from grassroots.accounts.models import Membership
from grassroots.accounts.roles import Role
from grassroots.audit import services
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.core import auditing


def test_the_audit_app_installs_its_writer():
    assert auditing._writer is services.record


def test_without_a_writer_the_port_refuses_instead_of_losing_the_row(monkeypatch):
    monkeypatch.setattr(auditing, "_writer", None)
    with pytest.raises(ImproperlyConfigured):
        auditing.record(actor=None, event=AuditEvent.MEMBERSHIP_GRANTED, target_type="accounts.membership")


def test_a_row_written_through_the_port_rolls_back_with_the_change(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        accounts.grant_membership(cast.admin, cast.resident, role=Role.GRID_WORKER, region=cast.G2)
        assert AuditEntry.objects.count() == before + 1
        raise RuntimeError("the surrounding work fails")
    assert AuditEntry.objects.count() == before
    assert not Membership.objects.filter(user=cast.resident, role=Role.GRID_WORKER).exists()
