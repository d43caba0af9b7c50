"""Browser fixtures: a live app per test module, Debian's Chromium through Playwright, a page per test.

pytest-playwright is installed but its `browser`/`page` fixtures would launch Playwright's own (absent)
browser, so these fixtures have their own names: `chromium_browser`, `browser_page`, `new_page`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from .helpers import events_of, forget_page, watch_page
from .live import PASSWORD, LiveServer, start_live_server

CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Viewports every page is checked at: desktop, 320 CSS px (WCAG 1.4.10 reflow) and 200 % zoom of a
# 1280 px window (640 CSS px at device scale factor 2, which is what the browser lays out when zoomed).
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "320px": {"viewport": {"width": 320, "height": 640}},
    "zoom200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} ontbreekt: installeer Chromium (apt-get install chromium) voor browsertests")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium_browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session (Playwright's own browsers are not downloaded)."""
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app (CSRF on, migrated fresh SQLite, `flask setup` run) on 127.0.0.1 and a free port."""
    server = start_live_server(tmp_path_factory.mktemp("live") / "data")
    yield server
    server.stop()


@pytest.fixture
def new_page(chromium_browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts (own cookies), with a viewport from VIEWPORTS or options."""
    contexts: list[BrowserContext] = []

    def factory(viewport: str = "desktop", **options: Any) -> Page:
        settings = {
            **VIEWPORTS[viewport],
            "base_url": live_server.url,
            "locale": "nl-NL",
            "reduced_motion": "reduce",
            **options,
        }
        context = chromium_browser.new_context(**settings)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch_page(page)
        return page

    yield factory
    for context in contexts:
        for page in context.pages:
            forget_page(page)
        context.close()


@pytest.fixture
def browser_page(new_page: Callable[..., Page]) -> Page:
    """A desktop-size page in its own context; relative URLs go to the live server."""
    return new_page()


def sign_in(page: Page, server: LiveServer, role: str, **fields: Any) -> str:
    """Create a user with `role` in the live database and sign in through the form; returns the e-mail."""
    email = server.make_user(role, **fields)
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"inloggen als {role} mislukte: {page.inner_text('main')[:300]}"
    return email


@pytest.fixture
def login_as(live_server: LiveServer) -> Callable[..., str]:
    """`login_as(page, role)`: a new account with that role, signed in through the form in `page`."""

    def do_login(page: Page, role: str, **fields: Any) -> str:
        return sign_in(page, live_server, role, **fields)

    return do_login


class PagePool:
    """One open page per (role, viewport) for a module, signed in once: opening a browser context and signing
    in cost more than the checks themselves on a small machine. Use `new_page` when a test needs isolation."""

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.pages: dict[tuple[str | None, str], Page] = {}

    def get(self, role: str | None, viewport: str = "desktop") -> Page:
        key = (role, viewport)
        if key not in self.pages:
            context = self.browser.new_context(
                **VIEWPORTS[viewport], base_url=self.server.url, locale="nl-NL", reduced_motion="reduce"
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            watch_page(page)
            if role:
                sign_in(page, self.server, role)
            self.pages[key] = page
        page = self.pages[key]
        page.set_viewport_size(VIEWPORTS[viewport]["viewport"])  # a test may have resized it
        events_of(page).clear()
        return page

    def close(self) -> None:
        for page in self.pages.values():
            forget_page(page)
            page.context.close()


@pytest.fixture(scope="module")
def page_pool(chromium_browser: Browser, live_server: LiveServer) -> Iterator[PagePool]:
    pool = PagePool(chromium_browser, live_server)
    yield pool
    pool.close()
