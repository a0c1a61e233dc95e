"""Role × scope × endpoint matrix for the registry API, and masking by role in its output."""

import pytest

from grassroots.conftest import valid_id
from grassroots.registry.models import Person

P1_ID = valid_id(seq="123")  # 110101198001011234 + check
USERS = ["admin", "leader_s1", "staff_s1", "worker_c1", "grid_g1", "dept_d", "resident", "outsider"]

# Who may read p1 (grid G1 in street S1) and p4 (grid G4 in street S2).
READ_P1 = {
    "admin": 200,
    "leader_s1": 200,
    "staff_s1": 200,
    "worker_c1": 200,
    "grid_g1": 200,
    "dept_d": 200,
    "resident": 403,  # a role that never sees the registry is refused, not told the person is missing
    "outsider": 404,
}
READ_P4 = {
    "admin": 200,
    "leader_s1": 404,
    "staff_s1": 404,
    "worker_c1": 404,
    "grid_g1": 404,
    "dept_d": 200,
    "resident": 403,
    "outsider": 200,
}


@pytest.mark.parametrize("username", USERS)
def test_reading_a_person_follows_scope(cast, api_client, username):
    client = api_client.as_user(getattr(cast, username))
    r1 = client.get(f"/api/v1/registry/persons/{cast.p1.pk}")
    r4 = client.get(f"/api/v1/registry/persons/{cast.p4.pk}")
    assert (r1.status_code, r4.status_code) == (READ_P1[username], READ_P4[username])
    for r in (r1, r4):
        if r.status_code == 404:
            # Outside scope and nonexistent look the same: nothing leaks.
            assert r.json()["code"] == "not_found" and "张" not in r.content.decode()


MASKED_P1 = {
    "admin": ("张**", "138****5678"),
    "leader_s1": ("张**", "138****5678"),
    "staff_s1": ("张三丰", "138****5678"),
    "worker_c1": ("张三丰", "13812345678"),
    "grid_g1": ("张三丰", "13812345678"),
    "dept_d": ("张**", "138****5678"),
}


@pytest.mark.parametrize("username", list(MASKED_P1))
def test_person_output_is_masked_by_role(cast, api_client, username):
    body = api_client.as_user(getattr(cast, username)).get(f"/api/v1/registry/persons/{cast.p1.pk}").json()
    assert (body["name"], body["phone"]) == MASKED_P1[username]
    assert body["id_number"] == P1_ID[:6] + "********" + P1_ID[-4:]


LIST_COUNTS = {
    "admin": 3,
    "leader_s1": 2,
    "staff_s1": 2,
    "worker_c1": 1,
    "grid_g1": 1,
    "dept_d": 3,
    "resident": None,  # refused (403): an empty list would hide that the role may never look
    "outsider": 1,
}


@pytest.mark.parametrize("username", USERS)
def test_person_lists_are_limited_to_the_subtree(cast, api_client, username):
    response = api_client.as_user(getattr(cast, username)).get("/api/v1/registry/persons")
    if LIST_COUNTS[username] is None:
        assert response.status_code == 403
    else:
        assert response.json()["count"] == LIST_COUNTS[username]


EXPORT = {
    "admin": 200,
    "leader_s1": 200,
    "staff_s1": 200,
    "worker_c1": 200,
    "grid_g1": 403,
    "dept_d": 403,
    "resident": 403,
    "outsider": 200,
}


@pytest.mark.parametrize("username", USERS)
def test_export_needs_the_export_permission(cast, api_client, username):
    response = api_client.as_user(getattr(cast, username)).get("/api/v1/registry/export/persons?fmt=csv")
    assert response.status_code == EXPORT[username]
    if response.status_code == 200:
        text = response.content.decode("utf-8-sig")
        assert P1_ID not in text
        assert ("13812345678" in text) == (username == "worker_c1")


CREATE_IN_G3 = {
    "admin": 201,
    "leader_s1": 403,
    "staff_s1": 201,
    "worker_c1": 404,
    "grid_g1": 404,
    "dept_d": 403,
    "resident": 403,  # like the other roles that never register people, whatever the region
    "outsider": 404,
}


@pytest.mark.parametrize("username", USERS)
def test_registering_a_person_follows_role_and_scope(cast, api_client, username):
    payload = {"region_id": cast.G3.pk, "name": "赵六", "id_number": valid_id(seq="559"), "phone": "13500001111"}
    response = api_client.as_user(getattr(cast, username)).post("/api/v1/registry/persons", payload)
    assert response.status_code == CREATE_IN_G3[username]
    assert Person.objects.count() == (4 if response.status_code == 201 else 3)


def test_a_retried_registration_with_the_same_idempotency_key_creates_one_person(cast, api_client):
    client = api_client.as_user(cast.staff_s1)
    payload = {"region_id": cast.G3.pk, "name": "赵六", "id_number": valid_id(seq="559")}
    first = client.post("/api/v1/registry/persons", payload, headers={"Idempotency-Key": "abc-1"})
    again = client.post("/api/v1/registry/persons", payload, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Person.objects.count() == 4
    changed = client.post("/api/v1/registry/persons", {**payload, "name": "赵七"}, headers={"Idempotency-Key": "abc-1"})
    assert changed.status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "invalid_input"),
        ('{"region_id": 1}', 422, "invalid_input"),
    ],
)
def test_malformed_bodies_get_a_clear_4xx(cast, api_client, body, status, code):
    response = api_client.as_user(cast.staff_s1).post("/api/v1/registry/persons", body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert Person.objects.count() == 3


def test_invalid_id_number_gets_400_with_the_reason(cast, api_client):
    payload = {"region_id": cast.G3.pk, "name": "赵六", "id_number": "110101198001011230"}
    response = api_client.as_user(cast.staff_s1).post("/api/v1/registry/persons", payload)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_id_number" and "校验码" in response.json()["message"]


def test_unknown_ids_get_404(cast, api_client):
    client = api_client.as_user(cast.admin)
    assert client.get("/api/v1/registry/persons/999").status_code == 404
    assert client.get("/api/v1/registry/houses/999").status_code == 404


def test_house_lookup_by_door_number_shows_masked_residents(cast, api_client):
    client = api_client.as_user(cast.leader_s1)
    found = client.post("/api/v1/registry/houses/search", {"door": "银杏胡同"}).json()
    assert [h["door_number"] for h in found] == ["银杏胡同8号"]
    detail = client.get(f"/api/v1/registry/houses/{found[0]['id']}").json()
    assert [(p["name"], p["phone"]) for p in detail["residents"]] == [("张**", "138****5678")]


def test_counts_per_region_respect_scope(cast, api_client):
    rows = api_client.as_user(cast.staff_s1).get(f"/api/v1/registry/counts?region={cast.S1.pk}").json()
    assert {r["name"]: r["persons"] for r in rows} == {"一社区": 1, "二社区": 1}
    rows = api_client.as_user(cast.admin).get(f"/api/v1/registry/counts?region={cast.D.pk}").json()
    assert {r["name"]: (r["persons"], r["houses"], r["legal_persons"]) for r in rows} == {
        "甲街道": (2, 1, 1),
        "乙街道": (1, 1, 0),
    }
    assert api_client.as_user(cast.grid_g1).get(f"/api/v1/registry/counts?region={cast.S1.pk}").status_code == 404


def test_reveal_through_the_api_is_audited(cast, api_client):
    from grassroots.audit.models import AuditEntry

    client = api_client.as_user(cast.grid_g1)
    response = client.post(f"/api/v1/registry/persons/{cast.p1.pk}/reveal", {"field": "phone", "reason": "回访"})
    assert response.json() == {"field": "phone", "value": "13812345678"}
    assert AuditEntry.objects.filter(actor=cast.grid_g1, extra__field="phone").exists()
    denied = api_client.as_user(cast.leader_s1).post(
        f"/api/v1/registry/persons/{cast.p1.pk}/reveal", {"field": "phone", "reason": "回访"}
    )
    assert denied.status_code == 403


def test_excel_export_is_a_workbook_with_masked_cells(cast, api_client):
    import io

    from openpyxl import load_workbook

    response = api_client.as_user(cast.staff_s1).get("/api/v1/registry/export/persons?fmt=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "性别", "出生年份")
    assert sorted(r[4] for r in rows[1:]) == ["138****5678", "139****1111"]


@pytest.mark.parametrize(
    "query", ["max_age=132017329", "min_age=-1", "offset=1041145737156592926720", "limit=100000000"]
)
def test_absurd_list_parameters_are_4xx_not_500(cast, api_client, query):
    response = api_client.as_user(cast.staff_s1).get(f"/api/v1/registry/persons?{query}")
    assert 400 <= response.status_code < 500


def test_a_malformed_multipart_body_is_400(cast, api_client):
    response = api_client.as_user(cast.admin).post(
        "/api/v1/cases/hotline-import", b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_guard_covers_list_cells_and_leading_tab_or_cr(cast, api_client, fmt):
    """A tag list is joined into one cell: the guard must see the joined text; tab and CR lead formulas too."""
    import csv
    import io

    from openpyxl import load_workbook

    from grassroots.registry.models import Tag, Tagging

    for code, name in (("f1", "=HYPERLINK(\"http://x\")"), ("f2", "\t=1+1")):
        tag = Tag.objects.create(code=code, name=name, applies_to="person")
        Tagging.objects.create(tag=tag, person=cast.p1)
    response = api_client.as_user(cast.staff_s1).get(f"/api/v1/registry/export/persons?fmt={fmt}")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    cells = [str(c) for row in rows for c in row if c is not None]
    tag_cells = [c for c in cells if "HYPERLINK" in c]
    assert tag_cells, cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)


def test_searches_go_by_post_and_the_audit_keeps_no_terms(cast, api_client):
    """ID numbers, phones, names and door numbers stay out of URLs, access logs and the audit log."""
    from grassroots.audit.events import AuditEvent
    from grassroots.audit.models import AuditEntry

    client = api_client.as_user(cast.grid_g1)
    assert client.get(f"/api/v1/registry/persons/search?id_number={P1_ID}").status_code in (404, 405, 422)
    found = client.post("/api/v1/registry/persons/search", {"id_number": P1_ID}).json()
    assert [p["id"] for p in found] == [str(cast.p1.pk)]
    houses = client.post("/api/v1/registry/houses/search", {"door": "银杏胡同"}).json()
    assert len(houses) == 1
    # A GET with a door parameter no longer searches: it lists, and the address never becomes a search.
    listed = client.get("/api/v1/registry/houses?door=no-such-door").json()
    assert listed["count"] >= 1
    entries = AuditEntry.objects.filter(event__in=[AuditEvent.PERSON_SEARCHED, AuditEvent.HOUSE_SEARCHED])
    assert entries.count() == 2
    for entry in entries:
        text = str(entry.extra)
        assert P1_ID not in text and "银杏胡同" not in text
