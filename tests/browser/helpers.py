"""Browser test helpers: axe (WCAG 2.1 A/AA), screenshots, reflow, focus and event watching."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Dialog, Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (bundled, offline) on the current page for the WCAG 2.1 A and AA rules."""
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def format_violations(violations: list[dict]) -> str:
    """One readable block per violated rule: id, impact, help text and the failing elements."""
    lines = []
    for rule in violations:
        lines.append(
            f"- {rule['id']} ({rule.get('impact') or 'onbekend'}): {rule['help']}  <{rule['helpUrl']}>"
        )
        for node in rule["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  — {summary[:220]}")
        if len(rule["nodes"]) > 8:
            lines.append(f"    … en nog {len(rule['nodes']) - 8} element(en)")
    return "\n".join(lines)


def check_axe(page: Page, context_name: str) -> None:
    """Assert zero WCAG 2.1 A/AA violations on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe: {len(violations)} WCAG 2.1 A/AA-regel(s) geschonden op {context_name} ({page.url}):\n"
        + format_violations(violations)
    )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ (git-ignored); returns the path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def widest_elements(page: Page, limit: int = 5) -> list[str]:
    """The elements that stick out to the right of the viewport, for a readable failure message."""
    return page.evaluate(
        """(limit) => {
            const width = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > width + 1 && r.width > 0) {
                    out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                             `${el.className && typeof el.className === 'string' ? '.' + el.className.trim()
                               .split(/\\s+/).join('.') : ''} (right=${Math.round(r.right)})`);
                }
            }
            return out.slice(0, limit);
        }""",
        limit,
    )


FOCUS_STYLE_JS = """async () => {
    // focus moving between the segments of a date field settles only after a frame
    await new Promise(done => requestAnimationFrame(() => done()));
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), id: el.id,
            text: (el.innerText || el.value || '').trim().slice(0, 40),
            href: el.getAttribute('href'), visible: outline || shadow,
            onscreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                      && r.left < window.innerWidth && r.top < window.innerHeight};
}"""


def focused(page: Page) -> dict | None:
    """The focused element: tag, id, text, href, whether focus shows and whether it is on screen."""
    return page.evaluate(FOCUS_STYLE_JS)


# Active content an attacker could inject: any on* attribute, javascript:/data: URLs in link-like attributes,
# scripts that are not our own static files, and embedding elements the app never renders.
ACTIVE_CONTENT_JS = """() => {
    const found = [];
    const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'];
    for (const el of document.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
            if (name.startsWith('on')) found.push(`${tag}[${name}]`);
            if (urlAttrs.includes(name) && (value.startsWith('javascript:') || value.startsWith('vbscript:')
                || (value.startsWith('data:') && tag !== 'img'))) found.push(`${tag}[${name}=${attr.value}]`);
            if (name === 'srcdoc') found.push(`${tag}[srcdoc]`);
        }
        if (tag === 'script') {
            const src = el.getAttribute('src') || '';
            if (!src.startsWith('/static/')) found.push(`script[src=${src}] ${el.textContent.slice(0, 40)}`);
        }
        if (['iframe', 'object', 'embed', 'frame', 'base', 'meta'].includes(tag)
            && !(tag === 'meta' && el.parentElement === document.head)) found.push(tag);
    }
    if (window.__xss) found.push('window.__xss set');
    return found;
}"""


def active_content(page: Page) -> list[str]:
    """Injected scripts, event handlers and script URLs in the live DOM (empty on a safe page)."""
    return page.evaluate(ACTIVE_CONTENT_JS)


@dataclass
class PageEvents:
    """What happened on a page: dialogs (alert/confirm/prompt), console errors, uncaught page errors."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def clear(self) -> None:
        self.dialogs.clear()
        self.console_errors.clear()
        self.page_errors.clear()

    def csp_violations(self) -> list[str]:
        return [text for text in self.console_errors if "Content Security Policy" in text]


_EVENTS: dict[int, PageEvents] = {}


def watch_page(page: Page) -> PageEvents:
    """Start recording dialogs and errors for `page` (the `new_page` fixture does this for every page)."""
    events = PageEvents()
    events.attach(page)
    _EVENTS[id(page)] = events
    return events


def events_of(page: Page) -> PageEvents:
    """What was recorded for a page opened through the fixtures."""
    return _EVENTS[id(page)]


def forget_page(page: Page) -> None:
    _EVENTS.pop(id(page), None)
