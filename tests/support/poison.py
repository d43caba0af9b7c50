"""Poison mails: real-shaped RFC 822 bytes that make a naive parser quadratic, deep or huge. Shared by the tests
(tests/mail_ingest, tests/ingest) and bench/fuzz_mail.py, so both measure the same mails."""

from __future__ import annotations

from collections.abc import Callable

_HEAD = (
    "From: Bestuurder <bestuur@school.example>\r\n"
    "To: ipo@duo.nl\r\n"
    "Date: Thu, 03 Dec 2026 10:00:00 +0100\r\n"
    "MIME-Version: 1.0\r\n"
)


def _mail(name: str, body: str, *, ctype: str = "text/plain; charset=utf-8", extra: str = "",
          subject: str | None = None) -> bytes:
    subject = subject if subject is not None else f"Vraag over eHerkenning ({name})"
    return (f"{_HEAD}Subject: {subject}\r\nMessage-ID: <poison-{name}@school.example>\r\n{extra}"
            f"Content-Type: {ctype}\r\n\r\n{body}\r\n").encode()


def _html(name: str, html: str) -> bytes:
    return _mail(name, html, ctype="text/html; charset=utf-8")


def references(count: int) -> bytes:
    """A References header with `count` distinct ids, folded one id a line as clients fold it."""
    ids = "\r\n ".join(f"<id{n}.{n * 7919}@mail{n % 97}.example>" for n in range(count))
    extra = f"References: {ids}\r\nIn-Reply-To: <id0.0@mail0.example>\r\n"
    return _mail(f"refs-{count}", "Zie de eerdere mails.", extra=extra)


def nested_divs(depth: int) -> bytes:
    return _html(f"div-{depth}", "<html><body>" + "<div>" * depth + "Wat kost eHerkenning?" + "</div>" * depth)


def nested_blockquotes(depth: int) -> bytes:
    return _html(f"bq-{depth}", "<p>Wat kost het?</p>" + "<blockquote>x" * depth + "</blockquote>" * depth)


def encoded_words(count: int, fold: bool = True) -> bytes:
    """A Subject of `count` RFC 2047 encoded words, folded as a mail program folds them (or on one line)."""
    subject = ("\r\n " if fold else " ").join("=?utf-8?q?caf=C3=A9?=" for _ in range(count))
    return _mail(f"ew-{count}", "Zie onderwerp.", subject=subject)


def nested_html_mail(size: int) -> bytes:
    """About `size` bytes of HTML nested as quoted replies nest, unclosed: the shape that made the page time out."""
    unit = '<div class="gmail_quote"><blockquote><span>antwoord</span>'
    return _html(f"nested-{size}", "<p>Hallo,</p>" + unit * (size // len(unit)))


def many_parts(count: int) -> bytes:
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\ndeel {n}\r\n" for n in range(count))
    return _mail(f"parts-{count}", parts + "--b--", ctype='multipart/mixed; boundary="b"')


def nested_multipart(depth: int) -> bytes:
    opening = "".join(f'--b{n}\r\nContent-Type: multipart/mixed; boundary="b{n + 1}"\r\n\r\n' for n in range(depth))
    closing = "".join(f"\r\n--b{n}--" for n in reversed(range(depth)))
    inner = f"--b{depth}\r\nContent-Type: text/plain\r\n\r\nWat kost het?\r\n--b{depth}--"
    return _mail(f"mime-{depth}", opening + inner + closing, ctype='multipart/mixed; boundary="b0"')


def many_headers(count: int) -> bytes:
    extra = "".join(f"X-Trace-{n}: hop {n}\r\n" for n in range(count))
    return _mail(f"headers-{count}", "Wat kost het?", extra=extra)


def long_header(size: int) -> bytes:
    """One header of about `size` bytes, folded every 70 characters."""
    line = "x" * 68
    return _mail(f"longhead-{size}", "Wat kost het?", extra="X-Long: " + "\r\n ".join([line] * (size // 71)) + "\r\n")


def many_recipients(count: int) -> bytes:
    to = ",\r\n ".join(f"Persoon {n} <p{n}@school.example>" for n in range(count))
    return _mail(f"to-{count}", "Wat kost het?", extra=f"Cc: {to}\r\n")


def many_links(count: int) -> bytes:
    return _html(f"links-{count}", "<p>Zie</p>" + '<a href="https://x.example/">link</a> ' * count)


def unterminated_comments(count: int) -> bytes:
    return _html(f"comments-{count}", "<p>Wat kost het?</p>" + "<!-- <div" * count)


def unterminated_quotes(count: int) -> bytes:
    return _html(f"quotes-{count}", "<p>Wat kost het?</p>" + "<a href='x " * count)


def closing_lines(count: int) -> bytes:
    """A plain text of `count` closing formulas, each one a signature candidate for the reply splitter."""
    return _mail(f"groet-{count}", "Wat kost het?\r\n" + "Met vriendelijke groet,\r\nAnna\r\n" * count)


def content_type_comments(depth: int) -> bytes:
    return _mail(f"ctype-{depth}", "Wat kost het?", ctype="text/plain; charset=utf-8 " + "(" * depth + ")" * depth)


def forward_chain(depth: int, size: int) -> bytes:
    """A forward of a forward of … `depth` times, around a body of `size` bytes (serialising is quadratic)."""
    parts = [f"From: a{n}@school.example\r\nSubject: Fw: {n}\r\nMIME-Version: 1.0\r\n"
             f"Content-Type: message/rfc822\r\n\r\n" for n in range(depth)]
    inner = "From: x@school.example\r\nSubject: binnen\r\n\r\nWat kost het?\r\n" + "x" * size
    return _mail(f"fwd-{depth}", "", ctype="multipart/mixed; boundary=B").replace(
        b"\r\n\r\n\r\n", ("\r\n\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n" + "".join(parts) + inner
                          + "\r\n--B--\r\n").encode(), 1)


# name -> builder; the cases of issue 12 and larger ones
POISON: dict[str, Callable[[], bytes]] = {
    "references-200k": lambda: references(200_000),
    "div-40k": lambda: nested_divs(40_000),
    "div-200k": lambda: nested_divs(200_000),
    "blockquote-20k": lambda: nested_blockquotes(20_000),
    "blockquote-200k": lambda: nested_blockquotes(200_000),
    "encoded-words-200k": lambda: encoded_words(200_000),
    "encoded-words-200k-one-line": lambda: encoded_words(200_000, fold=False),
    "nested-html-1.1MB": lambda: nested_html_mail(1_100_000),
    "parts-20k": lambda: many_parts(20_000),
    "multipart-depth-2k": lambda: nested_multipart(2_000),
    "headers-100k": lambda: many_headers(100_000),
    "long-header-5MB": lambda: long_header(5_000_000),
    "cc-100k": lambda: many_recipients(100_000),
    "links-100k": lambda: many_links(100_000),
    "comments-unterminated-50k": lambda: unterminated_comments(50_000),
    "quotes-unterminated-50k": lambda: unterminated_quotes(50_000),
    "closing-lines-100k": lambda: closing_lines(100_000),
    "forward-chain-200-5MB": lambda: forward_chain(200, 5_000_000),
    "content-type-comments-50k": lambda: content_type_comments(50_000),
}



def good(name: str) -> bytes:
    """An ordinary question, for the mails around the poison."""
    return _mail(f"goed-{name}", "Beste helpdesk,\r\n\r\nWat kost eHerkenning niveau 3 voor ons schoolbestuur?\r\n\r\n"
                 "Groet, Anna", subject=f"Kosten eHerkenning {name}")
