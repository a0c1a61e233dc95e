"""Sharing pages: a user without the permission gets a 403 page; only a permitted user's business-rule refusal
is flashed and redirected. Roles with no part in sharing get 403, not an empty list or a 404."""

from django.test import Client

from grassroots.conftest import PASSWORD


def _as(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_seen_grant_the_user_may_not_act_on_is_a_403_page(granted):
    c = granted
    before = c.grant.key_hash
    provider = _as("mz_officer")  # sees the grant as its provider, but only the consumer takes a key
    assert provider.post(f"/sharing/grants/{c.grant.pk}/", {"action": "key"}).status_code == 403
    assert provider.post(f"/sharing/grants/{c.grant.pk}/", {"action": "report"}).status_code == 403
    c.grant.refresh_from_db()
    assert c.grant.key_hash == before and not c.grant.error_reports.exists()
    consumer = _as("zz_officer")  # permitted: a report without a description is a message, not a 403
    refused = consumer.post(f"/sharing/grants/{c.grant.pk}/", {"action": "report"})
    assert refused.status_code == 302 and refused.url == f"/sharing/grants/{c.grant.pk}/"


def test_deciding_without_the_reviewers_permission_is_a_403_page(granted):
    c = granted
    status = c.request.status
    assert _as("mz_officer").post(f"/sharing/requests/{c.request.pk}/compliance/", {"approve": "1"}).status_code == 403
    c.request.refresh_from_db()
    assert c.request.status == status
    # The reviewer may decide; the request is past that step, so that is a message on the request's page.
    done = _as("data_officer").post(f"/sharing/requests/{c.request.pk}/compliance/", {"approve": "1"})
    assert done.status_code == 302 and done.url == f"/sharing/requests/{c.request.pk}/"


def test_submitting_grading_and_cataloguing_need_their_permissions(share_cast):
    c = share_cast
    dataset = f"/sharing/datasets/{c.persons.pk}/"
    grid = _as("grid_g1")  # no sharing permission at all
    assert grid.post(f"{dataset}request/", {"purpose": "走访"}).status_code == 403
    assert grid.get("/sharing/requests/").status_code == 403
    assert grid.get("/sharing/datasets/new/").status_code == 403
    assert grid.get("/open/publish/").status_code == 403
    consumer = _as("zz_officer")
    refused = consumer.post(f"{dataset}request/", {"purpose": "走访"})  # permitted, an incomplete request
    assert refused.status_code == 302 and refused.url == dataset
    before = list(c.persons.fields.values_list("name", "sensitivity"))
    assert consumer.post(dataset, {"s_sex": "core"}).status_code == 403  # not the provider
    assert list(c.persons.fields.values_list("name", "sensitivity")) == before
    assert consumer.get("/sharing/datasets/new/").status_code == 200
    assert consumer.post("/sharing/datasets/new/", {"code": "zz-x"}).status_code == 400  # no department chosen


def test_the_grades_api_refuses_a_role_that_never_provides(share_cast, api_client):
    c = share_cast
    payload = {"fields": {"sex": {"sensitivity": "core"}}}
    url = f"/api/v1/sharing/datasets/{c.persons.pk}/grades"
    for user in (c.grid_g1, c.data_officer, c.zz_officer):
        refused = api_client.as_user(user).post(url, payload)
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api_client.as_user(c.mz_officer).post(url, payload).status_code == 200
