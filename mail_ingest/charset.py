"""Decode mail bytes to text whatever the (wrong or missing) charset says; never raises."""

from __future__ import annotations

import codecs
from email.header import decode_header

# Mail clients label cp1252 text as latin-1 or ascii all the time (Outlook); browsers do the same mapping.
_WIDEN = {"iso8859-1": "cp1252", "ascii": "cp1252"}


def _codec_name(charset: str | None) -> str | None:
    """Return Python's canonical codec name for a declared charset, or None when unknown."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode bytes: declared charset, UTF-8, charset-normalizer, cp1252, latin-1; return (text, note)."""
    if not data:
        return "", None
    codec = _codec_name(declared)
    if data.isascii() and not (codec or "").startswith(("utf-16", "utf-32", "utf-7")):
        return data.decode("ascii"), None
    if codec in (None, "ascii", "iso8859-1", "cp1252") and not data.isascii():
        # Valid UTF-8 with non-ASCII bytes is almost never real latin-1: mislabelled or unlabelled UTF-8.
        try:
            text = data.decode("utf-8")
            return text, None if codec is None else f"charset {declared!r} klopte niet; als UTF-8 gelezen"
        except UnicodeDecodeError:
            pass
    if codec:
        try:
            return data.decode(_WIDEN.get(codec, codec)), None
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), f"charset {declared!r} klopte niet; als UTF-8 gelezen"
    except UnicodeDecodeError:
        pass
    western = _western(data)
    if western is not None:
        return western, f"charset {declared or 'onbekend'!r} hersteld als cp1252"
    guess = None
    try:
        from charset_normalizer import from_bytes  # ~30 ms to load: only an undeclared charset needs it

        best = from_bytes(data[:200_000]).best()
        guess = best.encoding if best is not None else None
        # Short mail text fools detectors into UTF-16/32; those never arrive without a declared charset.
        if guess and guess.startswith(("utf_16", "utf_32")):
            guess = None
    except Exception:  # noqa: BLE001 - detection is a best effort, a fallback follows
        guess = None
    for candidate in (guess, "cp1252"):
        if not candidate:
            continue
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, f"charset {declared or 'onbekend'!r} hersteld als {candidate}"
    return data.decode("latin-1"), f"charset {declared or 'onbekend'!r} hersteld als latin-1"


# Non-ASCII characters that real Dutch/English mail in cp1252 contains: accented letters, €, typographic quotes.
_WESTERN = set("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ€‘’‚“”„–—…•°§©®«»·½¼¾±²³µ¢£¥")



def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Decode mail bytes to text (see _decode_bytes) without NUL characters: they carry no meaning in mail
    and PostgreSQL cannot store them in text, so a NUL must never cost a mail its place in the queue."""
    text, note = _decode_bytes(data, declared)
    return (text.replace("\x00", ""), note) if "\x00" in text else (text, note)


def _western(data: bytes) -> str | None:
    """cp1252 text when every non-ASCII character is a plausible Western one; detectors misfire on short text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    odd = sum(1 for ch in text if ord(ch) > 127 and ch not in _WESTERN)
    return text if odd == 0 else None


def header_bytes(raw: str) -> bytes:
    """Recover the original bytes of a header value parsed from bytes (non-ASCII kept as surrogates)."""
    return raw.encode("utf-8", "surrogateescape")


def decode_header_value(raw: str) -> str:
    """Decode RFC 2047 encoded words and raw 8-bit bytes in a header value to text; never raises."""
    raw_bytes = header_bytes(raw)
    if b"=?" not in raw_bytes:
        return decode_bytes(raw_bytes, "utf-8")[0]
    try:
        # latin-1 maps each byte to one char, so decode_header hands back the original bytes per piece
        pieces = decode_header(raw_bytes.decode("latin-1"))
    except Exception:  # noqa: BLE001 - malformed encoded words: show the raw value rather than fail
        return decode_bytes(raw_bytes, "utf-8")[0]
    out: list[str] = []
    for piece, charset in pieces:
        data = piece.encode("latin-1", "replace") if isinstance(piece, str) else piece
        out.append(decode_bytes(data, charset or "utf-8")[0])
    return "".join(out)
