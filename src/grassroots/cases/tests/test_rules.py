import io

import pytest
from openpyxl import Workbook

from grassroots.cases import rules
from grassroots.cases.models import Category, ResponsibilityRule
from grassroots.core.errors import DomainError, ErrorCode


def sheet(rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(list(rules.IMPORT_COLUMNS))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_street_staff_edit_rules_for_their_street_only(case_cast):
    noise = Category.objects.get(code="noise")
    rule = rules.save_rule(
        case_cast.staff_s1,
        category=noise,
        level=2,
        department=case_cast.cgk,
        within=case_cast.S1,
        sla_hours=14,
        warn_hours=3,
    )
    assert rule.pk
    with pytest.raises(DomainError) as err:
        rules.save_rule(
            case_cast.staff_s1,
            category=noise,
            level=2,
            department=None,
            within=case_cast.S2,
            sla_hours=14,
            warn_hours=3,
        )
    assert err.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError):
        rules.save_rule(
            case_cast.staff_s1, category=noise, level=2, department=None, within=None, sla_hours=14, warn_hours=3
        )  # district-wide needs district scope
    with pytest.raises(DomainError):
        rules.save_rule(
            case_cast.grid_g1, category=noise, level=4, department=None, within=case_cast.G1, sla_hours=7, warn_hours=1
        )  # grid workers do not edit routing


def test_excel_import_is_all_or_nothing(case_cast):
    good = [["noise", "街道", "s1-cgk", "S1", 14, 3], ["garbage", "社区", None, None, 21, 7]]
    assert rules.import_rules(case_cast.admin, "rules.xlsx", sheet(good)) == 2
    assert ResponsibilityRule.objects.get(category__code="noise", within=case_cast.S1).department == case_cast.cgk
    before = ResponsibilityRule.objects.count()
    bad = [
        ["noise", "街道", None, "S1", 10, 2],
        ["nope", "街道", None, None, 10, 2],
        ["gas", "省", None, None, 5, 1],
        ["gas", "街道", None, None, 5, 9],
    ]
    with pytest.raises(DomainError) as err:
        rules.import_rules(case_cast.admin, "rules.xlsx", sheet(bad))
    assert [d["row"] for d in err.value.details] == [3, 4, 5]
    assert ResponsibilityRule.objects.count() == before
    assert ResponsibilityRule.objects.get(category__code="noise", within=case_cast.S1).sla_hours == 14


def test_the_routing_page(case_cast, client):
    from grassroots.conftest import PASSWORD

    client.post("/accounts/login/", {"username": "staff_s1", "password": PASSWORD})
    assert "甲街道城管科" in client.get("/cases/routing/").content.decode()
    client.post(
        "/cases/routing/",
        {"category": "gas", "level": "2", "within": str(case_cast.S1.pk), "sla_hours": "7", "warn_hours": "2"},
    )
    assert ResponsibilityRule.objects.filter(category__code="gas", within=case_cast.S1).exists()
    client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD})
    assert client.post("/cases/routing/", {"category": "gas", "level": "4"}).status_code == 403
