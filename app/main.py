"""Entry point: ``streamlit run app/main.py``.

Pages are listed in :data:`PAGES`: to add one (e.g. ``robustness.py``), put the script in
``app/views/`` and add its line there; nothing else needs to change.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts only app/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import auth, state  # noqa: E402

#: addresses that serve this machine only
LOOPBACK = ("localhost", "127.0.0.1", "::1")

#: (script under app/views, title, icon); the first is the default page
PAGES: list[tuple[str, str, str]] = [
    ("scenario.py", "Scenario", ":material/edit_note:"),
    ("solve.py", "Solve", ":material/play_circle:"),
    ("plan.py", "Plan", ":material/flight_takeoff:"),
    ("compare.py", "Compare", ":material/compare_arrows:"),
    ("robustness.py", "Robustness", ":material/ssid_chart:"),
]


def sidebar() -> None:
    """Where things stand: scenario, solve, plan, variants."""
    with st.sidebar:
        d = state.scenario_dict()
        name = d.get("name") or "(unnamed)"
        n = len(state.problems())
        st.markdown(f"**Scenario**  \n{name}")
        if n:
            st.caption(f":red[{n} problem{'s' if n != 1 else ''}]: see the Scenario page")
        r = state.runner()
        ahead = state.queued_ahead()
        if ahead is not None:
            st.caption(f":blue[Your {'re-plan' if r is not None and r.replan_from is not None else 'solve'} "
                       f"is queued, {ahead} ahead: it starts when the server has a free slot.]")
        elif r is not None and not r.finished:
            if r.replan_from is not None:
                st.caption(f":blue[A re-plan from h{r.replan_from.now_hour:g} is running in the background "
                           "(see the Plan page).]")
            else:
                st.caption(":blue[A solve is running in the background (see the Solve page).]")
        job = st.session_state.get("levers_job")
        if job is not None and not job.finished:
            st.caption(":blue[Finding out what a change would buy (see the Plan page).]")
        p = state.plan()
        if p is not None:
            ch = p.kpis.get("closure_hour")
            st.markdown(f"**Plan**  \n{p.status}, closure "
                        f"{'-' if ch is None else f'h{ch:.1f}'}, {p.kpis.get('missions', 0)} missions")
        if state.variants():
            st.caption(f"{len(state.variants())} saved variant(s)")
        kept()
        auth.sidebar()
        st.caption("Offline: no data leaves this machine.")
        address = str(st.get_option("server.address") or "")
        if not (auth.configured() or auth.proxy_user()) and not (address in LOOPBACK or address.startswith("127.")):
            st.caption(f":orange[Served on {address or 'every network interface'} without sign-in: "
                       "see docs/deploy.md.]")


def kept() -> None:
    """Plans kept on disk for this scenario that this session has not taken up, and a
    note when they cannot be written."""
    has_plan, n = state.kept_elsewhere()
    if has_plan or n:
        what = " and ".join(x for x in ("the plan" if has_plan else "", f"{n} variant(s)" if n else "") if x)
        st.button(f"Restore {what} kept for this scenario", icon=":material/restore:", key="restore_kept",
                  help="Kept on this server from an earlier session on the same scenario.",
                  on_click=lambda: state.restore(st.session_state["workspace"], open_scenario=False))
    err = st.session_state.get("store_error")
    if err:
        st.caption(f":red[Plans are not being kept on disk: {err}]")


def main() -> None:
    st.set_page_config(page_title="Airlift planner", page_icon=str(ROOT / "app" / "assets" / "icon.png"),
                       layout="wide")
    if auth.required():  # sign-in configured and nobody signed in: that page only, no other
        st.navigation([st.Page(auth.sign_in_page, title="Sign in", icon=":material/login:")],
                      position="hidden").run()
        return
    state.init()
    state.validate()
    state.collect()
    state.sync_url()
    pages = [st.Page(f"views/{script}", title=title, icon=icon, default=(i == 0))
             for i, (script, title, icon) in enumerate(PAGES)]
    pg = st.navigation(pages)
    sidebar()
    pg.run()
    state.sync_url()


main()
