"""Every page of the app once, headless (Streamlit's AppTest), on the installed Streamlit:
exit 1 when a page raises. ``.ci/lowest.sh`` runs it at the lowest Streamlit the
``app`` extra allows, below the one the test suite needs for its own AppTest calls.

    python .ci/app_smoke.py

The pages get the bundled Baghdad scenario, a plan of a one-unit scenario (a short
deterministic solve, checked) with a saved variant, and a two-sample sweep, so the
tables, charts, downloads and result panels draw, not only the empty pages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TINY = {
    "name": "smoke", "start": "2020-01-01T00:00:00Z", "horizon_hours": 96,
    "aircraft": [{"type": "C-17A", "count": 3}], "destinations": [{"airfield": "OKAS", "capacity_pax": 1000}],
    "enroute": ["ETAR"],
    "units": [{"id": "U1", "name": "rifle company", "origin": "KPOB", "destinations": ["OKAS"], "pax": 120,
               "bulk_stons": 20, "ready_hour": 2, "required_hour": 40, "latest_arrival_hour": 80, "priority": 1}],
}
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no bare-mode warnings
PAGES = ("views/scenario.py", "views/solve.py", "views/plan.py", "views/compare.py", "views/robustness.py")


def main() -> int:
    import streamlit
    from streamlit.testing.v1 import AppTest

    from app.state import Variant
    from logistics.scenario import Scenario
    from logistics.solve import solve
    from logistics.sweep import sweep
    from logistics.verify import verify

    scen = Scenario.from_dict(TINY)
    plan = solve(scen, time_limit=0.5, deterministic=True)
    assert verify(scen, plan) == [], "the smoke plan breaks a rule"
    swept = sweep(scen, samples=2, seed=0, executor="inline", time_limit=0.3)
    failed = []
    for setup in ("bundled", "planned"):
        at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
        if setup == "planned":
            at.session_state["scenario_dict"] = TINY
            at.session_state["plan"], at.session_state["plan_scenario"] = plan, scen
            at.session_state["variants"] = {"first": Variant("first", plan, scen)}
            at.session_state["sweep_result"], at.session_state["sweep_scenario"] = swept, scen.name
            at.session_state["sweep_collected"] = True
        at.run()
        for page in ("app/main.py", *PAGES):
            if page != "app/main.py":
                at.switch_page(page).run()
            errors = [e.value for e in at.exception]
            print(f"{setup:8s} {page:22s} {'ok' if not errors else 'FAILED: ' + '; '.join(errors)}")
            if errors:
                failed.append(page)
    print(f"streamlit {streamlit.__version__}: {'all pages drew' if not failed else f'{len(failed)} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
