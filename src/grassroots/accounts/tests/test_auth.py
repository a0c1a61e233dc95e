import pytest

from grassroots.accounts import services
from grassroots.accounts.roles import Perm, Role
from grassroots.accounts.scope import scoped, widest_path
from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, NotFound
from grassroots.registry.models import Person


def test_api_needs_authentication(cast, client):
    response = client.get("/api/v1/registry/persons")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_bearer_token_authenticates_until_revoked(cast, client):
    token, secret = services.issue_api_token(cast.staff_s1, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/accounts/me", headers=headers).json()["username"] == "staff_s1"
    services.revoke_api_token(cast.staff_s1, token.pk)
    assert client.get("/api/v1/accounts/me", headers=headers).status_code == 401


def test_only_the_owner_can_revoke_a_token(cast):
    token, _ = services.issue_api_token(cast.staff_s1, name="script")
    with pytest.raises(NotFound):
        services.revoke_api_token(cast.outsider, token.pk)


def test_tokens_are_stored_only_as_hashes(cast):
    token, secret = services.issue_api_token(cast.staff_s1, name="script")
    assert secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_session_login_works_for_pages(cast, client):
    assert client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD}).status_code == 302
    assert client.get("/api/v1/accounts/me").json()["grants"][0]["role"] == "grid_worker"


def test_repeated_failed_logins_lock_the_account_out(cast, client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "grid_g1", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429


def test_scoping_drops_nested_grants_and_denies_strangers(cast):
    services.grant_membership(None, cast.staff_s1, role=Role.GRID_WORKER, region=cast.G1)
    cast.staff_s1.__dict__.pop("_gr_grants", None)
    assert scoped(Person.objects.all(), cast.staff_s1, Perm.VIEW_REGISTRY).count() == 2
    assert scoped(Person.objects.all(), cast.resident, Perm.VIEW_REGISTRY).count() == 0
    assert scoped(Person.objects.all(), None, Perm.VIEW_REGISTRY).count() == 0


def test_pages_open_on_the_widest_region_that_holds_the_permission(cast):
    services.grant_membership(None, cast.grid_g1, role=Role.STREET_STAFF, region=cast.S1)
    cast.grid_g1.__dict__.pop("_gr_grants", None)
    assert widest_path(cast.grid_g1, Perm.VIEW_REGISTRY) == cast.S1.path
    assert widest_path(cast.worker_c1, Perm.VIEW_REGISTRY) == cast.C1.path
    assert widest_path(cast.resident, Perm.VIEW_REGISTRY) is None


def test_memberships_can_only_be_granted_within_the_granters_scope(cast):
    with pytest.raises(DomainError):
        services.grant_membership(cast.staff_s1, cast.resident, role=Role.GRID_WORKER, region=cast.G1)
    services.grant_membership(cast.admin, cast.resident, role=Role.GRID_WORKER, region=cast.G1)


def test_department_members_need_a_department(cast):
    with pytest.raises(DomainError):
        services.grant_membership(cast.admin, cast.resident, role=Role.DEPARTMENT, region=cast.D)
