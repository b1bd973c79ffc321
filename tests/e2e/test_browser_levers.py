"""What a change buys, in a real browser (headless Chromium, as ``test_browser.py``):
upload a tiny ramp-bound lift (Pope's MOG 1, two loads of 100 soldiers), solve it, open
the Plan page, read the lever "KPOB MOG 1 -> 2 over h0.0-h6.5", press Find out (the
re-plans run on local processes, as for a planner), read what it buys in the table and
apply it to the scenario. Screenshots go to ``test-artifacts/screenshots``
(``levers-*.png``). No request may leave the machine (the ``page`` fixture checks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_browser import (
    SOLVE,
    STEP,
    browser,
    click_solve,
    click_until,
    idle,
    nav,
    open_plan,
    page,
    server,
    set_time_limit,
    shot,
    upload_until,
)

from logistics.scenario import load_scenario

pytestmark = pytest.mark.browser
__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_browser.py

#: the lever, as the page shows it: Streamlit's Markdown draws " -> " as an arrow
SHOWN = re.compile(r"KPOB MOG 1 (->|→) 2 over h0\.0-h6\.5")
RAMP = {
    "format": "logistics-scenario/1", "name": "Ramp-bound lift (browser test)",
    "description": "Pope Field parks one aircraft: the second load waits for the first.",
    "start": "2020-01-01T00:00:00Z", "horizon_hours": 120,
    "aircraft": [{"type": "C-17A", "count": 4}],
    "airfields": [{"icao": "KPOB", "mog": 1}],
    "destinations": [{"airfield": "OKAS", "capacity_pax": 5000}],
    "enroute": ["ETAR", "LERT"],
    "units": [{"id": "A", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100},
              {"id": "B", "origin": "KPOB", "destinations": ["OKAS"], "pax": 100}],
}


def test_find_out_what_a_ramp_spot_buys_and_apply_it(page, server: str, tmp_path: Path) -> None:
    path = tmp_path / "ramp.yaml"
    path.write_text(yaml.safe_dump(RAMP, sort_keys=False))
    page.goto(server + "/")
    page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    idle(page)
    upload_until(page, page.locator('[data-testid="stFileUploaderDropzoneInput"]').first, path,
                 page.get_by_text(re.compile(r"Ramp-bound lift \(browser test\) is valid")))

    nav(page, "Solve")
    set_time_limit(page, 3)
    click_solve(page)
    page.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
    idle(page)
    open_plan(page)

    panel = page.locator('[data-testid="stExpander"]', has_text="What would a change buy? (1 lever)")
    panel.get_by_text(SHOWN).first.wait_for()
    box = page.get_by_label("Time for all the re-plans (s)", exact=True)
    idle(page)
    box.fill("10")
    box.press("Enter")
    idle(page)
    page.get_by_role("button", name=re.compile("Find out")).click()
    page.get_by_text(re.compile(r"Re-planning 1 relaxed scenario and the unchanged one: .* about 10 s in all")) \
        .wait_for()
    shot(page, "levers-01-running")

    page.get_by_text("closure -3.25 h", exact=True).wait_for(timeout=4 * STEP)  # processes start slowly when loaded
    idle(page)
    body = panel.inner_text()
    assert SHOWN.search(body) and "Δ closure" in body and "-3.25 h" in body, body
    assert "against the unchanged scenario re-planned the same way" in body and "not a proof" in body
    panel.scroll_into_view_if_needed()
    shot(page, "levers-02-table")

    panel.get_by_role("button", name=re.compile("Apply")).click()
    page.get_by_text(re.compile(f"Applied to the scenario being edited: {SHOWN.pattern}")).wait_for()
    idle(page)
    assert panel.get_by_role("button", name=re.compile("Applied")).is_disabled()
    shot(page, "levers-03-applied")

    # the Scenario page shows the step (Airfields tab, MOG changes) and its YAML carries it
    nav(page, "Scenario")
    airfields = page.get_by_role("tab", name=re.compile("^Airfields"))
    click_until(page, airfields, page.get_by_text(re.compile(r"Overrides in this scenario: KPOB \(mog 1\)")).first)
    page.wait_for_timeout(700)
    shot(page, "levers-04-scenario-airfields")
    with page.expect_download() as dl:
        page.get_by_role("button", name=re.compile("Download YAML")).click()
    out = tmp_path / "applied.yaml"
    dl.value.save_as(out)
    s = load_scenario(out)
    assert [s.mog_at("KPOB", h) for h in (0, 6.4, 6.5)] == [2, 2, 1] and len(s.units) == 2
