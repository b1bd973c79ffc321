"""The route map of a plan: a pydeck object, no Streamlit.

:func:`route_deck` draws the loaded legs as arcs weighted by tons and the airfields by
role, with tooltips that give the times as hours, Zulu DTGs and C-days. It uses no tile
server: ``map_provider=None`` and a bundled land outline (``data/maps/land.geojson``)
drawn as a GeoJsonLayer. Labels are placed by :func:`label_layout` so that labels of
near airfields (Kuwait's OKAS and OKBK) do not collide.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pydeck as pdk

from logistics.catalog import data_dir
from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.timefmt import when

# ----- the map ------------------------------------------------------------------------------------
#: label placement on the map (:func:`label_layout`): offsets tried in order, in pixels
#: from the airfield's dot: above, below, right, left ("side" is half the label's width
#: plus the dot's radius and a gap)
LABEL_TRIES = ("above", "below", "right", "left")
LABEL_FONT_PX, LABEL_CHAR_PX, LABEL_H_PX, DOT_PX = 12, 8.0, 14.0, 7.0
#: dots and labels are drawn over the arcs (which rise in 3D and would hide them)
ON_TOP = {"depthCompare": "always", "depthWriteEnabled": False}


def land_path() -> Path:
    """The bundled land outline (GeoJSON)."""
    return data_dir() / "maps" / "land.geojson"


@cache
def land_geojson() -> dict[str, Any]:
    """The bundled land outline, or an empty collection if it is missing."""
    p = land_path()
    if not p.exists():
        return {"type": "FeatureCollection", "features": []}
    return json.loads(p.read_text(encoding="utf-8"))


def _span(scenario: Scenario, first: float | None, last: float | None) -> str:
    if first is None:
        return ""
    if last is None or abs(last - first) < 1e-9:
        return when(scenario, first)
    return f"{when(scenario, first)} to {when(scenario, last)}"


def _route_rows(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Loaded legs summed by (from, to): tons, soldiers, missions, first departure and
    last landing."""
    pw = scenario.pax_weight_stons
    agg: dict[tuple[str, str], dict[str, Any]] = {}
    for m in plan.missions:
        if not m.loaded_legs:
            continue
        tons = m.payload_stons(pw)
        for lg in (m.legs[j] for j in m.loaded_legs):
            a = agg.setdefault((lg.frm, lg.to), {"tons": 0.0, "pax": 0, "missions": 0,
                                                 "first": math.inf, "last": -math.inf})
            a["tons"] += tons
            a["pax"] += m.pax
            a["missions"] += 1
            a["first"] = min(a["first"], lg.depart_hour)
            a["last"] = max(a["last"], lg.arrive_hour)
    rows = []
    for (f, t), a in agg.items():
        try:
            fa, ta = scenario.airfield(f), scenario.airfield(t)
        except KeyError:
            continue
        rows.append({"from": f, "to": t, "from_lon": fa.lon, "from_lat": fa.lat, "to_lon": ta.lon,
                     "to_lat": ta.lat, "tons": round(a["tons"], 1), "pax": a["pax"],
                     "missions": a["missions"], "first": a["first"], "last": a["last"]})
    return pd.DataFrame(rows, columns=["from", "to", "from_lon", "from_lat", "to_lon", "to_lat",
                                       "tons", "pax", "missions", "first", "last"])


def positioning_frame(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """The positioning flights (SPEC 5.1), home to origin, summed by (from, to): missions,
    first departure and last landing, with a tooltip."""
    agg: dict[tuple[str, str], list[float]] = {}
    for m in plan.missions:
        for j in m.positioning_legs:
            lg = m.legs[j]
            a = agg.setdefault((lg.frm, lg.to), [0, math.inf, -math.inf])
            a[0] += 1
            a[1], a[2] = min(a[1], lg.depart_hour), max(a[2], lg.arrive_hour)
    rows = []
    for (f, t), (n, first, last) in agg.items():
        try:
            fa, ta = scenario.airfield(f), scenario.airfield(t)
        except KeyError:
            continue
        rows.append({"from": f, "to": t, "from_lon": fa.lon, "from_lat": fa.lat, "to_lon": ta.lon,
                     "to_lat": ta.lat, "missions": int(n), "first": first, "last": last,
                     "tip": f"{f} → {t}: {int(n)} positioning flights (empty, from home); first leaves "
                            f"{when(scenario, first)}, last lands {when(scenario, last)}"})
    return pd.DataFrame(rows, columns=["from", "to", "from_lon", "from_lat", "to_lon", "to_lat",
                                       "missions", "first", "last", "tip"])


def _airfield_times(plan: Plan) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per airfield, the departures of loaded missions from it (origins) and the landings
    of loads at it (destinations)."""
    out: dict[str, list[float]] = {}
    land: dict[str, list[float]] = {}
    for m in plan.missions:
        if m.arrive_hour is None or not m.loads:
            continue
        out.setdefault(m.origin, []).append(m.departs_origin_hour)
        land.setdefault(m.destination, []).append(m.arrive_hour)
    return out, land


def route_frames(plan: Plan, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(routes, airfields)``: loaded legs summed by (from, to) with tons, missions and
    their times; every airfield the scenario uses with its role and, where loads leave
    or land, when (hour, DTG and C-day in the tooltip)."""
    routes = _route_rows(plan, scenario)
    if not routes.empty:
        top = max(routes["tons"].max(), 1e-9)
        routes["width"] = 2 + 12 * routes["tons"] / top
        routes["tip"] = [f"{f} → {t}: {w:,.0f} st in {n} missions ({p:,} soldiers); first leaves "
                         f"{when(scenario, a)}, last lands {when(scenario, b)}"
                         for f, t, w, n, p, a, b in zip(routes["from"], routes["to"], routes["tons"],
                                                        routes["missions"], routes["pax"], routes["first"],
                                                        routes["last"], strict=True)]
    else:
        routes["width"] = []
        routes["tip"] = []
    origins = {u.origin for u in scenario.units}
    homes = {e.home for e in scenario.aircraft if e.home is not None} - origins
    dests = {d.airfield for d in scenario.destinations} | {d for u in scenario.units for d in u.destinations}
    stops = set(scenario.enroute)
    used_dest = {r.destination for r in plan.units if r.destination}
    leave, land = _airfield_times(plan)
    af_rows = []
    for code in scenario.airfield_codes:
        a = scenario.airfield(code)
        role = "origin" if code in origins else "destination" if code in dests else \
            "home base" if code in homes else "en-route stop"
        if code in stops and role not in ("origin", "home base"):
            role = "en-route stop" if code not in dests else role
        color = {"origin": [21, 101, 192], "destination": [198, 40, 40],
                 "en-route stop": [97, 97, 97], "home base": [103, 58, 183]}[role]
        if role == "destination" and code not in used_dest:
            color = [239, 154, 154]
        tip = f"{code} {a.name}: {role}, MOG {a.mog}"
        if leave.get(code):
            tip += f"; loads leave {_span(scenario, min(leave[code]), max(leave[code]))}"
        if land.get(code):
            tip += f"; loads land {_span(scenario, min(land[code]), max(land[code]))}"
        af_rows.append({"icao": code, "name": a.name, "lon": a.lon, "lat": a.lat, "role": role,
                        "mog": a.mog, "color": color, "used": code in used_dest or code in leave,
                        "tip": tip})
    return routes, pd.DataFrame(af_rows)


def _view(airfields: pd.DataFrame, width_px: float = 900) -> pdk.ViewState:
    if airfields.empty:
        return pdk.ViewState(latitude=30, longitude=0, zoom=1)
    lo0, lo1 = airfields["lon"].min(), airfields["lon"].max()
    la0, la1 = airfields["lat"].min(), airfields["lat"].max()
    span = max(lo1 - lo0, (la1 - la0) * 1.6, 4.0) * 1.25
    zoom = max(0.5, min(8.0, math.log2(width_px * 360 / (512 * span))))
    return pdk.ViewState(latitude=(la0 + la1) / 2, longitude=(lo0 + lo1) / 2, zoom=zoom)


def _pixels(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web-Mercator pixel position at ``zoom`` (deck.gl's: the world is 512 x 2^zoom px)."""
    world = 512.0 * 2.0 ** zoom
    phi = math.radians(max(-85.0, min(85.0, lat)))
    return (lon + 180.0) / 360.0 * world, (1.0 - math.asinh(math.tan(phi)) / math.pi) / 2.0 * world


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes ``(x0, y0, x1, y1)`` overlap (touching is not overlapping)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_layout(airfields: pd.DataFrame, zoom: float) -> pd.DataFrame:
    """Where each airfield's label goes on the map, so no two labels overlap and no label
    covers another airfield's dot: ``icao, lon, lat, where, offset`` (pixels ``[dx, dy]``
    from the dot), one row per label kept.

    The rule: airfields in order of importance (origins, destinations the plan uses,
    other destinations, en-route stops; then by code), each label tried above its dot,
    then below, right and left, at the view's ``zoom``; the first place that is free
    is taken, and a label with none is dropped (its airfield keeps its dot and tooltip).
    Near airfields such as Kuwait's OKAS and OKBK get one label above, one below.
    """
    cols = ["icao", "lon", "lat", "where", "offset"]
    if airfields.empty:
        return pd.DataFrame(columns=cols)
    pos = {r.icao: _pixels(r.lon, r.lat, zoom) for r in airfields.itertuples()}
    dots = {k: (x - DOT_PX, y - DOT_PX, x + DOT_PX, y + DOT_PX) for k, (x, y) in pos.items()}
    used = airfields["used"] if "used" in airfields else pd.Series(True, index=airfields.index)
    rank = [{"origin": 0, "destination": 1 if u else 2}.get(r, 3) for r, u in zip(airfields["role"], used,
                                                                                   strict=True)]
    order = sorted(zip(rank, airfields["icao"], airfields["lon"], airfields["lat"], strict=True))
    placed: list[tuple[float, float, float, float]] = []
    rows = []
    for _, code, lon, lat in order:
        x, y = pos[code]
        half_w, half_h = (LABEL_CHAR_PX * len(code) + 4) / 2, LABEL_H_PX / 2
        side = DOT_PX + half_w + 2
        offsets = {"above": (0.0, -(DOT_PX + half_h)), "below": (0.0, DOT_PX + half_h),
                   "right": (side, 0.0), "left": (-side, 0.0)}
        for where in LABEL_TRIES:
            dx, dy = offsets[where]
            box = (x + dx - half_w, y + dy - half_h, x + dx + half_w, y + dy + half_h)
            if any(_overlap(box, b) for b in placed) or any(
                    _overlap(box, d) for k, d in dots.items() if k != code):
                continue
            placed.append(box)
            rows.append((code, lon, lat, where, [dx, dy]))
            break
    return pd.DataFrame(rows, columns=cols)


def route_deck(plan: Plan, scenario: Scenario) -> pdk.Deck:
    """The route map: land outline, arcs weighted by tons, airfields by role, their
    labels placed by :func:`label_layout` so that near airfields' labels do not collide,
    dots and labels drawn over the arcs.

    ``map_provider=None`` with pydeck's default style sentinel: Streamlit then draws no
    base map (passing ``map_style=None`` would make it fetch a CARTO style). Layer
    options are numbers or lists: pydeck turns every string into an accessor
    expression, so ``width_units="pixels"`` would not mean what it says.
    """
    routes, afs = route_frames(plan, scenario)
    view = _view(afs)
    ocean = pdk.Layer(
        "PolygonLayer", id="ocean",
        data=[{"polygon": [[-180, -85], [180, -85], [180, 85], [-180, 85]]}],
        get_polygon="polygon", get_fill_color=[226, 238, 246], stroked=False, pickable=False)
    land = pdk.Layer(
        "GeoJsonLayer", id="land", data=land_geojson(), filled=True, stroked=True,
        get_fill_color=[246, 244, 236], get_line_color=[170, 170, 160], line_width_min_pixels=1,
        pickable=False)
    positioning = pdk.Layer(  # SPEC 5.1: the empty flights from the aircraft's homes
        "ArcLayer", id="positioning", data=positioning_frame(plan, scenario),
        get_source_position=["from_lon", "from_lat"], get_target_position=["to_lon", "to_lat"],
        get_width=1.5, get_source_color=[103, 58, 183, 160], get_target_color=[21, 101, 192, 160],
        get_height=0.2, great_circle=True, pickable=True)
    arcs = pdk.Layer(
        "ArcLayer", id="routes", data=routes, get_source_position=["from_lon", "from_lat"],
        get_target_position=["to_lon", "to_lat"], get_width="width",
        get_source_color=[21, 101, 192, 200], get_target_color=[239, 108, 0, 220],
        get_height=0.35, great_circle=True, pickable=True)
    dots = pdk.Layer(
        "ScatterplotLayer", id="airfields", data=afs, get_position=["lon", "lat"],
        get_fill_color="color", get_line_color=[255, 255, 255], stroked=True,
        line_width_min_pixels=1, get_radius=1, radius_min_pixels=DOT_PX, radius_max_pixels=DOT_PX,
        pickable=True, parameters=ON_TOP)
    labels = pdk.Layer(
        "TextLayer", id="labels", data=label_layout(afs, float(view.zoom)), get_position=["lon", "lat"],
        get_text="icao", get_size=LABEL_FONT_PX, get_color=[33, 33, 33], get_pixel_offset="offset",
        background=True, get_background_color=[255, 255, 255, 215], background_padding=[3, 1, 3, 1],
        pickable=False, parameters=ON_TOP)
    tooltip = {"text": "{tip}", "style": {"fontSize": "12px"}}
    return pdk.Deck(layers=[ocean, land, positioning, arcs, dots, labels], initial_view_state=view,
                    map_provider=None, tooltip=tooltip)
