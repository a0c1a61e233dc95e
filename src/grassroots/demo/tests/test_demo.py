import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from grassroots.areas.models import Level, Region
from grassroots.core.models import DemoLoad
from grassroots.demo.loader import load
from grassroots.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load("small", admin_password="admin-pass-1", staff_password="staff-pass-1", progress=lambda m: None)


def test_small_demo_has_the_promised_shape(small):
    counts = {level: Region.objects.filter(level=level).count() for level in Level.values}
    assert counts == {1: 1, 2: 2, 3: 6, 4: 30}
    assert small["persons"] == Person.objects.count() == 3000
    district = Region.objects.get(level=Level.DISTRICT)
    assert (district.code, district.name, district.population) == ("110101", "东城区", 3000)
    # Real streets and communities, synthetic grids (and below) labelled as demo data.
    assert Region.objects.filter(level=Level.STREET, code="110101001", name="东华门街道").exists()
    assert not Region.objects.filter(level__lt=Level.GRID, is_demo=True).exists()
    assert Region.objects.filter(level=Level.GRID, is_demo=False).count() == 0
    assert Person.objects.filter(is_demo=False).count() == 0


def test_grids_tile_each_community_without_gaps_or_overlaps(small):
    for community in Region.objects.filter(level=Level.COMMUNITY):
        grids = [shape(g.geometry) for g in Region.objects.filter(parent=community)]
        parent = shape(community.geometry)
        assert abs(sum(g.area for g in grids) - parent.area) / parent.area < 1e-9
        assert shapely.union_all(grids).symmetric_difference(parent).area / parent.area < 1e-9


def test_every_person_lives_inside_their_grid(small):
    from grassroots.areas.services import locate_points
    from grassroots.registry.models import House

    houses = list(House.objects.select_related("region").order_by("?")[:300])
    hits = locate_points([h.lng for h in houses], [h.lat for h in houses])
    assert [h.grid_id for h in hits] == [h.region_id for h in houses]


def test_loading_twice_changes_nothing(small):
    again = load("small", admin_password="x", staff_password="y", progress=lambda m: None)
    assert again == small and Person.objects.count() == 3000 and DemoLoad.objects.count() == 1
    with pytest.raises(ValueError, match="small"):
        load("medium", admin_password="x", staff_password="y", progress=lambda m: None)


def test_every_grid_has_a_grid_worker_who_can_log_in(small, client):
    grid = Region.objects.filter(level=Level.GRID).first()
    assert grid.grid_worker is not None
    for username, password in ((grid.grid_worker.username, "staff-pass-1"), ("admin", "admin-pass-1")):
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, username


def test_demo_identifiers_pass_the_checksums(small):
    from grassroots.registry.identifiers import parse_id_number, parse_uscc
    from grassroots.registry.models import LegalPerson

    for person in Person.objects.order_by("?")[:200]:
        assert parse_id_number(person.id_number).birth_date == person.birth_date
    for firm in LegalPerson.objects.all()[:50]:
        parse_uscc(firm.uscc)
    ages = np.array([(2026 - p.birth_date.year) for p in Person.objects.all()[:2000]])
    assert ages.min() >= 0 and ages.max() < 110


def test_demo_cases_cover_the_loop(small):
    from grassroots.cases.models import Case

    assert small["cases"] == Case.objects.exclude(source_ref="demo-history").count() == 6 * 4
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"dispatched", "accepted"} <= statuses and len(statuses) >= 4


def test_the_demo_has_two_years_of_history_with_rollups_forecasts_and_drivers(small):
    from django.db.models import Sum

    from grassroots.cases.models import Case
    from grassroots.risk.models import BaselineSnapshot, ForecastPoint, ModelRun
    from grassroots.stats.models import DailyStat

    past = Case.objects.filter(source_ref="demo-history")
    assert small["past_cases"] == past.count() > 2000
    assert past.filter(anonymous=False).count() == 0  # history carries no personal data
    district = Region.objects.get(level=Level.DISTRICT)
    received = DailyStat.objects.filter(region=district).aggregate(n=Sum("received"))["n"]
    assert received == Case.objects.exclude(status="merged").count()
    assert BaselineSnapshot.objects.filter(region=district).exists()
    assert ForecastPoint.objects.filter(region=district, category=None).count() == 4
    forecast = ModelRun.objects.get(kind="forecast").figures
    assert forecast["series"] > 0 and forecast["mase"] > 0
    drivers = ModelRun.objects.get(kind=f"drivers:{district.pk}").figures
    assert "model" in drivers, drivers.get("error")
