"""The same scenario and settings give the same missions (deterministic mode).

``tests/data/same_plans_b64e17e/`` holds the plans of the solve with the settings it had
at commit b64e17e, before the library's layout was reorganised (issue 20)
(:data:`BEFORE_ISSUE_21`); they were recorded there, and again when the dispatcher
started each mission at the first minute every limit takes (issue 21; Baghdad's stayed
the same). ``tests/data/same_plans/`` holds the plans of today's defaults, recorded when
they changed on purpose (issue 21: the naive planner's orders in the first plan, the
large-neighbourhood search in every stage, the relaxation-guided searches on request
only; then the ruin-and-recreate moves, their due-minute rules and record-to-record
travel; then the dispatcher's first starts). A change of layout or a
refactoring must leave every mission of both as it is. Times are compared in whole minutes and
tons in hundredths (the policy of :mod:`logistics.units`), so a change in how a plan
file prints a number is not taken for a change of plan.

Re-record only for a change that is meant to change plans, and say so in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logistics import generate, load_scenario, solve, verify
from logistics.catalog import scenarios_dir
from logistics.solve import SolveOptions

HERE = Path(__file__).parent / "data" / "same_plans"

# name -> (scenario, deterministic time limit used for the recording)
CASES = {
    "baghdad": (lambda: load_scenario(scenarios_dir() / "baghdad-embassy-2020.yaml"), 3),
    "gulf": (lambda: load_scenario(scenarios_dir() / "gulf-buildup-2019.yaml"), 1),
    "gen-S-1": (lambda: generate("S", seed=1), 3),
    "gen-M-1": (lambda: generate("M", seed=1), 2),
}


def _key(missions: list[dict]) -> list[tuple]:
    out = []
    for m in missions:
        legs = tuple((lg["from"], lg["to"], round(lg["depart_hour"] * 60), round(lg["arrive_hour"] * 60))
                     for lg in m["legs"])
        loads = tuple(sorted((ld["unit"], ld["pax"], *(round(ld[c] * 100) for c in
                                                       ("bulk_stons", "oversize_stons", "outsize_stons")))
                             for ld in m["loads"]))
        out.append((m["aircraft"], m["origin"], m["destination"], legs, loads))
    return out


#: the solve's settings before issue 21 changed its defaults: the plans recorded at
#: b64e17e (``tests/data/same_plans_b64e17e/``) must still come out of them unchanged
BEFORE_ISSUE_21 = {"relax_share": 0.7, "flying_share": 0.6, "lns_share": 0.0, "naive_start": False}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("recorded", ["same_plans", "same_plans_b64e17e"])
def test_same_missions_as_recorded(name: str, recorded: str) -> None:
    make, limit = CASES[name]
    s = make()
    legacy = BEFORE_ISSUE_21 if recorded.endswith("b64e17e") else {}
    plan = solve(s, options=SolveOptions(time_limit=limit, deterministic=True, **legacy))
    assert verify(s, plan) == []
    want = json.loads((HERE.parent / recorded / f"{name}.json").read_text())
    got = plan.to_dict()
    assert _key(got["missions"]) == _key(want["missions"])
    assert {u["id"]: u["destination"] for u in got["units"]} == want["destinations"]
