"""Which language a text is in, for search and `lang` attributes: no Whoosh, so a page's template filter costs
no search import."""

from __future__ import annotations

import re
import unicodedata

from knowledge.classify.lexicon import EN_STOP, NL_STOP

_WORDS = re.compile(r"[a-z]+")
# Search queries are short: beyond the classifier's function words, question and topic words tell the language.
_EN_WORDS = EN_STOP | frozenset(
    "how much what which when who where why need needs cost costs price pay supplier suppliers level choose "
    "still already get buy about information english".split())
_NL_WORDS = NL_STOP | frozenset(
    "wat hoe wanneer welke wie waar waarom kost kosten prijs betalen moet moeten kan kunnen niveau leverancier "
    "nog al krijgen kopen".split())


# Names of Dutch services and laws that English texts about them write in Dutch too ("log in to Mijn DUO"):
# their words say nothing about the language of the text around them.
_NAMES = re.compile(r"\b(?:mijn duo|inspectie van het onderwijs|wet digitale overheid)\b")


_ASCII = frozenset(map(chr, range(128)))


def fold_text(text: str) -> str:
    """`fold` of a whole text: the same string, without filling fold's cache of words with texts, and with only
    the distinct non-ASCII characters of the text looked at one by one."""
    folded = unicodedata.normalize("NFKD", text.lower())
    if not folded.isascii():
        for c in set(folded).difference(_ASCII):
            if c == "’" or unicodedata.combining(c):
                folded = folded.replace(c, "")
    return folded.replace("'", "")


def text_language(text: str) -> str:
    """"en" when English words clearly outnumber Dutch ones (by two in long texts, as the classifier asks, by
    one in a short query), else "nl". Dutch names (Mijn DUO) count for neither."""
    words = _WORDS.findall(_NAMES.sub(" ", fold_text((text or "")[:20_000])))
    en = sum(w in _EN_WORDS for w in words)
    nl = sum(w in _NL_WORDS for w in words)
    return "en" if en > nl + (1 if len(words) > 12 else 0) else "nl"
