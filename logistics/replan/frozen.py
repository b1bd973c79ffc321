"""SPEC 5.3's rule FROZEN, read from the plans alone: what has started by ``now``
stays as it is flown, and nothing else starts before ``now``.

A mission has **started** by ``now`` when its onload began before ``now`` (every
mission starts at its origin: the onload begins ``onload_hours`` of its type before the
first departure). Like :mod:`logistics.verify`, this module reads only the scenario and
the plans' missions, never the solver's terms.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..plan import Mission, Plan
    from ..scenario import Scenario

__all__ = ["SAME_TIME_TOL", "differences", "frozen_problems", "onload_start", "split", "started"]

#: hours within which a kept mission's times count as unchanged (the checker's tolerance)
SAME_TIME_TOL = 0.02
#: short tons within which a kept load counts as unchanged
SAME_WEIGHT_TOL = 1e-6


def onload_start(scenario: Scenario, m: Mission) -> float:
    """When the mission starts (hours, SPEC 5.3): its first departure when it positions
    from a home (SPEC 5.1), else its onload start, the first departure less the type's
    onload hours (a type the scenario does not know: the first departure)."""
    if not m.legs:
        return math.inf
    first = m.legs[0].depart_hour
    if m.aircraft in scenario.fleet_types and (m.home is None or m.home == m.origin):
        first -= scenario.aircraft_type(m.aircraft).onload_hours
    return first


def started(scenario: Scenario, m: Mission, now_hour: float) -> bool:
    """Whether the mission has started by ``now_hour`` (it left its home, or its onload
    began, before it)."""
    return onload_start(scenario, m) < now_hour - 1e-9


def split(scenario: Scenario, plan: Plan, now_hour: float) -> tuple[list[Mission], list[Mission]]:
    """The plan's missions started by ``now_hour``, and the others."""
    done, rest = [], []
    for m in plan.missions:
        (done if started(scenario, m, now_hour) else rest).append(m)
    return done, rest


def differences(a: Mission, b: Mission) -> list[str]:
    """How mission ``b`` differs from ``a`` (empty: the same mission, times within
    :data:`SAME_TIME_TOL`), in plain words."""
    out = []
    for f in ("aircraft", "home", "origin", "destination"):
        if getattr(a, f) != getattr(b, f):
            out.append(f"{f} {getattr(a, f)} -> {getattr(b, f)}")
    if [(lg.frm, lg.to) for lg in a.legs] != [(lg.frm, lg.to) for lg in b.legs]:
        out.append(f"routing {a.routing} -> {b.routing}")
    else:
        for i, (x, y) in enumerate(zip(a.legs, b.legs, strict=True)):
            if abs(x.depart_hour - y.depart_hour) > SAME_TIME_TOL or abs(x.arrive_hour - y.arrive_hour) > SAME_TIME_TOL:
                out.append(f"leg {i + 1} {x.frm}-{x.to} h{x.depart_hour:.2f}-h{x.arrive_hour:.2f} -> "
                           f"h{y.depart_hour:.2f}-h{y.arrive_hour:.2f}")
                break
    la, lb = _loads(a), _loads(b)
    for unit in sorted(set(la) | set(lb)):
        qa, qb = la.get(unit, (0, 0.0, 0.0, 0.0)), lb.get(unit, (0, 0.0, 0.0, 0.0))
        if qa[0] != qb[0] or any(abs(x - y) > SAME_WEIGHT_TOL for x, y in zip(qa[1:], qb[1:], strict=True)):
            out.append(f"load of {unit} {_q(qa)} -> {_q(qb)}")
    return out


def _loads(m: Mission) -> dict[str, tuple[int, float, float, float]]:
    out: dict[str, tuple[int, float, float, float]] = {}
    for ld in m.loads:
        p, b, o, x = out.get(ld.unit, (0, 0.0, 0.0, 0.0))
        out[ld.unit] = (p + ld.pax, b + ld.bulk_stons, o + ld.oversize_stons, x + ld.outsize_stons)
    return out


def _q(q: tuple[int, float, float, float]) -> str:
    return f"{q[0]} pax {q[1] + q[2] + q[3]:g} st"


def frozen_problems(scenario: Scenario, plan: Plan, previous: Plan, now_hour: float) -> Iterator[tuple[str, str]]:
    """Rule FROZEN: (mission id, what is wrong) for each started mission of
    ``previous`` missing from ``plan`` or changed in it, and each other mission of
    ``plan`` that starts before ``now_hour``."""
    new = {m.id: m for m in plan.missions}
    kept: set[str] = set()
    for m in previous.missions:
        if not started(scenario, m, now_hour):
            continue
        kept.add(m.id)
        at = f"started h{onload_start(scenario, m):.2f}, before now h{now_hour:g}"
        if m.id not in new:
            yield m.id, f"{at}, but the plan does not keep it"
            continue
        diff = differences(m, new[m.id])
        if diff:
            yield m.id, f"{at}, but the plan changes it: {'; '.join(diff)}"
    for m in plan.missions:
        if m.id not in kept and started(scenario, m, now_hour - SAME_TIME_TOL):
            yield m.id, (f"starts its onload at h{onload_start(scenario, m):.2f}, before now h{now_hour:g}: "
                         "a re-plan does not rewrite the past")
