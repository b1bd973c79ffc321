"""The Plan page's "What would a change buy?" (issue 22, item 4): the levers of the
plan's binding limits (:func:`logistics.levers.candidate_levers`) listed at once, and
on "Find out" each relaxed by one step and re-planned (:func:`logistics.levers.levers`)
in the background (:class:`app.levers_job.LeversJob`), with an "Apply" per lever that
writes its step into the scenario being edited.

Session keys: ``levers_job`` (the job, for the plan it was started for: a job of
another plan is dropped), ``levers_applied`` (``(plan, [lever, ...])``: the levers
applied from this plan's result), ``levers_seconds`` (the time for all the re-plans)
and ``levers_executor`` (where they run: ``inline``, ``processes`` or a Dask address;
default :data:`app.levers_job.ENV_EXECUTOR`, else local processes).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logistics.levers import Lever, candidate_levers
from logistics.plan import Plan
from logistics.scenario import Scenario

from . import auth, jobs, state
from .levers_job import LeversJob, executor_setting, lever_edits, signed

ss = st.session_state

KIND = {"mog": ("airfield MOG", "orange"), "readiness": ("readiness", "gray"), "crew": ("crew hours", "violet"),
        "beddown": ("beddown", "green"), "fleet": ("fleet", "blue")}
GOAL_LABEL = {"undelivered": "undelivered (weighted)", "lateness": "lateness (weighted h)", "closure": "closure",
              "flying_hours": "flying hours"}
#: the table's column heads (short: the columns are narrow)
GOAL_HEAD = {"undelivered": "undelivered", "lateness": "lateness", "closure": "closure",
             "flying_hours": "flying h"}
#: where a lever's step shows on the Scenario page
WHERE = {"mog": "Airfields tab, MOG changes", "readiness": "Units tab, ready hour", "crew": "Fleet tab, UTE hours",
         "beddown": "Destinations tab, capacity", "fleet": "Fleet tab, a new entry"}
NOTE = ("Each difference is against the unchanged scenario re-planned the same way (same time and seed), so "
        "what the search finds anyway is not credited to a lever; negative is better. “Nothing within this "
        "search” means no gain was found in the time given, not a proof that the step buys nothing. "
        "Lateness (h) and undelivered (soldiers and st) are weighted by priority, as the goals are.")


def badge(kind: str) -> str:
    """The kind in its colour (in words: the findings above carry the badges)."""
    label, color = KIND.get(kind, (kind, "gray"))
    return f":{color}[**{label}**]"


def job_for(plan: Plan) -> LeversJob | None:
    """The job of this plan; one started for another plan is dropped (its result, too)."""
    job = ss.get("levers_job")
    if job is not None and job.plan is not plan:
        ss.pop("levers_job", None)
        ss.pop("levers_applied", None)
        return None
    return job


def applied(plan: Plan) -> list[str]:
    """The levers applied from this plan's result, in order."""
    got = ss.get("levers_applied")
    if got is None or got[0] is not plan:
        got = ss["levers_applied"] = (plan, [])
    return got[1]


def render(plan: Plan, scen: Scenario) -> None:
    """The panel: the candidate levers, "Find out", its progress and its table."""
    job = job_for(plan)
    cands = job.candidates if job is not None else candidate_levers(scen, plan)
    n = len(cands)
    title = f"What would a change buy? ({n} lever{'s' if n != 1 else ''})"
    with st.expander(title, expanded=True, icon=":material/tune:"):
        if not cands:
            st.markdown("No limit binds this plan in a way one step could relax (MOG, readiness, crew "
                        "hours, beds or fleet), so there is nothing to try.")
            return
        if job is None or job.result is None:
            st.markdown("Each binding limit above, relaxed by one step:\n"
                        + "\n".join(f"- {badge(lv.kind)} {lv.change}" for lv in cands))
        _controls(plan, scen, job, n)
        if job is not None and not job.finished:
            st.fragment(run_every=0.5)(_progress)()
        elif job is not None and job.error:
            st.error(f"Finding out failed: {job.error}", icon=":material/error:")
        elif job is not None and job.result is not None:
            _result(plan, job)


def _controls(plan: Plan, scen: Scenario, job: LeversJob | None, n: int) -> None:
    if "levers_seconds" not in ss:
        ss["levers_seconds"] = ss.get("_levers_seconds", 25)
    r = state.runner()
    solving = r is not None and not r.finished
    busy = job is not None and not job.finished
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    seconds = c1.number_input("Time for all the re-plans (s)", min_value=5, max_value=600, step=5,
                              key="levers_seconds", disabled=busy,
                              help="The levers and the unchanged scenario are each re-planned from this "
                                   "plan, side by side on this machine's cores, sharing this time.")
    ss["_levers_seconds"] = seconds
    go = c2.button("Find out", type="primary", icon=":material/science:", key="levers_find",
                   disabled=busy or solving,
                   help=f"Re-plan each of the {n} relaxed scenarios and the unchanged one from this plan "
                        f"(about {seconds} s), and show what each step buys on every goal.")
    if solving:
        st.caption("A solve is running: find out when it is done.")
    if go:
        executor, workers = executor_setting(ss.get("levers_executor"))
        job = LeversJob(scen, plan, seconds=float(seconds), seed=int(ss.get("_seed", 0) or 0),
                        executor=executor, max_workers=workers, deterministic=bool(ss.get("_deterministic", False)))
        ss["levers_job"] = job
        job.submit_to(jobs.registry(), auth.user_key())  # it starts when the server has the slots
        ss["levers_applied"] = (plan, [])
        st.rerun()


def _progress() -> None:
    """The live line of a running job (a polling fragment)."""
    job = ss.get("levers_job")
    if job is None:
        return
    if job.finished:
        st.rerun()  # the whole page: show the table
    # waiting for slots of the server's job pool
    if jobs.queued_notice(job, jobs.registry().ahead(job), "the re-plans start when the server has free slots",
                          "levers_cancel"):
        return
    n = len(job.candidates)
    st.progress(min(0.99, job.elapsed / job.seconds) if job.seconds else 0.0,
                text=f"Re-planning {n} relaxed scenario{'s' if n != 1 else ''} and the unchanged one: "
                     f"{job.elapsed:.1f} s, about {job.seconds:.0f} s in all")


def table(df: pd.DataFrame, goals: list[str]) -> pd.DataFrame:
    """The result in words: lever, what it buys, each goal's difference with its sign
    and unit, late units; in the library's order (cheapest first)."""
    out = pd.DataFrame({"lever": df["lever"], "buys": df["buys"]})
    for g in goals:
        out[f"Δ {GOAL_HEAD.get(g, g)}"] = [signed(g, d) for d in df[f"d_{g}"]]
    out["Δ late units"] = [signed("late_units", d) for d in df["d_late_units"]]
    return out


def _result(plan: Plan, job: LeversJob) -> None:
    df = job.result
    goals = list(job.scenario.objective)
    shown = table(df, goals)
    done = applied(plan)
    can_apply = state.is_valid()
    widths = [2.6, 2.4, *[max(1.0, len(c) / 9) for c in shown.columns[2:]], 1.9]  # heads, labels unbroken
    head = st.columns(widths)
    for c, name in zip(head, shown.columns, strict=False):  # the Apply column has no head
        c.caption(f"**{name}**")
    for i, row in shown.iterrows():
        cols = st.columns(widths, vertical_alignment="center")
        lv = job.lever(row["lever"])
        kind = df.at[i, "kind"]
        cols[0].markdown(f"{badge(kind)} {row['lever']}")
        bad = int(df.at[i, "violations"])
        cols[1].markdown(row["buys"] + (f" :red[({bad} rule{'s' if bad != 1 else ''} broken)]" if bad else ""))
        for c, v in zip(cols[2:-1], row.iloc[2:], strict=True):
            c.markdown(v)
        is_done = row["lever"] in done
        if cols[-1].button("Applied" if is_done else "Apply", key=f"lever_apply_{i}",
                           icon=":material/check:" if is_done else ":material/edit_note:",
                           disabled=is_done or lv is None or not can_apply,
                           help="Write this step into the scenario being edited, to solve it." if can_apply
                           else "Fix the scenario's problems on the Scenario page first."):
            _apply(plan, lv)
            st.rerun()
    base = df.attrs.get("base", {})
    st.caption(NOTE + " Unchanged scenario re-planned: " + ", ".join(
        f"{GOAL_LABEL.get(g, g)} {v:,.2f}{' h' if g in ('closure', 'lateness', 'flying_hours') else ''}"
        for g, v in base.items()) + f"; {job.elapsed:.0f} s in all.")
    if done:
        where = [f"{c} ({WHERE.get(lv.kind, 'Scenario page')})" if (lv := job.lever(c)) else c for c in done]
        st.success(f"Applied to the scenario being edited: {'; '.join(where)}. Solve it on the Solve page to "
                   "plan with the change; the Scenario page shows it (in the tab named) and its YAML "
                   "download carries it.", icon=":material/check_circle:")
        st.page_link("views/solve.py", label="Go to the Solve page", icon=":material/play_circle:")


def _apply(plan: Plan, lever: Lever) -> None:
    """Write one lever's step into the scenario being edited (the validated one)."""
    current = state.scenario()
    if current is None:
        return
    for section, entries in lever_edits(state.scenario_dict(), current, lever).items():
        state.update_dict(section, entries)
    applied(plan).append(lever.change)
