"""Plan: figures recomputed from hand-built missions, JSON round trip, tables, exports.

The hand plan used here (and by test_verify / test_explain) is worked out below.

Scenario ``scen()``: C-17A x3, CRAF-B747-PAX x2, CRAF-B747-F x2; KPOB runway raised to
10,000 ft so the 9,000 ft CRAF jets may use it; stops ETAR and LERT; OKAS beddown 5,000.

* U1: KPOB -> OKAS, 200 pax, 40 bulk, 10 oversize, 10 outsize st, ready 0.
* U2: KPOB -> OKAS, 10 pax, ready 0, required (RDD) 18.

Distances (geodesic): KPOB-ETAR 3,733.4 nm, ETAR-OKAS 2,175.6 nm.

M1, C-17A (450 kt, onload/offload 3.25 h, en-route ground 2.25 h):
  KPOB-ETAR 3,733.4/450 = 8.30 h  -> fly  4.0-12.5 (8.5 h; onload 0.75-4.0, ready 0 + 3.25 ok)
  ground ETAR 12.5-15.0 = 2.5 h >= 2.25
  ETAR-OKAS 2,175.6/450 = 4.83 h  -> fly 15.0-20.0 (5 h)
  offload OKAS 20.0-23.5 = 3.5 h >= 3.25
  OKAS-ETAR                        -> fly 23.5-28.5 (5 h); ground 28.5-31.0
  ETAR-KPOB                        -> fly 31.0-39.5 (8.5 h). Flying 27 h.
  Loads: U1 40 pax + 20 bulk, U2 10 pax: 50/102 + 20/45 = 0.935 <= 1;
  payload 50 x 0.15 + 20 = 27.5 st -> range 6,200 - 3,800 x 27.5/85.5 = 4,978 nm >= 3,733.
M2, CRAF-B747-PAX (480 kt, all ground times 2 h): KPOB-ETAR 3,733.4/480 = 7.78 h -> 4-12;
  ground 12-14; ETAR-OKAS 4.53 h -> 14-19; offload 19-23; 23-28; 28-30; 30-38. Flying 26 h.
  Loads: U1 100 pax (<= 364 seats; 15 st <= 54.6 st).
M3, CRAF-B747-F (onload/offload 4 h, en-route 2 h): same times as M2 (onload 0-4,
  offload 19-23). Loads: U1 20 bulk + 10 oversize (classes bulk|oversize; 30 <= 90 st).

Results: U1 delivered 140 pax, 40 bulk, 10 oversize, 0 outsize -> undelivered 60 pax +
10 outsize; not fully delivered, so closure/late null. U2 delivered 10 pax in M1 at 20.0:
closure 20.0, late 20 - 18 = 2.0. KPIs: closure 20.0, 3 missions, 27 + 26 + 26 = 79 flying
hours, 1 late unit, 60 undelivered pax, 10 undelivered st.
Crew per type/day: C-17A day 0 = 8.5 + 5 + 0.5 = 14 h <= 12 x 3; day 1 = 4.5 + 8.5 = 13 h.
CRAF each: day 0 = 8 + 5 + 1 = 14 h <= 12 x 2; day 1 = 4 + 8 = 12 h.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pandas as pd
import pytest
from conftest import make_scenario

from logistics.plan import (
    CSV_COLUMNS,
    Finding,
    Leg,
    Load,
    Mission,
    Plan,
    PlanError,
    SolveInfo,
    plan_json_schema,
)
from logistics.scenario import Scenario

# ----- the hand plan (shared with test_verify and test_explain) ------------------------
UNITS = [
    {"id": "U1", "origin": "KPOB", "destinations": ["OKAS"], "pax": 200, "bulk_stons": 40,
     "oversize_stons": 10, "outsize_stons": 10, "ready_hour": 0},
    {"id": "U2", "origin": "KPOB", "destinations": ["OKAS"], "pax": 10, "ready_hour": 0,
     "required_hour": 18},
]
FLEET = [{"type": "C-17A", "count": 3}, {"type": "CRAF-B747-PAX", "count": 2},
         {"type": "CRAF-B747-F", "count": 2}]
KPOB_LONG = {"icao": "KPOB", "runway_ft": 10000}


def scen(airfields: list[dict] | None = None, units: list[dict] | None = None,
         **over: Any) -> Scenario:
    """The hand scenario; ``airfields`` are added to the KPOB runway override."""
    base: dict[str, Any] = {
        "aircraft": FLEET,
        "airfields": [KPOB_LONG, *(airfields or [])],
        "destinations": [{"airfield": "OKAS", "capacity_pax": 5000}],
        "enroute": ["ETAR", "LERT"],
        "units": units or UNITS,
    }
    base.update(over)
    return make_scenario(**base)


def unit(uid: str, **over: Any) -> dict:
    """A copy of a hand unit with fields replaced."""
    u = dict(next(x for x in UNITS if x["id"] == uid))
    u.update(over)
    return u


def route(times: list[tuple[float, float]], stops: tuple[str, ...] = ("KPOB", "ETAR", "OKAS", "ETAR", "KPOB"),
          shift: float = 0.0) -> tuple[Leg, ...]:
    """Legs along ``stops`` with (depart, arrive) times, all shifted by ``shift``."""
    return tuple(Leg(a, b, d + shift, t + shift)
                 for (a, b), (d, t) in zip(zip(stops, stops[1:], strict=False), times, strict=True))


C17_TIMES = [(4.0, 12.5), (15.0, 20.0), (23.5, 28.5), (31.0, 39.5)]
CRAF_TIMES = [(4.0, 12.0), (14.0, 19.0), (23.0, 28.0), (30.0, 38.0)]


def m1(**over: Any) -> Mission:
    kw: dict[str, Any] = {"id": "M1", "aircraft": "C-17A", "origin": "KPOB", "destination": "OKAS",
                          "legs": route(C17_TIMES),
                          "loads": (Load("U1", pax=40, bulk_stons=20.0), Load("U2", pax=10))}
    kw.update(over)
    return Mission(**kw)


def m2(**over: Any) -> Mission:
    kw: dict[str, Any] = {"id": "M2", "aircraft": "CRAF-B747-PAX", "origin": "KPOB",
                          "destination": "OKAS", "legs": route(CRAF_TIMES),
                          "loads": (Load("U1", pax=100),)}
    kw.update(over)
    return Mission(**kw)


def m3(**over: Any) -> Mission:
    kw: dict[str, Any] = {"id": "M3", "aircraft": "CRAF-B747-F", "origin": "KPOB",
                          "destination": "OKAS", "legs": route(CRAF_TIMES),
                          "loads": (Load("U1", bulk_stons=20.0, oversize_stons=10.0),)}
    kw.update(over)
    return Mission(**kw)


def hand_missions() -> list[Mission]:
    return [m1(), m2(), m3()]


def hand_plan(s: Scenario | None = None, missions: list[Mission] | None = None, **kw: Any) -> Plan:
    s = s or scen()
    return Plan.from_missions(s, hand_missions() if missions is None else missions,
                              status=kw.pop("status", "feasible"), **kw)


# ----- mission properties ---------------------------------------------------------------
def test_mission_properties():
    m = m1()
    assert m.arrive_hour == 20.0
    assert m.start_hour == 4.0
    assert m.end_hour == 39.5
    assert m.stops == ("ETAR",)
    assert m.return_stops == ("ETAR",)
    assert m.routing == "KPOB-ETAR-OKAS-ETAR-KPOB"
    assert m.flying_hours == pytest.approx(27.0)  # 8.5 + 5 + 5 + 8.5
    assert m.pax == 50 and m.cargo_stons == 20.0
    assert m.payload_stons(0.15) == pytest.approx(27.5)
    assert m.unit_ids == ("U1", "U2")


def test_mission_direct_and_lists_become_tuples():
    m = Mission("X", "C-17A", "KPOB", "OKAS",
                [Leg("KPOB", "OKAS", 4.0, 17.5), Leg("OKAS", "KPOB", 21.0, 34.5)], [Load("U1", 1)])
    assert isinstance(m.legs, tuple) and isinstance(m.loads, tuple)
    assert m.stops == () and m.return_stops == ()
    assert m.arrive_hour == 17.5
    hash(m)  # frozen and hashable


def test_mission_never_reaching_destination_has_no_arrival():
    m = Mission("X", "C-17A", "KPOB", "OKAS", (Leg("KPOB", "ETAR", 4.0, 12.5),
                                               Leg("ETAR", "KPOB", 15.0, 23.5)))
    assert m.arrive_hour is None


def test_ground_intervals_and_hold():
    s = scen()
    assert m1().ground_intervals(s) == [
        ("KPOB", 0.75, 4.0, "onload"),     # 4.0 - 3.25
        ("ETAR", 12.5, 15.0, "enroute"),
        ("OKAS", 20.0, 23.5, "offload"),
        ("ETAR", 28.5, 31.0, "enroute"),
    ]
    assert m1().hold_interval(s) == (0.75, 39.5)


# ----- recomputed figures ---------------------------------------------------------------
def test_from_missions_recomputes_units_and_kpis():
    p = hand_plan()
    u1, u2 = p.units
    assert u1.id == "U1" and u1.destination == "OKAS"
    assert u1.delivered == {"pax": 140, "bulk_stons": 40.0, "oversize_stons": 10.0, "outsize_stons": 0.0}
    assert u1.undelivered == {"pax": 60, "bulk_stons": 0.0, "oversize_stons": 0.0, "outsize_stons": 10.0}
    assert u1.closure_hour is None and u1.late_hours is None and not u1.fully_delivered
    assert u2.closure_hour == 20.0 and u2.late_hours == pytest.approx(2.0)
    assert isinstance(u1.delivered["pax"], int) and isinstance(u1.undelivered["pax"], int)
    assert p.kpis == {"closure_hour": 20.0, "missions": 3, "flying_hours": pytest.approx(79.0),
                      "late_units": 1, "undelivered_pax": 60, "undelivered_stons": 10.0}


def test_from_missions_clears_float_noise_and_closes_fully_delivered_unit():
    # 10 st of bulk in three loads of 10/3: the float sum differs from 10 by ~1e-15
    s = scen(units=[unit("U2", pax=0, bulk_stons=10, required_hour=30)])
    third = 10 / 3
    ms = [m1(id=f"M{i}", loads=(Load("U2", bulk_stons=third),), legs=route(C17_TIMES, shift=i))
          for i in range(3)]
    p = Plan.from_missions(s, ms, status="optimal")
    r = p.units[0]
    assert r.undelivered["bulk_stons"] == 0.0
    assert r.closure_hour == 22.0  # last landing: 20 + shift 2
    assert r.late_hours == 0.0
    assert p.kpis["undelivered_stons"] == 0.0 and p.kpis["late_units"] == 0


def test_from_missions_destination_for_units_without_loads():
    p = hand_plan(missions=[m2()], destinations={"U2": "OKAS"})
    assert p.unit("U2").destination == "OKAS"
    assert p.unit("U2").closure_hour is None  # nothing delivered
    assert hand_plan(missions=[m2()]).unit("U2").destination is None
    # loads win over the given destination
    assert hand_plan(missions=[m2()], destinations={"U1": "OTBH"}).unit("U1").destination == "OKAS"


def test_from_missions_no_missions():
    p = hand_plan(missions=[], status="infeasible")
    assert p.kpis == {"closure_hour": None, "missions": 0, "flying_hours": 0, "late_units": 0,
                      "undelivered_pax": 210, "undelivered_stons": 60.0}


def test_from_missions_rejects_bad_status():
    with pytest.raises(ValueError, match="status"):
        hand_plan(status="great")


def test_objective_values():
    s = scen()
    p = hand_plan(s)
    # undelivered: weight 5 x (60 pax + 10 st) = 350; lateness: 5 x 2.0 = 10;
    # closure 20.0; flying 79
    assert p.objective_values(s) == pytest.approx([350.0, 10.0, 20.0, 79.0])
    s2 = scen(objective=["closure", "undelivered"])
    assert p.objective_values(s2) == pytest.approx([20.0, 350.0])


# ----- JSON -------------------------------------------------------------------------------
def _rich_plan() -> Plan:
    solve = SolveInfo(solver="cp-sat", seconds=1.5, objective=[350, 10, 20, 79],
                      bound=[350, 0, 19.5, 70], goals=["undelivered", "lateness", "closure", "flying_hours"],
                      stages=[{"goal": "undelivered", "status": "optimal"}], extra={"workers": 8})
    f = Finding("mog", "OKAS", "OKAS MOG saturated h19.0-h23.0 (3 of 3 on the ground)", 19.0, 23.0, ("U1",))
    return hand_plan(solve=solve, findings=[f])


def test_json_round_trip():
    p = _rich_plan()
    q = Plan.from_json(p.to_json())
    assert q == p
    d = json.loads(p.to_json())
    assert d["format"] == "logistics-plan/1"
    assert set(d) >= {"format", "scenario", "status", "solve", "kpis", "units", "missions", "findings"}
    assert d["solve"]["workers"] == 8 and d["solve"]["goals"][0] == "undelivered"
    leg = d["missions"][0]["legs"][0]
    assert leg == {"from": "KPOB", "to": "ETAR", "depart_hour": 4.0, "arrive_hour": 12.5}
    assert d["missions"][0]["loads"][0] == {"unit": "U1", "pax": 40, "bulk_stons": 20.0,
                                           "oversize_stons": 0.0, "outsize_stons": 0.0}
    assert d["units"][0]["closure_hour"] is None


def test_json_save_load(tmp_path):
    p = _rich_plan()
    path = p.save(tmp_path / "plan.json")
    assert Plan.load(path) == p


def test_json_without_extras_from_an_outside_tool():
    d = json.loads(hand_plan().to_json())
    del d["findings"]
    d["solve"] = {"solver": "other", "seconds": 2, "objective": [1], "bound": [1]}
    for ld in d["missions"][2]["loads"]:
        del ld["outsize_stons"]  # missing amounts read as 0
    q = Plan.from_dict(d)
    assert q.findings == [] and q.solve.goals == [] and q.solve.stages == []
    assert q.solve.seconds == 2.0
    assert q.missions == hand_plan().missions


def _bad(path: str, value: Any):
    d = json.loads(hand_plan().to_json())
    keys = path.replace("]", "").replace("[", ".").split(".")
    obj = d
    for k in keys[:-1]:
        obj = obj[int(k)] if k.isdigit() else obj[k]
    last = keys[-1]
    if value is _DELETE:
        del obj[last]
    else:
        obj[int(last) if last.isdigit() else last] = value
    return json.dumps(d)


_DELETE = object()


@pytest.mark.parametrize(("path", "value", "message"), [
    ("missions[2].legs[0].depart_hour", "soon", "missions[2].legs[0].depart_hour: must be a number"),
    ("missions[0].legs[1].to", 7, "missions[0].legs[1].to: must be text"),
    ("missions[1].loads[0].pax", 1.5, "missions[1].loads[0].pax: must be a whole number"),
    ("missions[0].legs", {}, "missions[0].legs: must be a list"),
    ("missions[0].aircraft", _DELETE, "missions[0].aircraft: is required"),
    ("units[1].late_hours", True, "units[1].late_hours: must be a number"),
    ("units[0].undelivered.pax", _DELETE, "units[0].undelivered.pax: is required"),
    ("kpis.missions", "3", "kpis.missions: must be a number"),
    ("status", "done", "status: must be one of"),
    ("format", "logistics-plan/9", "format: must be"),
    ("solve.objective", [1, None], "solve.objective[1]: must be a number"),
    ("findings[0].units", "U1", "findings[0].units: must be a list"),
])
def test_malformed_json_names_the_field(path, value, message):
    text = _bad(path, value) if not path.startswith("findings") else _bad_findings(path, value)
    with pytest.raises(ValueError) as exc:
        Plan.from_json(text)
    assert message in str(exc.value)


def _bad_findings(path: str, value: Any) -> str:
    d = json.loads(_rich_plan().to_json())
    d["findings"][0]["units"] = value
    return json.dumps(d)


def test_malformed_json_text_and_file(tmp_path):
    with pytest.raises(ValueError, match="not valid JSON"):
        Plan.from_json("{")
    with pytest.raises(ValueError, match="must be an object"):
        Plan.from_json("[]")
    bad = tmp_path / "bad.json"
    bad.write_text('{"status": "optimal"}')
    with pytest.raises(ValueError, match=r"bad\.json: kpis: is required"):
        Plan.load(bad)
    with pytest.raises(ValueError, match="cannot read"):
        Plan.load(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="JSON"):
        Plan.load(tmp_path / "plan.csv")


def test_every_problem_of_a_plan_file_at_once(tmp_path):
    d = json.loads(_rich_plan().to_json())
    d["status"] = "done"
    d["missions"][2]["legs"][0]["depart_hour"] = "x"
    del d["missions"][1]["id"]
    d["units"][0]["delivered"] = []
    d["kpis"]["missions"] = None
    d["findings"][0]["start_hour"] = float("nan")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(d))
    with pytest.raises(PlanError) as exc:
        Plan.load(path)
    got = [str(p) for p in exc.value.problems]
    assert got == [
        f"{path}: status: must be one of optimal, feasible, infeasible, unknown (got 'done')",
        f"{path}: kpis.missions: must be a number (got null)",
        f"{path}: units[0].delivered: must be an object (got a list)",
        f"{path}: missions[1].id: is required",
        f"{path}: missions[2].legs[0].depart_hour: must be a number (got 'x')",
        f"{path}: findings[0].start_hour: must be a finite number (got nan)",
    ]
    assert str(exc.value).startswith("6 problems in the plan:\n")
    assert isinstance(exc.value, ValueError)


def test_plan_text_that_is_no_json_is_one_problem():
    for text, why in [(b"\xff{", "is not UTF-8 text"), ("[" * 100_000, "nested too deeply"),
                      ('{"a": ' + "1" * 5000 + "}", "not valid JSON"), ("", "not valid JSON")]:
        with pytest.raises(PlanError, match=why) as exc:
            Plan.from_json(text)
        assert len(exc.value.problems) == 1


def test_plan_json_is_byte_identical_after_a_round_trip():
    p = _rich_plan()
    p.replan = {"now_hour": 5.0, "previous": {"sha256": "ab" * 32}, "kept": ["M1"], "changed": [],
                "cancelled": ["M9"], "added": ["M2", "M3"]}
    text = p.to_json()
    assert Plan.from_json(text).to_json() == text
    d = json.loads(text)
    d["kpis"] = dict(reversed(list(d["kpis"].items())))  # an outside tool's order is kept
    d["kpis"]["extra_kpi"] = {"any": [1, "thing"]}
    d["missions"][0]["home"] = "KPOB"  # SPEC 5.1: read (a pool's home), and written back
    q = Plan.from_dict(d)
    assert list(q.kpis) == list(d["kpis"]) and q.kpis["extra_kpi"] == {"any": [1, "thing"]}
    assert q.missions[0].home == "KPOB" and q.missions[1:] == p.missions[1:]
    assert json.loads(q.to_json())["missions"][0]["home"] == "KPOB"


def test_the_plan_json_schema_accepts_the_plans_written_and_the_cli_prints_it(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = plan_json_schema()
    assert schema["$id"] == "logistics-plan/1"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(_rich_plan().to_json()), schema)
    bad = json.loads(_rich_plan().to_json())
    bad["missions"][0]["legs"][0]["depart_hour"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    from logistics.cli import main

    assert main(["schema", "--plan"]) == 0
    assert json.loads(capsys.readouterr().out) == schema


# ----- tables and exports ---------------------------------------------------------------
def test_missions_df():
    s = scen()
    df = hand_plan(s).missions_df(s)
    row = df.set_index("id").loc["M1"]
    assert row["routing"] == "KPOB-ETAR-OKAS-ETAR-KPOB"
    assert row["depart_hour"] == 4.0 and row["arrive_hour"] == 20.0 and row["end_hour"] == 39.5
    assert row["onload_hour"] == 0.75
    assert row["pax"] == 50 and row["cargo_stons"] == 20.0 and row["units"] == "U1;U2"
    assert row["payload_stons"] == pytest.approx(27.5)
    assert str(row["arrive_utc"]) == "2020-01-01 20:00:00+00:00"
    plain = hand_plan(s).missions_df()
    assert "arrive_utc" not in plain.columns and len(plain) == 3


def test_legs_loads_units_df():
    s = scen()
    p = hand_plan(s)
    legs = p.legs_df(s)
    assert len(legs) == 12
    assert list(legs[legs.mission == "M1"]["loaded"]) == [True, True, False, False]
    assert legs.iloc[0]["distance_nm"] == pytest.approx(3733.4, abs=1)
    loads = p.loads_df(s)
    assert list(loads["unit"]) == ["U1", "U2", "U1", "U1"]
    assert list(loads["arrive_hour"]) == [20.0, 20.0, 19.0, 19.0]
    units = p.units_df(s).set_index("id")
    assert units.loc["U2", "late_hours"] == pytest.approx(2.0)
    assert units.loc["U2", "rdd"] == 18 and units.loc["U1", "lad"] == 120
    assert units.loc["U1", "undelivered_pax"] == 60 and units.loc["U1", "required_pax"] == 200
    assert pd.isna(units.loc["U1", "closure_hour"])


def test_ground_occupancy_steps():
    s = scen()
    occ = hand_plan(s).ground_occupancy(s)
    okas = occ[occ.airfield == "OKAS"]
    # M2, M3 land at 19 (offload to 23); M1 lands at 20 (to 23.5)
    assert list(zip(okas.hour, okas.on_ground, strict=True)) == [(19.0, 2), (20.0, 3), (23.0, 1), (23.5, 0)]
    assert set(okas["mog"]) == {6}
    kpob = occ[occ.airfield == "KPOB"]
    # onloads: M3 0-4 (4 h), M1 0.75-4, M2 2-4
    assert list(zip(kpob.hour, kpob.on_ground, strict=True)) == [(0.0, 1), (0.75, 2), (2.0, 3), (4.0, 0)]


def test_ground_occupancy_half_open():
    s = scen()
    later = m1(id="M9", legs=route(C17_TIMES, shift=3.5))  # lands at OKAS 23.5 as M1 leaves
    occ = hand_plan(s, missions=[m1(), later]).ground_occupancy(s)
    okas = occ[occ.airfield == "OKAS"]
    assert okas.on_ground.max() == 1


def test_fleet_use_with_pool_steps():
    s = scen(aircraft=[{"type": "C-17A", "count": 1}, {"type": "C-17A", "count": 2, "available_hour": 10}])
    fu = hand_plan(s, missions=[m1(), m1(id="M9", legs=route(C17_TIMES, shift=10))]).fleet_use(s)
    rows = list(zip(fu.hour, fu.in_use, fu.pool, strict=True))
    # M1 holds 0.75-39.5, M9 10.75-49.5; pool 1 then 3 from h10
    assert rows == [(0.0, 0, 1), (0.75, 1, 1), (10.0, 1, 3), (10.75, 2, 3), (39.5, 1, 3), (49.5, 0, 3)]


def test_csv_export(tmp_path):
    s = scen()
    p = hand_plan(s, missions=[*hand_missions(), m1(id="M4", loads=())])
    path = p.save(tmp_path / "plan.csv")
    df = pd.read_csv(path)
    assert tuple(df.columns) == CSV_COLUMNS
    assert len(df) == 5  # M1 two loads, M2, M3, M4 without loads
    m4 = df[df.mission == "M4"].iloc[0]
    assert pd.isna(m4["unit"])
    assert df.iloc[0]["legs"].startswith("KPOB>ETAR 4.00-12.50; ETAR>OKAS 15.00-20.00")
    with_s = pd.read_csv(p.save(tmp_path / "plan2.csv", s))
    assert list(with_s.columns[8:11]) == ["depart_utc", "arrive_utc", "end_utc"]


def test_excel_export(tmp_path):
    s = scen()
    p = _rich_plan()
    path = p.save(tmp_path / "plan.xlsx", s)
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["kpis", "units", "missions", "legs", "loads", "findings"]
    assert dict(zip(sheets["kpis"].kpi, sheets["kpis"].value, strict=True))["missions"] == 3
    assert list(sheets["missions"].columns) == list(p.missions_df(s).columns)
    assert list(sheets["legs"].columns) == list(p.legs_df(s).columns)
    assert list(sheets["loads"].columns) == list(p.loads_df(s).columns)
    assert list(sheets["units"].columns) == list(p.units_df(s).columns)
    assert sheets["findings"].iloc[0]["subject"] == "OKAS"
    plain = pd.read_excel(hand_plan().save(tmp_path / "p2.xlsx"), sheet_name=None)
    assert list(plain) == ["kpis", "units", "missions", "legs", "loads"]


def test_save_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match="unknown plan file type"):
        hand_plan().save(tmp_path / "plan.txt")


def test_two_thousand_missions_convert_fast():
    s = scen()
    ms = [m1(id=f"M{i:04d}", legs=route(C17_TIMES, shift=i * 0.01), loads=(Load("U1", pax=0, bulk_stons=0.01),))
          for i in range(2000)]
    t0 = time.perf_counter()
    p = Plan.from_missions(s, ms, status="feasible")
    q = Plan.from_json(p.to_json())
    p.missions_df(s)
    elapsed = time.perf_counter() - t0
    assert q == p
    assert p.units[0].delivered["bulk_stons"] == pytest.approx(20.0)
    assert elapsed < 2.0, f"{elapsed:.2f} s"
