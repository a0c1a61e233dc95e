"""Synthetic houses, households, people and firms for one grid (演示数据), drawn from a seeded RNG."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from shapely.geometry import shape

from grassroots.areas.models import Region
from grassroots.demo import names
from grassroots.registry.bulk import bulk_register
from grassroots.registry.models import (
    House,
    Household,
    HouseType,
    LegalPerson,
    Person,
    Residence,
    Tag,
    Tagging,
)

HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5])
HOUSEHOLD_WEIGHTS = np.array([0.2, 0.3, 0.28, 0.15, 0.07])
TODAY = dt.date(2026, 11, 1)  # fixed, so the demo is identical whenever it is generated


def random_points(geometry: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    geom = shape(geometry)
    shapely.prepare(geom)
    min_x, min_y, max_x, max_y = geom.bounds
    points = np.empty((0, 2))
    while len(points) < n:
        xy = rng.uniform((min_x, min_y), (max_x, max_y), size=(max(n * 2, 16), 2))
        points = np.vstack([points, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
    return points[:n]


def _household_sizes(n: int, rng: np.random.Generator) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.choice(HOUSEHOLD_SIZES, p=HOUSEHOLD_WEIGHTS)))
    if sizes:
        sizes[-1] -= sum(sizes) - n
    return [s for s in sizes if s > 0]


def _ages(size: int, rng: np.random.Generator) -> list[int]:
    head = int(rng.integers(24, 92))
    ages = [head]
    if size >= 2:
        ages.append(int(np.clip(head + rng.integers(-5, 6), 20, 99)))
    for _ in range(size - len(ages)):
        child = head - int(rng.integers(22, 36))
        ages.append(child if child >= 0 else int(rng.integers(0, 18)))
    return ages


def populate_grid(
    grid: Region, n: int, rng: np.random.Generator, used_ids: set[str], used_roads: set[str], tags: dict[str, Tag]
) -> dict[str, int]:
    tag = tags.__getitem__
    sizes = _household_sizes(n, rng)
    # Grids differ, as real ones do: some are full of rented rooms and shops, others settled and quiet.
    # The drivers model (risk/drivers) needs that variation to have anything to explain.
    floating_share = float(rng.uniform(0.05, 0.45))
    shops = max(1, int(n * rng.uniform(0.01, 0.04)))
    points = random_points(grid.geometry, len(sizes) + shops, rng)
    roads = names.road_names(rng, 3, used_roads)  # roads unique to the grid keep door numbers unique
    houses, households, persons, firms, taggings = [], [], [], [], []
    for i, size in enumerate(sizes):
        floating = rng.random() < floating_share
        road = roads[i % len(roads)]
        if rng.random() < 0.6:
            house = House(
                region=grid,
                road=road,
                number=f"{1 + i // 24}号院",
                building=f"{1 + (i // 8) % 3}号楼",
                unit=f"{1 + (i // 4) % 2}单元",
                room=f"{1 + i % 4}0{1 + i % 2}",
            )
        else:
            house = House(region=grid, road=road, number=f"{i + 1}号")
        house.house_type, house.is_rental, house.is_demo = HouseType.RESIDENTIAL, floating, True
        house.lng, house.lat = map(float, points[i])
        household = Household(house=house, is_demo=True)
        houses.append(house)
        households.append(household)
        if floating:
            taggings.append(Tagging(tag=tag("rental"), house=house))
        ages = _ages(size, rng)
        for j, age in enumerate(ages):
            person = _person(grid, house, household, age, j == 0, floating, rng, used_ids)
            persons.append(person)
            taggings.extend(Tagging(tag=tag(code), person=person) for code in _person_tags(person, age, ages, rng))
    for k in range(shops):
        industry = str(rng.choice(["H", "H", "F", "F", "O", "I", "L", "Q", "P", "R", "E", "K"]))
        house = House(
            region=grid,
            road=roads[k % len(roads)],
            number=f"甲{k + 1}号",
            house_type=HouseType.SHOP,
            is_demo=True,
        )
        house.lng, house.lat = map(float, points[len(sizes) + k])
        houses.append(house)
        firm = LegalPerson(
            region=grid,
            uscc=_unique(lambda: names.uscc(rng), used_ids),
            name=names.firm_name(rng, industry),
            industry=industry,
            house=house,
            is_demo=True,
        )
        firm.address = House.compose_door_number(house.road, house.number)
        firms.append(firm)
        if industry == "H":
            taggings.append(Tagging(tag=tag("catering"), legal_person=firm))
        if rng.random() < 0.05:
            taggings.append(Tagging(tag=tag("fire-key-unit"), legal_person=firm))
    return bulk_register(
        None, houses=houses, households=households, persons=persons, legal_persons=firms, taggings=taggings
    )


def _unique(make, used: set[str]) -> str:
    value = make()
    while value in used:
        value = make()
    used.add(value)
    return value


def _person(grid, house, household, age, head, floating, rng, used_ids) -> Person:
    male = bool(rng.random() < 0.5)
    birth = TODAY.toordinal() - age * 365 - int(rng.integers(1, 365))
    area = names.OTHER_AREAS[rng.integers(len(names.OTHER_AREAS))] if floating else "110101"
    number = _unique(lambda: names.id_number(rng, area, birth, male), used_ids)
    person = Person(
        region=grid,
        name=names.person_name(rng),
        id_number=number,
        phone=names.phone(rng) if age >= 16 and rng.random() < 0.95 else "",
        birth_date=dt.date.fromordinal(birth),
        sex="M" if male else "F",
        residence=Residence.FLOATING if floating else Residence.REGISTERED,
        household=household,
        is_household_head=head,
        house=house,
        is_demo=True,
    )
    return person


def _person_tags(person: Person, age: int, household_ages: list[int], rng) -> list[str]:
    tags = []
    if age >= 65 and len(household_ages) == 1:
        tags.append("elderly-alone")
    elif age >= 60 and len(household_ages) > 1 and min(household_ages) >= 60:
        tags.append("empty-nest")
    if rng.random() < 0.02:
        tags.append("disabled")
    if person.sex == "M" and age >= 22 and rng.random() < 0.03:
        tags.append("veteran")
    if 12 <= age <= 18 and rng.random() < 0.02:
        tags.append("focus-youth")
    if rng.random() < 0.01:
        tags.append("subsistence")
    return tags
