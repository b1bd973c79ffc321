"""Several planners on one server, in headless Chromium (issue 24): with one solve at a
time (``LOGISTICS_APP_SLOTS=1``) a second planner's solve waits in the queue, says so, and
finishes after the first; a page reloaded during a solve finds it and its plan; the
variants kept on disk come back after a server restart. Screenshots go to
``test-artifacts/screenshots`` (``sessions-*.png``); no request may leave the machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from test_browser import (
    ARGS,
    CHROMIUM,
    LOCAL,
    ROOT,
    SHOTS,
    SOLVE,
    STEP,
    _free_port,
    click_solve,
    idle,
    metrics,
    nav,
    save_variant,
    set_time_limit,
    shot,
)

pytestmark = pytest.mark.browser


class Server:
    """``streamlit run app/main.py`` as the browser tests start it, with one solve slot
    and its own folder of kept plans; :meth:`restart` stops it and starts it again."""

    def __init__(self, data: Path, log: Path) -> None:
        self.port, self.data, self.log = _free_port(), data, log
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "LOGISTICS_APP_SLOTS": "1", "LOGISTICS_APP_DATA": str(self.data)}
        with open(self.log, "a") as fh:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(self.port),
                 "--server.headless", "true", "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextlib.contextmanager
def own_server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Server]:
    """A server of a test module's own, with its own app data (skips without Chromium)."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    d = tmp_path_factory.mktemp(name)
    srv = Server(d / "data", d / "server.log")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@contextlib.contextmanager
def own_browser() -> Iterator:
    """Headless Chromium for a test module's planners."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with own_server(tmp_path_factory, "sessions") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator:
    with own_browser() as b:
        yield b


@contextlib.contextmanager
def planner(browser, name: str) -> Iterator:
    """A browser context of its own (a planner at another desk); every request recorded."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(STEP)
    urls: list[str] = []
    pg.on("request", lambda r: urls.append(r.url))
    pg.on("websocket", lambda ws: urls.append(ws.url))
    try:
        yield pg
    except BaseException:
        with contextlib.suppress(Exception):
            SHOTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SHOTS / f"sessions-zz-{name}.png"), full_page=True)
        raise
    finally:
        ctx.close()
    foreign = sorted({u for u in urls if not u.startswith(("data:", "blob:")) and urlparse(u).hostname not in LOCAL})
    assert not foreign, f"requests left the machine: {foreign}"


def open_solve_page(pg, server: Server, seconds: int) -> None:
    pg.goto(server.url + "/")
    pg.get_by_text(re.compile("Baghdad embassy response, 31 Dec 2019 is valid")).wait_for()
    idle(pg)
    nav(pg, "Solve")
    set_time_limit(pg, seconds)


def query(pg) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


def test_two_planners_one_slot_the_second_queues_then_finishes(browser, server: Server) -> None:
    from playwright.sync_api import expect

    with planner(browser, "first") as first, planner(browser, "second") as second:
        open_solve_page(first, server, 10)
        open_solve_page(second, server, 2)
        click_solve(first)
        first.get_by_text(re.compile(r"^Stage \d of \d")).first.wait_for()
        click_solve(second)
        second.get_by_text(re.compile(r"^Queued, 0 ahead")).wait_for()
        expect(second.get_by_text(re.compile("is queued, 0 ahead"))).to_have_count(1)  # the sidebar too
        shot(second, "sessions-01-second-queued")
        assert "job" in query(first) and "job" in query(second) and query(first)["job"] != query(second)["job"]
        # the first finishes, then the second starts and finishes
        first.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
        second.get_by_text(re.compile(r"^Stage \d of \d|^Finished after")).first.wait_for()
        second.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
        idle(second)
        shot(second, "sessions-02-second-finished")
        assert metrics(second)["Missions"].isdigit() and metrics(first)["Missions"].isdigit()


def test_a_reload_finds_the_solve_and_variants_survive_a_restart(browser, server: Server) -> None:
    with planner(browser, "reload") as pg:
        open_solve_page(pg, server, 8)
        click_solve(pg)
        pg.get_by_text(re.compile(r"^Stage \d of \d")).first.wait_for()
        job = query(pg).get("job")
        assert job, pg.url
        pg.reload()  # during the solve: a new session, the same URL
        pg.get_by_role("heading", name=re.compile("^Solve$")).wait_for()
        pg.get_by_text(re.compile(r"^Stage \d of \d|^Finished after")).first.wait_for()
        shot(pg, "sessions-03-reloaded-during-the-solve")
        pg.get_by_text(re.compile(r"^Finished after")).wait_for(timeout=SOLVE)
        idle(pg)
        solved = metrics(pg)
        assert query(pg)["job"] == job and solved["Missions"].isdigit()

        # keep it as a variant, then restart the server
        nav(pg, "Compare")
        save_variant(pg, "before the restart")
        pg.get_by_text("before the restart").first.wait_for()  # the baseline now
        kept = query(pg).get("scenario")
        assert kept and (server.data / "local" / kept / "variants").is_dir(), pg.url
        server.restart()
        # the page's address with the kept scenario, on the server's new process (the
        # home page: a first visit naming another page runs that page alone, see the report)
        pg.goto(f"{server.url}/?scenario={kept}")
        pg.get_by_text("1 saved variant(s)").wait_for()
        idle(pg)
        assert query(pg).get("scenario") == kept
        nav(pg, "Compare")
        pg.get_by_text("before the restart").first.wait_for()
        shot(pg, "sessions-04-variants-after-a-restart")
        nav(pg, "Plan")
        assert metrics(pg)["Missions"] == solved["Missions"]
