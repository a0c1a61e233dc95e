"""People who moved out or died keep their record but are no longer resident population anywhere it is counted."""

import datetime as dt

from grassroots.registry import edits
from grassroots.registry.models import PersonStatus
from grassroots.risk.baseline import take_baseline
from grassroots.risk.features import grid_features
from grassroots.risk.models import BaselineSnapshot
from grassroots.sharing import sources


def test_departed_people_leave_the_features_the_baseline_and_the_shared_register(cast):
    def population():
        frame = grid_features()
        return int(frame.loc[cast.G1.pk, "population"]) if cast.G1.pk in frame.index else 0

    def baseline_persons():
        take_baseline(dt.date(2026, 3, 1))
        return BaselineSnapshot.objects.get(region=cast.G1, taken_on=dt.date(2026, 3, 1)).data["persons"]

    before = population(), baseline_persons(), sources._persons(cast.G1.path, None, None).count()
    assert before[0] >= 1 and before[1] >= 1 and before[2] >= 1
    edits.record_departure(cast.grid_g1, cast.p1, version=1, status=PersonStatus.MOVED_OUT, on_date=dt.date(2026, 2, 1))
    assert (population(), baseline_persons(), sources._persons(cast.G1.path, None, None).count()) == (
        before[0] - 1,
        before[1] - 1,
        before[2] - 1,
    )
