"""Why the plan is what it is: which limits bind, for whom, and when.

:func:`explain` analyses a finished plan (it never solves) and returns
:class:`~logistics.plan.Finding` objects in plain words, for every late or
undelivered unit and for the force closure:

* ``mog``: an airfield's parking is full, e.g. ``OKAS MOG saturated h30.0-h52.5 (6 of 6
  on the ground)``: the intervals where aircraft on the ground = MOG, from
  :meth:`Plan.ground_occupancy`, merged;
* ``fleet``: every aircraft of a type is busy, ``C-17A pool fully busy h18.0-h60.0 (12 of
  12)``, from :meth:`Plan.fleet_use`;
* ``crew``: a type flew (nearly) all its crew hours of a day, ``C-17A crews flew 143.9 of
  144.0 h on day 2 (h48-h72)``;
* ``range`` / ``runway`` / ``cargo_class``: no routing can carry an undelivered class of
  cargo to a unit's destinations, or only a little per mission (from
  :func:`logistics.network.routings`);
* ``beddown``: a unit has no base because its bases are full;
* ``window``: a unit's LAD (or RDD) is before its earliest possible arrival
  (:func:`logistics.network.fastest_arrival`);
* ``readiness``: the closure (or a unit's lateness) is set by when the unit is ready
  plus its fastest transit;
* ``horizon``: a unit is still undelivered at the horizon and no single limit above
  explains it.

One finding says what sets the force closure: the last unit to close, its ready hour,
how long its last load waited to start loading (for a full ramp, a busy aircraft pool,
or its aircraft's flight from home: SPEC 5.1) and how long it took to land against the
fastest its aircraft can. Its kind is ``readiness`` when readiness or transit sets it,
else the limit it waited for. Messages are plain sentences that do not repeat the kind;
every limit ``(kind, subject)`` has one finding, its intervals and sentences joined.
:func:`describe_limit` names a limit in plain words (``ramp space (MOG) at OKAS``).

Each finding lists the units it affects: for a saturated resource, the late, undelivered
or last-closing units it touches (aboard missions using it during the interval, or
needing it while they wait). Findings come most important first: by the priority weight
of the shortfall and lateness of the units they affect, then by how long they bind.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .homes import positioning_words
from .plan import CARGO, Finding, Mission, Plan
from .scenario import CLASS_OF, Scenario, Unit

__all__ = ["KIND_WORDS", "LIMIT_WORDS", "describe_limit", "explain", "explain_text"]

#: a type's crew hours of a day bind when it flew at least this share of them
CREW_BINDING = 0.98
#: saturated intervals of one resource closer than this (hours) are reported as one
MERGE_GAP = 1.0
#: a closure within this of the fastest possible arrival is set by readiness (hours)
READY_SLACK = 0.25
#: importance of the finding on what sets the closure: above a limit that touches only
#: the last unit to close, below any late or undelivered unit's (see ``_Status.impact``)
CLOSURE_SCORE = 1.5
_KIND_ORDER = {k: i for i, k in enumerate(
    ("window", "horizon", "cargo_class", "runway", "range", "beddown", "readiness", "mog",
     "fleet", "crew"))}


@dataclass
class _Status:
    """What the plan did for a unit, and how much that matters."""

    unit: Unit
    undelivered: float  # soldiers + short tons not delivered
    late: float
    closure: float | None
    destination: str | None
    missing: dict[str, float]
    closing: bool = False

    @property
    def problem(self) -> bool:
        return self.undelivered > 1e-6 or self.late > 1e-6

    @property
    def impact(self) -> float:
        """Priority-weighted shortfall and lateness, plus a little for closing units."""
        return self.unit.weight * (self.undelivered + self.late) + (1.0 if self.closing else 0.0)

    def window(self, s: Scenario) -> tuple[float, float]:
        """When the unit could be affected: ready until closure (or its LAD if short)."""
        end = self.closure if (self.closure is not None and self.undelivered <= 1e-6) else s.lad(self.unit)
        return self.unit.ready_hour, end


def explain(scenario: Scenario, plan: Plan) -> list[Finding]:
    """Post-hoc analysis of a plan: which limits bind, for which units, when.

    Parameters
    ----------
    scenario
        The scenario the plan answers.
    plan
        The plan (its missions and unit results are read; nothing is solved).

    Returns
    -------
    list of Finding
        Most important first. Empty when no unit is late or undelivered and nothing
        binds the closure.
    """
    s = scenario
    st = _statuses(s, plan)
    aboard = _aboard(plan)
    found: list[tuple[float, Finding]] = []
    found += _mog_findings(s, plan, st, aboard)
    found += _fleet_findings(s, plan, st, aboard)
    found += _crew_findings(s, plan, st, aboard)
    found += _unit_findings(s, plan, st)
    found += _fallbacks(s, st, {u for _, f in found for u in f.units})
    try:
        found += _closure_finding(s, plan, st)
    except KeyError:  # a malformed plan (a type or airfield not in the scenario)
        pass
    found = _one_per_limit(found)
    found.sort(key=lambda x: (-x[0], _KIND_ORDER.get(x[1].kind, 99),
                              -((x[1].end_hour or 0) - (x[1].start_hour or 0)),
                              x[1].start_hour if x[1].start_hour is not None else math.inf))
    return [f for _, f in found]


def _fallbacks(s: Scenario, st: dict[str, _Status], explained: set[str]) -> list[tuple[float, Finding]]:
    """Late or undelivered units that no binding limit explains: say so plainly."""
    from .network import fastest_arrival

    out = []
    for uid, us in st.items():
        if uid in explained or not us.problem:
            continue
        u = us.unit
        if us.undelivered > 1e-6:
            msg = (f"{uid} still has {_amount(us)} undelivered at its LAD h{s.lad(u):g} "
                   f"(horizon {s.horizon_hours:g} h); no single binding limit was found")
            out.append((us.impact, Finding("horizon", uid, msg, None, s.lad(u), (uid,))))
        else:
            best = fastest_arrival(s, u)
            could = f", though it could land by h{best:.1f}" if best is not None else ""
            msg = (f"{uid} closes at h{us.closure or 0:.1f}, {us.late:.1f} h after its RDD "
                   f"h{s.rdd(u):g}{could}; no single binding limit was found")
            out.append((us.impact, Finding("window", uid, msg, s.rdd(u), us.closure, (uid,))))
    return out


def _one_per_limit(found: list[tuple[float, Finding]]) -> list[tuple[float, Finding]]:
    """Join the findings of one limit (same kind and subject) into one: their sentences in
    order, the units of all, the first one's span, the highest importance."""
    groups: dict[tuple[str, str], list[tuple[float, Finding]]] = {}
    for x in found:
        groups.setdefault((x[1].kind, x[1].subject), []).append(x)
    out = []
    for (kind, subject), xs in groups.items():
        if len(xs) == 1:
            out.append(xs[0])
            continue
        fs = [f for _, f in xs]
        # when it binds: the span of the first finding that has one (a saturation's)
        span = next(((f.start_hour, f.end_hour) for f in fs if f.start_hour is not None), (None, None))
        msg = ". ".join(dict.fromkeys(f.message.rstrip(".") for f in fs)) + "."
        units = tuple(dict.fromkeys(u for f in fs for u in f.units))
        out.append((max(sc for sc, _ in xs), Finding(kind, subject, msg, *span, units)))
    return out


#: plain words for a limit by kind; ``{s}`` is the finding's subject
LIMIT_WORDS = {
    "mog": "ramp space (MOG) at {s}", "fleet": "{s} aircraft (all busy)", "crew": "{s} crew hours",
    "range": "range and payload for {s}", "runway": "runway length for {s}",
    "cargo_class": "aircraft able to carry {s}'s cargo", "beddown": "beds at {s}",
    "window": "delivery window of {s}", "readiness": "readiness and transit of {s}",
    "horizon": "planning horizon for {s}",
}


#: plain words for a kind of limit, without a subject
KIND_WORDS = {
    "mog": "ramp space (MOG)", "fleet": "aircraft all busy", "crew": "crew hours",
    "range": "range and payload", "runway": "runway length", "cargo_class": "aircraft able to carry the cargo",
    "beddown": "beds", "window": "delivery window", "readiness": "readiness and transit",
    "horizon": "planning horizon",
}


def describe_limit(kind: str, subject: str = "") -> str:
    """A limit ``(kind, subject)`` in plain words: ``ramp space (MOG) at OKAS``; without a
    subject, the kind alone: ``ramp space (MOG)``."""
    if not subject:
        return KIND_WORDS.get(kind, kind.replace("_", " "))
    words = LIMIT_WORDS.get(kind)
    return words.format(s=subject) if words else f"{kind.replace('_', ' ')} {subject}"


def explain_text(findings: Iterable[Finding]) -> list[str]:
    """One line per finding, with the units it affects."""
    out = []
    for f in findings:
        line = f.message
        if f.units:
            shown = ", ".join(f.units[:6]) + (f" and {len(f.units) - 6} more" if len(f.units) > 6 else "")
            line += f" — affects {shown}"
        out.append(line)
    return out


# ----- unit statuses --------------------------------------------------------------------
def _statuses(s: Scenario, plan: Plan) -> dict[str, _Status]:
    res = {r.id: r for r in plan.units}
    out: dict[str, _Status] = {}
    for u in s.units:
        r = res.get(u.id)
        if r is None:
            missing = {c: u.amount(c) for c in ("pax", *CARGO) if u.amount(c) > 0}
            out[u.id] = _Status(u, float(u.pax + u.cargo_stons), 0.0, None, None, missing)
            continue
        und = sum(max(0.0, v) for v in r.undelivered.values())
        missing = {c: v for c, v in r.undelivered.items() if v > 1e-6}
        out[u.id] = _Status(u, und, r.late_hours or 0.0, r.closure_hour, r.destination, missing)
    closure = plan.kpis.get("closure_hour")
    if closure is not None:
        for us in out.values():
            if us.closure is not None and us.closure >= closure - 1e-6:
                us.closing = True
    return out


def _aboard(plan: Plan) -> dict[str, tuple[str, ...]]:
    return {m.id: m.unit_ids for m in plan.missions}


def _amount(us: _Status) -> str:
    pax = us.missing.get("pax", 0)
    st = sum(v for c, v in us.missing.items() if c != "pax")
    parts = ([f"{pax:,.0f} soldiers"] if pax else []) + ([f"{_num(st)} st"] if st > 1e-6 else [])
    return " and ".join(parts) or "nothing"


def _relevant(us: _Status) -> bool:
    return us.problem or us.closing


# ----- saturated resources --------------------------------------------------------------
def _saturated(rows: Sequence[tuple[float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Merge step rows ``(hour, used, capacity)`` into intervals where used >= capacity.

    Returns ``(start, end, peak, capacity)``; intervals closer than :data:`MERGE_GAP`
    are joined.
    """
    out: list[list[float]] = []
    for (h, used, cap), nxt in zip(rows, [*rows[1:], None], strict=True):
        if nxt is None or not (cap > 0 and used >= cap):
            continue
        end = nxt[0]
        if out and h - out[-1][1] <= MERGE_GAP:
            out[-1][1] = end
            out[-1][2] = max(out[-1][2], used)
            out[-1][4] += end - h
        else:
            out.append([h, end, used, cap, end - h])
    return [(a, b, peak, cap) for a, b, peak, cap, _ in out]


def _affected_by_airfield(s: Scenario, plan: Plan, st: dict[str, _Status], aboard: dict[str, tuple[str, ...]],
                          af: str, a: float, b: float, ground: dict[str, list[tuple[float, float, str]]]
                          ) -> list[str]:
    units: dict[str, None] = {}
    # units aboard missions on the ground there during the interval, before they landed
    # (the saturation began by their landing and the ground period began by it too)
    arrive = {m.id: m.arrive_hour for m in plan.missions}
    for ga, gb, mid in ground.get(af, ()):
        arr = arrive.get(mid)
        if arr is None or ga > arr or a > arr:
            continue
        if ga < b and a < gb:
            for uid in aboard.get(mid, ()):
                if uid in st and _relevant(st[uid]):
                    units[uid] = None
    # problem units whose origin or destination it is, waiting during the interval
    for uid, us in st.items():
        if not us.problem or uid in units:
            continue
        u = us.unit
        dests = (us.destination,) if us.destination else u.destinations
        if af != u.origin and af not in dests:
            continue
        lo, hi = us.window(s)
        if lo < b and a < hi:
            units[uid] = None
    return list(units)


def _mog_findings(s: Scenario, plan: Plan, st: dict[str, _Status], aboard: dict[str, tuple[str, ...]]
                  ) -> list[tuple[float, Finding]]:
    occ = plan.ground_occupancy(s)
    if occ.empty:
        return []
    ground: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for m in plan.missions:
        try:
            for af, ga, gb, _ in m.ground_intervals(s):
                ground[af].append((ga, gb, m.id))
        except KeyError:
            continue
    out = []
    for af, grp in occ.groupby("airfield", sort=True):
        rows = list(zip(grp["hour"], grp["on_ground"], grp["mog"], strict=True))
        spans = []
        for a, b, peak, cap in _saturated(rows):
            units = _affected_by_airfield(s, plan, st, aboard, str(af), a, b, ground)
            if units:
                spans.append((a, b, peak, cap, units))
        if spans:
            msg = f"{af} MOG saturated {_spans(spans)} ({_fill(spans, 'on the ground')})"
            out.append(_grouped("mog", str(af), msg, spans, st))
    return out


def _spans(spans: Sequence[tuple]) -> str:
    """``h20.0-h27.0``, ``h1.0-h2.0 and h5.0-h6.0``, or for many: how many, how long, when."""
    if len(spans) <= 3:
        return " and ".join(f"h{a:.1f}-h{b:.1f}" for a, b, *_ in spans)
    total = sum(b - a for a, b, *_ in spans)
    return f"{len(spans)} times, {total:.1f} h in all between h{spans[0][0]:.1f} and h{spans[-1][1]:.1f}"


def _fill(spans: Sequence[tuple], what: str) -> str:
    """``8 of 8 on the ground``; with a limit that changes, every level reached."""
    caps = sorted({int(x[3]) for x in spans})
    peak = max(x[2] for x in spans)
    if len(caps) == 1:
        return f"{peak:.0f} of {caps[0]}" + (f" {what}" if what else "")
    return "full at " + ", ".join(str(c) for c in caps) + (f" {what}" if what else "")


def _grouped(kind: str, subject: str, msg: str, spans: Sequence[tuple], st: dict[str, _Status]
             ) -> tuple[float, Finding]:
    """One finding for every saturated span of one limit, with the units of all of them."""
    units = list(dict.fromkeys(u for *_, us in spans for u in us))
    hours = sum(b - a for a, b, *_ in spans)
    return _score(st, units, hours), Finding(kind, subject, msg, spans[0][0], spans[-1][1], tuple(units))


def _carries(s: Scenario, t: str, u: Unit) -> bool:
    ac = s.aircraft_type(t)
    return any(u.amount(c) > 0 and ac.carries(CLASS_OF[c]) for c in ("pax", *CARGO))


def _affected_by_type(s: Scenario, plan: Plan, st: dict[str, _Status], aboard: dict[str, tuple[str, ...]],
                      t: str, a: float, b: float) -> list[str]:
    units: dict[str, None] = {}
    for m in plan.missions:
        if m.aircraft != t or not m.legs:
            continue
        ha, _ = m.hold_interval(s)
        hb = m.arrive_hour  # what matters to its units: onload start to landing
        if hb is not None and ha < b and a <= hb:
            for uid in aboard.get(m.id, ()):
                if uid in st and _relevant(st[uid]):
                    units[uid] = None
    for uid, us in st.items():
        if not us.problem or uid in units or not _carries(s, t, us.unit):
            continue
        lo, hi = us.window(s)
        if lo < b and a < hi:
            units[uid] = None
    return list(units)


def _fleet_findings(s: Scenario, plan: Plan, st: dict[str, _Status], aboard: dict[str, tuple[str, ...]]
                    ) -> list[tuple[float, Finding]]:
    use = plan.fleet_use(s)
    out = []
    if use.empty:
        return out
    for t, grp in use.groupby("aircraft", sort=True):
        if t not in s.fleet_types:
            continue
        rows = list(zip(grp["hour"], grp["in_use"], grp["pool"], strict=True))
        spans = []
        for a, b, peak, cap in _saturated(rows):
            units = _affected_by_type(s, plan, st, aboard, str(t), a, b)
            if units:
                spans.append((a, b, peak, cap, units))
        if spans:
            msg = f"{t} pool fully busy {_spans(spans)} ({_fill(spans, '')})"
            out.append(_grouped("fleet", str(t), msg, spans, st))
    return out


def _crew_findings(s: Scenario, plan: Plan, st: dict[str, _Status], aboard: dict[str, tuple[str, ...]]
                   ) -> list[tuple[float, Finding]]:
    flown: dict[tuple[str, int], float] = defaultdict(float)
    for m in plan.missions:
        for lg in m.legs:
            a, b = lg.depart_hour, lg.arrive_hour
            for k in range(math.floor(a / 24), math.ceil(b / 24)):
                x = min(b, 24 * k + 24) - max(a, 24 * k)
                if x > 0:
                    flown[(m.aircraft, k)] += x
    binding: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for (t, k), hrs in sorted(flown.items()):
        if t not in s.fleet_types:
            continue
        avail = s.fleet_day_count(t, k)
        limit = s.aircraft_type(t).ute_hours * avail
        if limit > 0 and hrs >= CREW_BINDING * limit:
            binding[t].append((k, hrs, limit))
    out = []
    for t, days in binding.items():
        runs: list[list[tuple[int, float, float]]] = []
        for day in days:  # consecutive binding days make one span
            if runs and day[0] == runs[-1][-1][0] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        spans = []
        for run in runs:
            k0, k1 = run[0][0], run[-1][0]
            a, b = 24.0 * k0, 24.0 * k1 + 24
            units = _affected_by_type(s, plan, st, aboard, t, a, b)
            if units:
                spans.append((a, b, sum(x[1] for x in run), sum(x[2] for x in run), units, k0, k1))
        if not spans:
            continue
        parts = [f"{hrs:.1f} of {limit:.1f} h on {f'day {k0}' if k0 == k1 else f'days {k0}-{k1}'} (h{a:g}-h{b:g})"
                 for a, b, hrs, limit, _, k0, k1 in spans]
        msg = f"{t} crews flew {' and '.join(parts)}"
        out.append(_grouped("crew", t, msg, [x[:5] for x in spans], st))
    return out


def _score(st: dict[str, _Status], units: Sequence[str], hours: float) -> float:
    return sum(st[u].impact for u in units) + 1e-3 * min(hours, 1e3)


# ----- what sets the force closure ---------------------------------------------------
def _closure_finding(s: Scenario, plan: Plan, st: dict[str, _Status]) -> list[tuple[float, Finding]]:
    """The last unit to close and what sets its closure: ready hour + wait + trip of its
    last load (the mission landing last). Readiness when it neither waits nor flies slower
    than its type's fastest routing; transit when the trip loses more than the wait; else
    the wait, put down to the full ramp or busy pool that overlaps it the longest."""
    from .network import fastest_arrival, routings

    closure = plan.kpis.get("closure_hour")
    last = [us for us in st.values() if us.closing and us.closure is not None]
    if closure is None or not last:
        return []
    us = max(last, key=lambda x: (x.undelivered <= 1e-6, x.unit.weight))
    u, c = us.unit, float(us.closure or closure)
    ms = [m for m in plan.missions if u.id in m.unit_ids and m.arrive_hour is not None and m.legs]
    if not ms:
        return []
    m = max(ms, key=lambda x: (x.arrive_hour, x.start_hour))
    load_at = next((a for _, a, _, kind in m.ground_intervals(s) if kind == "onload"), m.start_hour)
    ready, wait = u.ready_hour, max(0.0, load_at - u.ready_hour)
    trip = c - max(load_at, ready)
    own = [(r.arrive - r.lead) / 60 for r in routings(s, u.origin, m.destination, m.aircraft, home=m.home)]
    fastest = min(own) if own else trip  # this aircraft type's fastest trip
    lost = max(0.0, trip - fastest)
    best = fastest_arrival(s, u)
    other = ("" if best is None or best - ready >= fastest - READY_SLACK
             else f"; the fastest of any aircraft is {best - ready:.1f} h")
    head = f"Force closure h{c:.1f} is set by"
    who = f"{u.id} closes last ({len(ms)} mission{'s' if len(ms) != 1 else ''}). Ready at h{ready:g}"
    way = f"{m.id}, {m.aircraft} {'-'.join(m.route[: (m._arrival_index or 0) + 2])}"
    if wait <= READY_SLACK and lost <= READY_SLACK:
        msg = f"{head} readiness: {who}, it lands {c - ready:.1f} h later ({way}), as fast as it can{other}."
        return [(CLOSURE_SCORE, Finding("readiness", u.id, msg, ready, c, (u.id,)))]
    cause = _wait_cause(s, plan, m, ready, load_at) if wait > READY_SLACK else None
    from_home, pos = positioning_words(s, m, load_at)  # SPEC 5.1
    if from_home and wait > READY_SLACK:
        cause = ("fleet", f"{m.aircraft}@{m.home}", wait, f"positioning: {pos}")
        waited = f"its last load waited {wait:.1f} h for its aircraft: {pos}"
    elif wait > READY_SLACK:
        why = (" with no ramp or aircraft pool on its route full" if cause is None else
               f" ({'the ramp at ' + cause[1] + ' was full' if cause[0] == 'mog' else 'every ' + cause[1] + ' was busy'}"
               f" {cause[3]})")
        waited = f"its last load waited {wait:.1f} h{why} and started loading at h{load_at:.1f}"
    else:
        waited = f"its last load started loading at h{load_at:.1f}" + (f" ({pos})" if pos else "")
    slower = (f"{lost:.1f} h more than a {m.aircraft}'s fastest {fastest:.1f} h" if lost > READY_SLACK
              else f"as fast as a {m.aircraft} can")
    trip_txt = f"it took {trip:.1f} h to land ({way}), {slower}{other}"
    kind, subject, why = ("readiness", u.id, "transit") if lost > wait else ("readiness", u.id, "waiting") \
        if cause is None else (cause[0], cause[1], "positioning" if from_home
                               else f"waiting for {describe_limit(cause[0], cause[1])}")
    msg = f"{head} {why}: {who}, {waited}; {trip_txt}."
    return [(CLOSURE_SCORE, Finding(kind, subject, msg, ready, c, (u.id,)))]


def _wait_cause(s: Scenario, plan: Plan, m: Mission, a: float, b: float) -> tuple[str, str, float, str] | None:
    """What the mission waited ``b - a`` hours for, ``(kind, subject, hours, when and how
    full)``: the busy pool of its type while it waited, or a full ramp on its way out in
    the hours before it reached it (the wait pushed every landing back), the longest."""
    wait = b - a
    i = m._arrival_index if m._arrival_index is not None else len(m.legs) - 1
    reach = {m.origin: b}  # when it reaches each airfield of its way out
    for lg in m.legs[m.loaded_legs.start: i + 1]:
        reach.setdefault(lg.to, lg.arrive_hour)
    series = []
    occ = plan.ground_occupancy(s)
    for af, t in reach.items():
        g = occ[occ["airfield"] == af] if not occ.empty else occ
        if len(g):
            series.append(("mog", af, list(zip(g["hour"], g["on_ground"], g["mog"], strict=True)),
                           t - wait, t, "on the ground"))
    use = plan.fleet_use(s)
    g = use[use["aircraft"] == m.aircraft] if not use.empty else use
    if len(g):
        series.append(("fleet", m.aircraft, list(zip(g["hour"], g["in_use"], g["pool"], strict=True)),
                       a, b, "in use"))
    best: tuple[str, str, float, str] | None = None
    for kind, subject, rows, lo, hi, word in series:
        spans = [(max(x, lo), min(y, hi), p, c) for x, y, p, c in _saturated(rows) if x < hi and lo < y]
        hours = sum(y - x for x, y, _, _ in spans)
        if spans and hours > 1e-9 and (best is None or hours > best[2]):
            best = (kind, subject, hours, f"{_spans(spans)}, {_fill(spans, word)}")
    return best


# ----- per-unit causes ------------------------------------------------------------------
def _unit_findings(s: Scenario, plan: Plan, st: dict[str, _Status]) -> list[tuple[float, Finding]]:
    from .network import fastest_arrival

    out: list[tuple[float, Finding]] = []
    undelivered_by_class = _undelivered_by_class(plan)
    for uid, us in st.items():
        if not (us.problem or us.closing):
            continue
        u = us.unit
        best = fastest_arrival(s, u)
        lad, rdd = s.lad(u), s.rdd(u)
        if us.undelivered > 1e-6:
            if best is not None and lad < best - 1e-9:
                if u.latest_arrival_hour is None:
                    msg = (f"{uid} ready at h{u.ready_hour:g} cannot arrive before h{best:.1f}, "
                           f"after the {s.horizon_hours:g} h horizon")
                    out.append((us.impact, Finding("horizon", uid, msg, u.ready_hour, best, (uid,))))
                else:
                    msg = f"{uid}'s LAD {lad:g} is before its earliest possible arrival {best:.1f}"
                    out.append((us.impact, Finding("window", uid, msg, lad, best, (uid,))))
            closed = [a for a in (u.origin, *u.destinations) if s.mog_peak(a) == 0]
            if closed:
                msg = (f"{', '.join(closed)} {'has' if len(closed) == 1 else 'have'} MOG 0, so no "
                       f"aircraft can be on the ground there for {uid}")
                out.append((us.impact, Finding("mog", closed[0], msg, None, None, (uid,))))
            out += _route_findings(s, us, undelivered_by_class.get(uid, {}))
            out += _beddown_findings(s, plan, st, us)
        if us.late > 1e-6 and best is not None:
            if rdd < best - 1e-9:
                msg = f"{uid}'s RDD {rdd:g} is before its earliest possible arrival {best:.1f}"
                out.append((us.impact, Finding("window", uid, msg, rdd, best, (uid,))))
            elif us.closure is not None and us.closure <= best + READY_SLACK:
                msg = (f"{uid} ready at h{u.ready_hour:g} + {best - u.ready_hour:.1f} h fastest transit "
                       f"lands at h{us.closure:.1f}, after its RDD h{rdd:g}")
                out.append((us.impact, Finding("readiness", uid, msg, u.ready_hour, us.closure, (uid,))))
    return out


def _undelivered_by_class(plan: Plan) -> dict[str, dict[str, float]]:
    return {r.id: {c: v for c, v in r.undelivered.items() if v > 1e-6} for r in plan.units}


def _route_findings(s: Scenario, us: _Status, missing: dict[str, float]) -> list[tuple[float, Finding]]:
    """Range, runway and cargo-class limits on what is undelivered of a unit."""
    from .network import routings

    u = us.unit
    out: list[tuple[float, Finding]] = []
    dests = (us.destination,) if us.destination else u.destinations
    live = [t for t in s.fleet_types if s.fleet_count(t) > 0]
    for c, amount in missing.items():
        cls = CLASS_OF[c]
        what = "soldiers" if c == "pax" else cls
        types = [t for t in live if s.aircraft_type(t).carries(cls)]
        if not types:
            msg = (f"No aircraft in the fleet carries {what} "
                   f"({_num(amount)} of {u.id}'s undelivered)")
            out.append((us.impact, Finding("cargo_class", u.id, msg, None, None, (u.id,))))
            continue
        # the routing that carries the largest share of a full load (ACL, or all seats)
        best: tuple[float, float, str, str, str] | None = None  # (share, payload, type, dest, via)
        short: list[str] = []
        for d in dests:
            for t in types:
                ac = s.aircraft_type(t)
                rw = [x for x in (u.origin, d) if _runway_short(s, x, t)]
                if rw:
                    short.append(f"{rw[0]} {s.airfield(rw[0]).runway_ft:,.0f} ft < {t}'s {ac.min_runway_ft:,.0f} ft")
                    continue
                full = ac.seats * s.pax_weight_stons if c == "pax" else ac.acl_stons
                for r in routings(s, u.origin, d, t):
                    pay = min(r.payload_stons, ac.max_payload_stons)
                    share = min(1.0, pay / full) if full > 0 else 0.0
                    if best is None or share > best[0]:
                        best = (share, pay, t, d, "-".join(r.out_stops) or "direct")
        where = "/".join(dests)
        if best is None:
            if short and len(short) >= len(types) * len(dests):
                msg = f"No aircraft that carries {what} can use {where} ({'; '.join(short[:3])})"
                out.append((us.impact, Finding("runway", u.id, msg, None, None, (u.id,))))
            else:
                msg = (f"No routing carries {what} from {u.origin} to {where} "
                       "(range, runways and en-route stops considered)")
                out.append((us.impact, Finding("range", u.id, msg, None, None, (u.id,))))
            continue
        share, pay, t, d, via = best
        if share < 0.999:
            unit_load = f"{pay:.1f} st" if c != "pax" else f"{math.floor(pay / s.pax_weight_stons + 1e-9)} soldiers"
            msg = (f"No routing carries a full load of {what} to {d} "
                   f"({t} max {unit_load} via {via})")
            out.append((us.impact, Finding("range", u.id, msg, None, None, (u.id,))))
    return out


def _runway_short(s: Scenario, icao: str, t: str) -> bool:
    rw = s.airfield(icao).runway_ft
    need = s.aircraft_type(t).min_runway_ft
    return rw is not None and need is not None and rw < need


def _beddown_findings(s: Scenario, plan: Plan, st: dict[str, _Status], us: _Status) -> list[tuple[float, Finding]]:
    u = us.unit
    if us.destination is not None:
        return []
    used: dict[str, int] = defaultdict(int)
    for other in st.values():
        if other.destination is not None:
            used[other.destination] += other.unit.pax
    full = []
    for d in u.destinations:
        cap = s.capacity_pax(d)
        if cap is not None and used[d] + u.pax > cap:
            full.append((d, used[d], cap))
    if not full or len(full) < len(u.destinations):
        return []
    parts = [f"{d} full ({n:,} of {c:,})" if n >= c else f"{d} has {c - n:,} of {c:,} beds left" for d, n, c in full]
    msg = f"{'; '.join(parts)}; {u.id} ({u.pax:,} soldiers) fits nowhere"
    return [(us.impact, Finding("beddown", full[0][0], msg, None, None, (u.id,)))]


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"

