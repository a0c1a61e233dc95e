"""WGS84 ↔ GCJ-02 ("Mars coordinates") and coordinate range checks, vectorised with numpy.

Maps served in mainland China (Amap, Tencent, phones' map pickers) report GCJ-02; boundaries in this
project and raw GPS are WGS84. GCJ-02 is WGS84 plus a smooth, deliberately obscure offset of a few hundred
metres: the widely published formula evaluates two polynomial-plus-sine series at (lng − 105, lat − 35)
and scales them to degrees on the Krasovsky 1940 ellipsoid. Outside a rough box around China the offset is
zero, so foreign points pass through unchanged.

The inverse has no closed form. The offset f changes by < 1e-4 per degree, so x ↦ x − (F(x) − g), with F
the forward transform and g the GCJ-02 input, is a strong contraction: starting from g − f(g) the error
shrinks ~10⁴× per step and the round trip is within 1e-9° (0.1 mm) after two or three steps.

All functions accept Python floats or numpy arrays (broadcast together) and return the same kind.
"""

from __future__ import annotations

from typing import overload

import numpy as np

from grassroots.core.i18n import gettext

A = 6378245.0  # Krasovsky 1940 semi-major axis, as used by the obfuscation
EE = 0.00669342162296594323  # its first eccentricity squared
CHINA_BOX = (72.004, 137.8347, 0.8293, 55.8271)  # (min lng, max lng, min lat, max lat)
INVERSE_TOLERANCE = 1e-9  # degrees, ≈ 0.1 mm
INVERSE_MAX_STEPS = 10  # two or three suffice; the cap only bounds the loop

Arr = np.ndarray


def in_china(lng: Arr, lat: Arr) -> Arr:
    """Boolean mask of positions inside the box where the GCJ-02 offset applies."""
    return (lng >= CHINA_BOX[0]) & (lng <= CHINA_BOX[1]) & (lat >= CHINA_BOX[2]) & (lat <= CHINA_BOX[3])


def _series_lat(x: Arr, y: Arr) -> Arr:
    # x, y are lng − 105 and lat − 35; the sine terms are in "degrees × π", as published.
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    out += (20.0 * np.sin(np.pi * y) + 40.0 * np.sin(np.pi * y / 3.0)) * 2.0 / 3.0
    out += (160.0 * np.sin(np.pi * y / 12.0) + 320.0 * np.sin(np.pi * y / 30.0)) * 2.0 / 3.0
    return out


def _series_lng(x: Arr, y: Arr) -> Arr:
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * np.pi * x) + 20.0 * np.sin(2.0 * np.pi * x)) * 2.0 / 3.0
    out += (20.0 * np.sin(np.pi * x) + 40.0 * np.sin(np.pi * x / 3.0)) * 2.0 / 3.0
    out += (150.0 * np.sin(np.pi * x / 12.0) + 300.0 * np.sin(np.pi * x / 30.0)) * 2.0 / 3.0
    return out


def _offset(lng: Arr, lat: Arr) -> tuple[Arr, Arr]:
    """GCJ-02 minus WGS84 at a WGS84 position, in degrees (zero outside China)."""
    x, y = lng - 105.0, lat - 35.0
    rad = np.radians(lat)
    w = 1.0 - EE * np.sin(rad) ** 2
    # Metres → degrees: the meridian radius of curvature for latitude, the parallel's radius for longitude.
    d_lat = _series_lat(x, y) * 180.0 / (A * (1.0 - EE) / (w * np.sqrt(w)) * np.pi)
    d_lng = _series_lng(x, y) * 180.0 / (A / np.sqrt(w) * np.cos(rad) * np.pi)
    inside = in_china(lng, lat)
    return np.where(inside, d_lng, 0.0), np.where(inside, d_lat, 0.0)


def _arrays(lng: float | Arr, lat: float | Arr) -> tuple[Arr, Arr, bool]:
    x, y = np.broadcast_arrays(np.asarray(lng, dtype=float), np.asarray(lat, dtype=float))
    return x, y, x.ndim == 0


@overload
def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lng: Arr, lat: Arr) -> tuple[Arr, Arr]: ...
def wgs84_to_gcj02(lng, lat):
    """WGS84 → GCJ-02. Points outside China are returned unchanged."""
    x, y, scalar = _arrays(lng, lat)
    d_lng, d_lat = _offset(x, y)
    return _result(x + d_lng, y + d_lat, scalar)


@overload
def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lng: Arr, lat: Arr) -> tuple[Arr, Arr]: ...
def gcj02_to_wgs84(lng, lat):
    """GCJ-02 → WGS84 to 1e-9° (the one-step g − f(g) often copied is off by up to 5e-5°, ≈ 5 m)."""
    gx, gy, scalar = _arrays(lng, lat)
    d_lng, d_lat = _offset(gx, gy)
    x, y = gx - d_lng, gy - d_lat
    for _ in range(INVERSE_MAX_STEPS):
        d_lng, d_lat = _offset(x, y)
        err_x, err_y = x + d_lng - gx, y + d_lat - gy
        x, y = x - err_x, y - err_y  # applied even on the last step: it costs nothing and gains ~10⁴×
        # NaN errors (NaN input) compare False and so never hold the loop open.
        if not (np.any(np.abs(err_x) >= INVERSE_TOLERANCE) or np.any(np.abs(err_y) >= INVERSE_TOLERANCE)):
            break
    return _result(x, y, scalar)


def _result(x: Arr, y: Arr, scalar: bool):
    return (float(x), float(y)) if scalar else (x, y)


def valid_lnglat(lng: float | Arr, lat: float | Arr) -> Arr:
    """Boolean mask (0-d for scalars) of finite positions within lng −180..180 and lat −90..90."""
    x, y, _ = _arrays(lng, lat)
    return np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180.0) & (np.abs(y) <= 90.0)


def validate_lnglat(lng: float | Arr, lat: float | Arr) -> None:
    """Raise ValueError naming the first bad position unless every position is finite and in range."""
    bad = ~valid_lnglat(lng, lat)
    if bad.any():
        x, y, _ = _arrays(lng, lat)
        i = int(np.flatnonzero(bad)[0])
        bad_x, bad_y = x.ravel()[i], y.ravel()[i]
        at = f" #{i + 1}" if bad.ndim else ""
        message = gettext(
            "坐标%(at)s无效或超出范围：经度 %(lng)s，纬度 %(lat)s（经度须在 −180..180，纬度须在 −90..90）"
        )
        raise ValueError(message % {"at": at, "lng": bad_x, "lat": bad_y})
