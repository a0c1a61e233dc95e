"""Demo departments, responsibility rules, residents and cases (演示数据), made through the services.

Each street gets a 城管执法队 for city management and a 平安办 for safety hazards; each community a resident
account; and each community a handful of reports drawn from the synthetic corpus, moved along the loop so
the workbench shows every state: new, accepted, in progress, awaiting confirmation, closed, returned.
"""

from __future__ import annotations

import random

from django.db import transaction

from grassroots.accounts import services as accounts
from grassroots.accounts.models import Department
from grassroots.accounts.roles import Role
from grassroots.areas.models import Level, Region
from grassroots.cases import handling, intake, residents, rules
from grassroots.cases.corpus import CATEGORY_NAMES, report_text
from grassroots.cases.models import Category, Channel
from grassroots.registry.models import House

DEPARTMENTS = (("cgk", "城管执法队", "city_management"), ("paf", "平安办", "safety"))


@transaction.atomic
def departments_and_rules(admin, password: str) -> dict[str, object]:
    users = {}
    for street in Region.objects.filter(level=Level.STREET).order_by("code"):
        tail = street.code[-3:]
        for suffix, name, top in DEPARTMENTS:
            dept, _ = Department.objects.get_or_create(
                code=f"jd{tail}-{suffix}", defaults={"name": f"{street.name}{name}", "region": street}
            )
            user = accounts.create_users_bulk([(f"jd{tail}_{suffix}", f"{dept.name}（演示）")], password=password)
            officer = next(iter(user.values()))
            accounts.grant_membership(None, officer, role=Role.DEPARTMENT, region=street, department=dept)
            rules.save_rule(
                admin,
                category=Category.objects.get(code=top),
                level=Level.STREET,
                department=dept,
                within=street,
                sla_hours=14 if top == "safety" else 35,
                warn_hours=3 if top == "safety" else 7,
            )
            users[officer.username] = officer
    return users


def residents_for(password: str) -> dict[int, object]:
    out = {}
    for community in Region.objects.filter(level=Level.COMMUNITY).order_by("code"):
        username = f"jm{community.code[-6:]}"
        user = next(
            iter(accounts.create_users_bulk([(username, f"{community.name}居民（演示）")], password=password).values())
        )
        accounts.grant_membership(None, user, role=Role.RESIDENT, region=community)
        out[community.pk] = user
    return out


def seed_cases(admin, *, per_community: int, password: str, seed: int) -> int:
    """Open and advance demo cases. Returns how many were opened."""
    rng = random.Random(seed)
    departments_and_rules(admin, password)
    people = residents_for(password)
    codes = list(CATEGORY_NAMES)
    opened = 0
    for community in Region.objects.filter(level=Level.COMMUNITY).order_by("code"):
        houses = list(House.objects.filter(region__path__startswith=community.path).order_by("?")[: per_community * 2])
        for house in houses[:per_community]:
            code = rng.choice(codes)
            text = report_text(code, rng)
            report = intake.Report(title=text[:24], description=text, category=code, door_number=house.door_number)
            case = intake.open_case(people[community.pk], report, channel=Channel.PORTAL)
            opened += 1
            _advance(case, rng, people[community.pk])
    return opened


def _handler(case):
    from grassroots.cases.notify import owners_of

    owners = sorted(owners_of(case), key=lambda u: u.username)
    return owners[0] if owners else None


def _advance(case, rng: random.Random, reporter) -> None:
    stage = rng.random()
    handler = _handler(case)
    if handler is None or stage < 0.25:
        return  # left new
    if stage < 0.32:
        handling.return_case(handler, case, reason="不属于本单位职责（演示）", likely_owner="区相关部门")
        return
    handling.accept_case(handler, case)
    if stage < 0.45:
        return
    handling.add_progress(handler, case, note="已安排人员现场处置（演示）", percent=rng.choice([30, 50, 60]))
    if stage < 0.6:
        return
    handling.resolve_case(handler, case, note="已现场处置完毕，请您确认（演示）")
    if stage < 0.75:
        return
    residents.rate_case(
        reporter,
        case,
        satisfied=stage < 0.93,
        score=5 if stage < 0.93 else 2,
        comment="" if stage < 0.93 else "还没有彻底解决",
    )
