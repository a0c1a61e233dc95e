import numpy as np
import pytest

from grassroots.areas.geo import gcj02_to_wgs84, valid_lnglat, validate_lnglat, wgs84_to_gcj02


def test_forward_offset_in_beijing_matches_the_published_formula():
    # Worked from the formula at (116.397, 39.908), Tiananmen: the GCJ-02 shift there is
    # about +0.00624° in longitude and +0.00140° in latitude (≈ 530 m east, 155 m north).
    lng, lat = wgs84_to_gcj02(116.397, 39.908)
    assert lng - 116.397 == pytest.approx(0.006243, abs=2e-5)
    assert lat - 39.908 == pytest.approx(0.001404, abs=2e-5)


def test_inverse_round_trips_below_1e_7_degrees():
    rng = np.random.default_rng(1)
    lng, lat = rng.uniform(73.5, 135, 10_000), rng.uniform(18, 53.5, 10_000)
    back_lng, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lng, lat))
    assert np.abs(back_lng - lng).max() < 1e-7 and np.abs(back_lat - lat).max() < 1e-7


def test_scalars_stay_scalars():
    lng, lat = gcj02_to_wgs84(116.40, 39.91)
    assert isinstance(lng, float) and isinstance(lat, float)


def test_points_outside_china_are_unchanged():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_range_checks():
    assert valid_lnglat(np.array([116, 181, np.nan]), np.array([39, 39, 39])).tolist() == [True, False, False]
    with pytest.raises(ValueError, match="out of range|超出范围"):
        validate_lnglat(116, 91)
