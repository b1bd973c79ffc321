"""Every page of the app in a real browser (headless Chromium, as ``test_browser.py``),
screenshotted whole to ``test-artifacts/screenshots/page-<name>.png`` for a person to
look at: the bundled scenario, a short solve, the Plan page with each of its tabs and
views (closure, timeline by airframe and by airfield, ground vs MOG, fleet, map, the four
tables, the limits), Compare with two variants (a readiness edit between them) and
Robustness after a tiny sweep. Each page must render without a Streamlit exception box.
No request may leave the machine (the ``page`` fixture checks)."""

from __future__ import annotations

import re

import pytest
from test_browser import (
    SHOTS,
    SOLVE,
    STEP,
    browser,
    click_solve,
    click_until,
    edit_cell,
    idle,
    nav,
    open_plan,
    page,
    pick,
    save_variant,
    server,
    set_time_limit,
    shot,
    slide,
)

pytestmark = pytest.mark.browser
__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_browser.py

VALID = re.compile("Baghdad embassy response, 31 Dec 2019 is valid")
PLAN_TABS = {"Closure": "closure", "Timeline": "timeline", "Airfields vs MOG": "mog", "Fleet": "fleet",
             "Map": "map", "Tables": "tables"}


def clean_shot(page, name: str) -> None:
    """Screenshot the page as ``page-<name>``; it shows no exception box."""
    idle(page)
    shot(page, f"page-{name}")
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, f"{name}: {boxes.first.inner_text()[:800]}"


def solve(page, seconds: int) -> None:
    nav(page, "Solve")
    set_time_limit(page, seconds)
    click_solve(page)
    page.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
    idle(page)


def charts_drawn(page, tabs: bool = True) -> None:
    """The charts of the visible tab (or of the page) have drawn something."""
    panel = page.locator('[role="tabpanel"]:visible').last if tabs else page.locator('[data-testid="stMain"]')
    chart = panel.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for()
    chart.locator("canvas, svg").first.wait_for()
    page.wait_for_timeout(800)  # for the picture: the chart finishes drawing


def plan_views(page) -> None:
    """Each tab of the Plan page, and each view inside the timeline and the tables."""
    for tab, name in PLAN_TABS.items():
        show_tab(page, tab)
        if tab == "Map":
            page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for()
            page.wait_for_timeout(1500)  # for the picture: the map's tiles and arcs drawn
        elif tab == "Tables":
            for view in ("missions", "units", "loads", "legs"):
                show_tab(page, tab)
                pick(page, page.locator('[role="tabpanel"]:visible').last, view)
                page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').last.wait_for()
                page.wait_for_timeout(500)  # for the picture: the grid finishes drawing
                clean_shot(page, f"plan-tables-{view}")
            continue
        else:
            charts_drawn(page)
        if tab == "Timeline":
            clean_shot(page, "plan-timeline-airframe")
            pick(page, page.locator('[role="tabpanel"]:visible').last, "by airfield")
            page.get_by_text(re.compile("^Ground time at each airfield")).wait_for()
            charts_drawn(page)
            name = "plan-timeline-airfield"
        else:
            name = f"plan-{name}"
        clean_shot(page, name)


def show_tab(page, tab: str) -> None:
    click_until(page, page.get_by_role("tab", name=tab, exact=True),
                page.get_by_role("tab", name=tab, exact=True, selected=True))


def test_every_page_renders_and_is_screenshotted(page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_text(VALID).wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    clean_shot(page, "scenario")

    solve(page, 4)
    clean_shot(page, "solve")
    open_plan(page)
    clean_shot(page, "plan")
    limits = page.locator('[data-testid="stExpander"]', has_text="What limits this plan").first
    limits.scroll_into_view_if_needed()
    limits.screenshot(path=str(SHOTS / "page-plan-limits.png"))
    plan_views(page)
    save_variant(page, "baseline")

    # the second variant: 100 fewer soldiers in the lead battalion
    nav(page, "Scenario")
    edit_cell(page, "Units", row=0, right=4, old="750", value="650",
              expect=re.compile(r"is valid: 8 units, 3,900 soldiers"))
    solve(page, 3)
    open_plan(page)
    save_variant(page, "lead battalion 650")
    nav(page, "Compare")
    page.get_by_text("Closure per unit against").wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "lead battalion 650" in body and "2-504-PIR" in body, body[:800]
    clean_shot(page, "compare")

    nav(page, "Robustness")
    samples, limit = page.get_by_role("slider").nth(0), page.get_by_role("slider").nth(1)
    slide(page, samples, ["Home"], "5")  # the least: 5 samples, 0.2 s each
    slide(page, limit, ["Home"], "0.2")
    page.get_by_role("button", name=re.compile("Run sweep")).click()
    page.get_by_text("Most frequent binding limits").wait_for(timeout=4 * STEP)
    idle(page)
    assert "5 samples" in page.locator('[data-testid="stMain"]').inner_text()
    charts_drawn(page, tabs=False)
    clean_shot(page, "robustness")
