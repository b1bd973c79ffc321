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
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
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

# The machine may be loaded (CI's 2 cores are shared with CP-SAT solves): a step waits for
# what the page shows, never for a fixed time, with generous bounds, and a click that the
# page can lose (a run drawing the element again under the pointer) is made again when it
# is idempotent.

#: a step of the page: a click's effect, a text or an element to appear (milliseconds)
STEP = 60_000
#: a short solve (a few seconds of time limit) from its click to its result
SOLVE = 180_000
#: the app's script run is over for this long before :func:`idle` returns (milliseconds):
#: on a loaded machine a run starts some time after the click that asks for it
QUIET = 500


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
    pg.set_default_timeout(STEP)
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
_IDLE = """({quiet, token}) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const ok = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
             && app.getAttribute('data-test-connection-state') === 'CONNECTED';
  let w = window.__e2eIdle;
  if (!w || w.token !== token) w = window.__e2eIdle = {token, since: null};
  if (!ok) { w.since = null; return false; }
  const now = performance.now();
  if (w.since === null) w.since = now;
  return now - w.since >= quiet;
}"""
_IDLE_CALLS = itertools.count(1)  # a token per call: its own quiet period


def idle(page, timeout: int = 2 * STEP) -> None:
    """Wait until the script run is over: the app connected and not running for
    :data:`QUIET` ms on end (an edit sent during a run can be lost). Not during a solve:
    its live panel runs every half second."""
    page.wait_for_function(_IDLE, arg={"quiet": QUIET, "token": next(_IDLE_CALLS)}, polling=50,
                           timeout=timeout)


class Retried(UserWarning):
    """A step of a browser test that had to be made again (the test went on): shown in
    pytest's warnings summary, so that a step the page keeps losing is seen."""


def retried(what: str, why: list[str]) -> None:
    warnings.warn(Retried(f"{what}: made again after {'; '.join(why)}"), stacklevel=3)


def click_until(page, target, shown, attempts: int = 3, each: int = STEP // 2) -> None:
    """Click ``target`` until ``shown`` is visible, then wait for the run to end. Only for
    an idempotent click (a page link, a tab, a Load): a click the page lost is made again
    once the page is idle, unless ``shown`` came meanwhile."""
    _until(page, target.click, f"click on {target}", shown, attempts, each)


def upload_until(page, field, path, shown, attempts: int = 3, each: int = STEP // 2) -> None:
    """Give ``path`` to the file input ``field`` until ``shown`` is visible, then wait for
    the run to end: an upload the page lost (seen on a loaded CI machine, where the
    scenario never became valid) is given again once the page is idle."""
    _until(page, lambda: field.set_input_files(str(path)), f"upload of {Path(path).name}",
           shown, attempts, each)


def _until(page, act, what: str, shown, attempts: int, each: int) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    why = []
    for i in range(attempts):
        act()
        try:
            shown.wait_for(timeout=each)
            break
        except PlaywrightTimeout:
            idle(page)
            if shown.is_visible():
                why.append(f"{shown} came late")
                break
            if i == attempts - 1:
                raise
            why.append(f"{shown} did not come in {each / 1000:g} s")
    if why:
        retried(what, why)
    idle(page)


def pick(page, scope, option: str) -> None:
    """Pick ``option`` of a segmented control in ``scope`` (its buttons are radios) and wait
    for the run it starts; the option picked is left alone (a click would unpick it)."""
    choice = scope.get_by_role("radio", name=option, exact=True)
    if choice.get_attribute("aria-checked") != "true":
        click_until(page, choice, scope.get_by_role("radio", name=option, exact=True, checked=True))


def shot(page, name: str) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its own container, so the
    viewport is stretched to the content for the picture and restored after."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # for the picture only: charts finish drawing
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


def nav(page, title: str) -> None:
    """Open a page of the app from the sidebar's navigation and wait for it to be drawn."""
    click_until(page, page.locator('[data-testid="stSidebarNav"] a', has_text=title),
                page.get_by_role("heading", name=re.compile(f"^{title}")).first)


def metrics(page) -> dict[str, str]:
    """The metric cards' values by label, read at one moment (a live panel redraws them)."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
             .map(m => [(m.querySelector('[data-testid="stMetricLabel"]')?.innerText || '').trim(),
                        (m.querySelector('[data-testid="stMetricValue"]')?.innerText || '').trim()]))""")


def slide(page, slider, keys: list[str], value: int | str) -> None:
    """Press ``keys`` on a slider (an ``input type=range``) until it holds ``value``, then
    wait for the run it starts: keys lost while a run drew the slider again are pressed again."""
    from playwright.sync_api import expect

    for attempt in range(3):
        slider.focus()
        for key in keys:
            slider.press(key)
        try:
            expect(slider).to_have_value(str(value), timeout=10_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
            retried(f"slider {slider} to {value}", [f"it held {slider.input_value()!r}"])
            idle(page)
    idle(page)


def set_time_limit(page, seconds: int) -> None:
    idle(page)
    slider = page.get_by_role("slider").first
    if seconds >= 300:
        slide(page, slider, ["End"], 300)  # the slider's maximum, 300 s
    else:
        slide(page, slider, ["Home"] + ["ArrowRight"] * (seconds - 1), seconds)  # from 1 s


def click_solve(page) -> None:
    """Press Solve and wait until the solve is under way (running, queued, or already over)."""
    page.get_by_role("button", name=re.compile("^.*Solve$")).click()
    page.get_by_text(re.compile(r"^(Stage \d of \d|Queued, \d+ ahead|Finished after|Cancelled after)")) \
        .first.wait_for(timeout=STEP)


def solve_and_open_plan(page, seconds: int, shot_name: str) -> dict[str, str]:
    nav(page, "Solve")
    set_time_limit(page, seconds)
    click_solve(page)
    page.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
    idle(page)
    shot(page, shot_name)
    open_plan(page)
    return metrics(page)


def open_plan(page) -> None:
    click_until(page, page.get_by_role("button", name=re.compile("Open the plan")),
                page.get_by_role("heading", name=re.compile("^Plan$")))
    page.get_by_text(re.compile("^Gap")).first.wait_for()  # the last KPI card
    idle(page)


def cancel(page) -> None:
    """Cancel the running solve and wait for it to stop: a click the live panel lost (it
    redraws every 0.5 s) is made again while the Cancel button is still enabled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button = page.get_by_role("button", name=re.compile("Cancel"))
    stopping = page.get_by_text(re.compile(r"\(stopping…\)|^Cancelled after")).first
    for attempt in range(3):
        button.click()
        try:
            stopping.wait_for(timeout=STEP // 2)
            break
        except PlaywrightTimeout:
            if attempt == 2 or not (button.is_visible() and button.is_enabled()):
                raise
            retried("Cancel", ["the solve did not say it was stopping"])
    page.get_by_text(re.compile(r"^Cancelled after")).wait_for(timeout=SOLVE)


def save_variant(page, name: str) -> None:
    """Save the plan shown as the variant ``name``; the page says so (a toast)."""
    from playwright.sync_api import expect

    idle(page)
    box = page.get_by_label(re.compile("^Save (this|the current) plan as a variant"))
    box.fill(name)
    expect(box).to_have_value(name)
    page.get_by_role("button", name=re.compile("Save variant")).click()
    page.get_by_text(f"Saved as variant “{name}”").first.wait_for()
    idle(page)


def edit_cell(page, tab: str, row: int, right: int, old: str, value: str, expect: re.Pattern) -> None:
    """Replace ``old`` by ``value`` in the table of ``tab`` at ``row``, ``right`` columns
    right of the first, and wait for the page to show ``expect``.

    The grid is a canvas driven by keys. Its accessible twin, a hidden table of the cells
    drawn, tells where the selection is (``aria-selected``) and routes the keys to the
    grid when one of its cells has the focus: the selection is brought to the cell (see
    :func:`_select_cell`), Enter opens the cell's editor, whose content must be ``old``,
    the value is typed and Enter sends it. Each step waits for the grid to show it done;
    an attempt that finds the grid otherwise (drawn again by a run) is made again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    seen = []
    shown = page.get_by_text(expect).first
    for _ in range(4):
        why = _type_cell(page, tab, row, right, old, value)
        if why is None:
            try:
                shown.wait_for(timeout=STEP)
                break
            except PlaywrightTimeout:
                idle(page)
                if shown.is_visible():
                    break
                grid = page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first
                twin = grid.locator(f'[data-testid="glide-cell-{1 + right}-{row}"]')
                now = twin.first.text_content() if twin.count() else "(not drawn)"
                why = f"typed {value!r}, the page did not show {expect.pattern!r}; the cell holds {now!r}"
        seen.append(why)
        if page.evaluate(_EDITOR):
            page.keyboard.press("Escape")
        idle(page)
    else:
        raise AssertionError(f"could not edit the cell ({row}, +{right}) holding {old!r} in {tab}: {seen}")
    if seen:
        retried(f"edit of the cell ({row}, +{right}) in {tab}", seen)
    idle(page)


#: the grid's cell editor has the focus
_EDITOR = ("() => { const a = document.activeElement;"
           " return !!a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA') && !!a.closest('#portal'); }")
#: the grid's selected cells, ``[column, row]`` each (column 1 is the first)
_SELECTED = """grid => Array.from(grid.querySelectorAll('td[aria-selected="true"]'))
    .map(e => /^glide-cell-(\\d+)-(\\d+)$/.exec(e.id)).filter(m => m).map(m => [+m[1], +m[2]])"""


def _select_cell(page, grid, row: int, col: int, seconds: float = 30) -> bool:
    """Bring the grid's selection to the cell at ``row``, column ``col``; false if it
    cannot in ``seconds``. A click on the row selects one of its cells (whichever column
    the grid is scrolled to) and gives the grid the keys; Home or the arrows then move
    along the row. The grid can ignore a step while it settles (a fresh grid can drop
    its first click), so each step is checked, and a step that did nothing starts over
    from a click; a click on a cell already selected opens its editor, which is closed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + seconds
    keys = False  # a click made the grid take the keys
    while time.monotonic() < deadline:
        handle = grid.element_handle()  # the grid as drawn now
        before = handle.evaluate(_SELECTED)
        editing = page.evaluate(_EDITOR)
        wait = 3_000
        if editing:
            page.keyboard.press("Escape")
        elif keys and len(before) == 1 and before[0][1] == row:
            at = before[0][0]
            if at == col:
                return True
            page.keyboard.press("Home" if col == 1 else "ArrowRight" if at < col else "ArrowLeft")
        else:
            grid.click(position={"x": 70, "y": 35 + 35 * row + 17})  # header and rows: 35 px
            keys, wait = True, 1_500  # (the first click on a grid is often dropped)
        try:  # until the selection moves or an editor opens or closes
            page.wait_for_function(
                f"([grid, before, editing]) => JSON.stringify(({_SELECTED})(grid)) !== JSON.stringify(before)"
                f" || ({_EDITOR})() !== editing", arg=[handle, before, editing], timeout=wait)
        except PlaywrightTimeout:
            keys = False  # nothing moved: click again
    return False


def _type_cell(page, tab: str, row: int, right: int, old: str, value: str) -> str | None:
    """Type the value; ``None`` when done, else why not (what the opened editor showed)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    idle(page)
    tab_button = page.get_by_role("tab", name=re.compile(f"^{tab}"))
    tab_button.click()
    try:
        expect(tab_button).to_have_attribute("aria-selected", "true", timeout=10_000)
    except AssertionError:
        return f"(the tab {tab} did not open)"
    grid = page.locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]').first
    grid.locator(f'td[role="gridcell"][id^="glide-cell-"][id$="-{row}"]').first.wait_for(state="attached")
    if not _select_cell(page, grid, row, 1 + right):
        return f"(the cell was not selected; selected: {grid.evaluate(_SELECTED)})"
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(_EDITOR, timeout=10_000)
    except PlaywrightTimeout:
        return "(no cell editor opened)"
    shown = page.evaluate("() => document.activeElement.value")
    if shown is None or str(shown).strip() != old:
        return str(shown)
    page.keyboard.press("Control+a")
    page.keyboard.type(value)
    try:
        page.wait_for_function("v => document.activeElement && document.activeElement.value === v",
                               arg=value, timeout=10_000)
    except PlaywrightTimeout:
        return f"(the editor did not take {value!r})"
    # the editor's own state follows its input a little later (a loaded machine's frames
    # come late), and Enter sends that state: two frames and a task first
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))")
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(f"() => !({_EDITOR})()", timeout=10_000)
    except PlaywrightTimeout:
        return "(the cell editor stayed open)"
    # the grid shows the value sent at once, before the app's run: a cell still showing
    # the old value is an edit the editor dropped (it sent its old state)
    twin = grid.locator(f'[data-testid="glide-cell-{1 + right}-{row}"]')
    try:
        page.wait_for_function("([e, old]) => !e || !e.isConnected || e.textContent.trim() !== old",
                               arg=[twin.element_handle(timeout=10_000), old], timeout=10_000)
    except PlaywrightTimeout:
        return f"(typed {value!r}, the grid kept {old!r})"
    return None


# ----- the test ------------------------------------------------------------------------------------
def test_edit_solve_cancel_download_offline(page, server: str, tmp_path: Path) -> None:
    t0 = time.time()
    page.goto(server + "/")
    page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    idle(page)
    shot(page, "01-scenario-default")

    # upload the tiny scenario
    # the scenario uploader (the Units tab has another, for a units spreadsheet)
    upload_until(page, page.locator('[data-testid="stFileUploaderDropzoneInput"]').first, TINY,
                 page.get_by_text(re.compile("Tiny Kuwait lift \\(browser test\\) is valid")))

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
    click_until(page, page.get_by_role("button", name=re.compile("Load$")),
                page.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")))
    nav(page, "Solve")
    set_time_limit(page, 300)
    click_solve(page)
    page.get_by_text(re.compile(r"^Stage \d of \d")).first.wait_for()
    page.wait_for_function(  # until a first incumbent is in (the live panel redraws every 0.5 s)
        """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).some(m =>
             (m.querySelector('[data-testid="stMetricLabel"]')?.innerText || '').trim() === 'Solutions'
             && !['', '0'].includes((m.querySelector('[data-testid="stMetricValue"]')?.innerText || '').trim()))""",
        polling=250, timeout=2 * STEP)
    shot(page, "08-solve-running")
    cancel(page)
    idle(page)
    shot(page, "09-solve-cancelled")
    assert "Plan status" in page.locator('[data-testid="stMain"]').inner_text()
    open_plan(page)
    assert "Force closure" in metrics(page)
    shot(page, "10-plan-baghdad-closure")
    for i, tab in enumerate(["Timeline", "Airfields vs MOG", "Fleet", "Map", "Tables"], start=11):
        click_until(page, page.get_by_role("tab", name=tab), page.get_by_role("tab", name=tab, selected=True))
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
