"""GCJ-02 conversion and coordinate checks. Pure Python: runs with or without pytest-django."""

import math

import numpy as np
import pytest

from grassroots.areas.geo import gcj02_to_wgs84, in_china, valid_lnglat, validate_lnglat, wgs84_to_gcj02


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Shadows the project-wide autouse fixture of this name, which needs pytest-django's `settings`."""


def test_forward_matches_a_published_pair():
    # wandergis/coordtransform's README (test/app.js):
    # wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164]
    lng, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lng == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_forward_matches_the_formula_worked_by_hand_at_tiananmen():
    # The published series at x = lng − 105, y = lat − 35, written out with `math`, one term at a time.
    lng, lat = 116.3975, 39.9087
    x, y = lng - 105.0, lat - 35.0
    s = (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    t_lat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + s
    t_lat += (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
    t_lat += (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y * math.pi / 30)) * 2 / 3
    t_lng = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + s
    t_lng += (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
    t_lng += (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3
    a, ee = 6378245.0, 0.00669342162296594323
    magic = 1 - ee * math.sin(math.radians(lat)) ** 2
    d_lat = t_lat * 180 / (a * (1 - ee) / (magic * math.sqrt(magic)) * math.pi)
    d_lng = t_lng * 180 / (a / math.sqrt(magic) * math.cos(math.radians(lat)) * math.pi)
    got = wgs84_to_gcj02(lng, lat)
    assert got == pytest.approx((lng + d_lng, lat + d_lat), abs=1e-12)
    # The shift in central Beijing is about 0.0062° east and 0.0014° north (≈ 530 m and 155 m).
    assert got[0] - lng == pytest.approx(0.00624, abs=5e-5)
    assert got[1] - lat == pytest.approx(0.00140, abs=5e-5)


def test_inverse_is_exact_where_the_common_one_step_formula_is_not():
    # coordtransform's one-step gcj02towgs84(116.404, 39.915) is [116.39775550083061, 39.91359571849836];
    # mapped forward again it misses the input by ~3e-7° (3 cm). The iterated inverse does not.
    one_step = wgs84_to_gcj02(116.39775550083061, 39.91359571849836)
    assert abs(one_step[0] - 116.404) > 1e-7
    back = gcj02_to_wgs84(116.404, 39.915)
    assert back == pytest.approx((116.39775550083061, 39.91359571849836), abs=1e-6)
    assert wgs84_to_gcj02(*back) == pytest.approx((116.404, 39.915), abs=1e-12)


def test_inverse_round_trips_below_1e_7_degrees_across_china():
    rng = np.random.default_rng(1)
    lng, lat = rng.uniform(73.5, 135, 20_000), rng.uniform(18, 53.5, 20_000)
    back_lng, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lng, lat))
    assert np.abs(back_lng - lng).max() < 1e-7 and np.abs(back_lat - lat).max() < 1e-7
    fwd_lng, fwd_lat = wgs84_to_gcj02(*gcj02_to_wgs84(lng, lat))
    assert np.abs(fwd_lng - lng).max() < 1e-9 and np.abs(fwd_lat - lat).max() < 1e-9


def test_scalars_stay_scalars_and_arrays_keep_their_shape():
    lng, lat = gcj02_to_wgs84(116.40, 39.91)
    assert type(lng) is float and type(lat) is float
    grid_lng, grid_lat = wgs84_to_gcj02(np.full((2, 3), 116.4), np.full((2, 3), 39.9))
    assert grid_lng.shape == grid_lat.shape == (2, 3)
    # A scalar latitude broadcasts against an array of longitudes.
    assert gcj02_to_wgs84(np.array([116.1, 116.2]), 39.9)[1].shape == (2,)


def test_points_outside_china_are_unchanged():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # Paris
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)  # New York
    lng, lat = wgs84_to_gcj02(np.array([151.2, 116.4]), np.array([-33.9, 39.9]))  # Sydney, Beijing
    assert (lng[0], lat[0]) == (151.2, -33.9) and lng[1] != 116.4
    box = in_china(np.array([116.4, 72.0, 137.9]), np.array([39.9, 30.0, 40.0]))
    assert box.tolist() == [True, False, False]


def test_nan_passes_through_without_looping():
    lng, lat = gcj02_to_wgs84(np.array([np.nan, 116.4]), np.array([39.9, 39.9]))
    assert np.isnan(lng[0]) and abs(lng[1] - 116.4) < 0.01


def test_range_checks():
    mask = valid_lnglat(np.array([116, 181, np.nan, -180, 0]), np.array([39, 39, 39, -90, np.inf]))
    assert mask.tolist() == [True, False, False, True, False]
    validate_lnglat(np.array([116.4, -180.0]), np.array([39.9, 90.0]))  # no error
    with pytest.raises(ValueError, match="无效或超出范围.*经度须在 −180..180"):
        validate_lnglat(116, 91)
    with pytest.raises(ValueError, match="#2"):
        validate_lnglat([116.0, np.nan], [39.0, 39.0])
