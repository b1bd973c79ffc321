"""Airfield throughput matches first principles.

One destination with MOG ``g`` and a 3.25 h offload, 45-st loads, an ample fleet and
origin, and far more cargo than can be moved: the plan can land no more than ``g``
loads per 3.25 h, i.e. ``g x 45 x 24 / 3.25`` st a day:

* MOG 1: 45 x 24 / 3.25 = 332.3 st/day; over 4 days 4 x 332.3 = 1,329.2 st.
* MOG 6: 6 x 332.3 = 1,993.8 st/day.

The doctrinal AFPAM 10-1403 figure, 282.5 st/day for MOG 1, is the same arithmetic times
a 0.85 queueing efficiency (332.3 x 0.85 = 282.46): real ramps lose time between
aircraft. The optimiser packs the ramp perfectly, so it reaches the 332.3 rate, not
282.5.

Exact count. The freighter ``FRT`` (no seats, 45 st ACL, 60 st maximum payload so the
payload curve never binds, 400 kt, onload 1 h, offload 3.25 h) flies AAAA -> BBBB,
399.7 nm = 60 min (see test_solve). From hour 0 the first load can land at
``t0 = 1 (onload) + 1 (flight) = 2 h``. A landing at ``t`` occupies one MOG position
over ``[t, t + 3.25)``, so the landings on one position are at least 3.25 h apart, and
the unit's LAD ``T`` is the latest landing. Per position the most landings are
``floor((T - t0) / 3.25) + 1``; times 45 st and the MOG. This count lies between
``MOG x 45 x (T - t0) / 3.25`` (the daily rate over the window less the first ``t0``
hours, the allowance for the first flight) and the same plus one load per position.
The plan must reach it exactly when the solver proves optimality, else come within one
load.
"""

from __future__ import annotations

import math

import pytest
from test_solve import aircraft, airfield, scenario, unit

from logistics.estimate import airfield_throughput_stons_per_day
from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.solve import solve
from logistics.verify import verify

LOAD = 45.0
OFFLOAD = 3.25
T0 = 2.0  # first possible landing: onload 1 h + 60 min flight
RATE_MOG1 = LOAD * 24 / OFFLOAD  # 332.31 st/day


def throughput_case(mog: int, window: float, fleet: int, cargo: float) -> Scenario:
    return scenario(
        [unit(bulk_stons=cargo, latest_arrival_hour=window)],
        aircraft_=[aircraft("FRT", count=fleet, seats=0, acl_stons=LOAD, max_payload_stons=60.0,
                            cargo_classes=["bulk"], onload_hours=1.0, offload_hours=OFFLOAD)],
        airfields=[airfield("AAAA", mog=100), airfield("BBBB", mog=mog)],
        horizon_hours=window,
    )


def slots(mog: int, window: float) -> int:
    """Landings the window holds: per MOG position floor((T - t0) / 3.25) + 1."""
    return mog * (math.floor((window - T0) / OFFLOAD) + 1)


def check_ground(s: Scenario, plan: Plan, mog: int, window: float) -> None:
    occ = plan.ground_occupancy(s)
    # at every step of the series (so at every instant) ...
    assert (occ["on_ground"] <= occ["mog"]).all()
    # ... and hour by hour at the destination
    dest = occ[occ["airfield"] == "BBBB"].sort_values("hour")
    assert dest["on_ground"].max() == mog  # the ramp is saturated at some time
    for h in range(int(window) + 4):
        before = dest[dest["hour"] <= h]
        on_ground = int(before["on_ground"].iloc[-1]) if len(before) else 0
        assert on_ground <= mog, f"hour {h}: {on_ground} aircraft on the ground, MOG {mog}"


def delivered_stons(plan: Plan) -> float:
    return sum(m.cargo_stons for m in plan.missions)


def test_the_rates() -> None:
    # 45 x 24 / 3.25 = 332.31; x 6 = 1,993.8; x 0.85 = 282.46 (AFPAM: 282.5)
    assert RATE_MOG1 == pytest.approx(332.3, abs=0.05)
    assert 6 * RATE_MOG1 == pytest.approx(1993.8, abs=0.05)
    assert airfield_throughput_stons_per_day(1, LOAD, OFFLOAD, queueing=1.0) == pytest.approx(332.3)
    assert airfield_throughput_stons_per_day(1, LOAD, OFFLOAD) == pytest.approx(282.5)
    # the slot counts used below
    assert slots(1, 96) == 29  # floor(94 / 3.25) + 1 = floor(28.92) + 1
    assert slots(6, 24) == 42  # 6 x (floor(22 / 3.25) + 1) = 6 x 7
    assert slots(6, 96) == 174  # 6 x 29


@pytest.mark.parametrize(
    ("mog", "window", "fleet", "cargo", "limit"),
    [
        # MOG 1 over 4 days: 29 landings = 1,305 st. 1,305 <= 4 x 332.3 + 45 = 1,374.2 and
        # >= 4 x 332.3 - 45 - 45 x 2 / 3.25 (first-flight allowance, 27.7) = 1,256.5.
        # Fleet: a mission holds its aircraft 1 + 1 + 3.25 + 1 = 6.25 h, one lands
        # every 3.25 h: 2 aircraft would do; 10 are ample. 3,000 st is far beyond reach.
        (1, 96.0, 10, 3000.0, 20.0),
        # MOG 6 over one day: 42 landings = 1,890 st. 1,890 <= 1,993.8 + 45 and
        # >= 1,993.8 - 45 - 6 x 45 x 2 / 3.25 (166.2) = 1,782.6. About 12 aircraft are
        # needed at once (6 positions x 6.25 / 3.25); 20 are ample.
        (6, 24.0, 20, 3000.0, 20.0),
        # MOG 6 over 4 days: 174 landings = 7,830 st. 7,830 <= 4 x 1,993.8 + 45 = 8,020.4
        # and >= 7,975.4 - 45 - 166.2 = 7,764.2.
        (6, 96.0, 20, 9000.0, 30.0),
    ],
)
def test_destination_throughput_matches_first_principles(
    mog: int, window: float, fleet: int, cargo: float, limit: float
) -> None:
    s = throughput_case(mog, window, fleet, cargo)
    plan = solve(s, time_limit=limit, deterministic=True)
    assert verify(s, plan) == []
    check_ground(s, plan, mog, window)

    got = delivered_stons(plan)
    days = window / 24
    rate = mog * RATE_MOG1
    allowance = mog * LOAD * T0 / OFFLOAD  # no landing before t0 on any position
    assert got <= days * rate + LOAD + 1e-6
    assert got >= days * rate - LOAD - allowance - 1e-6
    exact = slots(mog, window) * LOAD
    assert got <= exact + 1e-6  # the first-principles count is a hard ceiling
    assert plan.unit("U1").undelivered["bulk_stons"] == pytest.approx(cargo - got)
    assert all(m.arrive_hour <= window + 1e-9 for m in plan.missions)
    if plan.status == "optimal":
        assert got == pytest.approx(exact)
        assert plan.kpis["missions"] == slots(mog, window)
        # the last position's last landing: t0 + (per-position landings - 1) x 3.25
        last = T0 + (slots(mog, window) // mog - 1) * OFFLOAD
        assert plan.kpis["closure_hour"] == pytest.approx(last, abs=1 / 60 + 1e-9)
    else:
        assert got >= exact - LOAD - 1e-6
