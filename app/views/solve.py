"""Solve page: start a background solve, watch stage / incumbent / bound / gap live,
cancel it (the best plan found is kept), then open the plan. The server runs a few
solves at once (:mod:`app.jobs`): a solve may wait in its queue first. The solve's job
id is in the URL (``?job=``), so a reload finds it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import charts, jobs, page_charts, state, times

ss = st.session_state
state.init()
state.validate()
state.collect()
state.sync_url()  # ?job=<id>: a reload finds this solve (app/main.py does it too)

UNITS = {"undelivered": "weighted soldiers + st", "lateness": "weighted late hours",
         "closure": "h", "flying_hours": "flying h"}

st.title("Solve")

scen = state.scenario()
problems = state.problems()
r = state.runner()
running = r is not None and not r.finished

if problems:
    st.error(f"The scenario has {len(problems)} problem(s): fix them on the Scenario page before "
             "solving.", icon=":material/error:")
    st.page_link("views/scenario.py", label="Go to the Scenario page", icon=":material/edit_note:")
elif scen is not None:
    fleet = ", ".join(f"{scen.fleet_count(t)} {t}" for t in scen.fleet_types)
    st.markdown(f"**{scen.name}**: {len(scen.units)} units, "
                f"{sum(u.pax for u in scen.units):,} soldiers, "
                f"{sum(u.cargo_stons for u in scen.units):,.0f} st; fleet {fleet}; "
                f"goals in order: {', '.join(scen.objective)}.")

# settings survive a visit to another page (widget state alone would not)
SETTINGS = {"time_limit": 20, "seed": 0, "workers": 0, "deterministic": False, "warm": True}
for _k, _v in SETTINGS.items():
    if _k not in ss:
        ss[_k] = ss.get(f"_{_k}", _v)

c1, c2 = st.columns([2, 3], gap="large")
with c1:
    time_limit = st.slider("Time limit (seconds)", min_value=1, max_value=300, step=1,
                           key="time_limit", disabled=running,
                           help="Wall-clock seconds for all goals together; cancel any time.")
with c2:
    with st.expander("Advanced", icon=":material/settings:"):
        a1, a2, a3 = st.columns(3)
        seed = a1.number_input("Random seed", min_value=0, step=1, key="seed", disabled=running)
        workers = a2.number_input("Search workers (0 = all cores)", min_value=0, step=1,
                                  key="workers", disabled=running)
        deterministic = a3.checkbox("Deterministic (repeatable)", key="deterministic", disabled=running,
                                    help="Same seed, same plan: one interleaved search with a "
                                         "deterministic time limit (slower; for tests and comparisons).")
        warm = st.checkbox("Start from the current plan", key="warm", disabled=running,
                           help="After an edit, start from what of the current plan still keeps every rule: "
                                "a small edit is answered from the plan you have, and an optimal plan comes "
                                "back at once when the edit cannot change it. Off: plan from scratch.")
for _k in SETTINGS:
    ss[f"_{_k}"] = ss[_k]

start = st.button("Solve", type="primary", icon=":material/play_arrow:",
                  disabled=running or bool(problems) or scen is None, key="solve")
if start and scen is not None:
    state.start_solve(scen, time_limit=float(time_limit), seed=int(seed),
                      deterministic=bool(deterministic), workers=int(workers) or None, warm=bool(warm))
    st.rerun()


def fmt(v: float | None, goal: str | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.1f}" if goal in ("closure", "flying_hours") else f"{v:,.2f}"


def show_progress() -> None:
    """The live panel: progress bar, metrics, incumbent and bound of the current stage."""
    r = state.runner()
    if r is None:
        return
    # the server runs as many solves at once as it has slots
    if jobs.queued_notice(r, state.queued_ahead(), "this solve starts when the server has a free slot", "cancel",
                          running="solves"):
        return
    snap = r.snapshot()
    if snap.finished:
        state.collect()
        st.rerun()  # the whole page: show the result
    stage = snap.stage or "starting"
    n = max(snap.n_stages, 1)
    text = (f"Stage {snap.stage_index + 1} of {n}: {stage} — {snap.elapsed:.1f} s of "
            f"{snap.time_limit:.0f} s" + ("  (stopping…)" if r.cancel_requested else ""))
    st.progress(snap.fraction, text=text)
    m = st.columns(6)
    m[0].metric("Stage", f"{snap.stage_index + 1}/{n}", help=stage)
    m[1].metric("Incumbent", fmt(snap.objective, snap.stage), help=UNITS.get(stage, ""))
    m[2].metric("Bound", fmt(snap.bound, snap.stage))
    m[3].metric("Gap", "-" if snap.gap is None else f"{100 * snap.gap:.1f} %")
    m[4].metric("Elapsed", f"{snap.elapsed:.1f} s")
    m[5].metric("Solutions", f"{snap.solutions}", help=f"{snap.stage_solutions} in this stage")
    if st.button("Cancel", icon=":material/stop_circle:", key="cancel", disabled=r.cancel_requested,
                 help="Stop the search; the best plan found so far is kept."):
        r.cancel()
        st.rerun(scope="fragment")
    done = [(g, o, b) for g, o, b in snap.stages[:-1]]
    if done:
        st.caption("Goals settled so far: " + "; ".join(
            f"{g} {fmt(o, g)} (bound {fmt(b, g)})" for g, o, b in done))
    chart = page_charts.progress_chart(snap.history, snap.stage, snap.elapsed,
                                       f"{stage} ({UNITS.get(stage, '')})")
    if chart is not None:
        st.altair_chart(chart, width="stretch")


if running:
    st.fragment(run_every=0.5)(show_progress)()
elif r is not None:
    snap = r.snapshot()
    p = state.plan()
    if snap.state == "failed":
        st.error("The solve failed.", icon=":material/error:")
        with st.expander("Details"):
            st.code(snap.error or "")
    elif r.plan is None and not r.started:
        st.warning("Cancelled while it waited in the queue: no plan.", icon=":material/warning:")
    elif r.plan is None:
        st.warning(f"Stopped after {snap.elapsed:.1f} s before any plan was found.", icon=":material/warning:")
    else:
        how = ("Cancelled" if snap.state == "cancelled" else "Finished") + f" after {snap.elapsed:.1f} s"
        extra = ": the best plan found so far is kept." if snap.state == "cancelled" else "."
        st.success(f"{how}{extra} Plan status **{r.plan.status}**.", icon=":material/check_circle:")
        k = r.plan.kpis
        ch = k.get("closure_hour")
        m = st.columns(5)
        m[0].metric("Force closure", "-" if ch is None else f"h{ch:.1f}",
                    delta_description=times.caption(r.scenario, ch), help=charts.utc(r.scenario, ch))
        m[1].metric("Late units", k.get("late_units", 0))
        m[2].metric("Undelivered soldiers", f"{k.get('undelivered_pax', 0):,}")
        m[3].metric("Undelivered st", f"{k.get('undelivered_stons', 0):,.1f}")
        m[4].metric("Missions", k.get("missions", 0))
        b1, b2 = st.columns([1, 4])
        if b1.button("Open the plan", type="primary", icon=":material/flight_takeoff:", key="open_plan"):
            st.switch_page("views/plan.py")
        with b2:
            st.page_link("views/plan.py", label="Plan page: charts, map, tables, downloads",
                         icon=":material/arrow_forward:")
        if p is not None and p is r.plan and p.solve.stages:
            with st.expander("Solver stages"):
                st.dataframe(pd.DataFrame(p.solve.stages), hide_index=True, width="stretch")
