"""Where the dispatcher starts a mission (:meth:`~logistics.model.timeline.Timeline.first_start`): the first start
with fleet and ramp room that the daily crew budget takes, found by jumping past full
minutes and over crew days. Hand cases with the arithmetic, and the jumps against the
definition (every start checked, one by one) on loaded timelines of generated
scenarios, the crew-bound family's included."""

from __future__ import annotations

import random

import pytest
from conftest import make_scenario

from logistics.families import generate_family
from logistics.generate import generate
from logistics.model.data import build_data
from logistics.model.dispatch import dispatch_greedy
from logistics.model.timeline import Timeline


def _definition(tl: Timeline, g, r, lo: int, hi: int, latest: bool) -> int | None:
    """Every start with fleet and ramp room, in order, the crew checked at each."""
    ok = tl.feasible_starts(g, r, lo, hi)
    return tl.first_crew_ok(g, r, ok[::-1] if latest else ok)


def test_a_full_ramp_moves_the_next_mission_to_the_minute_it_frees() -> None:
    # Pope parks one aircraft (MOG 1); eight C-17s, so neither the fleet nor their crews'
    # daily hours bind (two missions fly at most 2 x 1,576 min a day, eight crews
    # 8 x UTE 12 h = 5,760 min). A mission
    # started at minute 0 holds Pope's ramp over its onload [g.start, g.end) = [0, e).
    # The next mission's onload [s, s + e) may not overlap it: the first start is
    # s = e, and the last start by minute e + 100 is s = e + 100 (its onload ends at
    # 2e + 100, after the first's). Ending by minute 0 is impossible: none.
    s = make_scenario(aircraft=[{"type": "C-17A", "count": 8}], airfields=[{"icao": "KPOB", "mog": 1}])
    data = build_data(s)
    g = data.groups[0]
    r = g.options[0]
    onload = next(gr for gr in r.ground if gr.airfield == "KPOB")
    assert onload.start == 0
    e = onload.end
    tl = Timeline(data)
    tl.book(g, r, 0)
    assert tl.first_start(g, r, 0, 10 * e) == e
    assert tl.first_start(g, r, 0, e + 100, latest=True) == e + 100
    assert tl.first_start(g, r, 0, e - 1) is None
    assert tl.first_start(g, r, 0, e - 1, latest=True) is None
    # and a start inside the first's onload is refused by the definition too
    assert _definition(tl, g, r, 1, e - 1, latest=False) is None
    # a mission at minute 1000 holds [1000, 1000 + e) too: the last start by 1100 must
    # end its onload by 1000, s = 1000 - e (from 1100 the search jumps to 1100 - e, whose
    # onload still overlaps, then to 1000 - e); the first from 1100 is 1000 + e
    tl.book(g, r, 1000)
    assert tl.first_start(g, r, 0, 1100, latest=True) == 1000 - e
    assert tl.first_start(g, r, 1100, 10_000) == 1000 + e


@pytest.mark.parametrize("make", [lambda: generate("M", seed=3), lambda: generate_family("crew-bound", 2),
                                  lambda: generate_family("mog-tight", 1)], ids=["M-3", "crew-bound-2", "mog-tight-1"])
def test_the_jumps_find_the_first_start_that_keeps_every_limit(make) -> None:
    data = build_data(make())
    plan = dispatch_greedy(data)
    tl = Timeline(data)
    for dp in plan[: len(plan) * 2 // 3]:  # a loaded timeline: ramps, fleet and crew days
        tl.book(data.groups[dp.group], data.groups[dp.group].options[dp.option], dp.start)
    rng = random.Random(7)
    checked = found = crew_moved = 0
    for g in data.groups:
        for r in g.options:
            for _ in range(6):
                lo = rng.randrange(0, data.horizon)
                hi = lo + rng.choice((0, 30, 600, 3000, 20000))
                for latest in (False, True):
                    want = _definition(tl, g, r, lo, hi, latest)
                    assert tl.first_start(g, r, lo, hi, latest) == want, (g.pool, r.destination, lo, hi, latest)
                    checked += 1
                    found += want is not None
                    room = tl.feasible_starts(g, r, lo, hi)
                    crew_moved += want is not None and want != (room[-1] if latest else room[0])
    assert checked >= 100 and 0 < found < checked  # windows with and without a start
    assert crew_moved > 0  # crew days full on the loaded timeline moved some starts
