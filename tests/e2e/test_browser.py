"""The app in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright against ``streamlit run app/main.py`` on a free local port.

One session walks the planner's loop: load, upload a tiny scenario, solve, read the
KPIs, download the plan JSON and check it with :func:`logistics.verify.verify`, edit
OKAS's MOG in the airfields table, solve again and see the KPIs change, compare the
two as variants, then start a long solve of the bundled Baghdad scenario, cancel it and
still get a plan. Every page is screenshotted to ``test-artifacts/screenshots``. Every
request the page makes is recorded; none may leave the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from logistics.plan import Plan
from logistics.scenario import load_scenario
from logistics.verify import verify

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
TINY = Path(__file__).with_name("tiny-kuwait.yaml")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str) -> Iterator:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    urls: list[str] = []
    pg.on("request", lambda r: urls.append(r.url))
    pg.on("websocket", lambda ws: urls.append(ws.url))
    yield pg
    with contextlib.suppress(Exception):  # the last state, for a failure's post-mortem
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / "zz-last.png"), full_page=True)
    ctx.close()
    foreign = sorted({u for u in urls if not u.startswith(("data:", "blob:"))
                      and urlparse(u).hostname not in LOCAL})
    assert not foreign, f"requests left the machine: {foreign}"


# ----- helpers ---------------------------------------------------------------------------------
def shot(page, name: str) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its own container, so the
    viewport is stretched to the content for the picture and restored after."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    size = page.viewport_size
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }")
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 5000)})
        page.wait_for_timeout(600)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if size and height > size["height"]:
        page.set_viewport_size(size)


def idle(page) -> None:
    """Wait until the script run is over (an edit sent during a run can be lost)."""
    page.wait_for_timeout(250)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'", timeout=60_000)


def nav(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
    page.get_by_role("heading", name=re.compile(f"^{title}")).first.wait_for()
    idle(page)


def metrics(page) -> dict[str, str]:
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def set_time_limit(page, seconds: int) -> None:
    slider = page.get_by_role("slider").first
    slider.focus()
    if seconds >= 300:
        slider.press("End")  # the slider's maximum, 300 s
    else:
        slider.press("Home")  # 1 s
        for _ in range(seconds - 1):
            slider.press("ArrowRight")
    idle(page)


def solve_and_open_plan(page, seconds: int, shot_name: str) -> dict[str, str]:
    nav(page, "Solve")
    set_time_limit(page, seconds)
    page.get_by_role("button", name=re.compile("^.*Solve$")).click()
    page.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=90_000)
    idle(page)
    shot(page, shot_name)
    open_plan(page)
    return metrics(page)


def open_plan(page) -> None:
    page.get_by_role("button", name=re.compile("Open the plan")).click()
    page.get_by_role("heading", name=re.compile("^Plan$")).wait_for()
    page.get_by_text(re.compile("^Gap")).first.wait_for()  # the last KPI card
    idle(page)


def save_variant(page, name: str) -> None:
    box = page.get_by_label(re.compile("^Save (this|the current) plan as a variant"))
    box.fill(name)
    page.get_by_role("button", name=re.compile("Save variant")).click()
    idle(page)


def edit_cell(page, tab: str, row: int, right: int, old: str, value: str, expect: re.Pattern) -> None:
    """Replace ``old`` by ``value`` in the table of ``tab`` at ``row``, ``right`` columns
    right of the first, and wait for the page to show ``expect``.

    The grid is a canvas driven by keys: a click selects the row's first cell, focusing
    that cell's accessible twin (a hidden table cell) routes the keys to the grid, the
    arrows move right, Enter opens the cell editor, whose content must be ``old``.
    """
    seen = []
    for _ in range(3):
        shown = _type_cell(page, tab, row, right, old, value)
        if shown is None:
            break
        seen.append(shown)
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)
    else:
        raise AssertionError(f"could not open the cell ({row}, +{right}) holding {old!r} in {tab}: {seen}")
    page.get_by_text(expect).first.wait_for()


def _type_cell(page, tab: str, row: int, right: int, old: str, value: str) -> str | None:
    """Type the value; ``None`` when done, else what the opened cell editor showed."""
    page.get_by_role("tab", name=re.compile(f"^{tab}")).click()
    grid = page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first
    first = grid.locator(f'[data-testid="glide-cell-1-{row}"]')
    try:
        first.wait_for(state="attached", timeout=5_000)
    except Exception:  # scrolled right (after an edit, or a failed attempt): back to the left
        grid.hover()
        page.mouse.wheel(-5000, 0)
        page.wait_for_timeout(400)
        try:
            first.wait_for(state="attached", timeout=5_000)
        except Exception:
            return "(first column not shown)"
    idle(page)
    page.wait_for_timeout(300)
    grid.click(position={"x": 70, "y": 35 + 35 * row + 17})  # header and rows: 35 px
    page.wait_for_timeout(200)
    first.focus()
    page.wait_for_timeout(100)
    for _ in range(right):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(100)
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    shown = page.evaluate("() => document.activeElement && document.activeElement.value")
    if shown is None or str(shown).strip() != old:
        return str(shown)
    page.keyboard.press("Control+a")
    page.keyboard.type(value)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    idle(page)
    return None


# ----- the test ------------------------------------------------------------------------------------
def test_edit_solve_cancel_download_offline(page, server: str, tmp_path: Path) -> None:
    t0 = time.time()
    page.goto(server + "/")
    page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    idle(page)
    shot(page, "01-scenario-default")

    # upload the tiny scenario
    # the scenario uploader (the Units tab has another, for a units spreadsheet)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(TINY))
    page.get_by_text(re.compile("Tiny Kuwait lift \\(browser test\\) is valid")).wait_for()
    idle(page)

    # solve it; read the KPIs
    before = solve_and_open_plan(page, 3, "02-solve-finished")
    assert before["Undelivered soldiers"] != "300", before  # something lands
    shot(page, "03-plan-tiny")

    # download the plan JSON and check it against the scenario with the library's checker
    with page.expect_download() as dl:
        page.get_by_role("button", name=re.compile("^(?!Geo).*JSON$")).click()  # not GeoJSON
    path = tmp_path / "plan.json"
    dl.value.save_as(path)
    plan = Plan.from_json(path.read_bytes())
    assert json.loads(path.read_text())["format"] == "logistics-plan/1"
    assert plan.missions, "the tiny plan flies missions"
    violations = verify(load_scenario(TINY), plan)
    assert violations == [], violations
    save_variant(page, "baseline")

    # edit OKAS's MOG (row 1 of the airfields table: KPOB, OKAS, ETAR) to 0
    nav(page, "Scenario")
    edit_cell(page, "Airfields", row=1, right=1, old="6", value="0",  # MOG follows ICAO
              expect=re.compile(r"Overrides in this scenario: OKAS \(mog 0\)"))
    shot(page, "04-scenario-mog-edit")

    after = solve_and_open_plan(page, 3, "05-solve-after-edit")
    assert after != before
    assert after["Undelivered soldiers"] == "300", after  # nothing may land at OKAS now
    shot(page, "06-plan-after-edit")
    save_variant(page, "OKAS MOG 0")

    nav(page, "Compare")
    page.get_by_text("Closure per unit against").wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Units that changed destination" in body
    shot(page, "07-compare")

    # a long solve of the bundled scenario, cancelled: the best plan found is kept
    nav(page, "Scenario")
    page.get_by_role("button", name=re.compile("Load$")).click()
    page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    idle(page)
    nav(page, "Solve")
    set_time_limit(page, 300)
    page.get_by_role("button", name=re.compile("^.*Solve$")).click()
    page.get_by_text(re.compile(r"^Stage \d of \d")).first.wait_for()
    deadline = time.time() + 40
    while time.time() < deadline:  # until a first incumbent is in
        m = metrics(page)
        if m.get("Solutions", "0") not in ("0", ""):
            break
        page.wait_for_timeout(500)
    shot(page, "08-solve-running")
    page.get_by_role("button", name=re.compile("Cancel")).click()
    page.get_by_text(re.compile(r"^Cancelled after")).wait_for(timeout=60_000)
    idle(page)
    shot(page, "09-solve-cancelled")
    assert "Plan status" in page.locator('[data-testid="stMain"]').inner_text()
    open_plan(page)
    assert "Force closure" in metrics(page)
    shot(page, "10-plan-baghdad-closure")
    for i, tab in enumerate(["Timeline", "Airfields vs MOG", "Fleet", "Map", "Tables"], start=11):
        page.get_by_role("tab", name=tab).click()
        if tab == "Map":
            page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for()
            page.wait_for_timeout(1500)
        else:
            page.wait_for_timeout(700)
        shot(page, f"{i}-plan-baghdad-{tab.lower().replace(' ', '-')}")

    # a rule broken in the units table: the message names the entry, the edit stays
    nav(page, "Scenario")
    edit_cell(page, "Units", row=0, right=8, old="18", value="70",  # ready (ALD), after LAD 60
              expect=re.compile(r"units\[0\]\.latest_arrival_hour"))
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "row 0, 2-504-PIR" in body and "must be after ready_hour (70)" in body, body[-600:]
    shot(page, "16-scenario-problem")
    nav(page, "Solve")
    assert page.get_by_role("button", name=re.compile("^.*Solve$")).is_disabled()
    assert time.time() - t0 < 180
