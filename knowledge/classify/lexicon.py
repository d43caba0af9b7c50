"""Domain word lists of the question classifier: spellings, cue words per category, function words.

Compound parts are the Dutch analysis's (`knowledge.lexicon`); the function words here also guess a mail's
language, so they stay the classifier's own.
"""

from __future__ import annotations

# (regex, replacement) applied in order on lowercased, accent-free text, so variants share one spelling.
PHRASES: list[tuple[str, str]] = [
    (r"\be[\s\-]+herkenning", "eherkenning"),
    (r"\beh[\s\-]?([1-4])\s*(?:\+|plus)", r"eherkenning niveau \1plus"),
    (r"\beh[\s\-]?([1-4])\b", r"eherkenning niveau \1"),
    (r"\b(?:betrouwbaarheids)?(?:niveau|nivo|level|loa|bn)[\s\-]*([1-4])\s*(?:\+|plus)", r"niveau \1plus"),
    (r"\b(?:betrouwbaarheids)?(?:niveau|nivo|level|loa)[\s\-]*([1-4])\b", r"niveau \1"),
    (r"\bbetrouwbaarheidsniveau\b", "niveau"),
    (r"\b([1-4])\s*\+", r"\1plus"),
    (r"€", " euro "),
    (r"\be[\s\-]mail", "email"),
    (r"\bmijn[\s\-]?duo\b", "mijnduo"),
    (r"\bz[\s\-]login\b", "zlogin"),
    (r"\blog[\s\-]?in\b", "login"),
]

_W = r"[a-z0-9]*"
# Cue patterns: evidence, not rules; each match adds one feature the model weighs like any other word.
CUE_PATTERNS: list[tuple[str, str]] = [
    ("kosten", (
        rf"\b(?:kost{_W}|\w*kosten|prijs{_W}|prijz{_W}|tarie{_W}|betal{_W}|betaa{_W}|factu{_W}|bedrag{_W}"
        rf"|euro|budget{_W}|vergoe{_W}|goedko{_W}|declar{_W}|subsidie{_W}|btw|bekostig{_W}|financi{_W}"
        rf"|doorbelast{_W}|offerte{_W}|lumpsum|geld|cost{_W}|price{_W}|pricing|pay{_W}|paid|fees?"
        rf"|invoice{_W}|expens{_W}|cheap{_W}|reimburs{_W}|compensat{_W}|per\s+jaar|per\s+persoon"
        rf"|per\s+medewerker|per\s+year|per\s+person)\b"
    )),
    ("leverancier", (
        rf"\b(?:leverancier{_W}|\w*leveranciers?|aanbieder{_W}|welke\s+partij{_W}|erkend{_W}|makelaar{_W}"
        rf"|supplier{_W}|provider{_W}|vendor{_W}|kpn|digidentity|zlogin|esysco|connectis|ubiqu|quovadis"
        rf"|signicat|aanbested{_W}|raamcontract{_W}|raamovereenkomst{_W}|inkoop{_W}|inkopen|voorkeur{_W}"
        rf"|aanbevel{_W}|aanraden|aanrader|recommend{_W}|vergelijk{_W}|compare|bij\s+wie|welke\s+aanbieder"
        rf"|waar\s+(?:kan|kunnen|moet|moeten)\s+(?:ik|we|wij|je)|where\s+(?:can|do|should)\s+(?:we|i))\b"
    )),
    ("upgrade", (
        rf"\b(?:upgrad{_W}|ophog{_W}|opgehoogd|verhog{_W}|verhoogd|opwaardeer{_W}|opwaarder{_W}|omzetten"
        rf"|uitbreid{_W}|uitgebreid|niveau\s+2|niveau\s+2plus|2plus|bestaand{_W}"
        rf"|al\s+(?:een\s+)?eherkenning{_W}|hebben\s+(?:al|reeds)|beschikken\s+(?:al|reeds)|reeds|uwv"
        rf"|belastingdienst|already|existing|toevoeg{_W}|toegevoegd|lager\s+niveau"
        rf"|lower\s+level|voldoende|volstaat|genoeg|enough|sufficient|hergebruik{_W}|reuse)\b"
    )),
    ("nog_geen", (
        rf"\b(?:nog\s+geen|geen\s+eherkenning|nog\s+niet\s+(?:in\s+)?(?:gebruik|aangeschaft|aangevraagd)"
        rf"|aanvraagprocedure|aanvraagproces|aanschaffen|aanvragen|bestellen|(?:do|does)\s+not\s+(?:yet\s+)?"
        rf"(?:use|have)|don't\s+(?:use|have)|not\s+yet|obtain{_W}|apply{_W}|purchas{_W}|order{_W})\b"
    )),
    ("termijn", (
        rf"\b(?:wanneer|datum{_W}|\w*datum|deadline{_W}|uiterlijk|termijn{_W}|\w*termijn|overgang{_W}"
        rf"|te\s+laat|op\s+tijd|tijdig|januari|februari|maart|april|mei|juni|juli|augustus|september"
        rf"|oktober|november|december|20\d\d|when|dates?|until|late|transition{_W}|hoe\s+lang|planning"
        rf"|tijdpad|tijdlijn|timeline|ingang{_W}|schooljaar|uitstel{_W}|verleng{_W}|vanaf|per\s+wanneer"
        rf"|tot\s+wanneer|hoeveel\s+tijd|how\s+long|how\s+much\s+time|in\s+werking|vervalt|stopt)\b"
    )),
    ("overig", (
        rf"\b(?:waarom|why|wie|who|toegang{_W}|access|login{_W}|inlog{_W}|ingelogd|tokengenerator{_W}"
        rf"|token{_W}|contact{_W}|telefo{_W}|bellen|bereikbaar{_W}|wetgeving|wet|inspectie{_W}|machtig{_W}"
        rf"|beheerder{_W}|wachtwoord{_W}|password|sms|pincode|digid|privacy|persoonsgebonden"
        rf"|storing|foutmelding|error|handleiding|webinar|uitleg)\b"
    )),
]

# Function words dropped from word features (question words like wanneer/waarom/welke are kept: they decide).
NL_STOP: frozenset[str] = frozenset(
    """de het een en van in op te dat die is met aan er zijn ik u uw ons onze of om als ook maar dan naar
    deze dit wordt worden was werd zou zal zullen mijn me mij hij zij ze hun je jij jullie graag even
    hierbij bij voor wij we wel dus hier daar nu zo heer mevrouw geachte beste hallo goedemorgen
    goedemiddag hoi dag dank bedankt alvast vriendelijke groet groeten mvg gr sinds tot""".split()
)
EN_STOP: frozenset[str] = frozenset(
    """the a an and of to in is are our you your for with do does this that it be have has will would
    there their they i me my on at as by from or if so please thanks thank regards dear hello hi kind
    best am was were been can could should""".split()
)
