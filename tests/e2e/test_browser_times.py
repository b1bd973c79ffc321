"""Times and airframes in a real browser (headless Chromium, as ``test_browser.py``):
solve the tiny Kuwait lift briefly, open the Plan page, read the force closure's Zulu
DTG and C-day on its card, look at the timeline by airframe (a row per tail, missions
labelled with troops and tons) and by airfield, and the route map. Screenshots go to
``test-artifacts/screenshots`` (``times-*.png``). No request may leave the machine (the
``page`` fixture checks)."""

from __future__ import annotations

import re

import pytest
from test_browser import (
    SHOTS,
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
    pick,
    server,
    set_time_limit,
    shot,
    upload_until,
)

pytestmark = pytest.mark.browser
__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_browser.py

DTG = re.compile(r"\d{6}Z [A-Z]{3} \d{2}")


def chart_shot(page, name: str) -> None:
    """A picture of the chart of the tab shown, at its own size: the viewport is made
    taller than the chart for it (Streamlit's header would cover the top of a chart as
    tall as the window)."""
    chart = page.locator('[data-testid="stVegaLiteChart"]:visible').first
    chart.wait_for()
    page.wait_for_timeout(700)
    size = page.viewport_size
    box = chart.bounding_box()
    if size and box and box["height"] + 200 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(box["height"]) + 300, 5000)})
        page.wait_for_timeout(600)
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(SHOTS / f"{name}.png"))
    if size:
        page.set_viewport_size(size)


def tab(page, name: str) -> None:
    """Show the Plan page's tab ``name``."""
    click_until(page, page.get_by_role("tab", name=name), page.get_by_role("tab", name=name, selected=True))


def test_closure_dtg_and_the_timeline_by_airframe(page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    idle(page)
    upload_until(page, page.locator('[data-testid="stFileUploaderDropzoneInput"]').first, TINY,
                 page.get_by_text(re.compile(r"Tiny Kuwait lift \(browser test\) is valid")))

    nav(page, "Solve")
    set_time_limit(page, 3)
    click_solve(page)
    page.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
    idle(page)
    open_plan(page)

    # the closure card: the hour, and under it its DTG and C-day
    card = page.locator('[data-testid="stMetric"]', has_text="Force closure").first
    text = card.inner_text()
    assert re.search(r"h\d+\.\d", metrics(page)["Force closure"]), text
    assert DTG.search(text) and re.search(r"C\+\d", text), text
    under = card.locator('[data-testid="stMetricDeltaDescription"]').inner_text()
    assert re.fullmatch(r"\d{6}Z [A-Z]{3} \d{2} · C\+\d", under.strip()), under
    page.locator('[data-testid="stMetric"]').first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "times-01-plan-cards.png"))

    # the timeline: by airframe is the first view; by airfield, and back
    tab(page, "Timeline")
    page.get_by_text(re.compile("^A row per airframe")).wait_for()
    chart_shot(page, "times-02-timeline-by-airframe")
    pick(page, page, "by airfield")
    page.get_by_text(re.compile("^Ground time at each airfield")).wait_for()
    chart_shot(page, "times-03-timeline-by-airfield")
    pick(page, page, "by airframe")
    page.get_by_text(re.compile("^A row per airframe")).wait_for()
    chart_shot(page, "times-04-timeline-by-airframe-again")
    shot(page, "times-05-plan-timeline")

    tab(page, "Map")
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for()
    page.wait_for_timeout(1500)  # for the picture: the map's tiles and arcs drawn
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(path=str(SHOTS / "times-06-map.png"))

    # the bundled Baghdad lift: Kuwait's two bases, 0.5 degree apart, labelled apart on the
    # map; two dozen airframes on the timeline
    nav(page, "Scenario")
    click_until(page, page.get_by_role("button", name=re.compile("Load$")),
                page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")))
    nav(page, "Solve")
    set_time_limit(page, 3)
    click_solve(page)
    page.get_by_text(re.compile(r"^(Finished|Cancelled) after")).wait_for(timeout=SOLVE)
    idle(page)
    open_plan(page)
    assert DTG.search(page.locator('[data-testid="stMetric"]', has_text="Force closure").first.inner_text())
    tab(page, "Timeline")
    page.get_by_text(re.compile("^A row per airframe")).wait_for()
    chart_shot(page, "times-07-timeline-baghdad")
    tab(page, "Map")
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for()
    page.wait_for_timeout(1500)  # for the picture
    page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot(path=str(SHOTS / "times-08-map-baghdad.png"))
