"""Split a mail body into the sender's new text, the quoted history and the signature (NL + EN clients)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cleaned", "split_reply"]


@dataclass
class Cleaned:
    """The parts of a mail body."""

    new_text: str
    quoted_text: str
    signature: str
    forwarded_text: str = ""  # the cleaned forwarded question, also appended to new_text


_I = re.IGNORECASE
# "Op 3 nov. 2026 om 10:12 schreef Jan <jan@x.nl>:", "On Mon, 3 Nov 2026 at 10:12, Jan <j@x> wrote:",
# Apple Mail NL "Op 3 nov. 2026, om 10:12 heeft Jan het volgende geschreven:".
_ATTRIBUTION = re.compile(
    r"^\s*(op|on|am|le)\b.{0,250}\b(schreef|wrote|schrieb|a écrit|het volgende geschreven|"
    r"heeft geschreven)\s*.{0,120}:\s*$",
    _I,
)
_ATTRIBUTION_START = re.compile(r"^\s*(op|on)\s+\S", _I)
_SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(oorspronkelijk bericht|origineel bericht|original message|"
    r"doorgestuurd bericht|forwarded message|oorspronkelijk e-mailbericht)\s*[-_=*]{2,}\s*$",
    _I,
)
_FORWARD_START = re.compile(
    r"^\s*(begin (doorgestuurd bericht|forwarded message):|[-_=*]{2,}\s*(doorgestuurd bericht|forwarded "
    r"message)\s*[-_=*]{2,})\s*$",
    _I,
)
_NAME_LINE = re.compile(r"^[A-Z][\w.'-]*(\s+(van|de|der|den|ter|ten|[A-Z][\w.'-]*)){0,3}$")
_FORWARD_SUBJECT = re.compile(r"^\s*(fw|fwd|doorst|wg|tr|fwd?\s*\[\d+\])\s*:", _I)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\**(van|from)\s*:\**\s*\S", _I)
_HEADER_OTHER = re.compile(
    r"^\s*\**(verzonden|sent|date|datum|aan|to|onderwerp|subject|cc|bcc|beantwoorden|reply-to)\s*:\**", _I
)
_NAME_BLOCK_LINES = 10  # at most this many lines of name, title and contact after a closing formula
_SIG_DELIMITER = re.compile(r"^--\s?$")
_MOBILE = re.compile(
    r"^\s*((verzonden|verstuurd|gestuurd|sent|envoyé)\s+(vanaf|vanuit|van|met|from|via|with|using)\s+.{0,60}"
    r"|(get|download|haal)\s+outlook\s+(for|voor)\s+(ios|android).{0,20}"
    r"|outlook\s+voor\s+(ios|android)\s+downloaden)\s*$",
    _I,
)
_DISCLAIMER = re.compile(
    r"^\s*(dit (e-?mail)?bericht (is|en eventuele bijlagen)|"
    r"de informatie (verzonden )?in dit (e-?mail)?bericht|"
    r"aan dit (e-?mail)?bericht kunnen geen rechten|this (e-?mail|message)( and any (attachments|files))?"
    r"\s+(is|are|may)|the information (contained )?in this (e-?mail|message)|disclaimer\s*:|"
    r"confidentiality notice|denk aan het milieu|please consider the environment)",
    _I,
)
_CLOSING = re.compile(
    r"^\s*(met\s+)?(vriendelijke|hartelijke|beste|collegiale|warme)\s+groet(en)?[,.!]?\s*$"
    r"|^\s*(groet(en|jes)?|mvg|m\.v\.g\.?|gr\.?|kind regards|best regards|warm regards|regards|best wishes|"
    r"yours sincerely|sincerely|cheers|hoogachtend)[,.!]?\s*$"
    r"|^\s*(alvast\s+)?(bedankt|dank u wel|dank je wel|hartelijk dank|thanks|thank you)( in advance)?[,.!]?\s*$"
    r"|^\s*(alvast dank|bij voorbaat dank|many thanks)[,.!]?\s*$",
    _I,
)
# "Groetjes Kim" / "Groet, Anja de Wit" as the very last line: a closing formula with the name on the same line.
_CLOSING_WITH_NAME = re.compile(
    r"^\s*(met vriendelijke groet(en)?|vriendelijke groet(en)?|groet(en|jes)?|mvg|kind regards|best regards|regards"
    r"|cheers)[,.]?\s+[A-Z][\w.'-]*(\s+[\w.'-]+){0,3}\s*$",
    _I,
)


def _is_outlook_header(lines: list[str], index: int) -> bool:
    """A 'Van:/From:' line followed closely by at least two other header lines (Outlook reply block)."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    others = sum(1 for line in lines[index + 1 : index + 8] if _HEADER_OTHER.match(line))
    return others >= 2


def _quote_start(lines: list[str]) -> tuple[int, str] | None:
    """Index of the first line that starts quoted history, and which kind of marker it is."""
    for i, line in enumerate(lines):
        if _FORWARD_START.match(line):
            return i, "forward"
        if _SEPARATOR.match(line):
            return i, "separator"
        if _ATTRIBUTION.match(line):
            return i, "attribution"
        if _ATTRIBUTION_START.match(line) and i + 1 < len(lines) and len(line) < 200:
            # Clients wrap long attribution lines: "On Mon, ... Jan <jan@x.nl>\nwrote:"
            if _ATTRIBUTION.match(line.rstrip() + " " + lines[i + 1].strip()):
                return i, "attribution"
        if _UNDERSCORES.match(line) and any(
            _is_outlook_header(lines, j) for j in range(i + 1, min(i + 3, len(lines)))
        ):
            return i, "outlook"
        if _is_outlook_header(lines, i):
            return i, "outlook"
        if line.lstrip().startswith(">"):
            return i, "quote"
    return None


def _strip_header_block(lines: list[str]) -> list[str]:
    """Drop the separator/attribution and the header lines that start a quoted or forwarded block."""
    i = 0
    while i < len(lines) and (
        not lines[i].strip()
        or _FORWARD_START.match(lines[i])
        or _SEPARATOR.match(lines[i])
        or _UNDERSCORES.match(lines[i])
        or _ATTRIBUTION.match(lines[i])
        or _HEADER_FROM.match(lines[i])
        or _HEADER_OTHER.match(lines[i])
    ):
        i += 1
    return lines[i:]


def _unquote(lines: list[str]) -> list[str]:
    """Remove one level of '>' quoting."""
    return [re.sub(r"^\s?>\s?", "", line) for line in lines]


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split lines into (text, signature): delimiter, disclaimers, mobile footers, closing + name block."""
    cut = len(lines)
    for i, line in enumerate(lines):
        if _SIG_DELIMITER.match(line) or _DISCLAIMER.match(line):
            cut = i
            break
    body, signature = lines[:cut], lines[cut:]
    kept: list[str] = []
    footers: list[str] = []
    for line in body:
        (footers if _MOBILE.match(line) else kept).append(line)
    body = kept
    # Only a closing formula among the last lines can start a name block: checking just those keeps this linear.
    content_after = 0
    tail_start = len(body)
    for i in range(len(body) - 1, -1, -1):
        if content_after > _NAME_BLOCK_LINES:
            break
        tail_start = i
        content_after += bool(body[i].strip())
    for i in range(tail_start, len(body)):
        line = body[i]
        if _CLOSING.match(line) and _is_name_block(body[i + 1 :]) and any(x.strip() for x in body[:i]):
            return body[:i], body[i:] + footers + signature
    content = [i for i, line in enumerate(body) if line.strip()]
    if len(content) > 1 and _CLOSING_WITH_NAME.match(body[content[-1]]):
        return body[: content[-1]], body[content[-1] :] + footers + signature
    if len(content) > 1 and _NAME_LINE.match(body[content[-1]].strip()) and not body[content[-1] - 1].strip():
        # A bare name on its own last line ("Anja") signs the mail.
        return body[: content[-1]], body[content[-1] :] + footers + signature
    return body, footers + signature


def _is_name_block(lines: list[str]) -> bool:
    """True when what follows a closing formula looks like name/title/contact lines, not more message."""
    content = [line.strip() for line in lines if line.strip()]
    if len(content) > _NAME_BLOCK_LINES:
        return False
    return all(len(line) <= 80 and not line.endswith("?") for line in content)


def _join(lines: list[str]) -> str:
    """Join lines and trim blank lines at both ends."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip("\n").strip()


def split_reply(text: str, *, subject: str | None = None, _depth: int = 0) -> Cleaned:
    """Separate new text from quoted history and signature; forwarded content counts as part of the question.

    Pass the subject when known: Outlook uses the same header block for replies and forwards, and only the
    "FW:"/"Doorst:" prefix tells them apart.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = _quote_start(lines)
    head, quoted = (lines, []) if start is None else (lines[: start[0]], lines[start[0] :])
    kind = start[1] if start else None
    body, signature = _split_signature(head)
    new_text = _join(body)
    if kind == "quote" and not new_text.strip():
        # Bottom-posting: the answer comes after the quoted block.
        end = next(
            (i for i, line in enumerate(quoted) if not line.lstrip().startswith(">") and line.strip()), None
        )
        if end is not None:
            rest = split_reply("\n".join(quoted[end:]), _depth=_depth + 1)
            return Cleaned(
                rest.new_text,
                _join(quoted[:end] + ([rest.quoted_text] if rest.quoted_text else [])),
                _join(signature + [rest.signature]),
            )
    if not new_text and quoted and _depth < 5:
        # Nothing of their own (a bare forward, or text only below a header block): the quoted content is
        # the question, so clean that instead of returning an empty message.
        inner_lines = _strip_header_block(quoted)
        if kind == "quote":
            inner_lines = _unquote(inner_lines)
        inner = split_reply("\n".join(inner_lines), _depth=_depth + 1)
        if inner.new_text:
            return Cleaned(inner.new_text, inner.quoted_text, _join(signature + [inner.signature]))
    forward = kind == "forward" or (kind in ("separator", "outlook") and _FORWARD_SUBJECT.match(subject or ""))
    if forward and new_text and _depth < 5:
        # "See the question below": what the helpdesk must answer is in the forwarded message.
        inner = split_reply("\n".join(_strip_header_block(quoted)), _depth=_depth + 1)
        if inner.new_text:
            return Cleaned(new_text + "\n\n" + inner.new_text, _join(quoted), _join(signature), inner.new_text)
    return Cleaned(new_text, _join(quoted), _join(signature))
