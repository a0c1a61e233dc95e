import base64

import pytest

from grassroots.cases.models import Case

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()
BODY = {
    "title": "楼道堆放杂物",
    "description": "3号楼楼道里堆满纸箱和旧家具，堵住了消防通道",
    "category": "fire_hazard",
    "lng": 116.32,
    "lat": 39.85,
}


def test_a_resident_reports_through_the_api_and_sees_the_timeline(case_cast, api_client):
    client = api_client.as_user(case_cast.resident)
    created = client.post("/api/v1/cases/", {**BODY, "photos": [PNG]})
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "dispatched" and body["events"][0]["kind"] == "open" and len(body["photos"]) == 1
    assert client.get(f"/api/v1/cases/{body['id']}").json()["number"] == body["number"]


def test_idempotency_key_makes_retries_safe(case_cast, api_client):
    client = api_client.as_user(case_cast.resident)
    first = client.post("/api/v1/cases/", BODY, headers={"Idempotency-Key": "k-1"}).json()
    again = client.post("/api/v1/cases/", BODY, headers={"Idempotency-Key": "k-1"}).json()
    assert first["id"] == again["id"] and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"lng": 200}, 422, "invalid_input"),
        ({"lng": 117.5, "lat": 39.0}, 400, "out_of_range"),
        ({"category": "nope"}, 400, "unknown_category"),
        ({"photos": ["not base64!"]}, 400, "invalid_photo"),
        ({"photos": [base64.b64encode(b"GIF89a....").decode()]}, 400, "invalid_photo"),
    ],
)
def test_bad_reports_get_a_clear_4xx(case_cast, api_client, change, status, code):
    response = api_client.as_user(case_cast.resident).post("/api/v1/cases/", {**BODY, **change})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Case.objects.count() == 0


def test_an_unknown_category_is_named_in_chinese_by_default_with_a_stable_code(case_cast, api_client):
    client = api_client.as_user(case_cast.resident)
    default = client.post("/api/v1/cases/", {**BODY, "category": "nope"})
    english = client.post("/api/v1/cases/", {**BODY, "category": "nope"}, headers={"Accept-Language": "en"})
    assert default.json() == {"code": "unknown_category", "message": "未知事件类别：nope"}
    assert english.json()["code"] == "unknown_category"  # the code never follows the language


def test_reporter_identity_is_masked_for_non_handlers(case_cast, api_client):
    created = (
        api_client.as_user(case_cast.grid_g1)
        .post(
            "/api/v1/cases/",
            {**BODY, "channel": "assisted", "reporter_name": "刘秀英", "reporter_phone": "13600001234"},
        )
        .json()
    )
    handler = api_client.as_user(case_cast.staff_s1).get(f"/api/v1/cases/{created['id']}").json()
    viewer = api_client.as_user(case_cast.leader_s1).get(f"/api/v1/cases/{created['id']}").json()
    assert (handler["reporter_name"], handler["reporter_phone"]) == ("刘秀英", "13600001234")
    assert (viewer["reporter_name"], viewer["reporter_phone"]) == ("刘**", "136****1234")
    assert handler["assisted_by"] == "grid_g1"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("leader_s1", 200),
        ("staff_s1", 200),
        ("worker_c1", 200),
        ("grid_g1", 200),
        ("outsider", 404),
        ("resident2", 404),
        ("officer", 404),
        ("dept_d", 404),
    ],
)
def test_case_visibility_follows_scope(case_cast, api_client, username, status):
    created = api_client.as_user(case_cast.resident).post("/api/v1/cases/", BODY).json()
    response = api_client.as_user(getattr(case_cast, username)).get(f"/api/v1/cases/{created['id']}")
    assert response.status_code == status


def test_the_loop_through_the_api(case_cast, api_client):
    body = {
        **BODY,
        "title": "门口占道经营",
        "description": "小区门口每天早上有人摆摊卖菜，占了人行道",
        "category": "street_vending",
    }
    created = api_client.as_user(case_cast.resident).post("/api/v1/cases/", body).json()
    officer = api_client.as_user(case_cast.officer)
    assert officer.get(f"/api/v1/cases/{created['id']}").json()["can_handle"] is True
    assert officer.get("/api/v1/cases/?mine=true").json()["count"] == 1
    assert officer.post(f"/api/v1/cases/{created['id']}/accept").status_code == 200
    assert officer.post(f"/api/v1/cases/{created['id']}/resolve", {"note": "摊点已清理，已安排巡查"}).status_code == 200
    assert (
        api_client.as_user(case_cast.grid_g1)
        .post(f"/api/v1/cases/{created['id']}/rate", {"satisfied": True, "score": 5})
        .status_code
        == 403
    )
    rated = (
        api_client.as_user(case_cast.resident)
        .post(f"/api/v1/cases/{created['id']}/rate", {"satisfied": True, "score": 5})
        .json()
    )
    assert (rated["status"], rated["outcome"]) == ("closed", "resolved")
    notes = api_client.as_user(case_cast.resident).get("/api/v1/cases/notifications").json()
    assert any("已确认解决" in n["message"] for n in notes)


def test_me_too_subscribes_instead_of_duplicating(case_cast, api_client):
    created = api_client.as_user(case_cast.resident).post("/api/v1/cases/", BODY).json()
    neighbour = api_client.as_user(case_cast.resident2)
    found = neighbour.get(
        "/api/v1/cases/duplicates?category=fire_hazard&lng=116.3201&lat=39.8501&text=楼道里堆满纸箱杂物堵住消防通道"
    ).json()
    assert [(d["title"], d["followers"]) for d in found] == [(created["title"], 1)]
    followed = neighbour.post("/api/v1/cases/follow", {"offer": found[0]["offer"]})
    assert followed.status_code == 200 and followed.json()["id"] == created["id"]
    assert neighbour.get(f"/api/v1/cases/{created['id']}").status_code == 200
    # The offer was made to the neighbour: nobody else can use it.
    stolen = api_client.as_user(case_cast.outsider).post("/api/v1/cases/follow", {"offer": found[0]["offer"]})
    assert (stolen.status_code, stolen.json()["code"]) == (403, "offer_invalid")


def test_wrong_transitions_are_409(case_cast, api_client):
    created = api_client.as_user(case_cast.resident).post("/api/v1/cases/", BODY).json()
    response = api_client.as_user(case_cast.staff_s1).post(
        f"/api/v1/cases/{created['id']}/resolve", {"note": "处理完毕了"}
    )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
