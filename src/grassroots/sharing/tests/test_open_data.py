import io
import json

import pytest
from openpyxl import load_workbook

from grassroots.audit.events import AuditEvent
from grassroots.audit.models import AuditEntry
from grassroots.cases.intake import open_case
from grassroots.cases.models import Case, Channel
from grassroots.cases.tests.conftest import report
from grassroots.conftest import PASSWORD
from grassroots.core.errors import DomainError, ErrorCode
from grassroots.core.time import now
from grassroots.sharing import services
from grassroots.sharing.models import ReleaseFeedback
from grassroots.sharing.suppression import feasible_intervals


@pytest.fixture
def release(case_cast):
    for _ in range(12):
        open_case(case_cast.resident, report(), channel=Channel.PORTAL)  # 甲街道 · 安全隐患: 12
    for _ in range(3):
        open_case(case_cast.resident, report(lng=116.45, lat=39.85), channel=Channel.PORTAL)  # 乙街道: 3
    return services.publish_cases_by_category(case_cast.admin, month=now().strftime("%Y-%m"), threshold=10)


def intervals(release) -> dict:
    return feasible_intervals(release.cells, release.row_totals, release.column_totals, release.grand_total)


def test_a_release_hides_small_cells_and_cannot_be_reversed(release):
    assert release.row_labels == ["甲街道", "乙街道"] and Case.objects.count() == 15
    safety = release.column_labels.index("安全隐患")
    assert release.cells[1][safety] is None and release.row_totals[1] is None  # a total of 3 is small too
    ranges = intervals(release)
    assert ("cell", 1, safety) in ranges and ("row", 1) in ranges
    assert all(high - low >= 1 for low, high in ranges.values())


def test_downloads_in_three_formats(release, client):
    assert json.loads(client.get(f"/open/{release.pk}/download.json").content)["cells"] == release.cells
    csv_text = client.get(f"/open/{release.pk}/download.csv").content.decode("utf-8-sig")
    assert "<10" in csv_text and "甲街道" in csv_text
    book = load_workbook(io.BytesIO(client.get(f"/open/{release.pk}/download.xlsx").content))
    assert book.active.cell(row=2, column=1).value == "甲街道"
    assert client.get(f"/open/{release.pk}/download.pdf").status_code == 400


def test_the_public_reads_and_leaves_feedback_without_logging_in(release, client):
    assert release.title in client.get("/open/").content.decode()
    client.post(f"/open/{release.pk}/", {"message": "乙街道的数字好像偏少"})
    feedback = ReleaseFeedback.objects.get()
    assert feedback.message == "乙街道的数字好像偏少"
    entry = AuditEntry.objects.get(event=AuditEvent.OPEN_DATA_FEEDBACK)
    assert entry.actor is None and entry.target_id == str(feedback.pk)
    client.post(f"/open/{release.pk}/", {"message": ""})
    audited = AuditEntry.objects.filter(event=AuditEvent.OPEN_DATA_FEEDBACK).count()
    assert ReleaseFeedback.objects.count() == 1 == audited
    assert client.get("/open/999/").status_code == 404


def test_only_permitted_staff_publish(case_cast, client):
    with pytest.raises(DomainError):
        services.publish_cases_by_category(case_cast.staff_s1, month="2026-11")
    with pytest.raises(DomainError):
        services.publish_cases_by_category(case_cast.admin, month="2026-13")
    client.post("/accounts/login/", {"username": "staff_s1", "password": PASSWORD})
    assert client.post("/open/publish/", {"month": "2026-11"}).status_code == 403


def test_a_satisfaction_release_counts_ratings_by_band_and_hides_small_cells(case_cast):
    from grassroots.cases.models import Rating

    s1 = [open_case(case_cast.resident, report(), channel=Channel.PORTAL) for _ in range(12)]
    s2 = [open_case(case_cast.resident, report(lng=116.45, lat=39.85), channel=Channel.PORTAL) for _ in range(3)]
    scores = [(c, 5) for c in s1[:11]] + [(s1[11], 2)] + [(c, 4) for c in s2]
    Rating.objects.bulk_create(Rating(case=c, user=case_cast.resident, satisfied=s >= 4, score=s) for c, s in scores)
    release = services.publish_satisfaction(case_cast.admin, month=now().strftime("%Y-%m"), threshold=10)
    assert release.kind == "satisfaction" and release.column_labels[0].startswith("满意")
    assert release.cells[0][2] is None  # the one 不满意 in 甲街道 is withheld, with a complement
    assert release.row_totals == [12, None] and release.column_totals[0] == 14
    # 乙街道's total of 3 would follow from the grand total 15 − 12, so the grand total is withheld too.
    assert release.grand_total is None
    ranges = intervals(release)
    assert {("row", 1), ("column", 2), ("grand",)} <= set(ranges)
    assert all(high - low >= 1 for low, high in ranges.values())


def test_publishing_needs_the_permission_and_a_month_with_data(case_cast):
    with pytest.raises(DomainError):
        services.publish_satisfaction(case_cast.admin, month="2020-01")
    with pytest.raises(DomainError):
        services.publish_satisfaction(case_cast.grid_g1, month=now().strftime("%Y-%m"))


def test_the_downloads_show_the_grand_total_only_when_suppression_published_it(release, client):
    csv_text = client.get(f"/open/{release.pk}/download.csv").content.decode("utf-8-sig")
    footer = csv_text.strip().splitlines()[-1].split(",")
    assert footer[0] == "合计" and footer[-1] == ("<10" if release.grand_total is None else str(release.grand_total))
    body = json.loads(client.get(f"/open/{release.pk}/download.json").content)
    assert body["grand_total"] == release.grand_total and body["title"] == release.title


def test_anonymous_feedback_is_limited_per_address(release, client):
    for n in range(5):
        response = client.post(f"/open/{release.pk}/", {"message": f"第 {n} 条意见"}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
    refused = client.post(f"/open/{release.pk}/", {"message": "第六条意见"}, REMOTE_ADDR="203.0.113.7", follow=True)
    assert "提交过于频繁" in refused.content.decode()
    assert ReleaseFeedback.objects.count() == 5
    with pytest.raises(DomainError) as error:
        services.leave_feedback(release, "再来一条", client="203.0.113.7")
    assert error.value.code == ErrorCode.RATE_LIMITED
    client.post(f"/open/{release.pk}/", {"message": "另一位居民的意见"}, REMOTE_ADDR="198.51.100.2")
    assert ReleaseFeedback.objects.count() == 6
