"""HTML mail → readable plain text, and HTML → safe HTML for display (nh3)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_SKIP = {"script", "style", "head", "title", "template", "noscript", "xml"}
_PARA = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr", "dl"}
_LINE = {"div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "address", "center"}


class _TextBuilder(HTMLParser):
    """Collects text with paragraph/line structure; blockquotes become '> ' quoted lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = [[]]  # one buffer per open blockquote
        self.skip = 0
        self.pre = 0
        self.lists: list[int | None] = []  # None = bullets, int = next number
        self.links: list[tuple[str, int]] = []  # (href, buffer length at start)

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
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len("".join(self.buf))))
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
        elif tag == "blockquote" and len(self.stack) > 1:
            inner = _tidy("".join(self.stack.pop()))
            quoted = "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
            self.buf.append("\n" + quoted + "\n")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.buf.append("\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.buf)[start:].strip()
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
    """Drop remote images (tracking pixels); keep cid: references to attachments."""
    if tag == "img" and attr == "src" and not value.lower().startswith(("cid:", "data:image/")):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Return HTML safe to show to agents: no scripts, styles, event handlers or remote images."""
    return nh3.clean(
        html,
        url_schemes=_SAFE_SCHEMES | {"data"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_attribute,
    )
