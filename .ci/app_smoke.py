"""The app on the installed Streamlit: every ``st.`` function and element method the
app's code calls, with every keyword it passes, must exist (read from the code, so a
branch no page run reaches counts too), and every page must draw once, headless
(Streamlit's AppTest); exit 1 otherwise. ``.ci/lowest.sh`` runs it at the lowest
Streamlit the ``app`` extra allows, below the one the test suite needs for its own
AppTest calls.

    python .ci/app_smoke.py

The pages get the bundled Baghdad scenario, a plan of a one-unit scenario (a short
deterministic solve, checked) with a saved variant, and a two-sample sweep, so the
tables, charts, downloads and result panels draw, not only the empty pages.
"""

from __future__ import annotations

import ast
import inspect
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
PAGES = ("views/scenario.py", "views/solve.py", "views/plan.py", "views/compare.py", "views/robustness.py")


#: names in the app that are not Streamlit containers, though they call methods an element has
NOT_ELEMENTS = {"pd", "np", "alt", "pdk", "os", "json", "re", "time", "math", "ss", "self", "s", "df", "state"}


def missing_calls() -> list[str]:
    """The ``st.`` calls (``st.x(...)``, ``st.column_config.X(...)``) and element method
    calls (``col.button(...)``) in app/ that the installed Streamlit lacks, or whose
    keywords it does not take: ``file:line st.x(kw=)``."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    out = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        text = path.read_text()
        if "import streamlit as st" not in text:  # an ``st`` there is something else
            continue
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            chain, x = [], node.func
            while isinstance(x, ast.Attribute):
                chain.insert(0, x.attr)
                x = x.value
            base = x.id if isinstance(x, ast.Name) else ast.unparse(x)
            if base == "st":
                obj = st
                for part in chain:
                    obj = getattr(obj, part, None)
                name = "st." + ".".join(chain)
            elif base not in NOT_ELEMENTS and len(chain) == 1 and hasattr(DeltaGenerator, chain[0]):
                obj, name = getattr(DeltaGenerator, chain[0]), f"{base}.{chain[0]}"
            else:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if obj is None:
                out.append(f"{where} {name}: not in this Streamlit")
                continue
            try:
                params = inspect.signature(obj).parameters
            except (TypeError, ValueError):  # a builtin or a class without a signature
                continue
            if any(p.kind == p.VAR_KEYWORD for p in params.values()):
                continue
            out += [f"{where} {name}({k.arg}=)" for k in node.keywords if k.arg and k.arg not in params]
    return out


def main() -> int:
    import logging

    import streamlit
    from streamlit.testing.v1 import AppTest

    # session state set from here (outside a script run) warns at every access: not news
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    from app.state import Variant
    from logistics.scenario import Scenario
    from logistics.solve import solve
    from logistics.sweep import sweep
    from logistics.verify import verify

    lacking = missing_calls()
    for line in lacking:
        print(f"missing  {line}")
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
    print(f"streamlit {streamlit.__version__}: {len(lacking)} call{'s' if len(lacking) != 1 else ''} it lacks, "
          + ("all pages drew" if not failed else f"{len(failed)} pages failed"))
    return 1 if failed or lacking else 0


if __name__ == "__main__":
    raise SystemExit(main())
