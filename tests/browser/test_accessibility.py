"""WCAG 2.1 AA in a real browser: axe-core on every page state at desktop width and at 320 px, and no
horizontal scrolling at 320 px (reflow, 1.4.10) or at 200 % zoom (1.4.4).

The page is opened once and resized: layout depends on the width in CSS pixels only, and a 1280 px window at
200 % zoom lays out exactly like a 640 px one (the device scale factor changes sharpness, not layout).
axe runs at the two extremes, desktop and 320 px, to keep the suite fast on a small machine.
"""

from __future__ import annotations

import pytest

from .helpers import check_axe, events_of, horizontal_overflow, screenshot, widest_elements
from .pages import PAGES, open_case

pytestmark = pytest.mark.browser

# (label, width, height, run axe)
WIDTHS = [("320px", 320, 640, True), ("zoom200", 640, 450, False)]


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_is_accessible_at_every_width(case, page_pool, live_server):
    page = page_pool.get(case.role)
    open_case(page, case, live_server)
    screenshot(page, f"{case.name}-desktop")
    check_axe(page, f"{case.name} @ desktop")
    for label, width, height, axe in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        context = f"{case.name} @ {label} ({width} CSS px)"
        overflow = horizontal_overflow(page)
        assert overflow <= 0, (
            f"{context}: de pagina scrollt {overflow}px horizontaal; te breed: {widest_elements(page)}"
        )
        if label == "320px" and case.status == 200:
            screenshot(page, f"{case.name}-{label}")
        if axe:
            check_axe(page, context)
    events = events_of(page)
    assert not events.csp_violations(), f"{case.name}: CSP-overtredingen {events.csp_violations()}"
    assert not events.page_errors, f"{case.name}: JavaScript-fouten {events.page_errors}"


# Tables an agent, editor or admin reads on a phone: each row becomes a block with labelled cells.
STACKED = [case for case in PAGES
           if case.name in {"wachtrij", "accounts", "artikelen", "artikel-versies", "triagelessen"}]


@pytest.mark.parametrize("case", STACKED, ids=[case.name for case in STACKED])
def test_tables_need_no_sideways_scrolling_on_a_phone(case, page_pool, live_server):
    page = page_pool.get(case.role)
    open_case(page, case, live_server)
    page.set_viewport_size({"width": 375, "height": 740})
    hidden = page.evaluate("""() => {
        const width = document.documentElement.clientWidth, out = [];
        for (const table of document.querySelectorAll('table.table-stack')) {
            const region = table.closest('.table-scroll');
            if (region && region.scrollWidth > region.clientWidth) out.push('scrolls ' + region.scrollWidth);
            for (const cell of table.querySelectorAll('tbody td, tbody th')) {
                const box = cell.getBoundingClientRect();
                if (box.width && box.right > width + 1) out.push(cell.textContent.trim().slice(0, 40));
            }
            if (!table.querySelector('td[data-label]')) out.push('geen data-label');
        }
        return out;
    }""")
    assert page.locator("table.table-stack").count(), f"{case.name}: geen tabel met .table-stack"
    assert not hidden, f"{case.name} @ 375px: tabelinhoud buiten beeld of achter horizontaal scrollen: {hidden}"
