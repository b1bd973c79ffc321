"""What changed between two scenarios, in plain lines: ``Fleet C-17A: 40 -> 32``.

:func:`scenario_diff` compares two scenarios entry by entry (units by id, airfields by
ICAO code, destinations by airfield, fleet entries by type, en-route stops as a set,
the other fields by name) and returns one line per changed field of an entry, plus a
line per entry added or removed. Given :class:`~logistics.scenario.Scenario` objects,
airfield and aircraft overrides are compared with what they override (the bundled
catalogue), so adding ``{icao: KPOB, mog: 12}`` reads ``Airfield KPOB MOG: 8 -> 12``.

>>> from logistics.diff import scenario_diff
>>> scenario_diff({"horizon_hours": 120, "aircraft": [{"type": "C-17A", "count": 40}]},
...               {"horizon_hours": 96, "aircraft": [{"type": "C-17A", "count": 32}]})
['Horizon (h): 120 -> 96', 'Fleet C-17A: 40 -> 32']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from .scenario import Scenario, scenario_to_dict

__all__ = ["same_optimum", "scenario_diff"]

#: field names in plain words (others: underscores as spaces)
WORDS = {
    "name": "Name", "description": "Description", "start": "Start (C-hour 0)",
    "horizon_hours": "Horizon (h)", "pax_weight_lb": "Soldier weight (lb)", "objective": "Goals",
    "mog": "MOG", "runway_ft": "runway (ft)", "capacity_pax": "beds", "pax": "soldiers",
    "bulk_stons": "bulk (st)", "oversize_stons": "oversize (st)", "outsize_stons": "outsize (st)",
    "ready_hour": "ready hour", "earliest_arrival_hour": "EAD", "required_hour": "RDD",
    "latest_arrival_hour": "LAD", "available_hour": "available from hour", "until_hour": "leaves at hour",
    "mog_changes": "MOG changes", "acl_stons": "ACL (st)", "ute_hours": "crew hours a day",
    "min_runway_ft": "min runway (ft)", "cruise_kt": "cruise (kt)",
}
_SKIP = {"format"}


def scenario_diff(a: Scenario | Mapping[str, Any], b: Scenario | Mapping[str, Any]) -> list[str]:
    """The edits that turn scenario ``a`` into ``b``, one line each, in scenario order.

    Parameters
    ----------
    a, b
        Scenarios, or their mappings (as in a scenario file). With mappings, airfield and
        aircraft overrides are compared as written.

    Returns
    -------
    list of str
        Empty when nothing differs. Lines read ``Unit 2-504-PIR ready hour: 18 -> 24``,
        ``Fleet C-17A: 40 -> 32``, ``Airfield OKAS MOG: 6 -> 0``, ``Unit X added (...)``.
    """
    sa, sb = (x if isinstance(x, Scenario) else None for x in (a, b))
    da, db = (scenario_to_dict(x) if isinstance(x, Scenario) else dict(x) for x in (a, b))
    out: list[str] = []
    keys = list(dict.fromkeys([*da, *db]))
    for k in keys:
        if k in _SKIP:
            continue
        va, vb = da.get(k), db.get(k)
        if k == "units":
            out += _keyed(va, vb, "id", "Unit", _unit_added)
        elif k == "airfields":
            out += _airfields(va, vb, sa, sb)
        elif k == "aircraft":
            out += _fleet(va, vb, sa, sb)
        elif k == "destinations":
            out += _keyed(va, vb, "airfield", "Destination", lambda e: _fields(e, "airfield"))
        elif k == "enroute":
            out += _stops(va or [], vb or [])
        elif _norm(va) != _norm(vb):
            out.append(f"{_word(k)}: {_fmt(va)} -> {_fmt(vb)}")
    return out


# ----- entries keyed by id ----------------------------------------------------------------
def _keyed(a: Any, b: Any, key: str, label: str, added: Callable[[dict], str]) -> list[str]:
    ea = {str(e.get(key)): e for e in a or [] if isinstance(e, Mapping)}
    eb = {str(e.get(key)): e for e in b or [] if isinstance(e, Mapping)}
    out = []
    for k in dict.fromkeys([*ea, *eb]):
        if k not in eb:
            out.append(f"{label} {k} removed")
        elif k not in ea:
            desc = added(eb[k])
            out.append(f"{label} {k} added" + (f" ({desc})" if desc else ""))
        else:
            out += _changed(f"{label} {k}", ea[k], eb[k], skip={key})
    return out


def _changed(label: str, a: Mapping[str, Any], b: Mapping[str, Any], skip: set[str] = frozenset(),
             before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> list[str]:
    """A line per field that differs; ``before``/``after`` stand in for a field one side
    does not set (the value it inherits)."""
    out = []
    for f in dict.fromkeys([*a, *b]):
        if f in skip:
            continue
        va = a.get(f, (before or {}).get(f))
        vb = b.get(f, (after or {}).get(f))
        if _norm(va) != _norm(vb):
            out.append(f"{label} {_word(f)}: {_fmt(va)} -> {_fmt(vb)}")
    return out


def _unit_added(e: Mapping[str, Any]) -> str:
    cargo = sum(float(e.get(c) or 0) for c in ("bulk_stons", "oversize_stons", "outsize_stons"))
    parts = [f"{int(e.get('pax') or 0):,} soldiers", f"{_num(cargo)} st",
             f"{e.get('origin', '?')} to {'/'.join(e.get('destinations') or []) or '?'}"]
    return ", ".join(parts)


def _fields(e: Mapping[str, Any], *skip: str) -> str:
    return ", ".join(f"{_word(k)} {_fmt(v)}" for k, v in e.items() if k not in skip and v is not None)


# ----- airfields and fleet: overrides of the catalogue -----------------------------------
def _airfields(a: Any, b: Any, sa: Scenario | None, sb: Scenario | None) -> list[str]:
    ea = {str(e.get("icao")): e for e in a or [] if isinstance(e, Mapping)}
    eb = {str(e.get("icao")): e for e in b or [] if isinstance(e, Mapping)}
    out = []
    for code in dict.fromkeys([*ea, *eb]):
        xa, xb = ea.get(code, {}), eb.get(code, {})
        ra, rb = _resolved_airfield(sa, code), _resolved_airfield(sb, code)
        if (ra is None and code not in ea) or (rb is None and code not in eb):
            what = "added" if code not in ea else "removed"
            desc = _fields(xb if code not in ea else xa, "icao")
            out.append(f"Airfield {code} {what}" + (f" ({desc})" if desc else ""))
            continue
        out += _changed(f"Airfield {code}", xa, xb, skip={"icao"}, before=ra, after=rb)
    return out


def _resolved_airfield(s: Scenario | None, code: str) -> dict[str, Any] | None:
    if s is None:
        return None
    try:
        af = s.airfield(code)
    except KeyError:
        return None
    d = af.model_dump(mode="json") if hasattr(af, "model_dump") else dict(vars(af))
    d["mog_changes"] = [m.model_dump(mode="json") for m in s.mog_changes(code)]
    return d


def _fleet(a: Any, b: Any, sa: Scenario | None, sb: Scenario | None) -> list[str]:
    ga: dict[str, list[dict]] = {}
    gb: dict[str, list[dict]] = {}
    for src, dst in ((a, ga), (b, gb)):
        for e in src or []:
            if isinstance(e, Mapping):
                dst.setdefault(str(e.get("type")), []).append(dict(e))
    out = []
    for t in dict.fromkeys([*ga, *gb]):
        xa, xb = ga.get(t, []), gb.get(t, [])
        if not xa or not xb:
            xs = xb or xa
            n = sum(int(e.get("count") or 0) for e in xs)
            out.append(f"Fleet {t} {'added' if not xa else 'removed'} ({n} aircraft"
                       + "".join(f", from h{_num(e['available_hour'])}" for e in xs[:1]
                                 if e.get("available_hour")) + ")")
            continue
        if len(xa) != len(xb):
            na = sum(int(e.get("count") or 0) for e in xa)
            nb = sum(int(e.get("count") or 0) for e in xb)
            out.append(f"Fleet {t}: {na} in {len(xa)} entries -> {nb} in {len(xb)} entries")
            continue
        ta, tb = _resolved_type(sa, t), _resolved_type(sb, t)
        for i, (ea, eb) in enumerate(zip(xa, xb, strict=True)):
            label = f"Fleet {t}" + (f" (entry {i + 1} of {len(xa)})" if len(xa) > 1 else "")
            if _norm(ea.get("count")) != _norm(eb.get("count")):
                out.append(f"{label}: {_fmt(ea.get('count'))} -> {_fmt(eb.get('count'))}")
            out += _changed(label, ea, eb, skip={"type", "count"}, before=ta, after=tb)
    return out


def _resolved_type(s: Scenario | None, t: str) -> dict[str, Any] | None:
    if s is None:
        return None
    try:
        ac = s.aircraft_type(t)
    except KeyError:
        return None
    return ac.model_dump(mode="json") if hasattr(ac, "model_dump") else dict(vars(ac))


def _stops(a: list, b: list) -> list[str]:
    out = [f"En-route stop {x} added" for x in b if x not in a]
    out += [f"En-route stop {x} removed" for x in a if x not in b]
    return out


# ----- values -----------------------------------------------------------------------------
def _word(field: str) -> str:
    return WORDS.get(field, field.replace("_", " "))


def _norm(v: Any) -> Any:
    """Compare 20 and 20.0 (and tuples and lists) as equal."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, Mapping):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_norm(x) for x in v]
    return v


def _num(x: Any) -> str:
    x = float(x)
    return f"{x:,.0f}" if x.is_integer() else f"{x:,.2f}".rstrip("0")


def _fmt(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        return _num(v)
    if isinstance(v, str):
        return v if len(v) <= 60 else v[:57] + "..."
    if isinstance(v, list | tuple) and all(isinstance(x, str | int | float) for x in v):
        return ", ".join(_fmt(x) for x in v) or "none"
    text = json.dumps(v, default=str, separators=(", ", ": "))
    return text if len(text) <= 80 else text[:77] + "..."


# ----- edits that cannot change the optimum ---------------------------------------------
#: fields whose change leaves every plan's feasibility and goal values as they were
_TEXT = {"name", "description", "source"}


def same_optimum(a: Scenario, b: Scenario) -> bool:
    """Whether every plan is feasible in ``b`` exactly when it is in ``a``, with the same
    goal values, so that an optimal plan of ``a`` is one of ``b``.

    True when the scenarios differ only in text (name, description, sources) and in
    beds at bases where they can never bind: the base's ``capacity_pax`` holds every
    unit allowed to go there, before and after the edit. Other edits may change the
    optimum (raised beds may let two units share a base they could not), so they answer
    False, even where the optimum happens not to move.
    """
    da, db = _strip(scenario_to_dict(a)), _strip(scenario_to_dict(b))
    beds_a, beds_b = da.pop("destinations", []), db.pop("destinations", [])
    if json.dumps(da, sort_keys=True, default=str) != json.dumps(db, sort_keys=True, default=str):
        return False
    ka = {d["airfield"]: d for d in beds_a}
    kb = {d["airfield"]: d for d in beds_b}
    if set(ka) != set(kb):
        return False
    for base, x in ka.items():
        y = kb[base]
        if {k: v for k, v in x.items() if k != "capacity_pax"} != {k: v for k, v in y.items() if k != "capacity_pax"}:
            return False
        if x.get("capacity_pax") != y.get("capacity_pax"):
            need = sum(u.pax for u in a.units if base in u.destinations)
            if any(c is not None and c < need for c in (x.get("capacity_pax"), y.get("capacity_pax"))):
                return False
    return True


def _strip(d: Any) -> Any:
    """The mapping without text fields, at every level."""
    if isinstance(d, Mapping):
        return {k: _strip(v) for k, v in d.items() if k not in _TEXT}
    if isinstance(d, list):
        return [_strip(v) for v in d]
    return d
