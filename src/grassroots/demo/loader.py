"""The demo district: real 东城区 boundary, streets and communities; synthetic grids and everything below.

`load(scale)` is idempotent: a second call with the same scale changes nothing. Regions go in through the
ordinary GeoJSON import, people and places through the registry's bulk verb, users through accounts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils.translation import gettext

from grassroots.accounts import services as accounts
from grassroots.accounts.roles import Role
from grassroots.areas import services as areas
from grassroots.areas.models import Level, Region
from grassroots.areas.tiling import plan_territory
from grassroots.audit.events import AuditEvent
from grassroots.audit.services import record
from grassroots.core.models import DemoLoad
from grassroots.demo.people import populate_grid
from grassroots.registry.models import Household, Person, Tag

DATA_FILE = Path(__file__).resolve().parent.parent / "areas" / "data" / "dongcheng.json"


@dataclass(frozen=True)
class Scale:
    streets: int
    communities: int  # per street
    grids: int  # per community
    people: int  # in the whole district
    cases: int  # demo reports per community
    history: int  # past cases over the last two years (demo/history.py)


SCALES = {
    "small": Scale(2, 3, 5, 3_000, 4, 3_000),
    "medium": Scale(4, 5, 10, 50_000, 12, 40_000),
    "large": Scale(10, 8, 25, 1_000_000, 12, 1_000_000),
}


def short_name(name: str) -> str:
    return re.sub(r"(居民委员会|居委会|村民委员会|村委会)$", "", name)


def district_source() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def build_regions(scale: Scale, seed: int) -> tuple[dict, list[str]]:
    """A FeatureCollection of the district tree at this scale, and the grid codes in order."""
    src = district_source()
    streets = [s for s in src["streets"] if len(s["communities"]) >= scale.communities][: scale.streets]
    shape = [[scale.grids] * scale.communities for _ in streets]
    plan = plan_territory(src["district"]["geometry"], shape, seed)
    district = src["district"]
    features = [_feature(district["code"], district["name"], 1, None, district["geometry"], demo=False)]
    grid_codes: list[str] = []
    for street, (street_geom, communities) in zip(streets, plan, strict=True):
        features.append(_feature(street["code"], street["name"], 2, district["code"], street_geom, demo=False))
        for community, (community_geom, grids) in zip(street["communities"], communities, strict=False):
            name = short_name(community["name"])
            features.append(_feature(community["code"], name, 3, street["code"], community_geom, demo=False))
            for n, grid_geom in enumerate(grids, start=1):
                code = f"{community['code']}{n:03d}"
                grid_codes.append(code)
                features.append(
                    _feature(
                        code,
                        f"{name}第{n}网格",
                        4,
                        community["code"],
                        grid_geom,
                        demo=True,
                        grid_worker=f"wg{code[-9:]}",
                    )
                )
    return {"type": "FeatureCollection", "features": features}, grid_codes


def _feature(code, name, level, parent, geometry, *, demo: bool, grid_worker: str | None = None) -> dict:
    props = {"code": code, "name": name, "level": level, "parent_code": parent, "is_demo": demo}
    if grid_worker:
        props["grid_worker"] = grid_worker
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _staff(collection: dict) -> list[tuple[str, str, Role, str]]:
    """(username, display name, role, region code) for the demo cast."""
    cast = []
    for f in collection["features"]:
        p = f["properties"]
        code, name = p["code"], p["name"]
        if p["level"] == Level.DISTRICT:
            cast.append(("qu_leader", f"{name}区领导（演示）", Role.STREET_LEADER, code))
        elif p["level"] == Level.STREET:
            tail = code[-3:]
            cast.append((f"jd{tail}_leader", f"{name}领导（演示）", Role.STREET_LEADER, code))
            cast.append((f"jd{tail}_staff", f"{name}工作人员（演示）", Role.STREET_STAFF, code))
        elif p["level"] == Level.COMMUNITY:
            cast.append((f"sq{code[-6:]}", f"{name}社工（演示）", Role.COMMUNITY_STAFF, code))
        else:
            cast.append((p["grid_worker"], f"{name}网格员（演示）", Role.GRID_WORKER, code))
    return cast


def load(scale_name: str, *, seed: int = 20261123, admin_password: str, staff_password: str, progress=print) -> dict:
    scale = SCALES[scale_name]
    done = DemoLoad.objects.first()
    if done is not None:
        if done.scale != scale_name:
            raise ValueError(gettext("已加载 %(scale)s 规模的演示数据；如需更换请先清空数据库") % {"scale": done.scale})
        progress(gettext("演示数据（%(scale)s）已加载，跳过") % {"scale": scale_name})
        return done.counts
    collection, grid_codes = build_regions(scale, seed)
    cast = _staff(collection)
    with transaction.atomic():
        users = accounts.create_users_bulk([(u, d) for u, d, _, _ in cast], password=staff_password)
        admin = _ensure_admin(admin_password)
        progress(gettext("区域：%(n)s") % {"n": len(collection["features"])})
        areas.import_regions(None, collection)
        regions = {r.code: r for r in Region.objects.filter(code__in={c for _, _, _, c in cast})}
        district = Region.objects.get(level=Level.DISTRICT, code=collection["features"][0]["properties"]["code"])
        grants = [(users[u], role, regions[c]) for u, _, role, c in cast] + [(admin, Role.SYSTEM_ADMIN, district)]
        accounts.grant_memberships_bulk(grants)
    counts = _populate(grid_codes, scale, seed, progress)
    from grassroots.demo.cases import seed_cases

    admin = _ensure_admin(admin_password)
    counts["cases"] = seed_cases(admin, per_community=scale.cases, password=staff_password, seed=seed)
    progress(gettext("事件：%(n)s") % {"n": counts["cases"]})
    from grassroots.demo.sharing import seed_sharing

    counts["datasets"] = seed_sharing(staff_password)["datasets"]
    from grassroots.demo.environment import seed_environment

    counts.update(seed_environment(scale_name, seed=seed, password=staff_password, progress=progress))
    from grassroots.demo.analytics import seed_analytics

    counts.update(seed_analytics(scale.history, seed=seed, progress=progress))
    with transaction.atomic():
        _refresh_statistics(district)
        counts["users"] = len(cast) + 1
        DemoLoad.objects.create(scale=scale_name, seed=seed, counts=counts)
        record(
            actor=None, event=AuditEvent.DEMO_LOADED, target_type="core.demoload", extra={"scale": scale_name, **counts}
        )
    return counts


def _ensure_admin(password: str):
    from grassroots.accounts.models import User

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = accounts.create_user(username="admin", password=password, display_name="系统管理员", is_superuser=True)
    return admin


def _populate(grid_codes: list[str], scale: Scale, seed: int, progress) -> dict:
    rng = np.random.default_rng(seed)
    grids = {r.code: r for r in Region.objects.filter(code__in=grid_codes)}
    per_grid = rng.multinomial(scale.people, np.full(len(grid_codes), 1 / len(grid_codes)))
    totals: dict[str, int] = {}
    used_ids: set[str] = set()
    used_roads: set[str] = set()
    tags = {t.code: t for t in Tag.objects.all()}
    for i, (code, n) in enumerate(zip(grid_codes, per_grid, strict=True)):
        counts = populate_grid(grids[code], int(n), rng, used_ids, used_roads, tags)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        if (i + 1) % max(1, len(grid_codes) // 10) == 0:
            progress(f"  网格 {i + 1}/{len(grid_codes)}，人口 {totals.get('persons', 0)}")
    return totals


def _refresh_statistics(district: Region) -> None:
    """Region population and household counts from the registry (collect once, derive the rest)."""
    from django.db.models import Count

    people = dict(Person.objects.values_list("region_id").annotate(n=Count("id")).order_by())
    homes = dict(Household.objects.values_list("house__region_id").annotate(n=Count("id")).order_by())
    areas.set_statistics(district, {g: (people.get(g, 0), homes.get(g, 0)) for g in people.keys() | homes.keys()})
