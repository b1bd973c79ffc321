"""Re-planning in a real browser (headless Chromium, as ``test_browser.py``): upload the
tiny Kuwait lift, solve it, set now to h8, add "2 C-17A withdrawn from h40", re-plan
from now and read the kept / changed / cancelled / added missions; the downloaded plans
are checked with :func:`logistics.verify` (rule FROZEN included) and the counts shown
against the plan file's ``replan``. Screenshots go to ``test-artifacts/screenshots``
(``replan-*.png``). No request may leave the machine (the ``page`` fixture checks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_browser import (
    SOLVE,
    TINY,
    browser,
    click_solve,
    click_until,
    idle,
    metrics,
    nav,
    open_plan,
    page,
    server,
    set_time_limit,
    shot,
    upload_until,
)

from app.replan_events import apply_events
from logistics.plan import Plan
from logistics.scenario import Scenario
from logistics.verify import verify

pytestmark = pytest.mark.browser
__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_browser.py

NOW = 8
EVENT = {"kind": "withdraw", "type": "C-17A", "count": 2, "from_hour": 40.0}


def download_plan(page, path: Path) -> Plan:
    with page.expect_download() as dl:
        page.get_by_role("button", name="JSON", exact=True).click()
    dl.value.save_as(path)
    return Plan.from_json(path.read_bytes())


def set_number(page, label: str, value: float) -> None:
    idle(page)
    box = page.get_by_label(label, exact=True)
    box.fill(f"{value:g}")
    box.press("Enter")
    idle(page)


def test_set_now_withdraw_aircraft_and_replan(page, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    idle(page)
    upload_until(page, page.locator('[data-testid="stFileUploaderDropzoneInput"]').first, TINY,
                 page.get_by_text(re.compile("Tiny Kuwait lift \\(browser test\\) is valid")))

    nav(page, "Solve")
    set_time_limit(page, 3)
    click_solve(page)
    page.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
    idle(page)
    open_plan(page)
    old = download_plan(page, tmp_path / "flown.json")

    # now: h8, shown as a DTG, the started missions on the timeline
    set_number(page, "Now (hours from C-hour 0)", NOW)
    page.get_by_text(re.compile(r"Now: 010800Z JAN 20")).wait_for()
    timeline = page.get_by_role("tab", name="Timeline")
    click_until(page, timeline, page.get_by_role("tab", name="Timeline", selected=True))
    page.locator('[data-testid="stVegaLiteChart"]:visible').first.wait_for()
    page.wait_for_timeout(800)  # for the picture: the chart finishes drawing
    shot(page, "replan-01-now-timeline")

    # what changed: two C-17s withdrawn from h40
    click_until(page, page.get_by_text(re.compile("^What changed\\? Events")),
                page.get_by_text("Aircraft withdrawn").first)
    set_number(page, "How many", 2)
    set_number(page, "Withdrawn from hour", 40)
    page.get_by_role("button", name=re.compile("Add event")).click()
    page.get_by_text(re.compile("2 C-17A withdrawn from h40")).first.wait_for()
    idle(page)
    shot(page, "replan-02-event")

    # a click the page lost under load is made again, but only when no re-plan started
    result = page.get_by_role("heading", name=re.compile(r"^Re-plan from h8"))
    started = page.get_by_text(re.compile(r"^(Re-planning: |No re-plan from h8)")).first.or_(result)
    click_until(page, page.get_by_role("button", name=re.compile("Re-plan from now")), started)
    result.wait_for(timeout=SOLVE)
    page.get_by_text(re.compile("^Kept$")).first.wait_for()
    idle(page)
    shot(page, "replan-03-result")
    shown = metrics(page)
    new = download_plan(page, tmp_path / "replan.json")

    d, problems = apply_events(yaml.safe_load(TINY.read_text()), [EVENT])
    assert problems == []
    s = Scenario.from_dict(d)
    assert new.replan is not None and new.replan["now_hour"] == NOW
    assert verify(s, new, previous=old, now_hour=NOW) == []
    assert {k: int(shown[k.capitalize()]) for k in ("kept", "changed", "cancelled", "added")} == \
        {k: len(new.replan[k]) for k in ("kept", "changed", "cancelled", "added")}
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "before re-plan at h8" in body  # the plan being flown, kept as a variant

    nav(page, "Compare")
    page.get_by_text("Missions changed by a re-plan").wait_for()
    shot(page, "replan-04-compare")
