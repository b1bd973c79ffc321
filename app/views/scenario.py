"""Scenario page: pick or upload a scenario, edit it in typed tables, see its problems
next to the entries they name, download it as YAML."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st
import yaml

from app import state, tables, units_import
from logistics.catalog import aircraft_catalog, airfield_catalog
from logistics.network import scenario_warnings
from logistics.scenario import dumps_scenario

ss = st.session_state
state.init()
state.validate()

st.title("Scenario")

# ----- source -------------------------------------------------------------------------------
paths = state.bundled_scenarios()
names = [p.name for p in paths]
src = ss.get("scenario_source")
c1, c2 = st.columns([2, 3], gap="large")
with c1:
    home = names.index(state.DEFAULT_SCENARIO) if state.DEFAULT_SCENARIO in names else 0
    pick = st.selectbox("Bundled scenario", names, index=names.index(src) if src in names else home,
                        key="bundled_pick")
    if st.button("Load", icon=":material/folder_open:", disabled=not names,
                 help="Replaces the scenario being edited (download it first to keep your edits)."):
        state.load_file(paths[names.index(pick)])
        ss.pop("_upload_problems", None)
        st.rerun()
with c2:
    up = st.file_uploader("…or upload a scenario (YAML or JSON)", type=["yaml", "yml", "json"],
                          key="upload")
    if up is not None and ss.get("_upload_done") != up.file_id:
        ss["_upload_done"] = up.file_id
        probs = state.load_bytes(up.getvalue(), up.name)
        ss["_upload_problems"] = probs
        if not probs:
            st.rerun()
    for p in ss.get("_upload_problems") or []:
        st.error(f"Could not read the upload: {p}")

d = state.scenario_dict()
ver = ss["dict_version"]
problems = state.problems()
by_section = tables.problems_by_section(problems)
scen = state.scenario()

# ----- status and download ----------------------------------------------------------------------
s1, s2 = st.columns([3, 1], vertical_alignment="center")
with s1:
    if not problems and scen is not None:
        n_pax = sum(u.pax for u in scen.units)
        n_st = sum(u.cargo_stons for u in scen.units)
        fleet = ", ".join(f"{scen.fleet_count(t)} {t}" for t in scen.fleet_types)
        st.success(f"**{scen.name}** is valid: {len(scen.units)} units, {n_pax:,} soldiers, "
                   f"{n_st:,.0f} st; fleet {fleet}; horizon {scen.horizon_hours:g} h "
                   f"(source: {ss.get('scenario_source')}).", icon=":material/check_circle:")
    else:
        last = f" The Solve page uses the last valid version ({scen.name})." if scen is not None else ""
        st.error(f"**{len(problems)} problem{'s' if len(problems) != 1 else ''}** in the scenario, "
                 f"shown next to the tables below. Your edits are kept.{last}",
                 icon=":material/error:")
slug = re.sub(r"[^A-Za-z0-9]+", "-", str(d.get("name") or "scenario")).strip("-").lower() or "scenario"
with s2:
    if not problems and scen is not None:
        st.download_button("Download YAML", dumps_scenario(scen, "yaml"), file_name=f"{slug}.yaml",
                           mime="application/x-yaml", icon=":material/download:", width="stretch")
    else:
        st.download_button("Download draft YAML", yaml.safe_dump(d, sort_keys=False, allow_unicode=True),
                           file_name=f"{slug}-draft.yaml", mime="application/x-yaml",
                           icon=":material/download:", width="stretch",
                           help="The scenario as edited, problems and all.")


def problem_lines(section: str, label: Any = None, columns: dict[str, Any] | None = None,
                  rows: bool = True, only: Any = None) -> None:
    """The problems naming ``section`` (those whose field passes ``only``), each in the
    library's words with its row, the entry's name (``label``) and the table's column
    (its heading in ``columns``); ``rows=False`` leaves out row numbers that are not the
    table's (the airfields table is not the scenario's ``airfields[]``)."""
    for p in by_section.get(section, []):
        _, row, field = tables.split_loc(p.loc)
        if only is not None and not only(field):
            continue
        who = []
        if row is not None and label is not None:
            name = label(row)
            who.append(f"row {row}{', ' + name if name else ''}" if rows else name)
        head = _heading(field, columns or {})
        if head:
            who.append(f"column “{head}”")
        where = f" ({'; '.join(w for w in who if w)})" if any(who) else ""
        st.error(f"**{p.loc or 'scenario'}**{where}: {p.message}", icon=":material/error:")


def _heading(field: str, columns: dict[str, Any]) -> str:
    """The heading of the column ``field`` (``destinations[1]``, ``mog_changes[0].mog``) is in."""
    for part in reversed(field.split(".")):
        cfg = columns.get(part.split("[")[0])
        if cfg is not None:
            return str(cfg.get("label") or part)
    return ""


def _entry(section: str, key: str) -> Any:
    def label(row: int) -> str:
        items = d.get(section) or []
        if not isinstance(items, list) or row >= len(items):
            return ""
        it = items[row]
        if isinstance(it, dict):
            return str(it.get(key) or "")
        return str(it)
    return label


# ----- general fields ----------------------------------------------------------------------------
def bind(name: str, current: Any, make: Any) -> Any:
    """A widget bound to one top-level field: writes to the dict only on a user edit."""
    wkey = f"gen_{name}_{ver}"
    okey = f"{wkey}__out"
    if wkey not in ss or ss.get(okey) != current:
        ss[wkey] = current
        ss[okey] = current
    v = make(wkey)
    if v != ss[okey]:
        ss[okey] = v
        state.update_dict(name, None if v in (None, "", []) else v)
        st.rerun()
    return v


def _float(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


n_general = len(by_section["general"])
with st.expander(f"General{f' — :red[{n_general} problem(s)]' if n_general else ''}",
                 expanded=bool(n_general), icon=":material/tune:"):
    g1, g2, g3, g4 = st.columns([3, 2, 1, 1])
    with g1:
        bind("name", d.get("name") or "", lambda k: st.text_input("Name", key=k))
    with g2:
        bind("start", str(d.get("start") or ""), lambda k: st.text_input(
            "Start (C-hour 0, ISO-8601 with zone)", key=k, help="e.g. 2019-12-31T21:00:00Z"))
    with g3:
        bind("horizon_hours", _float(d.get("horizon_hours")), lambda k: st.number_input(
            "Horizon (h)", step=12.0, key=k))
    with g4:
        bind("pax_weight_lb", _float(d.get("pax_weight_lb", 300)), lambda k: st.number_input(
            "Soldier weight (lb)", step=10.0, key=k))
    bind("description", d.get("description") or "", lambda k: st.text_area("Description", key=k, height=90))
    goals = [g for g in (d.get("objective") or list(tables.GOALS))]
    bind("objective", goals, lambda k: st.multiselect(
        "Objective, in order", list(tables.GOALS), key=k,
        help="Goals are optimised one at a time in this order: least undelivered, least "
             "priority-weighted lateness, earliest force closure, fewest flying hours."))
    problem_lines("general")


# ----- tables --------------------------------------------------------------------------------------
def codes_options() -> list[str]:
    return sorted(set(airfield_catalog()) | set(tables.used_airfields(d)))


def editor(section: str, column_config: dict[str, Any], target: str | None = None, **kw: Any) -> None:
    """An editable table of one section; a user edit is written to the dict's ``target``
    section (the table's own by default) at once, as typed: the grid neither clamps nor
    refuses a value (no minimum, maximum, step or required cell), the scenario's
    validation names what is wrong under the table and the table keeps showing it."""
    eds = ss.setdefault("_ed", {})
    now = tables.normalise_rows(section, tables.section_frame(d, section))
    info = eds.get(section)
    # a new editor (a new key) when the dict changed elsewhere, and when the columns did
    # (an airfield code typed in makes the code lists longer): Streamlit would make a new
    # grid without the edits, so it is built from the dict, which holds them
    sig = repr(column_config)
    if (info is None or info["dv"] != ver or f"ed_{section}_{info['ver']}" not in ss
            or info["out"] != now or info.get("sig") != sig):
        info = {"ver": (info["ver"] + 1) if info else 0, "dv": ver,
                "base": tables.editor_frame(d, section), "out": now, "sig": sig}
        eds[section] = info
    base = info["base"]
    config = {c: _as_text(cfg) if c in base and base[c].dtype == object and _is_number(cfg) else cfg
              for c, cfg in column_config.items()}
    out = st.data_editor(base, key=f"ed_{section}_{info['ver']}", column_config=config,
                         num_rows="dynamic", width="stretch", placeholder="", **kw)  # blank, not "None"
    rows = tables.normalise_rows(section, out)
    if rows != info["out"]:
        info["out"] = rows
        value = tables.rows_to_section(section, rows, d)
        target = target or section
        state.update_dict(target, value if (value or target in d) else None)
        st.rerun()


def _is_number(cfg: Any) -> bool:
    return (cfg.get("type_config") or {}).get("type") == "number"


def _as_text(cfg: Any) -> Any:
    """A number column holding something that is not a number, as text: what the
    scenario holds is shown as it stands until it is fixed."""
    return st.column_config.TextColumn(cfg.get("label"), help=cfg.get("help"), width=cfg.get("width"))


def num(label: str, **kw: Any) -> Any:
    """A number column that takes any number typed: no minimum or maximum (the grid
    would refuse or clamp), no step (it would round) and the grid's own format, which
    shows the decimals a value has (its "plain" format shows 250 as 249.99999999...)."""
    return st.column_config.NumberColumn(label, **kw)


def tab_label(title: str, section: str) -> str:
    n = len(by_section[section])
    return f"{title} :red[({n})]" if n else title


codes = codes_options()
t_units, t_fleet, t_dest, t_af, t_enr = st.tabs([
    tab_label("Units", "units"), tab_label("Fleet", "aircraft"),
    tab_label("Destinations", "destinations"), tab_label("Airfields", "airfields"),
    tab_label("En-route stops", "enroute"),
])

with t_units:
    st.caption("One line of the deployment order per unit. Hours are from C-hour 0; empty "
               "RDD means the LAD, empty LAD means the horizon. Priority 1 is the highest.")
    units_import.render()
    unit_cols = {
        "id": st.column_config.TextColumn("id", width="small"),
        "name": st.column_config.TextColumn("name", width="medium"),
        "origin": st.column_config.SelectboxColumn("origin", options=codes, width="small",
                                                   help="Aerial port of embarkation"),
        "destinations": st.column_config.MultiselectColumn(
            "destinations", options=codes, accept_new_options=True, width="medium",
            help="Allowed destination airfields: the plan sends the whole unit to one"),
        "pax": num("pax", default=0, help="Soldiers"),
        "bulk_stons": num("bulk st"),
        "oversize_stons": num("oversize st"),
        "outsize_stons": num("outsize st"),
        "ready_hour": num("ready (ALD) h", default=0),
        "earliest_arrival_hour": num("EAD h"),
        "required_hour": num("RDD h", help="Required delivery (soft)"),
        "latest_arrival_hour": num("LAD h", help="Latest arrival (hard)"),
        "priority": num("priority", default=5, help="1 (highest) to 9"),
    }
    editor("units", unit_cols)
    problem_lines("units", _entry("units", "id"), unit_cols)
    if not problems and scen is not None:
        key = f"_warn_{scen.content_sha256()}"
        if key not in ss:
            try:
                ss[key] = scenario_warnings(scen)
            except Exception:  # warnings are advice; never break the page
                ss[key] = []
        for w in ss[key]:
            st.warning(f"**{w.loc}**: {w.message}", icon=":material/warning:")

with t_fleet:
    types = sorted(set(aircraft_catalog()) | {e.get("type") for e in (d.get("aircraft") or [])
                                              if isinstance(e, dict) and isinstance(e.get("type"), str)})
    st.caption("Aircraft by type and home base. Lines of one type and one home add up (e.g. more "
               "aircraft from a later hour); different homes are separate pools. Blank override cells "
               "take the catalogue's value (shown below).")
    fleet_cols = {
        "type": st.column_config.SelectboxColumn("type", options=types),
        "count": num("count"),
        "home": st.column_config.TextColumn(
            "home", help="The airfield (ICAO) the line's aircraft fly from and back to: each mission "
                         "positions empty to the unit's origin and returns home, and those hours count "
                         "against the crews (SPEC 5.1). Blank: the aircraft are at the origin."),
        "available_hour": num("available from h"),
        "until_hour": num("until h", help="The line's aircraft leave the pool at this hour "
                                          "(broken, retasked); blank: they stay"),
        "seats": num("seats"),
        "acl_stons": num("ACL st"),
        "max_payload_stons": num("max payload st"),
        "range_nm_at_max_payload": num("range at max payload nm"),
        "ferry_range_nm": num("ferry range nm"),
        "cruise_kt": num("cruise kt"),
        "cargo_classes": st.column_config.MultiselectColumn("cargo classes",
                                                            options=["bulk", "oversize", "outsize"]),
        "onload_hours": num("onload h"),
        "offload_hours": num("offload h"),
        "enroute_ground_hours": num("en-route ground h"),
        "ute_hours": num("crew h/day"),
        "min_runway_ft": num("min runway ft"),
        "name": st.column_config.TextColumn("name"),
    }
    editor("aircraft", fleet_cols)
    problem_lines("aircraft", _entry("aircraft", "type"), fleet_cols)
    st.markdown("**Aircraft types as planned** (catalogue values with this scenario's overrides)")
    st.dataframe(tables.aircraft_types_frame(d), hide_index=True, width="stretch")

with t_dest:
    st.caption("Bases units may deploy to, with their beddown capacity in soldiers (blank = unlimited).")
    dest_cols = {
        "airfield": st.column_config.SelectboxColumn("airfield", options=codes),
        "capacity_pax": num("capacity (soldiers)"),
    }
    editor("destinations", dest_cols)
    problem_lines("destinations", _entry("destinations", "airfield"), dest_cols)

with t_af:
    over = tables.airfield_overrides(d)
    st.caption("Every airfield the scenario uses, with the catalogue's values merged with this "
               "scenario's overrides. An edit is saved as an `airfields[]` override holding only what "
               "differs from the catalogue. MOG = aircraft that may be on the ground at once. Add a row "
               "for an airfield the catalogue lacks (it needs lat, lon and MOG).")
    af_cols = {
        "icao": st.column_config.TextColumn("ICAO", width="small"),
        "mog": num("MOG", help="Aircraft that may be on the ground at once"),
        "runway_ft": num("runway ft"),
        "name": st.column_config.TextColumn("name", width="medium"),
        "country": st.column_config.TextColumn("country", width="small"),
        "lat": num("lat"),
        "lon": num("lon"),
    }
    editor("airfields", af_cols)
    if over:
        parts = []
        for code, e in over.items():
            fields = ", ".join(f"{k} {v}" for k, v in e.items() if k not in ("icao", "mog_changes"))
            parts.append(f"{code} ({fields})" if fields else code)
        st.caption("Overrides in this scenario: " + "; ".join(parts))

    def af_label(row: int) -> str:
        items = d.get("airfields") or []
        return str(items[row].get("icao", "")) if row < len(items) and isinstance(items[row], dict) else ""

    def is_change(field: str) -> bool:
        return field.startswith("mog_changes")

    problem_lines("airfields", af_label, af_cols, rows=False, only=lambda f: not is_change(f))
    st.markdown("**MOG changes over time**: over [from, to) the airfield's MOG is the one given "
                "instead (0 closes it); intervals of one airfield may not overlap.")
    change_cols = {
        "icao": st.column_config.SelectboxColumn("ICAO", options=codes, width="small"),
        "from_hour": num("from h"),
        "to_hour": num("to h"),
        "mog": num("MOG"),
    }
    editor("mog_changes", change_cols, target="airfields")
    problem_lines("airfields", af_label, change_cols, rows=False, only=is_change)

with t_enr:
    st.caption("Airfields allowed as en-route (fuel and crew) stops.")
    enr_cols = {
        "airfield": st.column_config.SelectboxColumn("airfield", options=sorted(
            airfield_catalog() | dict.fromkeys(tables.used_airfields(d)))),
    }
    editor("enroute", enr_cols)
    problem_lines("enroute", _entry("enroute", None))
