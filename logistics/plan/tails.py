"""Which airframe flies which mission: the plan's missions on tail numbers.

A plan says how many aircraft of a pool are in use at each instant (SPEC rule 8), not
which one. For a timeline by airframe, :func:`assign_tails` puts every mission on a
tail number of its pool by interval scheduling:

* a mission holds its aircraft from its first departure (or the start of its onload
  when it starts at its origin, :meth:`Mission.hold_interval`) to its last landing,
  the interval rule 8 counts;
* a pool is an aircraft type and a home (SPEC 5.1; the home is read as
  ``getattr(mission, "home", None)``, so missions without one form one pool per type);
* missions are taken by the start of that interval (then its end, then id), and each
  goes to the lowest-numbered tail of its pool that is free by then (its previous
  mission has landed, to within :data:`TOL`); a new tail is opened only when none is.

Greedy colouring of intervals by start opens a tail only when every tail so far is
busy, so a pool uses as many tails as it has missions in the air at its busiest
instant: never more than the pool's count when the plan keeps rule 8. Tail names are
``C17A-03`` (the type's letters and digits, a two-digit number), or ``C17A KCHS-03``
for a pool with a home. pandas is imported when the table is made.
"""

from __future__ import annotations

import heapq
import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..scenario import Scenario
    from .core import Plan
    from .parts import Mission

__all__ = ["TAIL_COLUMNS", "TOL", "assign_tails", "hold", "pool_of", "tail_name"]

#: hours: a tail whose mission lands this close before another starts is free for it
#: (the checker's tolerance, :data:`logistics.verify.TIME_TOL`: touching intervals do
#: not overlap)
TOL = 1e-6
TAIL_COLUMNS = ["mission", "aircraft", "home", "tail", "start", "end"]


def pool_of(mission: Mission) -> tuple[str, str | None]:
    """The mission's pool: ``(type, home)``, the home ``None`` when it has none."""
    return mission.aircraft, getattr(mission, "home", None) or None


def hold(mission: Mission, scenario: Scenario) -> tuple[float, float]:
    """When the mission holds its aircraft (SPEC rule 8); for a type not in the fleet,
    first departure to last landing."""
    try:
        return mission.hold_interval(scenario)
    except KeyError:
        return mission.start_hour, mission.end_hour


def tail_name(aircraft: str, home: str | None, number: int, width: int = 2) -> str:
    """``C17A-03``, or ``C17A KCHS-03`` with a home."""
    code = re.sub(r"[^A-Za-z0-9]", "", aircraft) or "AC"
    return f"{code}{f' {home}' if home else ''}-{number:0{width}d}"


def _schedule(spans: list[tuple[float, float, str]]) -> dict[str, int]:
    """Mission id -> tail number (from 1) of one pool, by the rule of the module."""
    free: list[int] = []  # tail numbers free now (a heap: lowest first)
    busy: list[tuple[float, int]] = []  # (landing, tail) of missions in the air
    out: dict[str, int] = {}
    n = 0
    for a, b, mid in sorted(spans):
        while busy and busy[0][0] <= a + TOL:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            k = heapq.heappop(free)
        else:
            n += 1
            k = n
        out[mid] = k
        heapq.heappush(busy, (b, k))
    return out


def assign_tails(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per mission with legs: ``mission, aircraft, home, tail, start, end``.

    ``start`` and ``end`` are the hours the mission holds its airframe (SPEC rule 8);
    ``tail`` the airframe's name. Rows come by pool (the scenario's fleet order, then
    home), tail and start. A mission without legs holds no aircraft and gets no row.
    """
    import pandas as pd

    pools: dict[tuple[str, str | None], list[tuple[float, float, str]]] = {}
    for m in plan.missions:
        if not m.legs:
            continue
        a, b = hold(m, scenario)
        if not (math.isfinite(a) and math.isfinite(b)):
            continue
        pools.setdefault(pool_of(m), []).append((a, b, m.id))
    order = {t: i for i, t in enumerate(scenario.fleet_types)}
    rows = []
    for (typ, home), spans in sorted(pools.items(), key=lambda kv: (order.get(kv[0][0], len(order)),
                                                                    kv[0][0], kv[0][1] or "")):
        tails = _schedule(spans)
        width = max(2, len(str(max(tails.values()))))
        for a, b, mid in spans:
            k = tails[mid]
            rows.append((k, a, mid, typ, home, tail_name(typ, home, k, width), b))
    pos = {p: i for i, p in enumerate(dict.fromkeys((r[3], r[4]) for r in rows))}
    rows.sort(key=lambda r: (pos[(r[3], r[4])], r[0], r[1], r[2]))
    cols = list(zip(*[(mid, typ, home, tail, a, b) for _, a, mid, typ, home, tail, b in rows], strict=True)) \
        or [()] * len(TAIL_COLUMNS)
    # object columns: a pool without a home says None (not NaN)
    return pd.DataFrame({c: pd.Series(v, dtype=float if c in ("start", "end") else object)
                         for c, v in zip(TAIL_COLUMNS, cols, strict=True)})
