"""Keyboard use: the skip link is the first tab stop and lands in the content; every tab stop shows focus."""

from __future__ import annotations

import pytest

from .helpers import focused
from .pages import PAGES, open_case

pytestmark = pytest.mark.browser

MAX_TAB_STOPS = 30
SKIP_LINK_PAGES = [case for case in PAGES if case.name in {"faq", "login", "wachtrij", "accounts-fout"}]


@pytest.mark.parametrize("case", SKIP_LINK_PAGES, ids=[case.name for case in SKIP_LINK_PAGES])
def test_skip_link_is_first_tab_stop_and_moves_focus_to_content(case, page_pool, live_server):
    page = page_pool.get(case.role)
    open_case(page, case, live_server)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first is not None and first["href"] == "#inhoud", f"eerste tabstop is {first}, niet de skiplink"
    assert first["text"] == "Direct naar de inhoud"
    assert first["visible"] and first["onscreen"], f"skiplink is niet zichtbaar bij focus: {first}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    # the next tab stop is inside the content, not back in the header
    if page.evaluate(
        "document.querySelector('#inhoud a[href], #inhoud button, #inhoud input, #inhoud select, "
        '#inhoud textarea, #inhoud [tabindex="0"]\') !== null'
    ):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('inhoud').contains(document.activeElement)"), focused(
            page
        )


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_every_tab_stop_shows_visible_focus(case, page_pool, live_server):
    page = page_pool.get(case.role)
    open_case(page, case, live_server)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element is None or (seen and element == seen[0]):
            break  # wrapped around to the start
        if seen and element["id"] and element["id"] == seen[-1]["id"]:
            continue  # a segment or picker button inside a native date field: the browser draws that focus
        seen.append(element)
        assert element["visible"], f"{case.name}: geen zichtbare focus op tabstop {len(seen)}: {element}"
        assert element["onscreen"], f"{case.name}: tabstop {len(seen)} valt buiten beeld: {element}"
    assert seen, f"{case.name}: geen enkel element is met Tab bereikbaar"
