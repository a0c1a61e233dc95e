"""Issue 11 item 6: the public Open311 feed published home addresses, exact points and residents' own words,
and `GET tokens/{id}` confirmed the numbers of any case to anyone."""

import json

import pytest

from grassroots.cases.intake import open_case, open_machine_case
from grassroots.cases.models import Case, Category, Channel
from grassroots.cases.tests.conftest import report
from grassroots.open311.models import ApiKey
from grassroots.open311.tests.test_open311 import KEY, POST

WORDS = "我家门口的井盖丢了，就在银杏胡同8号我家院门外"
ADDRESS = "银杏胡同8号院门外东侧"


@pytest.fixture
def key(db):
    return ApiKey.objects.create(name="test-app", key_hash=ApiKey.hash_key(KEY))


def _home_report(case_cast, *, public: bool) -> Case:
    """A real-name portal report, located by the resident's own door number."""
    from grassroots.registry.services import link_account

    link_account(case_cast.worker_c1, case_cast.p1, case_cast.resident)
    values = {"category": "manhole", "description": WORDS, "address": ADDRESS, "door_number": "银杏胡同8号"}
    values |= {"public": True} if public else {}  # the default, unticked, is not to publish
    return open_case(case_cast.resident, report(**values, lng=None, lat=None), channel=Channel.PORTAL)


def _feed(client, fmt="json", **params):
    return client.get(f"/open311/v2/requests.{fmt}", params)


def test_a_real_name_report_is_not_published_without_consent(case_cast, client):
    case = _home_report(case_cast, public=False)
    assert case.reporter_verified
    assert _feed(client).json() == []
    assert _feed(client, service_request_id=case.number).json() == []
    assert client.get(f"/open311/v2/requests/{case.number}.json").status_code == 404
    assert not case.public


def test_a_published_report_shows_no_door_no_words_and_no_exact_point(case_cast, client):
    case = _home_report(case_cast, public=True)
    [row] = _feed(client).json()
    assert row["service_request_id"] == case.number and row["description"] == ""
    assert row["address"] == "一社区 一社区第1网格"
    # Located by door number, so the point is the house: the feed shows the grid's centre instead.
    grid = case_cast.G1
    assert (row["long"], row["lat"]) == (round(grid.center_lng, 3), round(grid.center_lat, 3))
    assert row["long"] != case.lng
    xml = _feed(client, "xml").content.decode()
    one = client.get(f"/open311/v2/requests/{case.number}.json").content.decode()
    for body in (json.dumps(row, ensure_ascii=False), xml, one):
        for secret in (WORDS, ADDRESS, "银杏胡同", "8号", "张三丰", "13812345678"):
            assert secret not in body, secret
    # Every GeoReport v2 response element is still there, in both formats.
    assert {"service_request_id", "status", "description", "address", "lat", "long", "media_url"} <= set(row)
    assert "<address>一社区 一社区第1网格</address>" in xml and "<description" in xml


def test_a_point_is_rounded_to_about_100_metres(cast, client, key):
    client.post("/open311/v2/requests.json", {**POST, "lat": "39.851234", "long": "116.321987"})
    [row] = _feed(client).json()
    assert (row["lat"], row["long"]) == (39.851, 116.322)
    assert POST["description"] not in json.dumps(row, ensure_ascii=False)


def test_tokens_answer_only_to_the_key_that_filed_them(case_cast, client, key):
    ApiKey.objects.create(name="other-app", key_hash=ApiKey.hash_key("o311_other_key"))
    [created] = client.post("/open311/v2/requests.json", POST).json()
    url = f"/open311/v2/tokens/{created['service_request_id']}.json"
    assert client.get(url, {"api_key": KEY}).json()[0]["service_request_id"] == created["service_request_id"]
    assert client.get(url, {"api_key": "o311_other_key"}).status_code == 404
    assert client.get(url).status_code == 403
    assert client.get(url, {"api_key": "wrong"}).status_code == 403
    # Nor does a token confirm a case that did not come through Open311 at all.
    portal = _home_report(case_cast, public=False)
    response = client.get(f"/open311/v2/tokens/{portal.number}.xml", {"api_key": KEY})
    assert response.status_code == 404 and b"<errors>" in response.content


@pytest.mark.parametrize(
    ("channel", "category", "agreed", "public"),
    [
        ("portal", "manhole", False, False),  # a resident's report: only with their consent
        ("portal", "manhole", True, True),
        ("portal", "neighbour", True, False),  # a dispute is never public space, consent or not
        ("api", "manhole", False, False),
        ("assisted", "manhole", False, False),
        ("assisted", "manhole", True, True),  # the resident agreed, through the grid worker
        ("patrol", "manhole", False, True),  # a patrol finding: no reporter to protect
        ("patrol", "neighbour", False, False),
        ("open311", "manhole", False, True),  # a public issue tracker's request, in a public-space category
        ("machine", "manhole", True, False),  # alerts stay internal
    ],
)
def test_intake_decides_whether_a_case_may_be_published(case_cast, channel, category, agreed, public):
    if channel == "machine":
        case = open_machine_case(
            title="井盖位移告警", description="传感器报告井盖位移", category=category, lng=116.32, lat=39.85, source="t"
        )
    else:
        actor = {"portal": case_cast.resident, "api": case_cast.resident, "open311": None}.get(
            channel, case_cast.grid_g1
        )
        extra = {"reporter_name": "刘秀英", "reporter_phone": "13600001234"} if channel == "assisted" else {}
        case = open_case(actor, report(category=category, public=agreed, **extra), channel=Channel(channel))
    assert case.public is public


def test_unticking_a_category_withdraws_its_cases(cast, client, key):
    client.post("/open311/v2/requests.json", POST)
    assert len(_feed(client).json()) == 1
    Category.objects.filter(code="municipal").update(public_space=False)
    assert _feed(client).json() == []
    assert "manhole" not in {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
