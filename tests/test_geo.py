"""Geodesic distances (WGS-84) and range-payload, checked against REFERENCE.md."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from conftest import make_scenario

from logistics.catalog import aircraft_catalog, airfield_catalog
from logistics.geo import (
    distance_matrix_nm,
    distance_nm,
    flight_hours,
    payload_for_distance,
    range_at_payload,
)
from logistics.network import routings

# great-circle checks of REFERENCE.md (nm)
REFERENCE_NM = [
    ("KPOB", "OKAS", 5893),
    ("KPOB", "ETAR", 3724),
    ("KPOB", "LERT", 3446),
    ("ETAR", "OKAS", 2173),
    ("LERT", "OKAS", 2712),
    ("LICZ", "OKAS", 1695),
    ("OKAS", "ORBI", 289),
]


@pytest.mark.parametrize(("a", "b", "nm"), REFERENCE_NM, ids=[f"{a}-{b}" for a, b, _ in REFERENCE_NM])
def test_reference_distances_within_one_percent(a: str, b: str, nm: float) -> None:
    cat = airfield_catalog()
    d = distance_nm(cat[a], cat[b])
    assert abs(d - nm) / nm < 0.01, f"{a}-{b}: {d:.1f} nm vs reference {nm}"
    # symmetric, and the same from (lat, lon) pairs
    assert distance_nm(cat[b], cat[a]) == pytest.approx(d, abs=1e-9)
    assert distance_nm((cat[a].lat, cat[a].lon), (cat[b].lat, cat[b].lon)) == pytest.approx(d, abs=1e-9)


def test_known_geodesic_lengths() -> None:
    # a quarter meridian of WGS-84 is 10,001,965.729 m; a degree of equator 111,319.491 m
    assert distance_nm((0.0, 0.0), (90.0, 0.0)) == pytest.approx(10_001_965.729 / 1852, abs=1e-3)
    assert distance_nm((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111_319.491 / 1852, abs=1e-3)
    assert distance_nm((12.5, 45.0), (12.5, 45.0)) == 0.0


def _random_points(seed: int, n: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    pts = [(rng.uniform(-89.9, 89.9), rng.uniform(-180, 180)) for _ in range(n)]
    # nearly antipodal pairs, where Vincenty converges slowly or not at all
    for la, lo in [(0.0, 0.0), (10.0, 20.0), (-35.0, 100.0), (0.5, -179.5), (60.0, 45.0)]:
        pts.append((la, lo))
        pts.append((-la + 0.3, lo - 179.7 if lo > 0 else lo + 179.7))
    pts += [(0.0, 0.0), (0.0, 179.9), (0.0, 180.0), (0.0, -180.0), (89.99, 10.0), (-89.99, -170.0)]
    return pts


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_distance_matrix_agrees_with_karney(seed: int) -> None:
    pts = _random_points(seed, 40)
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    d = distance_matrix_nm(lats, lons)
    assert d.shape == (len(pts), len(pts))
    assert np.all(np.isfinite(d))
    assert np.allclose(np.diag(d), 0.0)
    ref = np.array([[distance_nm(p, q) for q in pts] for p in pts])
    assert np.max(np.abs(d - ref)) < 1e-6
    # nothing is farther than half a meridian ellipse (~10,802 nm) + margin
    assert d.max() < 10_820


def test_distance_matrix_of_catalogue() -> None:
    cat = list(airfield_catalog().values())
    d = distance_matrix_nm([a.lat for a in cat], [a.lon for a in cat])
    for i, j in [(0, 5), (3, 20), (10, 11)]:
        assert d[i, j] == pytest.approx(distance_nm(cat[i], cat[j]), abs=1e-6)
    assert np.allclose(d, d.T, atol=1e-6)


def test_range_payload_line() -> None:
    c17 = aircraft_catalog()["C-17A"]
    assert range_at_payload(c17, 0) == c17.ferry_range_nm
    assert range_at_payload(c17, c17.max_payload_stons) == pytest.approx(c17.range_nm_at_max_payload)
    mid = (c17.ferry_range_nm + c17.range_nm_at_max_payload) / 2
    assert range_at_payload(c17, c17.max_payload_stons / 2) == pytest.approx(mid)
    assert range_at_payload(c17, c17.max_payload_stons + 1) == -math.inf
    # payload_for_distance inverts it, capped at the maximum payload
    for p in (0.0, 10.0, 45.0, 85.5):
        assert payload_for_distance(c17, range_at_payload(c17, p)) == pytest.approx(p)
    assert payload_for_distance(c17, 1000) == c17.max_payload_stons
    assert payload_for_distance(c17, c17.ferry_range_nm + 1) == -1.0
    assert flight_hours(c17, 900) == pytest.approx(2.0)


def test_c17_pope_to_kuwait_direct_carries_a_token_load() -> None:
    """SPEC rule 4: about 5,900 nm direct: under 7 st (about 45 soldiers); via ETAR a full load."""
    s = make_scenario(enroute=["ETAR"])
    c17 = s.aircraft_type("C-17A")
    direct_nm = distance_nm(s.airfield("KPOB"), s.airfield("OKAS"))
    pay = payload_for_distance(c17, direct_nm)
    assert 0 < pay < 7.0
    soldiers = pay / s.pax_weight_stons
    assert 40 <= soldiers <= 50  # "about 45 soldiers"

    rs = {r.out_stops: r for r in routings(s, "KPOB", "OKAS", "C-17A")}
    assert () in rs and ("ETAR",) in rs
    assert rs[()].payload_stons < 7.0
    assert rs[()].payload_stons == pytest.approx(pay, abs=1e-5)
    # via Ramstein both legs are short enough for the planning load of 45 st
    assert rs[("ETAR",)].payload_stons >= c17.acl_stons
    legs = [distance_nm(s.airfield(a), s.airfield(b)) for a, b in (("KPOB", "ETAR"), ("ETAR", "OKAS"))]
    assert all(range_at_payload(c17, 45.0) >= d for d in legs)
    # the direct flight is faster
    assert rs[()].arrive < rs[("ETAR",)].arrive
