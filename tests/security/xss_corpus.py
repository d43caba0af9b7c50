"""A reusable XSS corpus and a checker for rendered HTML: no injected scripts, handlers or script URLs.

Every payload tries to make the browser run `alert(…)` (or set `window.__xss`), so a browser test can listen
for dialogs; `find_active_content` finds what a payload would need in the markup, for test-client checks.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from email.header import Header
from html.parser import HTMLParser
from urllib.parse import quote


@dataclass(frozen=True)
class Payload:
    """An attack string; `literal` says whether the exact text must stay readable on the page."""

    name: str
    text: str
    literal: bool = True


PAYLOADS: list[Payload] = [
    Payload("script", "<script>alert('xss-script')</script>"),
    Payload("img-onerror", "<img src=x onerror=alert('xss-img')>"),
    Payload("svg-onload", "<svg/onload=alert('xss-svg')>"),
    Payload("svg-nested", "<svg><script>window.__xss=1</script></svg>"),
    Payload("attribute-breaker", "\"><script>alert('xss-attr')</script>"),
    Payload("single-quote-breaker", "'><img src=x onerror=alert('xss-sq')>"),
    Payload("unquoted-attribute", "x onmouseover=alert('xss-unq') autofocus onfocus=alert('xss-focus')"),
    Payload("textarea-breaker", "</textarea><script>alert('xss-ta')</script>"),
    Payload("title-breaker", "</title><script>alert('xss-title')</script>"),
    Payload("javascript-url", "<a href=\"javascript:alert('xss-js')\">klik</a>"),
    Payload("javascript-url-obfuscated", "<a href=\"jav&#x09;ascript:alert('xss-obf')\">klik</a>"),
    Payload("javascript-mixed-case", "<IMG SRC=JaVaScRiPt:alert('xss-case')>"),
    Payload("iframe", "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>"),
    Payload("data-url", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>'),
    Payload("details-ontoggle", "<details open ontoggle=alert('xss-toggle')>x</details>"),
    Payload("body-onload", "<body onload=alert('xss-body')>"),
    Payload("split-script", "<scr<script>ipt>alert('xss-split')</scr</script>ipt>"),
    Payload("mxss-math", "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-math')>"),
    Payload("style-expression", "<div style=\"background:url(javascript:alert('xss-style'))\">x</div>"),
    Payload("html-entities", "&lt;script&gt;alert('xss-entity')&lt;/script&gt;"),
    Payload("url-encoded", "%3Cscript%3Ealert('xss-pct')%3C%2Fscript%3E"),
    Payload("unicode-escaped", "\\u003cscript\\u003ealert('xss-uni')\\u003c/script\\u003e"),
    Payload("template-jinja", "{{7*7}} {{ config }} {% print 7*7 %}"),
    Payload("template-other", "${7*7} #{7*7} <%= 7*7 %>"),
    Payload("markdown-link", "[klik hier](javascript:alert('xss-md'))"),
    Payload("markdown-image", "![x](x\" onerror=\"alert('xss-mdimg'))"),
    Payload("markdown-autolink", "<javascript:alert('xss-auto')>"),
    Payload("null-byte", "<scr\x00ipt>alert('xss-null')</script>", literal=False),
]

# Short, attribute-free payloads for places with tight length limits or single-line fields.
SHORT_PAYLOADS: list[Payload] = [p for p in PAYLOADS if len(p.text) <= 80 and "\x00" not in p.text]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
_DANGEROUS_TAGS = {"iframe", "object", "embed", "frame", "frameset", "base", "applet"}
_SCRIPT_SCHEMES = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class _ActiveContentFinder(HTMLParser):
    """Collects markup that can run code: inline or foreign scripts, on* handlers, script URLs, embeds."""

    def __init__(self, own_script_prefix: str) -> None:
        super().__init__(convert_charrefs=True)
        self.prefix = own_script_prefix
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            compact = re.sub(r"[\s\x00-\x1f]+", "", value or "")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif (
                name in _URL_ATTRIBUTES
                and _SCRIPT_SCHEMES.match(compact)
                and not (tag == "img" and compact.lower().startswith("data:image/"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "srcdoc":
                self.found.append(f"<{tag} srcdoc>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith(self.prefix):
                self.found.append(f"<script src={src!r}>")
        if tag in _DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and any(
            name == "http-equiv" and (value or "").lower() == "refresh" for name, value in attrs
        ):
            self.found.append("<meta http-equiv=refresh>")


def find_active_content(page_html: str, own_script_prefix: str = "/static/") -> list[str]:
    """Everything in `page_html` that could execute script; the app itself renders none of it."""
    finder = _ActiveContentFinder(own_script_prefix)
    finder.feed(page_html)
    finder.close()
    return finder.found


def is_readable(page_html: str, payload: Payload) -> bool:
    """Whether the payload's text shows on the page as text (escaped), not swallowed or turned into markup."""
    if not payload.literal:
        return True
    text = _visible_text(page_html)
    return _squash(payload.text) in _squash(text)


def _squash(text: str) -> str:
    return " ".join(text.split())


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.skip += 1
        # a value in a form field is readable too (a search box showing the query)
        for name, value in attrs:
            if name == "value" and value:
                self.parts.append(" " + value + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _visible_text(page_html: str) -> str:
    collector = _TextCollector()
    collector.feed(page_html)
    collector.close()
    return "".join(collector.parts)


def escaped(text: str) -> str:
    """The text as Jinja's autoescape writes it (for messages in assertions)."""
    return html.escape(text, quote=True)


def xss_mail(payload: Payload, n: int) -> bytes:
    """A raw mail (as an attacker writes it) with the payload in the sender name, subject, text part,
    HTML part and an attachment name; header values as RFC 2047 encoded words."""

    def word(text: str) -> str:
        return Header(text, "utf-8").encode()

    boundary = f"grens-{n}"
    text = f"Geachte helpdesk,\n\n{payload.text}\n\nMet vriendelijke groet"
    html = f"<html><body><p>Geachte helpdesk,</p><p>{payload.text}</p></body></html>"
    parts = [
        f"From: {word(payload.text[:60])} <xss{n}@school.example>",
        "To: ipo@duo.nl",
        f"Subject: {word(payload.text)}",
        f"Message-ID: <xss-{n}@school.example>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        f'Content-Type: multipart/alternative; boundary="{boundary}-alt"',
        "",
        f"--{boundary}-alt",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64.encodebytes(text.encode()).decode(),
        f"--{boundary}-alt",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        base64.encodebytes(html.encode()).decode(),
        f"--{boundary}-alt--",
        f"--{boundary}",
        f"Content-Type: application/pdf; name*=utf-8''{quote(payload.text[:80])}.pdf",
        "Content-Disposition: attachment; filename*=utf-8''" + quote(payload.text[:80]) + ".pdf",
        "Content-Transfer-Encoding: base64",
        "",
        base64.encodebytes(b"%PDF-1.4 test").decode(),
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(parts).encode()
