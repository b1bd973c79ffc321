"""What changed while the plan is flown, as edits of the scenario (SPEC 5.2 and 5.3).

An *event* is a plain dict the Plan page's "What changed?" editor collects:

``{"kind": "withdraw", "type": "C-17A", "count": 2, "from_hour": 40}``
    that many aircraft of the type leave the pool at ``from_hour``: a fleet entry is
    split so that exactly that many get ``until_hour``;
``{"kind": "mog", "icao": "OKAS", "from_hour": 30, "to_hour": 52, "mog": 2}``
    an entry in the airfield's ``mog_changes``;
``{"kind": "slip", "unit": "A", "ready_hour": 20}``
    the unit's ``ready_hour`` (ALD) moves;
``{"kind": "unit", "unit": {...}}``
    a unit added to ``units[]`` (its fields as in a scenario file).

:func:`apply_events` writes a list of them into a copy of the scenario dict and checks
the result with the library, so every problem (an overlapping MOG change, a ready hour
after the LAD, a duplicate unit id) is reported at once, as the library words it.
:func:`dtg` (from :mod:`logistics.timefmt`) writes an hour as a date-time group. No Streamlit here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from logistics.errors import Problem, ScenarioError
from logistics.scenario import Scenario
from logistics.timefmt import dtg, local_time  # noqa: F401  (re-exported for the pages)

KINDS = {"withdraw": "Aircraft withdrawn", "mog": "MOG change", "slip": "Readiness slips",
         "unit": "Unit added"}


# ----- words ---------------------------------------------------------------------------------
def _h(v: Any) -> str:
    return f"h{float(v):g}"


def describe(ev: Mapping[str, Any]) -> str:
    """One event in plain words."""
    k = ev.get("kind")
    if k == "withdraw":
        n = int(ev["count"])
        return f"{n} {ev['type']} withdrawn from {_h(ev['from_hour'])} (until_hour in the fleet)"
    if k == "mog":
        what = "closed" if int(ev["mog"]) == 0 else f"MOG {int(ev['mog'])}"
        return f"{ev['icao']} {what} from {_h(ev['from_hour'])} to {_h(ev['to_hour'])} (mog_changes)"
    if k == "slip":
        return f"unit {ev['unit']} ready at {_h(ev['ready_hour'])} instead (ready_hour)"
    if k == "unit":
        u = ev["unit"]
        st = sum(float(u.get(c) or 0) for c in ("bulk_stons", "oversize_stons", "outsize_stons"))
        dests = "/".join(u.get("destinations") or [])
        rdd = f", RDD {_h(u['required_hour'])}" if u.get("required_hour") is not None else ""
        return (f"unit {u.get('id')} added: {u.get('origin')} to {dests}, {int(u.get('pax') or 0):,} soldiers, "
                f"{st:,.1f} st, ready {_h(u.get('ready_hour') or 0)}{rdd}")
    return f"unknown event {dict(ev)!r}"


# ----- edits ---------------------------------------------------------------------------------
def _withdraw(d: dict[str, Any], ev: Mapping[str, Any]) -> list[str]:
    """Split fleet entries of the type in the pool at ``from_hour`` so that ``count`` of
    their aircraft get ``until_hour = from_hour``; those staying longest go first."""
    typ, want, h = str(ev["type"]), int(ev["count"]), float(ev["from_hour"])
    fleet = [dict(e) for e in (d.get("aircraft") or [])]

    def until(e: dict[str, Any]) -> float:
        return float("inf") if e.get("until_hour") is None else float(e["until_hour"])

    pool = [i for i, e in enumerate(fleet) if e.get("type") == typ
            and float(e.get("available_hour") or 0) < h < until(e) and int(e.get("count") or 0) > 0]
    have = sum(int(fleet[i]["count"]) for i in pool)
    if want < 1:
        return ["withdraws no aircraft: give how many (1 or more)"]
    if have < want:
        return [f"withdraws {want} {typ} from {_h(h)}, but the pool holds {have} of them then"]
    left = want
    splits: dict[int, dict[str, Any]] = {}
    for i in sorted(pool, key=lambda i: -until(fleet[i])):
        if left == 0:
            break
        e = fleet[i]
        k = min(int(e["count"]), left)
        left -= k
        if k == int(e["count"]):
            e["until_hour"] = h
        else:
            e["count"] = int(e["count"]) - k
            splits[i] = {**e, "count": k, "until_hour": h}
    out = []
    for i, e in enumerate(fleet):
        out.append(e)
        if i in splits:
            out.append(splits[i])
    d["aircraft"] = out
    return []


def _mog(d: dict[str, Any], ev: Mapping[str, Any]) -> list[str]:
    code = str(ev["icao"]).strip().upper()
    change = {"from_hour": float(ev["from_hour"]), "to_hour": float(ev["to_hour"]), "mog": int(ev["mog"])}
    afs = [dict(a) for a in (d.get("airfields") or [])]
    for a in afs:
        if str(a.get("icao", "")).strip().upper() == code:
            a["mog_changes"] = [*(a.get("mog_changes") or []), change]
            break
    else:
        afs.append({"icao": code, "mog_changes": [change]})
    d["airfields"] = afs
    return []


def _slip(d: dict[str, Any], ev: Mapping[str, Any]) -> list[str]:
    units = [dict(u) for u in (d.get("units") or [])]
    hits = [u for u in units if str(u.get("id")) == str(ev["unit"])]
    if not hits:
        return [f"names unit {ev['unit']!r}, which the scenario does not have"]
    for u in hits:
        u["ready_hour"] = float(ev["ready_hour"])
    d["units"] = units
    return []


def _unit(d: dict[str, Any], ev: Mapping[str, Any]) -> list[str]:
    u = {k: v for k, v in dict(ev["unit"]).items() if v not in (None, "", [])}
    d["units"] = [*(d.get("units") or []), u]
    return []


_APPLY = {"withdraw": _withdraw, "mog": _mog, "slip": _slip, "unit": _unit}


def apply_events(data: Mapping[str, Any], events: Iterable[Mapping[str, Any]],
                 source: str = "<scenario>") -> tuple[dict[str, Any], list[Problem]]:
    """``data`` with the events written in (a copy), and every problem: those of the
    events themselves (``event 2: ...``) and those the library finds in the result."""
    d = copy.deepcopy(dict(data))
    problems: list[Problem] = []
    for i, ev in enumerate(events, start=1):
        fn = _APPLY.get(str(ev.get("kind")))
        msgs = [f"unknown kind {ev.get('kind')!r}"] if fn is None else fn(d, ev)
        problems += [Problem(f"event {i} ({describe(ev) if fn else '?'})", m) for m in msgs]
    if not problems:
        problems = check(d, source)
    return d, problems


def check(d: Mapping[str, Any], source: str = "<scenario>") -> list[Problem]:
    """The library's problems with the scenario dict ``d`` (empty: valid)."""
    try:
        Scenario.from_dict(copy.deepcopy(dict(d)), file=source)
    except ScenarioError as exc:
        return list(exc.problems)
    except Exception as exc:  # never a traceback for bad input
        return [Problem("", f"could not be checked: {type(exc).__name__}: {exc}", source)]
    return []


def problem_text(p: Problem) -> str:
    """A problem as the page shows it: where, then what."""
    return f"{p.loc}: {p.message}" if p.loc else p.message
