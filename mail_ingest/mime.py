"""Walk a parsed MIME tree within bounds: pick the body parts and collect attachments."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from email.utils import collapse_rfc2231_value

from mail_ingest.charset import decode_bytes, decode_header_value


@dataclass
class ParsedAttachment:
    """One attachment (or inline image) of a mail."""

    filename: str
    content_type: str
    data: bytes
    size: int
    content_id: str | None = None
    inline: bool = False


@dataclass
class ParseLimits:
    """Bounds that keep a hostile or broken mail from exhausting memory or time."""

    max_raw_bytes: int = 50 * 1024 * 1024
    max_attachment_bytes: int = 25 * 1024 * 1024
    max_depth: int = 20  # MIME nesting
    max_parts: int = 200  # MIME parts looked at
    max_forwarded: int = 5  # forwarded mails inside forwarded mails read for the question text
    max_headers: int = 1000  # header fields read; the rest stays in the raw bytes
    max_header_chars: int = 32_000  # one header value (To with hundreds of names fits); longer is cut
    max_parsed_header_chars: int = 8_000  # what the stdlib's structured parser sees of one value (Content-Type …)
    max_encoded_words: int = 200  # RFC 2047 words decoded per header (stdlib decoding is quadratic in them)
    max_references: int = 100  # ids kept from References: the first (thread root) and the newest (RFC 5322)
    max_text_chars: int = 1_000_000  # body text kept (about 300 pages); longer is cut with a note
    max_html_chars: int = 2_000_000  # HTML body sanitised; longer is cut with a note
    max_html_depth: int = 100  # element nesting kept in HTML; deeper tags are dropped, their text kept


@dataclass
class WalkResult:
    """What the MIME walk found."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    nested: list[Message] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a limit cut off (Dutch, for the agent)
    parts: int = 0
    capped: bool = False


def _safe(func, default):  # type: ignore[no-untyped-def]
    """Call a stdlib accessor that may choke on malformed headers; return default instead."""
    try:
        return func()
    except Exception:  # noqa: BLE001 - header parser bugs on hostile input must not kill the mail
        return default


_UNSAFE_CHARS = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')


def safe_filename(name: str | None, content_type: str, index: int, max_length: int = 120) -> str:
    """Return a filename without path parts or control characters, capped in length, with a fallback."""
    cleaned = ""
    if name:
        cleaned = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
        cleaned = re.split(r"[/\\]", cleaned)[-1]
        cleaned = _UNSAFE_CHARS.sub("_", cleaned).strip().lstrip(".").strip()
    if not cleaned:
        ext = mimetypes.guess_extension(content_type) or ".bin"
        cleaned = f"bijlage-{index}{ext}"
    if len(cleaned) > max_length:
        stem, dot, ext = cleaned.rpartition(".")
        ext = ext[:15] if dot and stem else ""
        cleaned = cleaned[: max_length - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return cleaned


def param(part: Message, name: str) -> str:
    """A Content-Type parameter as lower-case text ("" when absent or unreadable); RFC 2231 values collapsed."""
    value = _safe(lambda: part.get_param(name), None)
    if value is None:
        return ""
    return str(_safe(lambda: collapse_rfc2231_value(value), "") or "").strip().lower()


def _unflow(text: str, delsp: bool) -> str:
    """Join format=flowed soft line breaks (RFC 3676) so paragraphs read as one line."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1].endswith(" ") and out[-1] != "-- " and not out[-1].startswith(">"):
            out[-1] = (out[-1][:-1] if delsp else out[-1]) + line
        else:
            out.append(line)
    return "\n".join(out)


def _text_of(part: Message, result: WalkResult) -> str:
    """Decode a text part with charset repair; notes repairs as defects."""
    data = _safe(lambda: part.get_payload(decode=True), b"") or b""
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", "surrogateescape")
    charset = _safe(part.get_content_charset, None)
    text, note = decode_bytes(data, charset)
    if note:
        result.defects.append(note)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if param(part, "format") == "flowed":
        text = _unflow(text, param(part, "delsp") == "yes")
    return text


def _message_bytes(message: Message) -> bytes:
    """Serialise a nested message back to bytes as faithfully as possible."""
    try:
        return message.as_bytes(policy=compat32)
    except Exception:  # noqa: BLE001 - fall back to a lossy but readable copy
        return message.as_string(policy=compat32).encode("utf-8", "surrogateescape")


def _deeper_than(message: Message, limit: int) -> bool:
    """Whether a MIME tree nests more than `limit` levels; stops at the first branch that does."""
    todo = [(message, 0)]
    while todo:
        part, depth = todo.pop()
        if depth > limit:
            return True
        payload = _safe(part.get_payload, None)
        if isinstance(payload, list):
            todo.extend((child, depth + 1) for child in payload if isinstance(child, Message))
    return False


def walk(part: Message, limits: ParseLimits, result: WalkResult, depth: int = 0) -> None:
    """Collect body text, HTML, nested messages and attachments of one MIME (sub)tree."""
    if result.parts >= limits.max_parts:
        if not result.capped:
            result.capped = True
            result.notes.append(f"meer dan {limits.max_parts} MIME-delen; de rest is overgeslagen")
        return
    if depth > limits.max_depth:
        if not result.capped:
            result.capped = True
            result.notes.append(f"MIME dieper dan {limits.max_depth} niveaus; het diepere deel is overgeslagen")
        return
    result.parts += 1
    result.defects.extend(type(d).__name__ for d in getattr(part, "defects", []))
    ctype = _safe(part.get_content_type, "text/plain")
    payload = _safe(part.get_payload, None)
    if ctype == "message/rfc822" and isinstance(payload, list) and payload:
        inner = payload[0]
        result.nested.append(inner)
        if limits.max_attachment_bytes <= 0:
            return  # only the text is wanted (a forwarded mail inside a forwarded mail): skip serialising it
        if _deeper_than(inner, limits.max_depth):
            # Serialising copies each level into the one above it: quadratic in depth. The raw mail has it all.
            result.notes.append("doorgestuurd bericht te diep genest om als bijlage te bewaren; staat in het origineel")
            return
        subject = decode_header_value(str(_safe(lambda: inner.get("subject", ""), "") or ""))
        _add_attachment(
            part, limits, result, _message_bytes(inner), (subject or "doorgestuurd-bericht") + ".eml"
        )
        return
    if isinstance(payload, list):
        for child in payload:
            if isinstance(child, Message):
                walk(child, limits, result, depth + 1)
        return
    disposition = _safe(part.get_content_disposition, None)
    filename = _safe(part.get_filename, None)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        (result.plain if ctype == "text/plain" else result.html).append(_text_of(part, result))
        return
    data = _safe(lambda: part.get_payload(decode=True), b"") or b""
    _add_attachment(part, limits, result, data if isinstance(data, bytes) else b"", filename)


def _add_attachment(
    part: Message, limits: ParseLimits, result: WalkResult, data: bytes, name: str | None
) -> None:
    """Append an attachment unless it is over the size limit (then note it and drop the bytes)."""
    ctype = _safe(part.get_content_type, "application/octet-stream")
    index = len(result.attachments) + len(result.dropped) + 1
    filename = safe_filename(decode_header_value(name) if name else None, ctype, index)
    if len(data) > limits.max_attachment_bytes:
        result.dropped.append(filename)
        result.defects.append(
            f"bijlage {filename!r} ({len(data) / 1_048_576:.1f} MB) weggelaten: groter dan "
            f"{limits.max_attachment_bytes / 1_048_576:.1f} MB"
        )
        return
    raw_cid = _safe(lambda: part.get("content-id"), None)
    content_id = str(raw_cid).strip().strip("<>").strip() or None if raw_cid else None
    disposition = _safe(part.get_content_disposition, None)
    inline = disposition == "inline" or (disposition is None and content_id is not None)
    result.attachments.append(ParsedAttachment(filename, ctype, data, len(data), content_id, inline))
