"""Robustness page: a small what-if sweep of the current scenario in the background.

The sweep (:class:`logistics.sweep.SweepJob`) draws perturbed copies of the scenario
(aircraft not mission-capable, reduced ramp space, units late to load, a late CRAF
activation), solves each in deterministic mode on local processes, and the page shows
the distribution of the force closure, each unit's probability of being late or not
fully delivered, and the limits that bind most often. The page script never solves: a
polling fragment reads the job's progress, and Cancel keeps the samples done.

The sweep takes slots of the server's job pool (:mod:`app.jobs`), one per process, so
it shares the machine with the other planners' solves: it waits in the queue (and says
how many jobs are ahead) until that many slots are free.
"""

from __future__ import annotations

import os
import time

import pandas as pd
import streamlit as st

from app import auth, jobs, page_charts, state
from logistics.explain import describe_limit
from logistics.sweep import SweepJob, SweepResult, Variations

ss = st.session_state
state.init()
state.validate()
state.collect()

st.title("Robustness")
st.caption(
    "How the plan holds up when things go wrong: each sample redraws which aircraft are "
    "mission-capable, which ramps lose parking, which units are late to load and when CRAF "
    "arrives, then solves again. Samples are repeatable: the same seed gives the same sweep.")

scen = state.scenario()
problems = state.problems()
job: SweepJob | None = ss.get("sweep_job")
running = job is not None and not job.finished

if problems or scen is None:
    st.error("The scenario has problems: fix them on the Scenario page before a sweep.",
             icon=":material/error:")
    st.page_link("views/scenario.py", label="Go to the Scenario page", icon=":material/edit_note:")
    st.stop()

st.markdown(f"**{scen.name}**: {len(scen.units)} unit{'s' if len(scen.units) != 1 else ''}; fleet "
            + ", ".join(f"{scen.fleet_count(t)} {t}" for t in scen.fleet_types) + ".")

# settings survive a visit to another page (widget state alone would not)
SETTINGS = {"sw_samples": 20, "sw_time_limit": 1.0, "sw_seed": 0, "sw_workers": 0,
            "sw_p_c17": 0.85, "sw_p_c5": 0.70, "sw_p_other": 0.90, "sw_mog_q": 0.2,
            "sw_delay_p": 0.3, "sw_delay_mean": 4.0, "sw_delay_dist": "exponential", "sw_craf": 24.0}
for _k, _v in SETTINGS.items():
    if _k not in ss:
        ss[_k] = ss.get(f"_{_k}", _v)

c1, c2 = st.columns([2, 3], gap="large")
with c1:
    samples = st.slider("Samples", min_value=5, max_value=200, step=5, key="sw_samples",
                        disabled=running, help="Perturbed scenarios to solve.")
    time_limit = st.slider("Time limit per solve (deterministic s)", min_value=0.2, max_value=10.0,
                           step=0.1, key="sw_time_limit", disabled=running,
                           help="Each sample is solved in repeatable mode with this deterministic "
                                "time limit; short limits give a quick, rougher picture.")
with c2:
    with st.expander("Perturbations and workers", icon=":material/tune:"):
        a1, a2, a3 = st.columns(3)
        a1.number_input("P(C-17A mission-capable)", 0.0, 1.0, step=0.05, key="sw_p_c17", disabled=running)
        a2.number_input("P(C-5M mission-capable)", 0.0, 1.0, step=0.05, key="sw_p_c5", disabled=running)
        a3.number_input("P(other type mission-capable)", 0.0, 1.0, step=0.05, key="sw_p_other",
                        disabled=running)
        b1, b2, b3 = st.columns(3)
        b1.number_input("P(airfield MOG cut 1-50 %)", 0.0, 1.0, step=0.05, key="sw_mog_q", disabled=running)
        b2.number_input("P(unit late to load)", 0.0, 1.0, step=0.05, key="sw_delay_p", disabled=running)
        b3.number_input("Mean loading delay (h)", 0.0, 48.0, step=0.5, key="sw_delay_mean", disabled=running)
        d1, d2, d3, d4 = st.columns(4)
        d1.selectbox("Delay distribution", ["exponential", "triangular"], key="sw_delay_dist",
                     disabled=running)
        d2.number_input("CRAF activation delay up to (h)", 0.0, 168.0, step=1.0, key="sw_craf",
                        disabled=running)
        d3.number_input("Seed", min_value=0, step=1, key="sw_seed", disabled=running)
        d4.number_input(f"Processes (0 = all {os.cpu_count()} cores)", min_value=0, step=1,
                        key="sw_workers", disabled=running,
                        help=f"Each process takes a slot of the server's {jobs.registry().slots}; the sweep "
                             "waits until that many are free.")
for _k in SETTINGS:
    ss[f"_{_k}"] = ss[_k]


def variations() -> Variations:
    """The perturbation distributions set above."""
    return Variations(
        availability={"C-17A": float(ss.sw_p_c17), "C-5M": float(ss.sw_p_c5)},
        availability_default=float(ss.sw_p_other), mog_probability=float(ss.sw_mog_q),
        delay_probability=float(ss.sw_delay_p), delay_mean_hours=float(ss.sw_delay_mean),
        delay_distribution=ss.sw_delay_dist, craf_delay_max_hours=float(ss.sw_craf),
    )


if st.button("Run sweep", type="primary", icon=":material/play_arrow:", disabled=running, key="sw_run"):
    cur, cur_scen = state.plan(), state.plan_scenario()
    warm = cur if cur is not None and cur_scen is not None and cur_scen.content_sha256() == scen.content_sha256() \
        else None  # samples start from the current plan when it answers this scenario
    reg = jobs.registry()
    workers = reg.local_workers(int(ss.sw_workers), int(samples))  # a slot per process, the server's at most
    new_job = SweepJob(scen, variations(), samples=int(samples), seed=int(ss.sw_seed),
                       time_limit=float(time_limit), max_workers=workers, start=warm)
    ss["sweep_job"] = new_job
    ss["sweep_workers"] = workers
    ss["sweep_collected"] = False
    reg.submit(new_job, owner=auth.user_key(), kind="sweep", slots=workers)  # starts when the slots are free
    st.rerun()


def completions(j: SweepJob, now: float) -> list[float]:
    """When the samples of ``j`` finished (seconds from its start), as far as the polls saw.

    The job's clock stops at each finished sample, so samples a poll finds new finished at
    that time; after a gap in the polls (the page was not open) they are spread evenly
    over the gap instead.
    """
    key, marks, seen = ss.get("sweep_marks", (None, [], 0.0))
    if key != id(j):
        marks, seen = [], 0.0
    new = j.done - len(marks)
    if new > 0:
        prev = marks[-1] if marks else 0.0
        t = float(j.elapsed) if j.elapsed > prev else now  # the clock may lag the count by a moment
        gap = now - seen > 2.0 and new > 1
        marks += [prev + (t - prev) * (k + 1) / new if gap else t for k in range(new)]
    ss["sweep_marks"] = (id(j), marks, now)
    return marks


def show_progress() -> None:
    """The live panel: samples done, time so far and left (estimated from the samples
    done), cancel."""
    j: SweepJob | None = ss.get("sweep_job")
    if j is None:
        return
    if j.finished:
        st.rerun()  # the whole page: show the result
    n = int(ss.get("sweep_workers") or 1)  # waiting for n slots of the server's job pool
    if jobs.queued_notice(j, jobs.registry().ahead(j),
                          f"this sweep starts when the server has {n} free slot{'s' if n != 1 else ''}", "sw_cancel"):
        return
    frac = j.done / j.total if j.total else 0.0
    elapsed = time.perf_counter() - j.started if j.started is not None else j.elapsed
    text = page_charts.sweep_progress_text(j.done, j.total, elapsed, completions(j, elapsed),
                                           int(ss.get("sweep_workers") or os.cpu_count() or 1))
    st.progress(min(frac, 0.99), text=text
                + ("  (stopping after the samples under way…)" if j.cancel_requested else ""))
    if st.button("Cancel", icon=":material/stop_circle:", key="sw_cancel", disabled=j.cancel_requested,
                 help="Stop after the samples under way; the samples done are kept."):
        j.cancel()
        st.rerun(scope="fragment")


if running:
    st.fragment(run_every=0.5)(show_progress)()
    st.stop()

if job is not None and job.finished and not ss.get("sweep_collected"):
    ss["sweep_collected"] = True
    if job.result is not None:
        ss["sweep_result"] = job.result
        ss["sweep_scenario"] = job.scenario.name
    if job.error:
        ss["sweep_error"] = job.error
    else:
        ss.pop("sweep_error", None)

if ss.get("sweep_error"):
    st.error(f"The sweep failed: {ss['sweep_error']}", icon=":material/error:")

res: SweepResult | None = ss.get("sweep_result")
if res is None:
    st.info("Set the number of samples and press **Run sweep**. Each sample is a full solve of a "
            "perturbed copy of the scenario, so a sweep takes a while; once the first samples are "
            "done the page estimates the time left.", icon=":material/info:")
    st.stop()

sm = res.summary()
if ss.get("sweep_scenario") != scen.name:
    st.warning(f"These results are of **{ss.get('sweep_scenario')}**, not the current scenario.",
               icon=":material/warning:")
if not res.meta.get("complete", True):
    st.warning(f"Cancelled: {sm.samples} of {res.meta.get('samples')} samples were solved.",
               icon=":material/warning:")


def h(x: float) -> str:
    return "-" if x != x else f"h{x:.1f}"  # NaN when nothing was delivered


m = st.columns(5)
m[0].metric("Closure P10", h(sm.closure["P10"]))
m[1].metric("Closure P50", h(sm.closure["P50"]))
m[2].metric("Closure P90", h(sm.closure["P90"]))
m[3].metric("All delivered, none late", f"{sm.on_time:.0%}",
            help=f"Every unit fully delivered in {sm.all_delivered:.0%} of the samples.")
m[4].metric("Checker violations", sm.violations, help="Rules broken by any sampled plan (should be 0).")
st.caption(f"{sm.samples} samples, seed {res.meta.get('seed')}, {res.meta.get('time_limit')} s per "
           f"solve, {res.meta.get('seconds', 0):.0f} s in all; status: "
           + ", ".join(f"{k} {v}" for k, v in sm.status.items()) + ".")

cur = state.plan()
cur_closure = None
if cur is not None and state.plan_scenario() is not None and state.plan_scenario().name == ss.get("sweep_scenario"):
    cur_closure = cur.kpis.get("closure_hour")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Force closure")
    cl = res.samples["closure_hour"].dropna()
    if len(cl):
        pct = {k: sm.closure[k] for k in ("P10", "P50", "P90")}
        st.altair_chart(page_charts.closure_histogram(list(cl), pct, cur_closure), width="stretch")
        st.caption("Samples by force closure; dashed: P10, P50, P90"
                   + (f"; red: the current plan (h{cur_closure:.1f}), solved without perturbations."
                      if cur_closure is not None else "; solve the scenario to mark the current plan."))
    else:
        st.info("No sample delivered anything.")
with right:
    st.subheader("Units late or not fully delivered")
    if len(sm.units):
        st.altair_chart(page_charts.unit_outcome_chart(sm.units), width="stretch")
        st.caption("Share of samples in which each unit is late (fully delivered after its RDD) or "
                   "not fully delivered by its LAD.")

st.subheader("Most frequent binding limits")
if len(sm.limits):
    lim = pd.DataFrame({"limit": [describe_limit(k, s) for k, s in zip(sm.limits["kind"], sm.limits["subject"],
                                                                           strict=True)],
                        "samples": sm.limits["samples"], "share of samples": sm.limits["share"]})
    st.dataframe(lim, hide_index=True, width="stretch", column_config={
        "limit": st.column_config.TextColumn("limit", width="large"),
        "samples": st.column_config.NumberColumn("samples", width="small"),
        "share of samples": st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0)})
else:
    st.caption("No binding limit was reported in any sample.")

with st.expander("Samples", icon=":material/table:"):
    shown = res.samples.copy()
    if "binding" in shown:
        shown["binding"] = [", ".join(describe_limit(k) for k in str(v).split(";") if k) if isinstance(v, str)
                            else v for v in shown["binding"]]
    st.dataframe(shown, hide_index=True, width="stretch")
d1, d2 = st.columns(2)
d1.download_button("Samples (CSV)", res.samples.to_csv(index=False), file_name="sweep-samples.csv",
                   mime="text/csv", icon=":material/download:")
d2.download_button("Units (CSV)", res.units.to_csv(index=False), file_name="sweep-units.csv",
                   mime="text/csv", icon=":material/download:")
