"""The main question of a mail: what it asks (sentences with '?', the last request) and a new mail's subject."""

from __future__ import annotations

import re

# A sentence ends at . ! ? or a line break; a question mark may be followed by more (“…?!”, “?)”).
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"')\]]*)?")
# Requests without a question mark: "Graag hoor ik …", "Kunt u mij laten weten …", "Please let me know …".
_REQUEST_RE = re.compile(
    r"\b(?:graag|kunt u|kunnen jullie|kun je|zou(?:den)? (?:u|jullie)|wil(?:len)? (?:ik|we|wij) (?:graag )?weten"
    r"|ik vraag me af|vraag is|hoor(?:en)? (?:ik|we|wij) graag|laat .{0,40}weten|verzoek"
    r"|please|could you|can you|would you|let me know|i would like to know|we would like to know)\b",
    re.IGNORECASE,
)
_GREETING_RE = re.compile(r"^\s*(?:met vriendelijke groet|vriendelijke groet|groet|mvg|alvast bedankt|bedankt"
                          r"|dank u|dank je|kind regards|best regards|regards|thanks|thank you)\b", re.IGNORECASE)
MAX_QUESTION_SENTENCES = 3  # the last asking sentences; earlier ones are mostly context or politeness
MAX_SENTENCE_CHARS = 400  # a "sentence" longer than this is a pasted block, not a question


def sentences(text: str) -> list[str]:
    """The sentences of a text, quoted lines ('>') left out."""
    own = "\n".join(line for line in (text or "").splitlines() if not line.lstrip().startswith(">"))
    found = (" ".join(m.group().split()) for m in _SENTENCE_RE.finditer(own))
    return [s for s in found if len(s) > 2 and len(s) <= MAX_SENTENCE_CHARS]


def asking_sentences(text: str) -> list[str]:
    """The sentences that ask something: ending in '?', or a request ("graag", "kunt u", "please")."""
    return [s for s in sentences(text)
            if not _GREETING_RE.match(s) and (s.rstrip("\"')]").endswith("?") or _REQUEST_RE.search(s))]


def main_question(text: str, subject: str = "") -> str:
    """The subject (of a new mail: replies pass none) and the last asking sentences; "" when nothing asks and
    there is no subject, so the caller falls back to the whole text."""
    asked = asking_sentences(text)[-MAX_QUESTION_SENTENCES:]
    return "\n".join([subject.strip(), *asked] if subject.strip() else asked)
