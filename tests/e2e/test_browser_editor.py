"""The Scenario page's units table in a real browser (headless Chromium, as
``test_browser.py``): -5 typed as a unit's soldiers stays -5 in the grid (the grid used
to drop the sign), the library's message naming the unit, its row and the column appears
directly under the table, the Solve page refuses to start, and 2.5 stays 2.5 (the grid
used to make it 25). Putting 750 back makes the scenario valid again. Screenshots go to
``test-artifacts/screenshots`` (``editor-*.png``). No request may leave the machine (the
``page`` fixture checks)."""

from __future__ import annotations

import re

import pytest
from test_browser import browser, edit_cell, idle, nav, page, server, shot

pytestmark = pytest.mark.browser
__all__ = ["browser", "page", "server"]  # the fixtures, shared with test_browser.py

PAX = 4  # the soldiers (pax) column: right of id, name, origin, destinations
VALID = re.compile("Baghdad embassy response, 31 Dec 2019 is valid")
#: Streamlit's Markdown draws the library's ">=" as "≥"
NEGATIVE = re.compile(r"units\[0\]\.pax \(row 0, 2-504-PIR; column “pax”\): must be (>=|≥) 0 \(got -5\)")
FRACTION = re.compile(r"units\[0\]\.pax \(row 0, 2-504-PIR; column “pax”\): must be a whole number \(got 2\.5\)")


def units_grid(page):
    return page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first


def cell_text(page, row: int, right: int) -> str:
    """What the grid holds in a cell (its accessible twin, a hidden table cell)."""
    cell = units_grid(page).locator(f'[data-testid="glide-cell-{1 + right}-{row}"]')
    cell.wait_for(state="attached")
    return cell.inner_text().strip()


def assert_under_the_table(page, message: re.Pattern) -> None:
    """The message is the first thing below the units table."""
    grid = units_grid(page).bounding_box()
    alert = page.locator('[data-testid="stAlert"]', has_text=message).first
    alert.wait_for()
    box = alert.bounding_box()
    assert grid and box, (grid, box)
    gap = box["y"] - (grid["y"] + grid["height"])
    assert 0 <= gap < 40, f"the message is {gap:.0f} px below the table"


def test_negative_soldiers_stay_typed_are_named_under_the_table_and_block_the_solve(page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_text(VALID).wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    idle(page)
    assert cell_text(page, 0, PAX) == "750"

    edit_cell(page, "Units", row=0, right=PAX, old="750", value="-5", expect=NEGATIVE)
    assert cell_text(page, 0, PAX) == "-5"  # as typed: not 5, not 0
    assert_under_the_table(page, NEGATIVE)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "1 problem in the scenario" in body and "Your edits are kept" in body, body[:600]
    assert page.get_by_role("tab", name=re.compile(r"^Units.*\(1\)")).count() == 1
    shot(page, "editor-01-negative-pax")

    nav(page, "Solve")
    assert page.get_by_role("button", name=re.compile("^.*Solve$")).is_disabled()
    page.get_by_text(re.compile("fix them on the Scenario page before solving")).wait_for()
    shot(page, "editor-02-solve-refused")

    # back on the Scenario page the table is built again from the scenario as edited
    nav(page, "Scenario")
    page.get_by_text(NEGATIVE).wait_for()
    assert cell_text(page, 0, PAX) == "-5"
    edit_cell(page, "Units", row=0, right=PAX, old="-5", value="2.5", expect=FRACTION)
    assert cell_text(page, 0, PAX) == "2.5"  # not 25
    assert_under_the_table(page, FRACTION)
    shot(page, "editor-03-fraction-pax")

    edit_cell(page, "Units", row=0, right=PAX, old="2.5", value="750", expect=VALID)
    assert not page.get_by_text(re.compile(r"units\[0\]\.pax")).count()
    nav(page, "Solve")
    assert page.get_by_role("button", name=re.compile("^.*Solve$")).is_enabled()
    shot(page, "editor-04-fixed-solve-ready")
