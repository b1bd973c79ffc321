"""Open a plan file (``logistics-plan/1`` JSON) on the Plan page.

The file is read for the current scenario (the last valid one of the Scenario page). A
malformed file shows every problem at once, each naming the file, the entry and the
field, and changes nothing. A well-formed plan of another scenario (its
``scenario.sha256`` is neither the scenario file's nor the scenario's content's) is
refused, plainly. Any other plan is checked with :func:`logistics.verify` and becomes the
current plan, its violations listed if it has any.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

import logistics
from logistics.errors import PlanError, Problem
from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.verify import Violation

from . import state

UPLOAD_KEY = "plan_upload"
_RESULT = "_plan_upload"


@dataclass
class PlanUpload:
    """What reading an uploaded plan file gave.

    Parameters
    ----------
    file
        The file's name.
    problems
        Why it could not be read (each naming the file, the entry and the field).
    other
        Why it is a plan of another scenario, when it is one.
    plan
        The plan, when it was read and answers the scenario.
    violations
        The rules of SPEC section 3 the plan breaks (:func:`logistics.verify`).
    """

    file: str
    problems: list[Problem] = field(default_factory=list)
    other: str | None = None
    plan: Plan | None = None
    violations: list[Violation] = field(default_factory=list)


def other_scenario(file: str, plan: Plan, scen: Scenario) -> str | None:
    """Why the plan does not answer ``scen``, or ``None`` when it does (or does not say)."""
    sha = plan.scenario_sha256
    if not sha or sha in (scen.sha256(), scen.content_sha256()):
        return None
    return (f"{file} is a plan for another scenario: it names scenario {plan.scenario_name!r} "
            f"(sha256 {sha[:12]}...), and the current scenario {scen.name!r} has sha256 "
            f"{scen.sha256()[:12]}.... Open the scenario it was made for on the Scenario page, "
            "or solve this one.")


def read_plan_upload(raw: bytes, name: str, scen: Scenario | None) -> PlanUpload:
    """Read an uploaded plan file for ``scen`` and check it; touches no session state."""
    try:
        plan = Plan.from_json(raw)
    except PlanError as exc:
        return PlanUpload(name, problems=exc.with_file(name).problems)
    if scen is None:
        return PlanUpload(name, problems=[Problem("", "the scenario has problems: fix them on the Scenario "
                                                      "page, then open the plan again", name)])
    why = other_scenario(name, plan, scen)
    if why is not None:
        return PlanUpload(name, other=why)
    return PlanUpload(name, plan=plan, violations=list(logistics.verify(scen, plan)))


def open_plan(raw: bytes, name: str) -> PlanUpload:
    """Read the upload for the current scenario; a plan of it becomes the current plan."""
    scen = state.scenario() if state.is_valid() else None
    got = read_plan_upload(raw, name, scen)
    if got.plan is not None and scen is not None:
        state.set_plan(got.plan, scen)
    return got


def render() -> None:
    """The uploader and what the last file gave, in an expander (on the Plan page, above
    the plan; open when there is no plan yet or a file is in the uploader).

    A file replacing the one in the uploader arrives after a run without any (the
    old one's result forgotten): ``expanded`` looks at the uploader too, or that run
    would close the expander over the new file's message."""
    ss = st.session_state
    has_file = _RESULT in ss or ss.get(UPLOAD_KEY) is not None
    with st.expander("Open a plan file", expanded=state.plan() is None or has_file,
                     icon=":material/file_open:"):
        _render()


def _render() -> None:
    ss = st.session_state
    up = st.file_uploader(
        "Open a plan file (JSON)", type=["json"], key=UPLOAD_KEY,
        help="A logistics-plan/1 file (the Plan page's JSON download, logistics solve --out plan.json) "
             "made for the current scenario: it is checked against every rule and becomes the current "
             "plan. See docs/plan-exports.md.")
    if up is None:
        ss.pop(_RESULT, None)
        return
    if ss.get(_RESULT, {}).get("file_id") != up.file_id:
        ss[_RESULT] = {"file_id": up.file_id, "got": open_plan(up.getvalue(), up.name)}
        if ss[_RESULT]["got"].plan is not None:
            # the sidebar was drawn before this page, with the plan it replaces; the
            # rerun draws it (and keeps the plan on disk, names it in the URL) with this one
            st.rerun()
    got: PlanUpload = ss[_RESULT]["got"]
    if got.problems:
        n = len(got.problems)
        st.error(f"**{n} problem{'s' if n != 1 else ''}** in {got.file}: the plan was not opened. Fix "
                 "them and open the file again.", icon=":material/error:")
        st.dataframe(problems_frame(got.problems), hide_index=True, width="stretch")
    elif got.other is not None:
        st.error(got.other, icon=":material/error:")
    elif got.violations:
        n = len(got.violations)
        st.warning(f"Opened {got.file}: it breaks **{n} rule{'s' if n != 1 else ''}** of the checker "
                   "(SPEC section 3).", icon=":material/warning:")
        st.dataframe(pd.DataFrame([{"rule": v.rule, "subject": v.subject, "violation": v.message}
                                   for v in got.violations]), hide_index=True, width="stretch")
    else:
        st.success(f"Opened {got.file}: it keeps every rule.", icon=":material/upload_file:")


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """One line per problem: the file, where in it (entry and field), what is wrong."""
    return pd.DataFrame([{"file": p.file or "", "where": p.loc, "problem": p.message} for p in problems],
                        columns=["file", "where", "problem"])
