import pytest

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.cases.evidence import Photo
from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel, Evidence, Status
from grassroots.cases.tests.conftest import report
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.notifications.models import Notification

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_resident_report_is_located_routed_and_timed(case_cast):
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    assert (case.region, case.status, case.reporter) == (case_cast.G1, Status.DISPATCHED, case_cast.resident)
    assert case.owner_region == case_cast.S1  # safety is handled at street level by default (责任清单)
    assert case.due_at > case.created_at and case.warn_at < case.due_at
    assert case.number.startswith("GR") and case.events.get().kind == "open"
    assert AuditEntry.objects.filter(event=AuditEvent.CASE_OPENED, target_id=str(case.pk)).exists()
    assert case.followers.get().user == case_cast.resident


def test_department_rules_route_to_the_department(case_cast):
    case = open_case(
        case_cast.resident,
        report(title="门口占道经营", description="小区门口每天早上有人摆摊卖菜，占了人行道", category="street_vending"),
        channel=Channel.PORTAL,
    )
    assert (case.owner_department, case.owner_region) == (case_cast.cgk, case_cast.S1)
    assert Notification.objects.filter(user=case_cast.officer, ref=case.number, link=f"/cases/{case.pk}/").exists()


def test_the_door_number_locates_the_case(case_cast):
    case = open_case(
        case_cast.resident, report(lng=None, lat=None, door_number="柳荫街3号1号楼2单元501"), channel=Channel.PORTAL
    )
    assert case.region == case_cast.G4 and case.house == case_cast.h4


def test_auto_classification_gives_a_category_and_confidence(case_cast):
    case = open_case(
        case_cast.resident,
        report(
            category="", title="电动车在楼道充电", description="有人把电动车推进楼道里充电，电线从窗户拉下来，很危险"
        ),
        channel=Channel.PORTAL,
    )
    assert case.category.code == "ebike_charging" and 0 < case.category_confidence <= 1
    assert not case.category_by_staff


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"lng": 117.5, "lat": 39.0}, ErrorCode.OUT_OF_RANGE),
        ({"lng": None, "lat": None}, ErrorCode.LOCATION_REQUIRED),
        ({"door_number": "不存在的门牌1号"}, ErrorCode.UNKNOWN_DOOR_NUMBER),
        ({"category": "no_such"}, ErrorCode.UNKNOWN_CATEGORY),
        ({"title": "x"}, ErrorCode.INVALID_INPUT),
        ({"photos": [Photo("a.txt", b"hello, not an image")]}, ErrorCode.INVALID_PHOTO),
        ({"photos": [Photo("big.png", PNG + b"\x00" * (5 * 1024 * 1024))]}, ErrorCode.PAYLOAD_TOO_LARGE),
        ({"category": "neighbour", "anonymous": True}, ErrorCode.ANONYMITY_NOT_ALLOWED),
    ],
)
def test_bad_reports_are_refused_and_write_nothing(case_cast, overrides, code):
    with pytest.raises(DomainError) as err:
        open_case(case_cast.resident, report(**overrides), channel=Channel.PORTAL)
    assert err.value.code == code
    assert Case.objects.count() == 0 and Evidence.objects.count() == 0


def test_anonymous_reports_where_the_category_allows(case_cast):
    case = open_case(case_cast.resident, report(anonymous=True), channel=Channel.PORTAL)
    assert case.anonymous and case.reporter is None and case.reporter_name == ""


def test_assisted_entry_records_who_helped_and_seals_the_residents_phone(case_cast):
    case = open_case(
        case_cast.grid_g1, report(reporter_name="刘奶奶", reporter_phone="13600001234"), channel=Channel.ASSISTED
    )
    assert case.assisted_by == case_cast.grid_g1 and case.channel == "assisted"
    raw = Case.objects.filter(pk=case.pk).values_list("reporter_phone", flat=True).get()
    assert raw.startswith("gr1.") and Case.objects.get(pk=case.pk).reporter_phone == "13600001234"
    with pytest.raises(DomainError):
        open_case(case_cast.grid_g1, report(), channel=Channel.ASSISTED)  # no resident named


def test_patrol_only_inside_ones_own_grid(case_cast):
    open_case(case_cast.grid_g1, report(), channel=Channel.PATROL)
    with pytest.raises(DomainError) as err:
        open_case(case_cast.grid_g1, report(lng=116.45, lat=39.85), channel=Channel.PATROL)
    assert err.value.code == ErrorCode.PERMISSION_DENIED


def test_one_photo_one_record(case_cast):
    case = open_case(
        case_cast.resident, report(photos=[Photo("a.png", PNG), Photo("b.png", PNG)]), channel=Channel.PORTAL
    )
    assert case.evidence.count() == 1


def test_machine_cases_come_with_evidence_links(case_cast):
    from grassroots.cases.intake import open_machine_case

    case = open_machine_case(
        title="PM2.5 超标",
        description="监测站连续3小时 AQI>200",
        category="dirty_spots",
        lng=116.32,
        lat=39.85,
        source="environment:station-7",
        evidence_links=["/environment/stations/7/"],
    )
    assert case.channel == "machine" and "/environment/stations/7/" in case.description
    assert case.source_ref == "environment:station-7"


def test_a_verified_residents_report_carries_the_registry_identity(case_cast, api_client):
    from grassroots.registry.services import link_account

    link_account(case_cast.worker_c1, case_cast.p1, case_cast.resident)
    case = open_case(case_cast.resident, report(), channel=Channel.PORTAL)
    assert case.reporter_verified and (case.reporter_name, case.reporter_phone) == ("张三丰", "13812345678")
    assert case.reporter_door == "银杏胡同8号"
    handler = api_client.as_user(case_cast.staff_s1).get(f"/api/v1/cases/{case.pk}").json()
    other = api_client.as_user(case_cast.leader_s1).get(f"/api/v1/cases/{case.pk}").json()
    assert (handler["reporter_name"], handler["reporter_door"]) == ("张三丰", "银杏胡同8号")
    assert (other["reporter_name"], other["reporter_phone"], other["reporter_door"]) == (
        "张**",
        "138****5678",
        "银杏***",
    )
    raw = Case.objects.filter(pk=case.pk).values_list("reporter_door", flat=True).get()
    assert raw.startswith("gr1.")


def test_only_staff_over_the_persons_grid_can_link_an_account(case_cast):
    from grassroots.registry.services import link_account

    with pytest.raises(DomainError):
        link_account(case_cast.outsider, case_cast.p1, case_cast.resident)
    link_account(case_cast.grid_g1, case_cast.p1, case_cast.resident)
    with pytest.raises(DomainError) as err:
        link_account(case_cast.staff_s1, case_cast.p3, case_cast.resident)
    assert err.value.code == ErrorCode.ACCOUNT_LINKED  # its own code since the registry's error codes (issue 12)
