"""Geodesic distances (WGS-84) and range-payload arithmetic.

Distances are nautical miles on the WGS-84 ellipsoid. One pair is computed with
Karney's algorithm (``geopy.distance.geodesic``) and cached; a matrix is computed at
once by a vectorised Vincenty inverse (sub-millimetre agreement with Karney), with
Karney as the fallback for the nearly antipodal pairs where Vincenty does not
converge. A 200-airfield matrix takes a few milliseconds.

Range-payload follows SPEC rule 4: range falls linearly from ``ferry_range_nm`` at
zero payload to ``range_nm_at_max_payload`` at ``max_payload_stons``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from geopy.distance import geodesic

from .catalog import AircraftType, Airfield

NM_PER_M = 1.0 / 1852.0
_A = 6378137.0
_F = 1 / 298.257223563
_B = _A * (1 - _F)


@lru_cache(maxsize=65536)
def _pair_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(geodesic((lat1, lon1), (lat2, lon2)).meters * NM_PER_M)


def distance_nm(a: Airfield | tuple[float, float], b: Airfield | tuple[float, float]) -> float:
    """Geodesic distance between two airfields (or ``(lat, lon)`` pairs), nm."""
    la1, lo1 = (a.lat, a.lon) if isinstance(a, Airfield) else a
    la2, lo2 = (b.lat, b.lon) if isinstance(b, Airfield) else b
    if (la1, lo1) > (la2, lo2):  # symmetric: one cache entry per pair
        la1, lo1, la2, lo2 = la2, lo2, la1, lo1
    return _pair_nm(float(la1), float(lo1), float(la2), float(lo2))


def distance_matrix_nm(lats: Sequence[float], lons: Sequence[float]) -> np.ndarray:
    """All-pairs geodesic distances (nm) of points given by latitude and longitude.

    Vectorised Vincenty inverse on WGS-84; pairs that do not converge (nearly
    antipodal) are computed with Karney's algorithm instead.
    """
    lat = np.radians(np.asarray(lats, dtype=float))
    lon = np.radians(np.asarray(lons, dtype=float))
    n = lat.size
    U = np.arctan((1 - _F) * np.tan(lat))
    sinU, cosU = np.sin(U), np.cos(U)
    s1, s2 = sinU[:, None], sinU[None, :]
    c1, c2 = cosU[:, None], cosU[None, :]
    L = lon[None, :] - lon[:, None]
    lam = L.copy()
    conv = np.zeros((n, n), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(200):
            sl, cl = np.sin(lam), np.cos(lam)
            sin_sig = np.sqrt((c2 * sl) ** 2 + (c1 * s2 - s1 * c2 * cl) ** 2)
            cos_sig = s1 * s2 + c1 * c2 * cl
            sig = np.arctan2(sin_sig, cos_sig)
            sin_a = np.where(sin_sig == 0, 0.0, c1 * c2 * sl / sin_sig)
            cos2a = 1 - sin_a**2
            cos2sm = np.where(cos2a == 0, 0.0, cos_sig - 2 * s1 * s2 / cos2a)
            C = _F / 16 * cos2a * (4 + _F * (4 - 3 * cos2a))
            lam_new = L + (1 - C) * _F * sin_a * (
                sig + C * sin_sig * (cos2sm + C * cos_sig * (-1 + 2 * cos2sm**2))
            )
            conv = np.abs(lam_new - lam) < 1e-12
            lam = lam_new
            if conv.all():
                break
        u2 = cos2a * (_A**2 - _B**2) / _B**2
        A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
        B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
        dsig = B * sin_sig * (
            cos2sm
            + B / 4 * (cos_sig * (-1 + 2 * cos2sm**2) - B / 6 * cos2sm * (-3 + 4 * sin_sig**2) * (-3 + 4 * cos2sm**2))
        )
        d = _B * A * (sig - dsig) * NM_PER_M
    d = np.where(sin_sig == 0, 0.0, d)
    bad = ~conv | ~np.isfinite(d)
    la, lo = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    for i, j in zip(*np.nonzero(bad), strict=True):
        d[i, j] = distance_nm((la[i], lo[i]), (la[j], lo[j]))
    np.fill_diagonal(d, 0.0)
    return d


def range_at_payload(ac: AircraftType, payload_stons: float) -> float:
    """Range (nm) with ``payload_stons`` aboard; ``-inf`` above the maximum payload."""
    if payload_stons > ac.max_payload_stons + 1e-12:
        return float("-inf")
    p = max(0.0, payload_stons)
    return ac.ferry_range_nm - (ac.ferry_range_nm - ac.range_nm_at_max_payload) * p / ac.max_payload_stons


def payload_for_distance(ac: AircraftType, dist_nm: float) -> float:
    """Largest payload (st) that can fly ``dist_nm``; ``-1`` when even empty it cannot."""
    if dist_nm > ac.ferry_range_nm:
        return -1.0
    if dist_nm <= ac.range_nm_at_max_payload:
        return ac.max_payload_stons
    span = ac.ferry_range_nm - ac.range_nm_at_max_payload
    if span <= 0:
        return -1.0
    return ac.max_payload_stons * (ac.ferry_range_nm - dist_nm) / span


def flight_hours(ac: AircraftType, dist_nm: float) -> float:
    """Minimum leg time at cruise speed, hours."""
    return dist_nm / ac.cruise_kt
