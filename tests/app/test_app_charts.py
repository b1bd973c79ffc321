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


def test_small_multiples_draw_no_empty_panel_and_title_every_panel_alike() -> None:
    """Five airfields, three a row: five panels (a facet with columns drew a sixth, empty
    one's hour axis); the hour axis titled under the bottom panel of each column, the
    aircraft axis on the first column; every title the same, and the scale reaches above
    the highest line (a line along a panel's top lifted its title above the others)."""
    import pandas as pd

    names = ["ETAR", "KPOB", "OKAS", "OKBK", "ORAA"]
    df = pd.DataFrame([{"airfield": a, "hour": h, "value": v} for i, a in enumerate(names)
                       for h, v in ((0.0, 0), (10.0, 2 + i), (20.0, 12))])
    spec = charts.small_multiples(alt.Chart(df).mark_line(), "airfield", names, height=140).to_dict()
    assert "facet" not in spec and spec["columns"] == charts.PANEL_COLUMNS
    panels = spec["concat"]
    assert [p["title"]["text"] for p in panels] == names
    assert len({json.dumps({k: v for k, v in p["title"].items() if k != "text"}) for p in panels}) == 1
    x_titled = [i for i, p in enumerate(panels) if p["encoding"]["x"].get("title")]
    y_titled = [i for i, p in enumerate(panels) if p["encoding"]["y"].get("title")]
    assert x_titled == [2, 3, 4] and y_titled == [0, 3]
    top = {p["encoding"]["y"]["scale"]["domain"][1] for p in panels}
    assert len(top) == 1 and top.pop() >= 13  # the highest line, 12, below the top
    assert spec["resolve"]["scale"] == {"x": "shared", "y": "shared"}


def test_ground_and_fleet_charts_have_a_panel_per_airfield_and_type() -> None:
    plan, s = tiny_plan()
    ground = charts.ground_chart(plan, s).to_dict()
    assert [p["title"]["text"] for p in ground["concat"]] == sorted(plan.ground_occupancy(s)["airfield"].unique())
    fleet = charts.fleet_chart(plan, s).to_dict()
    assert [p["title"]["text"] for p in fleet["concat"]] == list(dict.fromkeys(plan.fleet_use(s)["aircraft"]))
