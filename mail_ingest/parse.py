"""Parse raw RFC 822 bytes into a ParsedMail: headers, best text body, safe HTML, attachments."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from email.policy import Compat32
from email.utils import parsedate_to_datetime

from mail_ingest.addresses import parse_addresses
from mail_ingest.charset import decode_header_value
from mail_ingest.html_text import bound_html, html_to_text, sanitize_html
from mail_ingest.ids import normalize_message_id, parse_id_list
from mail_ingest.mime import ParsedAttachment, ParseLimits, WalkResult, _safe, param, walk

__all__ = ["MailParseError", "ParsedAttachment", "ParseLimits", "ParsedMail", "parse_message"]

log = logging.getLogger(__name__)

GENERATED_ID_DOMAIN = "ipo-helpdesk.invalid"

# Headers the filters and the store step look at; everything else stays in the raw bytes.
FILTER_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "list-post",
    "x-ipo-helpdesk",
    "return-path",
    "sender",
    "x-failed-recipients",
    "x-loop",
    "x-mailer",
    "user-agent",
    "content-type",
    "x-spam-flag",
    "feedback-id",
    "x-ms-exchange-generated-message-source",
    "delivered-to",
    "authentication-results",
)

# A mail must carry at least one of these; otherwise it is not a mail but some other file.
_MAIL_HEADERS = {
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "content-type",
    "sender",
    "reply-to",
    "delivered-to",
    "in-reply-to",
    "references",
}


_REFERENCE = re.compile(r"<[^<>]*>")


class _Bounded(Compat32):
    """The compat32 policy, with each header value the MIME walk reads cut to `max_parsed_header_chars`.

    The walk asks each part for its Content-Type, parameters and disposition; policy.default parses the header
    into a structured object on every such look-up (most of the parse time, bench/ingest.py), compat32 hands back
    the string, which the walk only splits. The headers a mail is judged by (From, Subject, References …) are read
    from the raw items and decoded by this package (`_raw_headers`, `decode_header_value`), whatever the policy.
    The stdlib's parameter splitting is quadratic in the quotes and semicolons of a value: hostile values are cut."""

    def header_fetch_parse(self, name: str, value: str):  # noqa: ANN201 - str or email.header.Header
        if len(value) > ParseLimits.max_parsed_header_chars:
            value = value[: ParseLimits.max_parsed_header_chars]
        return super().header_fetch_parse(name, value)


POLICY = _Bounded()


class MailParseError(ValueError):
    """Raised when bytes cannot be read as a mail at all; `code` says why, the message says it in Dutch."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ParsedMail:
    """A normalised mail: everything the filters and the store step need."""

    message_id: str  # without angle brackets; generated as "<sha256>@ipo-helpdesk.invalid" when absent
    message_id_generated: bool
    in_reply_to: str | None
    references: list[str]
    subject: str
    from_name: str
    from_email: str  # lowercased; "" when the mail has no usable From
    to: list[str]
    cc: list[str]
    reply_to: str | None
    date: datetime | None
    headers: dict[str, str]
    text: str
    html: str | None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_multipart_report: bool = False
    report_type: str | None = None
    defects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a limit cut off, in Dutch, for the agent
    dropped_attachments: list[str] = field(default_factory=list)
    raw_size: int = 0
    suspect: list[str] = field(default_factory=list)  # why the sender address cannot be trusted as sent


def _fold(text: str) -> str:
    """Collapse whitespace runs (folded headers, tabs) to single spaces."""
    return " ".join(text.split())


def _raw_headers(msg: Message, limits: ParseLimits, notes: list[str]) -> dict[str, list[str]]:
    """Header values as raw strings (non-ASCII bytes as surrogates), keyed by lowercase name; at most
    `max_headers` of them, each cut to `max_header_chars` and `max_encoded_words` (References: its ids thinned)."""
    found: dict[str, list[str]] = {}
    items = list(_safe(msg.raw_items, []))
    if len(items) > limits.max_headers:
        notes.append(f"{len(items)} headerregels; alleen de eerste {limits.max_headers} gelezen")
    for name, value in items[: limits.max_headers]:
        key = str(name).strip().lower()
        value = _thin_references(str(value), limits, notes) if key == "references" else str(value)
        found.setdefault(key, []).append(_cut_header(key, value, limits, notes))
    return found


def _cut_header(name: str, value: str, limits: ParseLimits, notes: list[str]) -> str:
    """A header value within bounds: decoding many encoded words is quadratic in the stdlib, so cut it first."""
    cut = len(value) if len(value) <= limits.max_header_chars else limits.max_header_chars
    words, at = 0, value.find("=?", 0, cut)
    while at != -1:
        words += 1
        if words > limits.max_encoded_words:
            cut = at
            break
        at = value.find("=?", at + 2, cut)
    if cut == len(value):
        return value
    why = f"meer dan {limits.max_encoded_words} gecodeerde woorden" if words > limits.max_encoded_words else ""
    notes.append(f"header {name!r} ingekort: {why or f'{len(value)} tekens'}; de rest staat in het origineel")
    return value[:cut]


def _thin_references(value: str, limits: ParseLimits, notes: list[str]) -> str:
    """The first id (the thread's root) and the newest ones, as RFC 5322 §3.6.4 suggests trimming."""
    ids = _REFERENCE.findall(value)
    if len(ids) <= limits.max_references:
        return value
    notes.append(f"References-header met {len(ids)} ids; de eerste en de laatste {limits.max_references - 1} bewaard")
    return " ".join(ids[:1] + ids[len(ids) - limits.max_references + 1:])


def _addresses(values: list[str], suspect: list[str] | None = None) -> list[tuple[str, str]]:
    """Parse address headers as sent (see mail_ingest.addresses); forged-looking entries go to `suspect`."""
    found = parse_addresses(values)
    if suspect is not None:
        suspect.extend(found.suspect)
    return found.pairs


def _parse_date(value: str | None, defects: list[str]) -> datetime | None:
    """Parse a Date header into an aware datetime (UTC when the zone is unknown), or None."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"ongeldige Date-header: {value[:60]!r}")
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_message(raw: bytes, *, limits: ParseLimits | None = None) -> ParsedMail:
    """Parse raw mail bytes; raises MailParseError only for input that is not a mail at all."""
    limits = limits or ParseLimits()
    raw = bytes(raw)
    if len(raw) > limits.max_raw_bytes:
        raise MailParseError(
            "too_large",
            f"Mail is te groot: {len(raw) / 1_048_576:.1f} MB "
            f"(maximum {limits.max_raw_bytes / 1_048_576:.0f} MB)",
        )
    if not raw.strip():
        raise MailParseError("empty", "Mail is leeg")
    try:
        msg = message_from_bytes(raw, policy=POLICY)
    except RecursionError as exc:
        raise MailParseError("too_deep", "Mail is te diep genest om te lezen") from exc
    except Exception as exc:  # noqa: BLE001 - the feed parser is lenient; this is a last resort
        raise MailParseError("unreadable", f"Mail kon niet gelezen worden: {exc}") from exc
    notes: list[str] = []
    headers = _raw_headers(msg, limits, notes)
    if not _MAIL_HEADERS & headers.keys():
        raise MailParseError("no_headers", "Geen e-mailheaders gevonden: dit lijkt geen e-mailbericht")
    try:
        return _build(msg, raw, headers, limits, notes)
    except MailParseError:
        raise
    except RecursionError as exc:
        raise MailParseError("too_deep", "Mail is te diep genest om te lezen") from exc
    except Exception as exc:  # noqa: BLE001 - never let a parser bug lose a mail: the caller quarantines it
        log.exception("internal error while parsing mail")
        raise MailParseError("internal", f"Interne fout bij het lezen van de mail: {exc!r}") from exc


def _first(headers: dict[str, list[str]], name: str) -> str | None:
    """First value of a header, decoded and whitespace-folded, or None."""
    values = headers.get(name)
    return _fold(decode_header_value(values[0])) if values else None


def _build(msg: Message, raw: bytes, headers: dict[str, list[str]], limits: ParseLimits,
           notes: list[str]) -> ParsedMail:
    """Assemble the ParsedMail from the parsed tree."""
    defects: list[str] = []
    message_id = normalize_message_id(_first(headers, "message-id"))
    generated = message_id is None
    if message_id is None:
        # Stable across re-imports of the same bytes, so dedupe still works without a Message-ID.
        message_id = f"{hashlib.sha256(raw).hexdigest()}@{GENERATED_ID_DOMAIN}"
        defects.append("geen Message-ID; afgeleid van de inhoud")
    suspect: list[str] = []
    senders = _addresses(headers.get("from", []), suspect) or _addresses(headers.get("sender", []), suspect)
    from_name, from_email = senders[0] if senders else ("", "")
    reply_to = _addresses(headers.get("reply-to", []))
    in_reply_to = parse_id_list(_first(headers, "in-reply-to"))
    result = WalkResult()
    walk(msg, limits, result)
    ctype = _safe(msg.get_content_type, "text/plain")
    text, html = _bodies(result, limits, notes)
    return ParsedMail(
        message_id=message_id,
        message_id_generated=generated,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=parse_id_list(" ".join(decode_header_value(v) for v in headers.get("references", []))),
        subject=_first(headers, "subject") or "",
        from_name=from_name,
        from_email=from_email,
        to=[email for _, email in _addresses(headers.get("to", []))],
        cc=[email for _, email in _addresses(headers.get("cc", []))],
        reply_to=reply_to[0][1] if reply_to else None,
        date=_parse_date(_first(headers, "date"), defects),
        headers={name: _first(headers, name) or "" for name in FILTER_HEADERS if name in headers},
        text=text,
        html=html,
        attachments=result.attachments,
        is_multipart_report=ctype == "multipart/report",
        report_type=(param(msg, "report-type") or None) if ctype == "multipart/report" else None,
        defects=defects + result.defects + notes + result.notes,  # every irregularity; notes: those for the agent
        notes=notes + result.notes,
        dropped_attachments=result.dropped,
        raw_size=len(raw),
        suspect=suspect,
    )


def _bodies(result: WalkResult, limits: ParseLimits, notes: list[str], forwarded: int = 0) -> tuple[str, str | None]:
    """Pick the best plain text and the sanitised HTML from the walk result, each within its limits."""
    html_source, cut = bound_html("\n".join(result.html), limits.max_html_depth, limits.max_html_chars)
    notes.extend(cut)
    html = sanitize_html(html_source) if html_source.strip() else None
    text = "\n\n".join(part.strip("\n") for part in result.plain if part.strip()).strip()
    if not text and html:
        # From nh3's well-formed output: html.parser is quadratic on unterminated quotes and comments.
        text = html_to_text(html)
    if not text and result.nested:
        if forwarded < limits.max_forwarded:
            text = _forwarded_text(result.nested[0], limits, notes, forwarded + 1)
        else:
            notes.append(f"meer dan {limits.max_forwarded} doorgestuurde mails in elkaar; de diepere niet gelezen")
    if len(text) > limits.max_text_chars:
        notes.append(f"tekst ingekort: {len(text)} tekens, de eerste {limits.max_text_chars} bewaard")
        text = text[: limits.max_text_chars]
    return text, html


def _forwarded_text(inner: Message, limits: ParseLimits, notes: list[str], forwarded: int) -> str:
    """Render an attached message/rfc822 as a forwarded block, so its content can become the question."""
    sub = WalkResult()
    walk(inner, replace(limits, max_attachment_bytes=0), sub)
    body, _ = _bodies(sub, limits, notes, forwarded)
    heads = _raw_headers(inner, limits, notes)
    lines = ["---------- Doorgestuurd bericht ----------"]
    for label, name in (("Van", "from"), ("Datum", "date"), ("Onderwerp", "subject"), ("Aan", "to")):
        value = _first(heads, name)
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines) + "\n\n" + body
