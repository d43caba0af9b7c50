"""HTML mail → readable plain text, and HTML → safe HTML for display (nh3); both after `bound_html`, which keeps
their cost linear in the size of the mail (nh3 and the quoting below are quadratic in nesting depth)."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import nh3

_SKIP = {"script", "style", "head", "title", "template", "noscript", "xml"}
_PARA = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr", "dl"}
_LINE = {"div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "address", "center"}
MAX_QUOTE_LEVELS = 10  # "> > >" levels in the text; deeper blockquotes are shown at this level
MAX_OPEN_LINKS = 10  # links inside links are rendered as plain text beyond this

# A comment, or a start/end tag; an unterminated one runs to the end (as in a browser), so scanning is linear.
_TOKEN = re.compile(r"<!--.*?(?:-->|\Z)|<(/?)([a-zA-Z][^\s/>]*)[^>]*(?:>|\Z)", re.S)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "basefont", "bgsound", "frame", "keygen"}
# Elements whose end tag is optional: a new one closes the open one (the depth count follows the browser's tree).
_IMPLIED = {"p": "p", "li": "li", "dt": "dt", "dd": "dt", "tr": "tr", "td": "td", "th": "td", "option": "option",
            "tbody": "tbody", "thead": "tbody", "tfoot": "tbody"}


def bound_html(html: str, max_depth: int, max_chars: int) -> tuple[str, list[str]]:
    """Cut HTML to `max_chars` and drop the tags nested deeper than `max_depth` (their text stays), in one linear
    pass; returns the HTML and notes (Dutch) on what was cut."""
    notes: list[str] = []
    if len(html) > max_chars:
        html = html[:max_chars]
        if html.rfind("<") > html.rfind(">"):
            html = html[: html.rfind("<")]
        notes.append(f"HTML-deel ingekort tot {max_chars / 1_000_000:.1f} miljoen tekens")
    stack: list[str] = []
    open_count: Counter[str] = Counter()
    pieces: list[str] = []
    kept_from = dropped = 0
    for match in _TOKEN.finditer(html):
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name or name in _VOID or (not closing and match.group(0).endswith("/>")):
            continue
        group = _IMPLIED.get(name, name)
        if closing or name in _IMPLIED:
            if open_count[group]:
                while stack:  # amortised linear: every name is pushed once
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == group:
                        break
            elif closing:  # a stray end tag, or the end of a tag dropped below
                pieces.append(html[kept_from:match.start()])
                kept_from = match.end()
                continue
        if closing:
            continue
        if len(stack) >= max_depth:
            pieces.append(html[kept_from:match.start()])
            kept_from = match.end()
            dropped += 1
            continue
        stack.append(group)
        open_count[group] += 1
    if dropped:
        notes.append(f"HTML dieper genest dan {max_depth} niveaus: {dropped} diepere tags weggelaten, tekst behouden")
    if not pieces:
        return html, notes
    pieces.append(html[kept_from:])
    return "".join(pieces), notes


class _TextBuilder(HTMLParser):
    """Collects text with paragraph/line structure; blockquotes become '> ' quoted lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = [[]]  # one buffer per open blockquote
        self.skip = 0
        self.pre = 0
        self.lists: list[int | None] = []  # None = bullets, int = next number
        self.links: list[tuple[str, list[str], int]] = []  # (href, buffer, its length in pieces at the start)
        self.flat = 0  # blockquotes deeper than MAX_QUOTE_LEVELS, open now

    @property
    def buf(self) -> list[str]:
        return self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.buf.append("\n")
        elif tag == "blockquote":
            self.buf.append("\n")
            if len(self.stack) > MAX_QUOTE_LEVELS:
                self.flat += 1
            else:
                self.stack.append([])
        elif tag in ("ul", "ol"):
            self.lists.append(1 if tag == "ol" else None)
            self.buf.append("\n")
        elif tag == "li":
            self.buf.append("\n")
            if self.lists and self.lists[-1] is not None:
                number = self.lists[-1]
                self.lists[-1] = number + 1
                self.buf.append(f"{number}. ")
            else:
                self.buf.append("- ")
        elif tag in ("td", "th"):
            self.buf.append(" ")
        elif tag == "a" and len(self.links) < MAX_OPEN_LINKS:
            self.links.append((dict(attrs).get("href") or "", self.buf, len(self.buf)))
        elif tag == "pre":
            self.pre += 1
            self.buf.append("\n\n")
        elif tag in _PARA:
            self.buf.append("\n\n")
        elif tag in _LINE:
            self.buf.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote" and self.flat:
            self.flat -= 1
            self.buf.append("\n")
        elif tag == "blockquote" and len(self.stack) > 1:
            inner = _tidy("".join(self.stack.pop()))
            quoted = "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
            self.buf.append("\n" + quoted + "\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.buf.append("\n")
        elif tag == "a" and self.links:
            href, buf, start = self.links.pop()
            text = "".join(buf[start:]).strip() if buf is self.buf else ""
            if href.startswith(("http://", "https://")) and href.rstrip("/") != text.rstrip("/") and text:
                self.buf.append(f" ({href})")
            elif href.startswith("mailto:") and text and href[7:].split("?")[0] not in text:
                self.buf.append(f" ({href[7:].split('?')[0]})")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.buf.append("\n\n")
        elif tag in _PARA:
            self.buf.append("\n\n")
        elif tag in _LINE and tag != "li":  # the next <li> or </ul> starts its own line
            self.buf.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.buf.append(data)
        else:
            self.buf.append(re.sub(r"[ \t\r\n\f\v]+", " ", data))

    def text(self) -> str:
        while len(self.stack) > 1:  # unclosed blockquotes
            self.handle_endtag("blockquote")
        return _tidy("".join(self.buf))


def _tidy(text: str) -> str:
    """Strip line ends, turn nbsp into spaces and collapse runs of blank lines."""
    text = text.replace("\xa0", " ").replace("\u200b", "")
    lines = [line.strip() if not line.startswith(">") else line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Convert HTML mail to readable text: paragraphs, line breaks, lists, links as 'text (url)'."""
    builder = _TextBuilder()
    try:
        builder.feed(html)
        builder.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; if it still fails, strip tags crudely
        return _tidy(re.sub(r"<[^>]*>", " ", html))
    return builder.text()


_SAFE_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    """Drop remote images (tracking pixels); keep cid: references to attachments. data: URLs only as inline
    raster images (the scheme list allows data for those; a data: link would open a page of the sender's)."""
    lowered = re.sub(r"[\x00-\x20]+", "", value).lower()  # URL parsers skip these: "da\tta:" is "data:"
    if tag == "img" and attr == "src":
        if lowered.startswith("cid:") or (lowered.startswith("data:image/") and "svg" not in lowered[:30]):
            return value
        return None
    if lowered.startswith("data:"):
        return None
    return value


class SafeHtml(str):
    """HTML that `sanitize_html` produced: a store may keep it as it is (anything else it must sanitise first)."""

    __slots__ = ()


def sanitize_html(html: str) -> SafeHtml:
    """Return HTML safe to show to agents: no scripts, styles, event handlers or remote images. Bound its
    nesting first (`bound_html`) for input from outside: nh3 is quadratic in depth."""
    return SafeHtml(nh3.clean(
        html,
        clean_content_tags=_SKIP,
        url_schemes=_SAFE_SCHEMES | {"data"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_attribute,
    ))
