"""Seeded synthetic scenarios: valid, deterministic, of the promised size, deliverable windows."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.cli import main
from logistics.generate import (
    CONUS_ORIGINS,
    EUROPE_ENROUTE,
    GULF_DESTINATIONS,
    SIZES,
    c17_loads,
    demand_c17_loads,
    generate,
)
from logistics.network import fastest_arrival, routings, scenario_warnings
from logistics.scenario import (
    CLASS_OF,
    COMMODITIES,
    Scenario,
    dumps_scenario,
    load_scenario,
)

SEEDS = st.integers(min_value=0, max_value=2**31 - 1)
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_size(s: Scenario, size: str) -> None:
    spec = SIZES[size]
    origins = {u.origin for u in s.units}
    assert len(s.units) == spec.units
    assert spec.origins[0] <= len(origins) <= spec.origins[1]
    assert len(s.destinations) == spec.destinations
    assert {d for u in s.units for d in u.destinations} <= {d.airfield for d in s.destinations}
    assert len(s.fleet_types) == spec.aircraft_types and "C-17A" in s.fleet_types
    assert s.horizon_hours == spec.horizon_hours
    assert len(s.enroute) == spec.enroute and set(s.enroute) <= set(EUROPE_ENROUTE)
    assert len({u.id for u in s.units}) == len(s.units)
    if spec.max_loads_per_unit is not None:
        assert all(c17_loads(u.pax, u.cargo_stons) <= spec.max_loads_per_unit + 1e-9 for u in s.units)
    if not spec.synthetic_origins:
        assert origins <= set(CONUS_ORIGINS)
        assert {d.airfield for d in s.destinations} <= set(GULF_DESTINATIONS)
        assert s.airfields == ()


def check_deliverable(s: Scenario, size: str, warnings: bool = True) -> None:
    """Windows leave room for the fastest transit; every load has a carrier that gets there."""
    spec = SIZES[size]
    for u in s.units:
        assert 50 <= u.pax <= 800
        assert u.cargo_stons > 0
        assert 0 <= u.ready_hour < s.lad(u) <= s.horizon_hours
        assert u.earliest_arrival_hour <= s.rdd(u) <= s.lad(u)
        for c in COMMODITIES:
            if u.amount(c) > 0:
                carriers = [t for t in s.fleet_types if s.aircraft_type(t).carries(CLASS_OF[c])]
                assert any(routings(s, u.origin, d, t) for t in carriers for d in u.destinations), (u.id, c)
        if warnings:
            fa = fastest_arrival(s, u)
            assert fa is not None
            assert s.lad(u) >= fa + spec.margin_hours - 1e-6, (u.id, fa, s.lad(u))
            assert s.rdd(u) >= fa - 1e-6
    if warnings:
        assert scenario_warnings(s) == []
    # beddown: every unit fits at the first base it may use
    load: dict[str, int] = defaultdict(int)
    for u in s.units:
        load[u.destinations[0]] += u.pax
    for d, pax in load.items():
        cap = s.capacity_pax(d)
        assert cap is None or pax <= cap, (d, pax, cap)
    # aircraft available from the start for each type, reinforcements later
    assert all(s.fleet_count(t) > 0 for t in s.fleet_types)
    assert s.fleet_count("C-17A", 0) > 0


def check_round_trip(s: Scenario) -> None:
    for fmt in ("yaml", "json"):
        back = load_scenario(dumps_scenario(s, fmt).encode(), name=f"gen.{fmt}")  # type: ignore[arg-type]
        assert back == s


@FAST
@given(seed=SEEDS)
def test_small(seed: int) -> None:
    s = generate("S", seed)
    check_size(s, "S")
    check_deliverable(s, "S")
    check_round_trip(s)
    assert demand_c17_loads(s) <= 10.0 + 1e-9  # at most ~10 missions: quick to solve
    assert generate("S", seed) == s


@FAST
@given(seed=SEEDS)
def test_medium(seed: int) -> None:
    s = generate("M", seed)
    check_size(s, "M")
    check_deliverable(s, "M")
    check_round_trip(s)
    assert demand_c17_loads(s) <= 40.0 + 1e-9
    assert generate("M", seed) == s


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_large(seed: int) -> None:
    s = generate("L", seed)
    check_size(s, "L")
    check_deliverable(s, "L")
    check_round_trip(s)
    assert generate("L", seed) == s


def test_extra_large() -> None:
    s = generate("XL", 0)
    spec = SIZES["XL"]
    check_size(s, "XL")
    assert len(s.units) >= 300
    assert len({u.origin for u in s.units}) >= 20
    assert len(s.destinations) >= 30
    assert len(s.fleet_types) == 6
    assert s.horizon_hours == 30 * 24
    synthetic = {a.icao: a for a in s.airfields}
    assert len(synthetic) == spec.synthetic_origins + spec.synthetic_destinations
    for code, a in synthetic.items():
        assert code.startswith("X") and len(code) == 4
        assert a.lat is not None and a.lon is not None and a.mog and a.mog > 0
        assert a.source and a.source.startswith("assumption")
    assert {d.airfield for d in s.destinations} & set(synthetic)
    assert {u.origin for u in s.units} & set(synthetic)
    check_deliverable(s, "XL", warnings=False)
    back = load_scenario(dumps_scenario(s, "json").encode(), name="xl.json")
    assert back == s


def test_deterministic_and_seed_dependent() -> None:
    a, b = generate("M", 42), generate("M", 42)
    assert a == b and dumps_scenario(a) == dumps_scenario(b)
    others = {dumps_scenario(generate("M", k)) for k in range(5)}
    assert len(others) == 5
    # sizes with the same seed differ too
    assert generate("S", 1) != generate("M", 1)


def test_sizes_document_themselves() -> None:
    assert list(SIZES) == ["S", "M", "L", "XL"]
    assert [SIZES[k].units for k in SIZES] == [4, 12, 40, 300]
    assert all(spec.note for spec in SIZES.values())
    with pytest.raises(ValueError, match="unknown size"):
        generate("XXL")


def test_cli_generate_writes_the_same_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m3.yaml"
    assert main(["generate", "M", "--seed", "3", "--out", str(path)]) == 0
    assert load_scenario(path) == generate("M", 3)
    assert "12 units written to" in capsys.readouterr().out
    assert main(["generate", "S", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert load_scenario(out.encode(), name="stdout.yaml") == generate("S", 5)
