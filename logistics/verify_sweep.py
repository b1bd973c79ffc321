"""A sweep line for the checker's capacity rules (SPEC rules 7 and 8): where the
count of half-open intervals (missions on a ramp, aircraft of a pool held) exceeds a
capacity that steps over time. Part of :mod:`logistics.verify`, written apart from
the model; it knows nothing of missions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def over_capacity(intervals: Sequence[tuple[float, float, str]], cap_steps: Sequence[tuple[float, float]],
                  tol: float) -> list[tuple[float, float, int, float, list[str]]]:
    """Where the count of half-open intervals exceeds a step capacity.

    ``intervals`` are ``(start, end, name)``; ``cap_steps`` are ``(hour, +capacity)``
    increments (capacity 0 before the first). Ends are pulled in and steps brought forward
    by ``tol`` (the checker's time tolerance): touching intervals do not overlap, and a mission may start at an
    ``available_hour`` (h62.85 is 62.849999... in floating point). Returns ``(start, end, peak, capacity, names)``
    per maximal stretch over capacity.
    """
    # events (time, order, what, amount, name): at one time, ends and capacity steps
    # come before starts
    ev: list[tuple[float, int, str, float, str]] = []
    for a, b, name in intervals:
        if b - tol > a:
            ev.append((a, 1, "on", 1, name))
            ev.append((b - tol, 0, "off", 1, name))
    ev += [(h - tol, 0, "cap", inc, "") for h, inc in cap_steps]
    ev.sort(key=lambda e: (e[0], e[1]))
    out: list[tuple[float, float, int, float, list[str]]] = []
    on: dict[str, int] = {}
    cap = 0.0
    n = 0
    cur: list | None = None
    i = 0
    while i < len(ev):
        t = ev[i][0]
        while i < len(ev) and ev[i][0] == t:
            _, _, what, amount, name = ev[i]
            if what == "cap":
                cap += amount
            elif what == "on":
                on[name] = on.get(name, 0) + 1
                n += 1
            else:
                n -= 1
                on[name] -= 1
                if not on[name]:
                    del on[name]
            i += 1
        if n > cap:
            if cur is None:
                cur = [t, t, n, cap, set(on)]
            else:
                cur[2] = max(cur[2], n)
                cur[3] = min(cur[3], cap)
                cur[4] |= set(on)
        elif cur is not None:
            cur[1] = t
            out.append((cur[0], cur[1], cur[2], cur[3], sorted(cur[4])))
            cur = None
    if cur is not None:  # cannot happen: every interval ends
        out.append((cur[0], math.inf, cur[2], cur[3], sorted(cur[4])))
    return out
