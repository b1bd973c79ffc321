"""When a mission may start: the per-minute books of a dispatch.

:class:`Timeline` keeps what a schedule has booked so far (aircraft of each fleet pool,
aircraft on each ramp, crew minutes flown per type and day) against what each allows
over time, and answers the dispatcher's one question: the first (or last) start in a
window at which every limit takes a mission (:meth:`Timeline.first_start`).
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from ..network import Routing
from .data import Group, ModelData, day_counts

__all__ = ["Timeline"]


class Timeline:
    """Per-minute occupancy of fleet pools, airfield MOG and daily crew hours.

    One row per fleet pool (``"F:<pool>"``) and per airfield (``"A:<icao>"``): what is
    booked each minute, the capacity in force, and the prefix sums of the minutes at
    which the row is full (recomputed for a row after a booking touches it). A routing's
    intervals are rows with offsets. :meth:`first_start` answers the dispatcher's
    question by jumps; :meth:`feasible_starts` and :meth:`first_crew_ok` check given
    starts all at once (a plan's kept missions, the tests' definition).
    """

    def __init__(self, data: ModelData):
        self.data = data
        span = max((r.cycle for g in data.groups for r in g.options), default=0)
        self.T = data.horizon + span + 2
        keys = ["A:" + a for a in data.mog] + ["F:" + t for t in data.fleet]
        self.row = {k: i for i, k in enumerate(keys)}
        self.occ = np.zeros((len(keys), self.T), dtype=np.int32)
        self.cap = np.zeros((len(keys), self.T), dtype=np.int32)
        for a, mog in data.mog.items():
            cap = self.cap[self.row["A:" + a]]
            cap[:] = mog
            for x, y, mg in data.mog_steps.get(a, []):  # SPEC 5.2: the MOG in force
                cap[min(x, self.T):min(y, self.T)] = mg
        for t, steps in data.fleet.items():
            cap = self.cap[self.row["F:" + t]]
            for a, c in steps:
                cap[min(a, self.T):] += c
        #: per row, the prefix sums of the minutes at which it is full
        self.cs = np.zeros((len(keys), self.T + 1), dtype=np.int64)
        np.cumsum(self.occ >= self.cap, axis=1, out=self.cs[:, 1:])
        self._dirty: set[int] = set()
        #: (pool, routing) -> its intervals as (row, offset, length) tuples, and as columns
        self._shapes: dict[tuple[str, int], tuple[list[tuple[int, int, int]], tuple[np.ndarray, ...]]] = {}
        self._tables: dict[int, np.ndarray] = {}  # routing -> :meth:`_crew_table`
        #: (routing, day) -> (the type's bookings then, the day's starts the crew takes)
        self._days: dict[tuple[int, int], tuple[int, np.ndarray]] = {}
        self._flown: dict[str, int] = dict.fromkeys(data.crew, 0)  # bookings per type
        self._asked: dict[tuple, int | None] = {}  # :meth:`first_start`'s answers
        self.days = self.T // 1440 + 2
        self.fly: dict[str, np.ndarray] = {t: np.zeros(self.days) for t in data.crew}
        self.fly_cap: dict[str, np.ndarray] = {}
        for t, steps in data.crew.items():
            ute = data.scenario.aircraft_type(t).ute_hours
            caps = np.array([ute * 60 * c for c in day_counts(steps, self.days)], dtype=float)
            self.fly_cap[t] = caps

    def _intervals(self, g: Group, r: Routing) -> tuple[list[tuple[int, int, int]], tuple[np.ndarray, ...]]:
        """The routing's intervals of positive length, (row, offset, length) each: the
        fleet pool for the whole cycle, each ground stop's ramp; as tuples and as
        (rows, offsets, lengths) column vectors."""
        k = (g.pool, id(r))
        sh = self._shapes.get(k)
        if sh is None:
            ivs = [("F:" + g.pool, 0, r.cycle)] + [("A:" + gr.airfield, gr.start, gr.end - gr.start)
                                                    for gr in r.ground]
            ivs = [(self.row[key], off, ln) for key, off, ln in ivs if ln > 0]
            cols = tuple(np.array([iv[j] for iv in ivs], dtype=np.int64).reshape(-1, 1) for j in range(3))
            sh = self._shapes[k] = (ivs, cols)
        return sh

    def _shape(self, g: Group, r: Routing) -> tuple[np.ndarray, ...]:
        """The routing's intervals as (rows, offsets, lengths) column vectors."""
        return self._intervals(g, r)[1]

    def _refresh(self, rows: np.ndarray) -> None:
        """The prefix sums of ``rows`` up to date after bookings."""
        if self._dirty:
            for i in self._dirty.intersection(rows.ravel().tolist()):
                np.cumsum(self.occ[i] >= self.cap[i], out=self.cs[i, 1:])
                self._dirty.discard(i)

    def feasible_starts(self, g: Group, r: Routing, lo: int, hi: int) -> np.ndarray:
        """All start minutes in [lo, hi] at which fleet and MOG have room: for each
        interval of the routing, no full minute of its row in [start + offset,
        start + offset + length)."""
        if hi < lo:
            return np.empty(0, dtype=np.int64)
        rows, off, ln = self._shape(g, r)
        self._refresh(rows)
        a = np.arange(lo, hi + 1) + off
        b = np.minimum(np.maximum(a + ln, 0), self.T)
        a = np.minimum(np.maximum(a, 0), self.T)
        ok = (self.cs[rows, b] == self.cs[rows, a]).all(axis=0)
        return np.nonzero(ok)[0] + lo

    def first_start(self, g: Group, r: Routing, lo: int, hi: int, latest: bool = False) -> int | None:
        """The first start in [lo, hi] (``latest``: the last) at which the fleet, every
        ramp and the type's daily crew hours take the mission; None if there is none.

        From the near end it jumps past full minutes of the fleet and ramps
        (:meth:`_first_free`), then to the first start whose crew days take the legs
        (:meth:`_first_crew`), until one start has both: each jump only skips starts
        that break a limit, so the start found is the first that keeps every one.
        """
        rows, _, _ = self._shape(g, r)
        self._refresh(rows)
        key = (g.pool, id(r), lo, hi, latest)
        # bookings only fill the timeline: the starts that broke a limit at the last
        # same question still do, so the search goes on from its answer
        s: int | None = self._asked.get(key, hi if latest else lo)
        while s is not None:
            s = self._first_free(g, r, lo, hi, latest, s)
            if s is None or not r.legs or self._crew_fits(g, r, s):
                break
            s = self._first_crew(g, r, lo, hi, latest, s)
        self._asked[key] = s
        return s

    def _first_free(self, g: Group, r: Routing, lo: int, hi: int, latest: bool, s: int) -> int | None:
        """The first start from ``s`` on (``latest``: back) within [lo, hi] with fleet
        and MOG room: past the last full minute (the first) of any interval it
        overlaps, until none overlaps one. The prefix sums tell whether a window holds
        a full minute, a bisection where it is."""
        ivs = self._intervals(g, r)[0]
        cs, T = self.cs, self.T
        while lo <= s <= hi:
            for i, o, n in ivs:
                a, b = min(max(s + o, 0), T), min(max(s + o + n, 0), T)
                row = cs[i]
                ca, cb = int(row[a]), int(row[b])
                if cb > ca:
                    if latest:  # end the window before the first full minute
                        s = bisect_left(row, ca + 1, a + 1, b + 1) - 1 - o - n
                    else:  # start it after the last full minute
                        s = bisect_left(row, cb, a + 1, b + 1) - o
                    break
            else:
                return s
        return None

    def _first_crew(self, g: Group, r: Routing, lo: int, hi: int, latest: bool, s: int) -> int | None:
        """The first start from ``s`` on (``latest``: back) within [lo, hi] at which
        the type's daily crew budgets take the legs, a day at a time: the minutes the
        legs fly in each day depend only on the minute of the day the first leg
        departs (:meth:`_crew_table`), so one day's starts are checked at once."""
        tab = self._crew_table(r)
        t = g.aircraft
        fly, cap = self.fly[t], self.fly_cap[t]
        last, first = len(fly) - 1, r.legs[0].depart
        d, minute = divmod(s + first, 1440)
        while (d * 1440 + 1439 - first >= lo) if latest else (d * 1440 - first <= hi):
            key = (id(r), d)
            got = self._days.get(key)
            if got is not None and got[0] == self._flown[t]:
                ok = got[1]
            else:
                days = np.minimum(np.arange(d, d + len(tab)), last).reshape(-1, 1)
                ok = ((tab <= 0) | (fly[days] + tab <= cap[days] + 1e-9)).all(axis=0)
                self._days[key] = (self._flown[t], ok)
            if latest:
                hit = np.flatnonzero(ok[: minute + 1])
                if len(hit):
                    c = d * 1440 + int(hit[-1]) - first
                    return c if c >= lo else None
                d, minute = d - 1, 1439
            else:
                hit = np.flatnonzero(ok[minute:])
                if len(hit):
                    c = d * 1440 + minute + int(hit[0]) - first
                    return c if c <= hi else None
                d, minute = d + 1, 0
        return None

    def _crew_table(self, r: Routing) -> np.ndarray:
        """Minutes the legs fly in the k-th day after the first leg's departure day
        (row k), for each minute of that day it departs (column)."""
        tab = self._tables.get(id(r))
        if tab is None:
            first, last = r.legs[0].depart, r.legs[-1].arrive
            minute = np.arange(1440)
            day = (np.arange(0, (last - first) // 1440 + 2) * 1440).reshape(-1, 1)
            tab = np.zeros((len(day), 1440), dtype=np.int64)
            for lg in r.legs:
                part = np.minimum(minute + lg.arrive - first, day + 1440) - np.maximum(minute + lg.depart - first, day)
                tab += np.maximum(part, 0)
            self._tables[id(r)] = tab
        return tab

    def _crew_fits(self, g: Group, r: Routing, s: int) -> bool:
        """Whether the type's daily crew budgets take the legs flown from start ``s``
        (as :meth:`first_crew_ok` for one start)."""
        fly, cap = self.fly[g.aircraft], self.fly_cap[g.aircraft]
        last = len(fly) - 1
        return all(fly[min(k, last)] + v <= cap[min(k, last)] + 1e-9 for k, v in self._crew_minutes(r, s).items())

    def first_crew_ok(self, g: Group, r: Routing, starts: np.ndarray) -> int | None:
        """The first of ``starts`` at which the type's daily crew budgets take the legs.

        Each leg's minutes in every day it touches (as :meth:`_crew_minutes` books
        them), for all starts, legs and days at once.
        """
        if len(starts) == 0 or not r.legs:
            return int(starts[0]) if len(starts) else None
        t = g.aircraft
        fly, cap = self.fly[t], self.fly_cap[t]
        n = len(fly)
        first, last = r.legs[0].depart, r.legs[-1].arrive
        s = starts.astype(np.int64)
        day = (s + first) // 1440 + np.arange(0, (last - first) // 1440 + 2).reshape(-1, 1)  # (days, starts)
        lo = day * 1440
        dep = np.array([lg.depart for lg in r.legs], dtype=np.int64).reshape(-1, 1, 1)
        arr = np.array([lg.arrive for lg in r.legs], dtype=np.int64).reshape(-1, 1, 1)
        part = np.minimum(s + arr, lo + 1440) - np.maximum(s + dep, lo)  # (legs, days, starts)
        mins = np.maximum(part, 0).sum(axis=0)
        dd = np.minimum(day, n - 1)
        ok = ((mins <= 0) | (fly[dd] + mins <= cap[dd] + 1e-9)).all(axis=0)
        hit = np.nonzero(ok)[0]
        return int(s[hit[0]]) if len(hit) else None

    @staticmethod
    def _crew_minutes(r: Routing, s: int) -> dict[int, float]:
        out: dict[int, float] = {}
        for lg in r.legs:
            a, b = s + lg.depart, s + lg.arrive
            k = a // 1440
            while k * 1440 < b:
                part = min(b, (k + 1) * 1440) - max(a, k * 1440)
                if part > 0:
                    out[k] = out.get(k, 0) + part
                k += 1
        return out

    def book(self, g: Group, r: Routing, s: int) -> None:
        for i, o, n in self._intervals(g, r)[0]:
            self.occ[i][s + o: s + o + n] += 1
            self._dirty.add(i)
        for k, v in self._crew_minutes(r, s).items():
            self.fly[g.aircraft][k] += v
        if g.aircraft in self._flown:
            self._flown[g.aircraft] += 1
