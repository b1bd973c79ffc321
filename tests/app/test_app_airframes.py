"""The timeline by airframe and the airfield view's legend (app.charts), the route map's
labels and tooltips (app.route_map), issue #24: a row per tail number with each
mission's bar labelled with what it carries, legend colours on the bars' own scale, DTGs
in every tooltip, and labels of near airfields that do not collide."""

from __future__ import annotations

import re

import pandas as pd
from apptest_support import tiny_plan

from app import charts, route_map
from logistics import load_scenario
from logistics.catalog import scenarios_dir
from logistics.peers.greedy import greedy
from logistics.plan import Load, Mission
from logistics.plan.tails import assign_tails
from logistics.timefmt import dtg
from logistics.verify import verify

DTG = re.compile(r"\d{6}Z [A-Z]{3} \d{2}")


def layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def test_mission_label_says_units_troops_and_tons() -> None:
    m = Mission(id="M1", aircraft="C-17A", origin="KPOB", destination="OKAS", legs=(),
                loads=(Load("2-504", pax=120, bulk_stons=20.0, oversize_stons=15.0),))
    assert charts.mission_label(m) == ("2-504 · 120 pax · 35 st", "2-504")
    cargo = Mission(id="M2", aircraft="C-17A", origin="KPOB", destination="OKAS", legs=(),
                    loads=(Load("A", bulk_stons=4.25), Load("B", pax=3), Load("C", pax=1)))
    assert charts.mission_label(cargo) == ("A, B +1 · 4 pax · 4.2 st", "A, B +1")
    assert charts.mission_label(Mission(id="M3", aircraft="C-17A", origin="KPOB", destination="OKAS",
                                        legs=()))[0] == "empty"


def test_timeline_by_airframe_has_a_row_per_tail_and_labelled_missions() -> None:
    plan, s = tiny_plan()
    assert verify(s, plan) == []
    tails = assign_tails(plan, s)
    ly = layers(charts.timeline_chart(plan, s, "aircraft"))
    assert [x["mark"]["type"] for x in ly] == ["bar", "text", "text"]
    bars, full, short = ly
    assert bars["encoding"]["y"]["field"] == "tail"
    assert bars["encoding"]["y"]["sort"] == list(dict.fromkeys(tails["tail"]))
    tips = {t["field"] for t in bars["encoding"]["tooltip"]}
    assert {"tail", "start_dtg", "end_dtg"} <= tips
    assert (full["encoding"]["text"]["field"], short["encoding"]["text"]["field"]) == ("label", "short")
    # a label shows only where its bar, as drawn, is wide enough for it
    assert "datum.label_px" in full["encoding"]["opacity"]["condition"]["test"]
    assert "datum.short_px" in short["encoding"]["opacity"]["condition"]["test"]
    lab = charts.airframe_labels(plan, s)
    assert list(lab["mission"]) == list(tails["mission"])
    by_id = {m.id: m for m in plan.missions}
    for mid, text, a, a_dtg in zip(lab["mission"], lab["label"], lab["start"], lab["start_dtg"], strict=True):
        assert text == charts.mission_label(by_id[mid])[0] and a_dtg == dtg(s, a)


def test_timeline_frame_gives_tails_and_dtgs() -> None:
    plan, s = tiny_plan()
    df = charts.timeline_frame(plan, s)
    tails = dict(zip(*(assign_tails(plan, s)[c] for c in ("mission", "tail")), strict=True))
    assert all(t == tails[m] for m, t in zip(df["mission"], df["tail"], strict=True))
    for h, d in zip(df["start"], df["start_dtg"], strict=True):
        assert d == dtg(s, h) and DTG.fullmatch(d)


def test_legend_colours_are_the_bars_colours() -> None:
    plan, s = tiny_plan()
    for by, domain in (("airfield", charts.GROUND_ACTIVITIES), ("aircraft", list(charts.ACTIVITY_COLORS))):
        bars = layers(charts.timeline_chart(plan, s, by))[0]
        enc = bars["encoding"]
        assert enc["color"]["field"] == "activity"
        assert enc["color"]["scale"] == {"domain": domain, "range": [charts.ACTIVITY_COLORS[a] for a in domain]}
        assert "opacity" not in enc and "opacity" not in bars["mark"]  # nothing pales a bar's colour


def test_closure_ground_and_fleet_tooltips_give_dtgs() -> None:
    plan, s = tiny_plan()
    for ch in (charts.closure_chart(plan, s), charts.ground_chart(plan, s), charts.fleet_chart(plan, s)):
        spec = ch.to_dict()
        assert '"dtg"' in str(spec).replace("'", '"'), spec.keys()


# ----- the map ------------------------------------------------------------------------------------
def _boxes(afs: pd.DataFrame, placed: pd.DataFrame, zoom: float) -> dict[str, tuple]:
    out = {}
    for code, (dx, dy) in zip(placed["icao"], placed["offset"], strict=True):
        r = afs.set_index("icao").loc[code]
        x, y = route_map._pixels(r["lon"], r["lat"], zoom)
        hw, hh = (route_map.LABEL_CHAR_PX * len(code) + 4) / 2, route_map.LABEL_H_PX / 2
        out[code] = (x + dx - hw, y + dy - hh, x + dx + hw, y + dy + hh)
    return out


def test_map_labels_of_near_airfields_do_not_collide() -> None:
    s = load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml")
    plan = greedy(s)
    _, afs = route_map.route_frames(plan, s)
    zoom = float(route_map._view(afs).zoom)
    placed = route_map.label_layout(afs, zoom)
    # Kuwait's two bases are 0.5 degree apart, about 2 px at this zoom: both labelled, apart
    where = dict(zip(placed["icao"], placed["where"], strict=True))
    assert {"OKAS", "OKBK", "KPOB", "ETAR"} <= set(where) and where["OKAS"] != where["OKBK"]
    boxes = _boxes(afs, placed, zoom)
    codes = sorted(boxes)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            assert not route_map._overlap(boxes[a], boxes[b]), (a, b)
    deck = route_map.route_deck(plan, s).to_json()
    assert '"getPixelOffset": "@@=offset"' in deck


def test_map_labels_rule_offsets_then_drops() -> None:
    # five airfields on one spot: above, below, right, left, and the fifth has no room
    afs = pd.DataFrame({"icao": ["AAAA", "BBBB", "CCCC", "DDDD", "EEEE"], "lon": [47.5] * 5, "lat": [29.3] * 5,
                        "role": ["origin", "destination", "destination", "en-route stop", "en-route stop"],
                        "used": [True, True, False, False, False]})
    placed = route_map.label_layout(afs, 2.0)
    assert list(zip(placed["icao"], placed["where"], strict=True)) == [
        ("AAAA", "above"), ("BBBB", "below"), ("CCCC", "right"), ("DDDD", "left")]
    far = afs.assign(lon=[0.0, 20.0, 40.0, 60.0, 80.0])  # far apart: every label above its dot
    assert list(route_map.label_layout(far, 2.0)["where"]) == ["above"] * 5


def test_map_tooltips_give_times_as_dtgs() -> None:
    plan, s = tiny_plan()
    routes, afs = route_map.route_frames(plan, s)
    assert routes["tip"].str.contains(r"first leaves h\d+\.\d · \d{6}Z [A-Z]{3} \d{2} · C\+\d").all()
    tips = afs.set_index("icao")["tip"]
    assert "loads leave h" in tips["KPOB"] and DTG.search(tips["KPOB"])
    assert "loads land h" in tips["OKAS"] and DTG.search(tips["OKAS"])
