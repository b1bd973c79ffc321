"""Opening a plan file on the Plan page, in headless Chromium (issue 24).

The library writes a plan of the tiny scenario (``logistics.solve`` for 3 s, checked with
``logistics.verify``) and a plan of the bundled Baghdad scenario; the browser uploads the
tiny scenario on the Scenario page and opens the tiny plan with the Plan page's
"Open a plan file (JSON)": the page shows that plan (closure, missions, undelivered as in
the file) and says it was opened from the file. The Baghdad plan, a file that is not JSON
and a plan file with wrong fields are refused in plain words naming the file and what is
wrong, with no traceback, and the opened plan stays; a reload finds it again (kept on
disk like a solved plan). Screenshots go to ``test-artifacts/screenshots``
(``plan-upload-*.png``); no request may leave the machine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_browser import ROOT, TINY, idle, metrics, nav, shot, upload_until
from test_browser_sessions import Server, own_browser, own_server, planner

import logistics
from logistics.plan import Plan
from logistics.scenario import load_scenario

pytestmark = pytest.mark.browser

BAGHDAD = ROOT / "data" / "scenarios" / "baghdad-embassy-2020.yaml"
TINY_NAME = "Tiny Kuwait lift (browser test)"
UPLOADER = "Open a plan file (JSON)"


@dataclass
class Files:
    """The plan files the test opens, and the plan the tiny one holds."""

    tiny: Path
    plan: Plan
    baghdad: Path
    baghdad_name: str
    not_json: Path
    wrong_fields: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    d = tmp_path_factory.mktemp("plan-files")
    tiny = load_scenario(TINY)
    plan = logistics.solve(tiny, time_limit=3)
    assert plan.missions and logistics.verify(tiny, plan) == []
    plan.save(d / "tiny-plan.json")
    assert Plan.load(d / "tiny-plan.json") == plan
    baghdad = load_scenario(BAGHDAD)
    other = logistics.solve(baghdad, time_limit=2)
    other.save(d / "baghdad-plan.json")
    text = (d / "tiny-plan.json").read_text()
    (d / "truncated.json").write_text(text[: len(text) // 2])
    wrong = json.loads(text)
    wrong["status"] = "great"
    del wrong["missions"][0]["aircraft"]
    (d / "wrong-fields.json").write_text(json.dumps(wrong))
    return Files(d / "tiny-plan.json", plan, d / "baghdad-plan.json", baghdad.name,
                 d / "truncated.json", d / "wrong-fields.json")


@pytest.fixture(scope="module")
def server(files: Files, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with own_server(tmp_path_factory, "plan-upload") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator:
    with own_browser() as b:
        yield b


def expected_cards(plan: Plan) -> dict[str, str]:
    """The Plan page's KPI cards as they must read for ``plan``."""
    k = plan.kpis
    ch = k["closure_hour"]
    return {"Force closure": "-" if ch is None else f"h{ch:.1f}",
            "Late units": f"{k.get('late_units', 0)} of {len(plan.units)}",
            "Undelivered soldiers": f"{k.get('undelivered_pax', 0):,}",
            "Undelivered st": f"{k.get('undelivered_stons', 0):,.1f}",
            "Missions": f"{k.get('missions', 0)}",
            "Status": plan.status}


def upload_plan(pg, path: Path) -> None:
    """Give ``path`` to the Plan page's plan-file uploader."""
    box = pg.locator('[data-testid="stFileUploader"]', has_text=UPLOADER)
    box.locator('input[type="file"]').set_input_files(str(path))
    pg.get_by_text(path.name).first.wait_for()
    idle(pg)


def cards(pg) -> dict[str, str]:
    """The KPI cards of the Plan page that :func:`expected_cards` names."""
    shown = metrics(pg)
    return {k: v.splitlines()[0].strip() for k, v in shown.items() if not k.startswith("Gap")
            and k != "Flying hours"}


def no_traceback(pg, step: str) -> None:
    boxes = pg.locator('[data-testid="stException"]')
    assert boxes.count() == 0, f"{step}: {boxes.first.inner_text()[:800]}"
    body = pg.locator("body").inner_text()
    assert "Traceback" not in body and 'File "' not in body, f"{step}: {body[:800]}"


def problems_table(pg, name: str) -> str:
    """The text of the problems table (file, where, problem) under the error, once its
    accessible twin (the hidden table of the cells drawn) names the file ``name``."""
    box = pg.locator('[data-testid="stExpander"]', has_text=UPLOADER)
    grid = box.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    grid.locator('td[role="gridcell"]', has_text=name).first.wait_for(state="attached")
    return grid.text_content() or ""


def open_tiny_scenario(pg, server: Server) -> None:
    pg.goto(server.url + "/")
    pg.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    idle(pg)
    upload_until(pg, pg.locator('[data-testid="stFileUploaderDropzoneInput"]').first, TINY,
                 pg.get_by_text(re.compile(re.escape(TINY_NAME) + " is valid")))
    shot(pg, "plan-upload-01-scenario")


def open_the_plan(pg, files: Files) -> dict[str, str]:
    """Open the tiny plan: the page shows it and says where it came from; its cards."""
    nav(pg, "Plan")
    pg.get_by_text(re.compile("^No plan yet")).wait_for()
    shot(pg, "plan-upload-02-no-plan")
    upload_plan(pg, files.tiny)
    pg.get_by_text(f"Opened {files.tiny.name}: it keeps every rule.").wait_for()
    pg.get_by_text(re.compile("^Gap")).first.wait_for()
    idle(pg)
    shot(pg, "plan-upload-03-opened")
    no_traceback(pg, "opened")
    want = expected_cards(files.plan)
    assert cards(pg) == want
    k = files.plan.kpis
    sidebar = pg.locator('[data-testid="stSidebar"]').inner_text()
    assert f"closure h{k['closure_hour']:.1f}, {k['missions']} missions" in sidebar, sidebar
    return want


def test_a_plan_file_is_shown_and_bad_files_are_refused_plainly(browser, server: Server, files: Files) -> None:
    with planner(browser, "plan-upload") as pg:
        open_tiny_scenario(pg, server)
        want = open_the_plan(pg, files)

        upload_plan(pg, files.baghdad)  # a plan of another scenario
        error = pg.locator('[data-testid="stAlert"]', has_text="is a plan for another scenario")
        error.wait_for()
        idle(pg)
        shot(pg, "plan-upload-04-other-scenario")
        text = error.inner_text()
        assert f"{files.baghdad.name} is a plan for another scenario" in text, text
        assert repr(files.baghdad_name) in text and repr(TINY_NAME) in text, text
        no_traceback(pg, "another scenario")
        assert cards(pg) == want, "the opened plan must stay"

        upload_plan(pg, files.not_json)  # half a file
        pg.get_by_text(re.compile(f"1 problem in {re.escape(files.not_json.name)}: the plan was not "
                                  "opened")).wait_for()
        idle(pg)
        table = problems_table(pg, files.not_json.name)
        shot(pg, "plan-upload-05-not-json")
        assert files.not_json.name in table and "not valid JSON" in table, table
        no_traceback(pg, "not JSON")
        assert cards(pg) == want, "the opened plan must stay"

        upload_plan(pg, files.wrong_fields)  # JSON, but not a plan
        pg.get_by_text(re.compile(f"2 problems in {re.escape(files.wrong_fields.name)}")).wait_for()
        idle(pg)
        table = problems_table(pg, files.wrong_fields.name)
        shot(pg, "plan-upload-06-wrong-fields")
        for part in (files.wrong_fields.name, "status", "must be one of optimal", "'great'",
                     "missions[0].aircraft"):
            assert part in table, (part, table)
        no_traceback(pg, "wrong fields")
        assert cards(pg) == want, "the opened plan must stay"

        pg.reload()  # a new session on the same URL: the opened plan was kept on disk
        pg.get_by_role("heading", name=re.compile("^Plan$")).wait_for()
        pg.get_by_text(re.compile("^Gap")).first.wait_for()
        idle(pg)
        shot(pg, "plan-upload-07-reloaded")
        assert cards(pg) == want
