"""The XSS checker itself: it must flag each payload rendered raw and pass it rendered escaped."""

from __future__ import annotations

import html

import pytest

from tests.security.xss_corpus import PAYLOADS, find_active_content, is_readable

# Payloads that carry executable markup when a template forgets to escape them. (split-script and null-byte
# target sanitisers, not raw output; mxss-math only turns active in a browser's foreign-content parsing, which
# the browser tests cover.)
ACTIVE_WHEN_RAW = {
    "script",
    "img-onerror",
    "svg-onload",
    "svg-nested",
    "attribute-breaker",
    "single-quote-breaker",
    "textarea-breaker",
    "title-breaker",
    "javascript-url",
    "javascript-url-obfuscated",
    "javascript-mixed-case",
    "iframe",
    "data-url",
    "details-ontoggle",
    "body-onload",
}


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_checker_flags_raw_and_accepts_escaped(payload):
    raw = f'<main><p>{payload.text}</p><input name="q" value="{payload.text}"></main>'
    safe = (
        f'<main><p>{html.escape(payload.text)}</p><input name="q" value="{html.escape(payload.text)}"></main>'
    )
    if payload.name in ACTIVE_WHEN_RAW:
        assert find_active_content(raw), payload.name
    assert find_active_content(safe) == []
    assert is_readable(safe, payload)


def test_readability_fails_when_text_is_swallowed_or_decoded():
    entities = next(p for p in PAYLOADS if p.name == "html-entities")
    # rendered with |safe the entities are decoded: the visitor sees a tag, not what was typed
    assert not is_readable(f"<p>{entities.text}</p>", entities)
    assert not is_readable("<p></p>", PAYLOADS[0])


def test_own_static_scripts_are_allowed_but_others_are_not():
    assert find_active_content('<script src="/static/js/faq.js"></script>') == []
    assert find_active_content('<script src="https://evil.example/x.js"></script>')
    assert find_active_content("<script>alert(1)</script>")
