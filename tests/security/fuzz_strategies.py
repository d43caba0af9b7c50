"""Hypothesis strategies for fuzzing: search queries and raw mails. Shared by tests and bench/fuzz_*.py."""

from __future__ import annotations

import base64

from hypothesis import strategies as st

from tests.security.xss_corpus import PAYLOADS

# Text a URL can carry (lone surrogates cannot be percent-encoded as UTF-8, so a browser never sends them).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)

QUERY_TOKENS = [
    "eherkenning",
    "eHerkenning",
    "niveau",
    "3",
    "EH3",
    "kosten",
    "wat",
    "kost",
    "leverancier",
    "upgrade",
    "AND",
    "OR",
    "NOT",
    "TO",
    "(",
    ")",
    '"',
    "*",
    "?",
    "~",
    "~2",
    "^",
    "^3",
    ":",
    "title:",
    "body:",
    "[",
    "]",
    "{",
    "}",
    "-",
    "+",
    "\\",
    "/",
    "&&",
    "||",
    "!",
    "'",
    "%",
    "_",
    "\x00",
    "\t",
    "\n",
    "é",
    "ĳ",
    "ß",
    "😀",
    "‏",
    "​",
    "ﬁ",
    "Ⅻ",
    "..",
    "...",
    "a" * 200,
]

QUERIES = st.one_of(
    ANY_TEXT,
    st.lists(st.sampled_from(QUERY_TOKENS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(QUERY_TOKENS), max_size=12).map("".join),
    st.sampled_from([p.text for p in PAYLOADS]),
)

HEADER_NAMES = [
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Auto-Submitted",
    "Precedence",
    "Return-Path",
    "Received",
    "X-Mailer",
]
HEADER_VALUES = st.one_of(
    st.text(max_size=80).map(lambda t: t.replace("\r", " ").replace("\n", " ")),
    st.sampled_from(
        [
            "multipart/mixed; boundary=b",
            'multipart/alternative; boundary="b"',
            "text/html; charset=utf-8",
            "text/plain; charset=x-unknown",
            "text/plain; charset=iso-8859-1",
            "multipart/report; report-type=x",
            "message/rfc822",
            "base64",
            "quoted-printable",
            "8bit",
            "attachment; filename*=utf-8''%ff%fe.pdf",
            "=?utf-8?b?4pyTIMOgIGxhIG1vZGU=?=",
            "=?utf-8?q?=E2=9C=93?=",
            "=?bogus?x?zz?=",
            "<a@b>",
            "<<>>",
            "Thu, 32 Foo 99999 25:61:61 +9999",
            "auto-replied",
            "bulk",
            '"Naam" <naam@school.example>',
            "naam@",
            "@",
            "undisclosed-recipients:;",
            "a@b, c@d,,, ;",
        ]
    ),
)
BODY_LINES = st.one_of(
    st.text(max_size=120).map(lambda t: t.replace("\r", "")),
    st.sampled_from(
        [
            "--b",
            "--b--",
            "",
            ">",
            "> geciteerd",
            "-- ",
            "<html><body><p>x</p>",
            "</body></html>",
            "=E2=9C=93=",
            "=\r",
            "SGFsbG8=",
            "!!!",
            "Content-Type: text/plain",
            "Met vriendelijke groet,",
        ]
    ),
)


@st.composite
def mail_like(draw: st.DrawFn) -> bytes:
    """Bytes that look like a mail: headers (some broken), a body with MIME boundaries, random encodings."""
    headers = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), HEADER_VALUES), max_size=14))
    body = draw(st.lists(BODY_LINES, max_size=30))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    text = newline.join([f"{name}: {value}" for name, value in headers] + [""] + body)
    raw = text.encode(draw(st.sampled_from(["utf-8", "latin-1"])), errors="replace")
    if draw(st.booleans()):
        raw += base64.b64encode(draw(st.binary(max_size=200)))
    if draw(st.booleans()):
        raw += draw(st.binary(max_size=200))
    return raw


RAW_MAILS = st.one_of(st.binary(max_size=2000), mail_like())
