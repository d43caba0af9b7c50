"""Markdown to safe HTML for pages, and to plain text for e-mail replies."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import nh3

_EXTENSIONS = ["tables", "toc", "sane_lists", "fenced_code"]
_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    **{f"h{i}": {"id"} for i in range(1, 7)},
}
_SCHEMES = {"http", "https", "mailto"}
_A_TAG_RE = re.compile(r"<a\b([^>]*)>")
_HREF_RE = re.compile(r'\bhref="([^"]*)"')
_MAX_MD = 500_000  # a larger article is cut, never a reason to hang the page


def _is_external(href: str, own_hosts: frozenset[str]) -> bool:
    parts = urlsplit(html.unescape(href))
    return parts.scheme in {"http", "https"} and (parts.hostname or "").lower() not in own_hosts


def render_markdown(md: str, own_hosts: frozenset[str] | set[str] = frozenset()) -> str:
    """Renders Markdown to sanitised HTML: headings get ids, external links get rel and class="extern"."""
    import markdown  # Python-Markdown and its extensions load with the first article rendered, not at start-up

    raw = markdown.markdown((md or "")[:_MAX_MD], extensions=_EXTENSIONS, output_format="html")
    clean = nh3.clean(
        raw,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    hosts = frozenset(h.lower() for h in own_hosts)

    def mark(m: re.Match[str]) -> str:
        href = _HREF_RE.search(m.group(1))
        if href and _is_external(href.group(1), hosts):
            return f'<a{m.group(1)} class="extern" rel="noopener noreferrer external">'
        return m.group(0)

    return _A_TAG_RE.sub(mark, clean)


class _TextWriter(HTMLParser):
    """Turns the sanitised HTML into readable plain text."""

    _BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "dl", "hr"}

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.links: list[tuple[str, int]] = []
        self.row: list[str] | None = None
        self.pre = 0

    def _newline(self, blank: bool = False) -> None:
        text = "".join(self.out).rstrip(" ")
        want = "\n\n" if blank else "\n"
        if text and not text.endswith(want):
            text = text.rstrip("\n") + want
        self.out = [text]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._newline(blank=True)
            self.pre += tag == "pre"
        elif tag in {"ul", "ol"}:
            self._newline(blank=not self.lists)
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self._newline()
            depth = max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}. "
            else:
                marker = "- "
            self.out.append("  " * depth + marker)
        elif tag == "br":
            self.out.append("\n")
        elif tag == "tr":
            self._newline()
            self.row = []
        elif tag in {"td", "th"} and self.row is not None:
            self.row.append(tag)
            if len(self.row) > 1:
                self.out.append(" | ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len("".join(self.out))))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.pre -= tag == "pre"
            self._newline(blank=True)
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
            self._newline(blank=not self.lists)
        elif tag == "tr":
            self.row = None
            self._newline()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.out)[start:].strip()
            target = href[7:] if href.startswith("mailto:") else href
            if target.startswith("/") or not urlsplit(target).scheme and not href.startswith("mailto:"):
                target = urljoin(self.base_url, target) if self.base_url else ""
            if target and target.rstrip("/") != text.rstrip("/"):
                self.out.append(f" ({target})")

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if "".join(self.out[-1:]).endswith(("\n", "- ", ". ")) or not self.out:
                data = data.lstrip()
        self.out.append(data)

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.out).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def markdown_to_text(md: str, base_url: str = "") -> str:
    """Plain text of an article for e-mail: links as 'tekst (url)', lists with '- ', no Markdown left."""
    writer = _TextWriter(base_url)
    writer.feed(render_markdown(md))
    writer.close()
    return writer.text()


def plain_summary(md: str, length: int = 200) -> str:
    """The first words of the article as one line of plain text, cut at a word boundary."""
    text = " ".join(line for line in markdown_to_text(md).splitlines() if line.strip())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + " …"
