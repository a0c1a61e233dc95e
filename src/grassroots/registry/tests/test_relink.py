"""A person's verified login is not overwritten by a second link: only community staff re-link, audited."""

import pytest

from grassroots.accounts import services as accounts
from grassroots.accounts.roles import Role
from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, ErrorCode, PermissionDenied
from grassroots.registry.models import Person
from grassroots.registry.services import link_account, relink_account

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def linked(cast):
    """p1 linked to `resident` by the grid worker; `newcomer` is a second resident login."""
    link_account(cast.grid_g1, cast.p1, cast.resident)
    cast.newcomer = accounts.create_user(username="newcomer", password=PASSWORD, display_name="newcomer")
    accounts.grant_membership(None, cast.newcomer, role=Role.RESIDENT, region=cast.G1)
    return cast


def account_of(person) -> int | None:
    return Person.objects.values_list("account_id", flat=True).get(pk=person.pk)


def test_a_second_link_does_not_overwrite_the_first(linked):
    for actor in (linked.grid_g1, linked.worker_c1):
        with pytest.raises(DomainError) as err:
            link_account(actor, linked.p1, linked.newcomer)
        assert err.value.code == ErrorCode.ACCOUNT_LINKED
    assert account_of(linked.p1) == linked.resident.pk


def test_linking_the_same_account_again_changes_and_records_nothing(linked):
    before = AuditEntry.objects.count()
    link_account(linked.grid_g1, linked.p1, linked.resident)
    assert AuditEntry.objects.count() == before


def test_community_staff_re_link_explicitly_and_it_is_audited(linked):
    relink_account(linked.worker_c1, linked.p1, linked.newcomer)
    assert account_of(linked.p1) == linked.newcomer.pk
    entry = AuditEntry.objects.filter(event=AuditEvent.PERSON_ACCOUNT_RELINKED).get()
    assert (entry.actor_id, entry.target_id) == (linked.worker_c1.pk, str(linked.p1.pk))
    assert entry.extra == {"fields": ["account"], "previous_account": linked.resident.pk, "account": linked.newcomer.pk}


@pytest.mark.parametrize("who", ["grid_g1", "staff_s1", "leader_s1", "admin", "resident"])
def test_no_one_else_may_re_link(linked, who):
    with pytest.raises(PermissionDenied):
        relink_account(getattr(linked, who), linked.p1, linked.newcomer)
    assert account_of(linked.p1) == linked.resident.pk
    assert not AuditEntry.objects.filter(event=AuditEvent.PERSON_ACCOUNT_RELINKED).exists()


def test_community_staff_elsewhere_may_not_re_link(linked):
    with pytest.raises(DomainError):
        relink_account(linked.outsider, linked.p1, linked.newcomer)
    assert account_of(linked.p1) == linked.resident.pk


def test_a_re_link_still_refuses_an_account_linked_to_someone_else(linked):
    link_account(linked.staff_s1, linked.p3, linked.newcomer)
    with pytest.raises(DomainError) as err:
        relink_account(linked.worker_c1, linked.p1, linked.newcomer)
    assert err.value.code == ErrorCode.ACCOUNT_LINKED


def test_the_page_re_links_only_with_the_explicit_verb(linked, client):
    client.force_login(linked.worker_c1, backend=BACKEND)
    url = f"/registry/persons/{linked.p1.pk}/account/"
    refused = client.post(url, {"username": "newcomer"})
    assert refused.status_code == 409 and account_of(linked.p1) == linked.resident.pk
    page = client.get(f"/registry/persons/{linked.p1.pk}/").content.decode()
    assert 'data-testid="relink"' in page
    assert client.post(url, {"username": "newcomer", "relink": "1"}).status_code == 200
    assert account_of(linked.p1) == linked.newcomer.pk
    client.force_login(linked.grid_g1, backend=BACKEND)
    assert 'data-testid="relink"' not in client.get(f"/registry/persons/{linked.p1.pk}/").content.decode()
    assert client.post(url, {"username": "resident", "relink": "1"}).status_code == 403
    assert account_of(linked.p1) == linked.newcomer.pk
