"""The objects the access matrix asks about: one inside every column's scope (in G1 / S1), one outside (G4 / S2).

Built once per test module through the apps' own services, on top of the shared cast (grassroots/conftest.py).
Every column of the matrix (access/rules.py COLUMNS) is a user here, with an API token of its own.
"""

from __future__ import annotations

from types import SimpleNamespace

from grassroots.access.rules import COLUMNS
from grassroots.conftest import PASSWORD, Cast, route_city_management, valid_uscc


def _users(cast) -> None:
    from grassroots.accounts import services as accounts
    from grassroots.accounts.models import Department
    from grassroots.accounts.roles import Role

    cast.cgk = Department.objects.create(name="甲街道城管科", code="s1-cgk", region=cast.S1)
    cast.mzj = Department.objects.create(name="区民政局", code="mzj", region=cast.D)
    cast.zz = Department.objects.create(name="乙街道综治中心", code="s2-zz", region=cast.S2)
    extra = {
        "officer": (Role.DEPARTMENT, cast.S1, cast.cgk),
        "data_officer": (Role.DATA_OFFICER, cast.D, None),
        # Not columns: the parties to the sharing objects outside every department column's reach.
        "mz_officer": (Role.DEPARTMENT, cast.D, cast.mzj),
        "zz_officer": (Role.DEPARTMENT, cast.S2, cast.zz),
        "resident2": (Role.RESIDENT, cast.G4, None),
    }
    for username, (role, region, department) in extra.items():
        user = accounts.create_user(username=username, password=PASSWORD, display_name=username)
        accounts.grant_membership(None, user, role=role, region=region, department=department)
        setattr(cast, username, user)
    cast.cgw = Department.objects.get(code="cgw")
    cast.tokens = {}
    for column in COLUMNS:
        if column.role is not None:
            token, secret = accounts.issue_api_token(getattr(cast, column.name), name="matrix")
            cast.tokens[column.name] = (token, secret)


def _cases(cast) -> SimpleNamespace:
    from grassroots.cases import intake
    from grassroots.cases.evidence import Photo
    from grassroots.cases.models import Channel
    from grassroots.notifications.models import Notification

    route_city_management(cast.cgk, cast.S1)
    text = {"title": "占道经营", "description": "早市摊贩占用人行道经营，行人只能走机动车道"}
    text["category"] = "street_vending"  # city management: routed to 甲街道城管科 in S1
    text["photos"] = [Photo("matrix.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)]  # each case's report photo
    inside = intake.open_case(cast.resident, intake.Report(**text, lng=116.32, lat=39.85), channel=Channel.PORTAL)
    outside = intake.open_case(cast.resident2, intake.Report(**text, lng=116.45, lat=39.85), channel=Channel.PORTAL)
    # A second report of the same problem in G1, so that a merge has a primary other than the case itself.
    inside2 = intake.open_case(cast.resident, intake.Report(**text, lng=116.321, lat=39.851), channel=Channel.PORTAL)
    photo_in, photo_out = inside.evidence.get(), outside.evidence.get()
    notes = {}
    for column in COLUMNS:
        if column.role is not None:
            user = getattr(cast, column.name)
            notes[column.name] = Notification.objects.create(user=user, message="matrix")
    notes["other"] = Notification.objects.create(user=cast.resident2, message="matrix")
    return SimpleNamespace(
        inside=inside, inside2=inside2, outside=outside, notes=notes, photo_in=photo_in, photo_out=photo_out
    )


def _sharing(cast) -> SimpleNamespace:
    from grassroots.sharing import catalogue, feedback, workflow

    def dataset(owner, department, code):
        spec = catalogue.DatasetSpec(
            code=code,
            title=f"实有人口基础信息（{department.name}）",
            description="辖区实有人口（测试数据）",
            frequency="DAILY",
            sharing_class="conditional",
            conditions="仅限履行法定职责所需",
        )
        return catalogue.create_dataset_from_source(
            owner, department_id=department.pk, spec=spec, source="registry.persons"
        )

    def request(consumer_user, consumer, ds, region, fields):
        spec = workflow.RequestSpec(
            dataset_id=ds.pk,
            consumer_id=consumer.pk,
            purpose="开展独居老人走访慰问",
            legal_basis="《北京市养老服务条例》第十五条",
            fields=fields,
            region_id=region.pk,
            duration_days=30,
        )
        return workflow.submit_request(consumer_user, spec)

    def granted(consumer_user, consumer, provider_user, ds, region):
        item = request(consumer_user, consumer, ds, region, ["grid_code", "name"])
        workflow.decide_compliance(cast.data_officer, item, approve=True)
        workflow.decide_provider(provider_user, item, approve=True, rate_per_minute=3)
        item.refresh_from_db()
        report = feedback.report_data_error(
            consumer_user, item.grant, record_ref="G1", description="网格编码与实际不符，请核对"
        )
        return item.grant, report

    ds_in = dataset(cast.dept_d, cast.cgw, "cgw-persons")
    ds_out = dataset(cast.mz_officer, cast.mzj, "mz-persons")
    grant_in, report_in = granted(cast.officer, cast.cgk, cast.dept_d, ds_in, cast.S1)
    grant_out, report_out = granted(cast.zz_officer, cast.zz, cast.mz_officer, ds_out, cast.S2)
    return SimpleNamespace(
        dataset_in=ds_in,
        dataset_out=ds_out,
        request_in=request(cast.officer, cast.cgk, ds_in, cast.S1, ["grid_code", "phone"]),
        request_out=request(cast.zz_officer, cast.zz, ds_out, cast.S2, ["grid_code", "phone"]),
        grant_in=grant_in,
        grant_out=grant_out,
        report_in=report_in,
        report_out=report_out,
    )


def _records(cast) -> SimpleNamespace:
    from django.utils import timezone

    from grassroots.audit import log
    from grassroots.audit.models import AuditEntry
    from grassroots.registry import places
    from grassroots.registry.services import create_household
    from grassroots.risk import services as risk
    from grassroots.sharing import services as open_data

    firm4 = places.create_legal_person(
        None, region=cast.G4, uscc=valid_uscc("91110101MA01BCDE7"), name="柳荫茶社", address="柳荫街3号", industry="H"
    )

    def warning(region):
        return risk.raise_signal(domain="environment", region=region, kind="pm25", value=150, severity=2).warning

    def entry(person):
        return AuditEntry.objects.filter(target_type="registry.person", target_id=str(person.pk)).first()

    month = timezone.localdate().strftime("%Y-%m")  # the month of the cases above
    release = open_data.publish_cases_by_category(cast.admin, month=month, threshold=2)
    checkpoint = log.make_checkpoint()
    return SimpleNamespace(
        firm4=firm4,
        household_in=create_household(None, house=cast.h1),
        household_out=create_household(None, house=cast.h4),
        warning_in=warning(cast.G1),
        warning_out=warning(cast.G4),
        entry_in=entry(cast.p1),
        entry_out=entry(cast.p4),
        release=release,
        checkpoint=checkpoint,
    )


def _environment(cast) -> SimpleNamespace:
    """A station, a stream, an alert and a maintenance task inside (G1, run by the firm) and outside (G4)."""
    from django.utils import timezone

    from grassroots.environment.models import (
        Aggregation,
        Alert,
        Datastream,
        MaintenanceTask,
        ObservedProperty,
        Rule,
        RuleKind,
        Station,
        StationKind,
    )  # fmt: skip

    pm25 = ObservedProperty.objects.get(code="pm25")
    rule = Rule.objects.create(name="PM2.5 超标", kind=RuleKind.EXCEEDANCE, property=pm25, level=2)
    now = timezone.now()

    def station(code, region, operator=None):
        site = Station.objects.create(
            code=code, name=f"{region.name}空气站", kind=StationKind.AIR, region=region,
            lng=region.center_lng or 116.39, lat=region.center_lat or 39.93, operator=operator,
        )  # fmt: skip
        stream = Datastream.objects.create(
            station=site, property=pm25, unit=pm25.unit, aggregation=Aggregation.HOURLY_MEAN
        )
        alert = Alert.objects.create(
            rule=rule, station=site, datastream=stream, region_path=region.path, level=2, summary="PM2.5 超标",
            first_at=now, last_at=now, peak_value=180.0,
        )  # fmt: skip
        task = MaintenanceTask.objects.create(
            station=site, datastream=stream, region_path=region.path, problem="flatline", detail="数值长时间不变",
            opened_at=now,
        )  # fmt: skip
        return site, alert, task

    station_in, alert_in, task_in = station("aq-g1", cast.G1, cast.firm)
    station_out, alert_out, task_out = station("aq-g4", cast.G4, cast.rec.firm4)
    return SimpleNamespace(
        rule=rule, station_in=station_in, station_out=station_out, alert_in=alert_in, alert_out=alert_out,
        task_in=task_in, task_out=task_out,
    )  # fmt: skip


def _ingest_tokens(env: SimpleNamespace, admin) -> None:
    """An ingest token for the station inside and one for the station outside."""
    from grassroots.environment.tokens import create_token

    env.ingest_token_in = create_token(admin, name="g1 device", station_ids=[env.station_in.pk])[0]
    env.ingest_token_out = create_token(admin, name="g4 device", station_ids=[env.station_out.pk])[0]


def build() -> Cast:
    from grassroots.registry.models import Tag, TagTarget

    cast = Cast()
    _users(cast)
    cast.cases = _cases(cast)
    cast.share = _sharing(cast)
    cast.rec = _records(cast)
    cast.env = _environment(cast)
    _ingest_tokens(cast.env, cast.admin)
    cast.person_tag = Tag.objects.filter(applies_to=TagTarget.PERSON).order_by("code").first()
    return cast
