"""Demo sharing catalogue (演示数据): district departments, a data officer, datasets and two requests.

Made through the services, so the demo exercises the same rules as real use: one request is granted
(with a key issued), one waits at the compliance check, and one dataset is 不予共享 with its legal basis.
"""

from __future__ import annotations

from django.db import transaction

from grassroots.accounts import services as accounts
from grassroots.accounts.models import Department
from grassroots.accounts.roles import Role
from grassroots.areas.models import Level, Region
from grassroots.sharing import catalogue, grants, workflow

DATASETS = (
    ("qmzj", "mz-population", "人口与户数统计（按区域）", "registry.population", "unconditional", "MONTHLY", ""),
    ("qmzj", "mz-persons", "实有人口基础信息", "registry.persons", "conditional", "DAILY", "仅限履行法定职责所需"),
    ("qcgw", "cgw-cases", "城市管理事件记录", "cases.records", "conditional", "CONT", "不得用于考核排名以外的公开"),
)
CLOSED = ("qmzj", "mz-dibao", "低保家庭经济状况核对结果", "registry.persons", "none", "MONTHLY", "")
CLOSED_BASIS = "《社会救助暂行办法》第六十六条、《中华人民共和国个人信息保护法》第二十八条"


@transaction.atomic
def seed_sharing(password: str) -> dict[str, int]:
    district = Region.objects.get(level=Level.DISTRICT)
    street = Region.objects.filter(level=Level.STREET).order_by("code").first()
    officers = {}
    for code, name in (("qmzj", "区民政局"), ("qcgw", "区城管委")):
        dept, _ = Department.objects.get_or_create(code=code, defaults={"name": name, "region": district})
        user = next(
            iter(accounts.create_users_bulk([(f"{code}_data", f"{name}数据专员（演示）")], password=password).values())
        )
        accounts.grant_membership(None, user, role=Role.DEPARTMENT, region=district, department=dept)
        officers[code] = (dept, user)
    reviewer = next(iter(accounts.create_users_bulk([("qu_data", "区大数据中心（演示）")], password=password).values()))
    accounts.grant_membership(None, reviewer, role=Role.DATA_OFFICER, region=district)
    datasets = {}
    for owner, code, title, source, sharing_class, frequency, conditions in (*DATASETS, CLOSED):
        dept, user = officers[owner]
        spec = catalogue.DatasetSpec(
            code=code,
            title=title,
            description=f"{title}，由{dept.name}维护（演示数据）。",
            frequency=frequency,
            sharing_class=sharing_class,
            conditions=conditions,
            legal_basis=CLOSED_BASIS if sharing_class == "none" else "",
        )
        datasets[code] = catalogue.create_dataset_from_source(user, department_id=dept.pk, spec=spec, source=source)
    consumer = Department.objects.get(code=f"jd{street.code[-3:]}-paf")
    requester = consumer.membership_set.first().user
    granted = workflow.submit_request(
        requester,
        workflow.RequestSpec(
            dataset_id=datasets["mz-population"].pk,
            consumer_id=consumer.pk,
            purpose="按社区人口核定平安建设巡查力量",
            legal_basis="《北京市平安建设条例》",
            fields=["region_code", "region_name", "population", "households"],
            region_id=street.pk,
            duration_days=180,
        ),
    )
    workflow.decide_compliance(reviewer, granted, approve=True)
    workflow.decide_provider(officers["qmzj"][1], granted, approve=True)
    granted.refresh_from_db()
    grants.issue_key(requester, granted.grant)
    workflow.submit_request(
        requester,
        workflow.RequestSpec(
            dataset_id=datasets["mz-persons"].pk,
            consumer_id=consumer.pk,
            purpose="核查独居老人住址以便开展消防安全入户检查",
            legal_basis="《中华人民共和国消防法》第三十二条",
            fields=["name", "phone", "grid_code", "tags"],
            region_id=street.pk,
            duration_days=60,
        ),
    )
    return {"datasets": len(datasets), "requests": 2}
