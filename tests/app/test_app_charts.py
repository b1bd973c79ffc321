"""Charts and the route map build from a plan, and the map asks no outside host."""

from __future__ import annotations

import json

import altair as alt
from apptest_support import tiny_plan

from app import charts


def test_every_chart_builds_and_serialises() -> None:
    plan, s = tiny_plan()
    for ch in (charts.closure_chart(plan, s), charts.timeline_chart(plan, s, "aircraft"),
               charts.timeline_chart(plan, s, "airfield"), charts.ground_chart(plan, s),
               charts.fleet_chart(plan, s)):
        assert isinstance(ch, alt.TopLevelMixin)
        assert ch.to_dict()
    cf = charts.closure_frame(plan, s)
    assert list(cf["unit"]) == [u.id for u in s.units]
    assert set(cf["status"]) <= set(charts.STATUS_COLORS)


def test_route_map_is_offline() -> None:
    plan, s = tiny_plan()
    deck = charts.route_deck(plan, s)
    spec = json.loads(deck.to_json())
    # no base map: pydeck's sentinel makes Streamlit draw none (None would fetch CARTO tiles)
    assert spec.get("mapStyle") in (None, "__MAP_STYLE__")
    assert spec.get("mapProvider") in (None, "")
    text = deck.to_json()
    assert "http://" not in text and "https://" not in text
    # pydeck turns strings into accessor expressions: no option may be a bare word
    assert "@@=pixels" not in text and "@@=meters" not in text
    layers = {layer["id"]: layer["@@type"] for layer in spec["layers"]}
    assert layers["land"] == "GeoJsonLayer" and layers["routes"] == "ArcLayer"
    assert layers["airfields"] == "ScatterplotLayer"
    routes, afs = charts.route_frames(plan, s)
    assert set(afs["icao"]) == set(s.airfield_codes)
    if plan.missions:
        assert routes["tons"].sum() > 0


def test_land_outline_is_bundled_and_small() -> None:
    p = charts.land_path()
    assert p.exists() and p.stat().st_size < 500_000
    gj = charts.land_geojson()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) > 50
    for f in gj["features"]:
        for ring in f["geometry"]["coordinates"]:
            assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)


def test_gaps_per_goal() -> None:
    plan, _ = tiny_plan()
    gaps = charts.goal_gaps(plan)
    assert [g for g, *_ in gaps] == plan.solve.goals[: len(gaps)]
    goal, gap = charts.headline_gap(plan)
    assert gap is None or 0 <= gap <= 1


def test_every_goal_says_how_its_value_stands() -> None:
    # a canned solve record: undelivered proven at once by the first plan, closure
    # searched 12 s and left with a 5 % gap, flying hours never reached (stopped)
    from logistics.plan import SolveInfo

    plan, _ = tiny_plan()
    plan.solve = SolveInfo(
        objective=[0.0, 100.0], bound=[0.0, 95.0], goals=["undelivered", "closure"],
        stages=[{"goal": "undelivered", "status": "optimal", "seconds": 0.0,
                 "note": "dispatcher's plan meets the bound"},
                {"goal": "closure", "status": "feasible", "seconds": 4.0, "lns": {"seconds": 8.0}}])
    t = charts.goal_table(plan, ["undelivered", "closure", "flying_hours"]).set_index("goal")
    assert t.loc["undelivered", "how"].startswith("proven best without search")
    assert t.loc["closure", "gap %"] == 5.0 and t.loc["closure", "search s"] == 12.0
    assert t.loc["closure", "how"].startswith("searched, not proven")
    assert t.loc["flying_hours", "how"].startswith("no search time")
