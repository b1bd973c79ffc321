"""Scenario commands: ``validate FILE [--json]``, ``schema [--plan]`` and ``generate SIZE``."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from typing import Any, TextIO

from ..errors import ScenarioError
from ..network import scenario_warnings
from ..scenario import Scenario, json_schema, load_scenario
from .common import (
    EXIT_INPUT,
    EXIT_OK,
    add_json,
    add_verbose,
    note_loaded,
    problem_lines,
    section,
    table,
    utc,
    write_json,
)


# ----- what validate shows ------------------------------------------------------------
def _roles(s: Scenario) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = defaultdict(list)
    for u in s.units:
        if "origin" not in roles[u.origin]:
            roles[u.origin].append("origin")
    for icao in [*(d.airfield for d in s.destinations), *(d for u in s.units for d in u.destinations)]:
        if "destination" not in roles[icao]:
            roles[icao].append("destination")
    for e in s.enroute:
        if "en-route" not in roles[e]:
            roles[e].append("en-route")
    for f in s.aircraft:  # SPEC 5.1
        if f.home is not None and "home" not in roles[f.home]:
            roles[f.home].append("home")
    return roles


def _dest_codes(s: Scenario) -> list[str]:
    return list(dict.fromkeys([*(d.airfield for d in s.destinations),
                               *(d for u in s.units for d in u.destinations)]))


def _origin_codes(s: Scenario) -> list[str]:
    return list(dict.fromkeys(u.origin for u in s.units))


def main_legs(s: Scenario) -> list[tuple[str, str, str, float]]:
    """The main legs of a scenario with their geodesic distance (nm).

    Each origin to each destination its units may go to (direct), each origin to each
    en-route stop, and each stop to each destination: ``(kind, from, to, nm)``.
    """
    from ..geo import distance_nm

    af = s.airfield
    legs: list[tuple[str, str, str, float]] = []
    pairs = list(dict.fromkeys((u.origin, d) for u in s.units for d in u.destinations))
    for o, d in pairs:
        legs.append(("direct", o, d, distance_nm(af(o), af(d))))
    for o in _origin_codes(s):
        for e in s.enroute:
            if e != o:
                legs.append(("to stop", o, e, distance_nm(af(o), af(e))))
    for e in s.enroute:
        for d in _dest_codes(s):
            if e != d:
                legs.append(("from stop", e, d, distance_nm(af(e), af(d))))
    return legs


def summary(s: Scenario) -> dict[str, Any]:
    """The facts ``logistics validate`` shows, as plain data (also its ``--json`` output)."""
    cargo = {c: sum(getattr(u, f"{c}_stons") for u in s.units) for c in ("bulk", "oversize", "outsize")}
    fleet = []
    for t in s.fleet_types:
        ac = s.aircraft_type(t)
        fleet.append({
            "type": t, "count": s.fleet_count(t),
            "available": [{"hour": h, "count": c} for h, c in s.fleet_steps(t) if c > 0],
            "homes": {h or "": s.fleet_count(t, home=h) for tt, h in s.pools if tt == t},
            "withdrawn": [{"hour": h, "count": -c} for h, c in s.fleet_steps(t) if c < 0],
            "seats": ac.seats, "acl_stons": ac.acl_stons, "cargo_classes": list(ac.cargo_classes),
            "ute_hours": ac.ute_hours, "min_runway_ft": ac.min_runway_ft,
        })
    airfields = []
    for icao, rs in _roles(s).items():
        a = s.airfield(icao)
        airfields.append({"icao": icao, "name": a.name, "roles": rs, "mog": a.mog, "runway_ft": a.runway_ft,
                         "mog_changes": [c.model_dump() for c in s.mog_changes(icao)]})
    dests = []
    for d in _dest_codes(s):
        allowed = [u for u in s.units if d in u.destinations]
        dests.append({"airfield": d, "capacity_pax": s.capacity_pax(d), "units_allowed": len(allowed),
                      "pax_allowed": sum(u.pax for u in allowed)})
    return {
        "name": s.name,
        "file": s.source_path,
        "start": s.start.isoformat(),
        "horizon_hours": s.horizon_hours,
        "units": len(s.units),
        "pax": sum(u.pax for u in s.units),
        "stons": cargo,
        "fleet": fleet,
        "airfields": airfields,
        "destinations": dests,
        "enroute": list(s.enroute),
        "distances_nm": [{"kind": k, "from": a, "to": b, "nm": round(nm, 1)} for k, a, b, nm in main_legs(s)],
        "warnings": [{"loc": p.loc, "message": p.message} for p in scenario_warnings(s)],
        "objective": list(s.objective),
    }


def print_summary(s: Scenario, out: TextIO) -> None:
    """The plain-text summary of ``logistics validate``."""
    info = summary(s)
    w = out.write
    w(f"Scenario: {s.name}" + (f"  ({s.source_path})" if s.source_path else "") + "\n")
    w(f"Start (C-hour 0): {s.start.isoformat()}   horizon: {s.horizon_hours:g} h "
      f"({s.horizon_hours / 24:.1f} days, to {utc(s, s.horizon_hours)})\n")
    w(f"Objective: {', '.join(s.objective)}   pax planning weight: {s.pax_weight_lb:g} lb\n")

    st = info["stons"]
    w(section(f"Units: {len(s.units)}") + "\n")
    w(f"  total pax {info['pax']:,}; cargo {sum(st.values()):,.1f} st "
      f"(bulk {st['bulk']:,.1f}, oversize {st['oversize']:,.1f}, outsize {st['outsize']:,.1f})\n")
    w(table(
        ["id", "origin", "destinations", "pax", "bulk", "oversize", "outsize", "ready", "EAD", "RDD",
         "LAD", "prio", "name"],
        [[u.id, u.origin, "/".join(u.destinations), u.pax, u.bulk_stons, u.oversize_stons,
          u.outsize_stons, u.ready_hour, u.earliest_arrival_hour, s.rdd(u), s.lad(u), u.priority, u.name]
         for u in s.units],
    ) + "\n")

    w(section("Fleet") + "\n")
    w(table(
        ["type", "count", "homes", "available (count@hour)", "seats", "ACL st", "classes", "UTE h/day"],
        [[f["type"], f["count"], ", ".join(f"{n} {h}" for h, n in f["homes"].items() if h) or "-",
          ", ".join(f"{a['count']}@{a['hour']:g}h" for a in f["available"]),
          f["seats"], f["acl_stons"], "/".join(f["cargo_classes"]) or "pax only", f["ute_hours"]]
         for f in info["fleet"]],
    ) + "\n")

    w(section("Airfields used") + "\n")
    w(table(["icao", "role", "MOG", "runway ft", "name"],
            [[a["icao"], "+".join(a["roles"]), a["mog"], a["runway_ft"], a["name"]] for a in info["airfields"]])
      + "\n")

    w(section("Destinations") + "\n")
    w(table(["airfield", "capacity pax", "units allowed", "pax allowed"],
            [[d["airfield"], d["capacity_pax"] if d["capacity_pax"] is not None else "unlimited",
              d["units_allowed"], d["pax_allowed"]] for d in info["destinations"]]) + "\n")

    w(section("En-route stops") + "\n")
    w("  " + (", ".join(s.enroute) if s.enroute else "none (direct flights only)") + "\n")

    w(section("Main legs (geodesic, WGS-84)") + "\n")
    w(table(["leg", "from", "to", "nm"],
            [[d["kind"], d["from"], d["to"], d["nm"]] for d in info["distances_nm"]]) + "\n")

    w(section(f"Warnings: {len(info['warnings'])}") + "\n")
    for p in info["warnings"]:
        w(f"  {p['loc']}: {p['message']}\n")
    if not info["warnings"]:
        w("  none\n")


# ----- the commands -----------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        s = load_scenario(args.file)
    except ScenarioError as exc:
        for line in problem_lines(exc):
            err.write(f"{line}\n")
        if args.json:
            probs = [{"file": p.file, "loc": p.loc, "message": p.message} for p in exc.problems]
            out.write(json.dumps({"ok": False, "problems": probs}, indent=2) + "\n")
        return EXIT_INPUT
    except OSError as exc:  # pragma: no cover - load_scenario already turns these into problems
        err.write(f"{args.file}: cannot read file: {exc.strerror or exc}\n")
        return EXIT_INPUT
    note_loaded(args.file, s)
    if args.json:
        write_json(out, {"ok": True, **summary(s)})
    else:
        print_summary(s, out)
        out.write(f"\n{args.file}: valid logistics-scenario/1\n")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..plan import plan_json_schema

    out.write(json.dumps(plan_json_schema() if args.plan else json_schema(), indent=2) + "\n")
    return EXIT_OK


def cmd_generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..generate import generate
    from ..scenario import dumps_scenario, save_scenario

    s = generate(args.size, args.seed)
    if args.out is None:
        out.write(dumps_scenario(s, "yaml"))
        return EXIT_OK
    try:
        path = save_scenario(s, args.out)
    except OSError as exc:
        err.write(f"{args.out}: cannot write: {exc.strerror or exc}\n")
        return EXIT_INPUT
    out.write(f"{s.name}: {len(s.units)} units written to {path}\n")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``validate``, ``schema`` and ``generate`` to the ``logistics`` command."""
    from ..generate import SIZES

    v = sub.add_parser("validate", help="check a scenario file and summarise it",
                       description="Check a scenario (YAML or JSON); print every problem, or a summary.")
    v.add_argument("file", help="scenario file (.yaml, .yml or .json)")
    add_json(v, "the summary (or the problems)")
    add_verbose(v)
    v.set_defaults(func=cmd_validate)

    sc = sub.add_parser("schema", help="print the JSON Schema of the scenario format (or, with --plan, the plan's)",
                        description="Print the JSON Schema of logistics-scenario/1, or with --plan of "
                                    "logistics-plan/1.")
    sc.add_argument("--plan", action="store_true",
                    help="the schema of the plan file (logistics-plan/1) instead of the scenario's")
    add_verbose(sc)
    sc.set_defaults(func=cmd_schema)

    g = sub.add_parser("generate", help="write a seeded synthetic scenario",
                       description="Sizes: " + "; ".join(f"{k}: {v.note}" for k, v in SIZES.items()))
    g.add_argument("size", choices=list(SIZES), help="S, M, L or XL")
    g.add_argument("--seed", type=int, default=0, metavar="N", help="seed (default 0)")
    g.add_argument("--out", "-o", default=None, metavar="FILE",
                   help="write here (.yaml or .json); default: YAML on stdout")
    add_verbose(g)
    g.set_defaults(func=cmd_generate)
