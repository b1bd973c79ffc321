"""Each page's own URL opened directly, in headless Chromium (issue 24): a bookmark or a
link to ``/plan`` must show the app as ``app/main.py`` builds it (its navigation, its
sidebar, the sign-in gate when one is configured) with that page, both on a server that
has served the home page and as the first visit after a restart.

The second failed while the page scripts were in ``app/pages``: Streamlit (1.67,
``PagesManager.uses_pages_directory``) runs a page script on its own, in its legacy
multipage mode, while no session of the server process has run ``st.navigation``, when
the URL names a script of a folder called ``pages`` next to the main script (Streamlit's
own navigation of the folder, not the app's sidebar). The scripts are in ``app/views``.
Screenshots go to ``test-artifacts/screenshots`` (``deeplink-*.png``); no request may
leave the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from test_browser import idle, shot
from test_browser_sessions import Server, own_browser, own_server, planner

pytestmark = pytest.mark.browser

#: the app's navigation, in its order (app/main.py's PAGES)
TITLES = ["Scenario", "Solve", "Plan", "Compare", "Robustness"]
#: a line of the sidebar that only app/main.py writes
SIDEBAR = "Offline: no data leaves this machine."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with own_server(tmp_path_factory, "deeplink") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator:
    with own_browser() as b:
        yield b


def nav_links(pg) -> dict[str, str]:
    """The sidebar's navigation: each link's label (its last line, after the icon's
    name) and the path of its URL, in order."""
    nav = pg.locator('[data-testid="stSidebarNav"]')
    nav.wait_for()
    return {a.inner_text().strip().splitlines()[-1].strip(): urlparse(a.get_attribute("href") or "").path
            for a in nav.locator("a").all()}


def the_app_with(pg, title: str, path: str) -> None:
    """The page shows ``title`` inside the app: its navigation, its sidebar, no exception."""
    pg.get_by_role("heading", name=re.compile(f"^{title}")).first.wait_for(timeout=60_000)
    idle(pg)
    links = list(nav_links(pg))
    body = pg.locator("body").inner_text()
    assert links == TITLES, (f"{path} shows the navigation {links}, not the app's {TITLES}: the page "
                             "script ran on its own (Streamlit's legacy pages-folder mode), not app/main.py")
    assert pg.get_by_text(SIDEBAR).count() == 1, f"{path}: no app sidebar"
    boxes = pg.locator('[data-testid="stException"]')
    assert boxes.count() == 0, f"{path}: {boxes.first.inner_text()[:800]}"
    assert "Page not found" not in body, f"{path}: {body[:400]}"
    assert urlparse(pg.url).path == path, f"{path} became {pg.url}"


def open_directly(browser, server: Server, title: str, path: str, name: str) -> None:
    """A fresh browser context (no session, no cookies) opens ``path`` as its first page."""
    with planner(browser, f"deeplink-{name}") as pg:
        pg.goto(server.url + path)
        try:
            the_app_with(pg, title, path)
        finally:
            shot(pg, f"deeplink-{name}")


def app_urls(browser, server: Server) -> dict[str, str]:
    """Each page's URL path, as the app's own navigation links name it (home page)."""
    with planner(browser, "deeplink-home") as pg:
        pg.goto(server.url + "/")
        pg.get_by_role("heading", name=re.compile("^Scenario")).first.wait_for(timeout=60_000)
        idle(pg)
        urls = nav_links(pg)
    assert list(urls) == TITLES, urls
    assert urls["Scenario"] == "/" and urls["Plan"] == "/plan", urls
    return urls


def test_every_page_url_opens_in_the_app(browser, server: Server) -> None:
    for title, path in app_urls(browser, server).items():  # the server has run app/main.py
        open_directly(browser, server, title, path, f"{title.lower()}-running")


def test_every_page_url_opens_in_the_app_as_the_first_visit_after_a_restart(browser, server: Server) -> None:
    failures = []
    for title, path in app_urls(browser, server).items():
        server.restart()  # this URL is the new process's first visit
        try:
            open_directly(browser, server, title, path, f"{title.lower()}-after-restart")
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "after a restart:\n" + "\n".join(failures)
