"""Ranking: realistic questions as institutions type them must find the right article near the top."""

from __future__ import annotations

import re

import pytest

from knowledge.search import SearchIndex

# (query, expected slug, must be within top N). Written for this test, in the words of school boards.
QUERIES: list[tuple[str, str, int]] = [
    # cost
    ("wat kost eherkenning", "wat-kost-eherkenning", 1),
    ("Wat zijn de kosten van eHerkenning niveau 3?", "wat-kost-eherkenning", 1),
    ("prijs eh3", "wat-kost-eherkenning", 1),
    ("moeten wij als school betalen voor eherkenning of doet DUO dat", "wat-kost-eherkenning", 1),
    ("hoeveel betalen we per medewerker per jaar", "wat-kost-eherkenning", 1),
    ("tarief eherkeninng", "wat-kost-eherkenning", 1),
    ("krijgen we een factuur van DUO?", "wat-kost-eherkenning", 3),
    ("how much does eHerkenning cost", "wat-kost-eherkenning", 3),
    ("hoe duur", "wat-kost-eherkenning", 1),
    ("wat rekkenen de aanbieders per jaar", "wat-kost-eherkenning", 3),  # a typo of a synonym no article uses
    # supplier
    ("welke leverancier", "leverancier-kiezen", 1),
    ("bij welke aanbieder kan ik eherkenning aanvragen", "leverancier-kiezen", 3),
    ("lijst erkende leveranciers", "leverancier-kiezen", 1),
    ("leverancer kiezen", "leverancier-kiezen", 1),
    ("which supplier should we choose", "leverancier-kiezen", 3),
    ("Heeft DUO een voorkeur voor een bepaalde aanbieder?", "leverancier-kiezen", 3),
    # upgrade
    ("upgrade naar niveau 3", "upgrade-naar-niveau-3", 1),
    ("we hebben eherkenning niveau 2+, is dat genoeg?", "upgrade-naar-niveau-3", 1),
    ("ons eh2 middel ophogen", "upgrade-naar-niveau-3", 1),
    ("kan ik mijn huidige eherkenning upgraden", "upgrade-naar-niveau-3", 3),
    # already eHerkenning
    ("we hebben al eherkenning voor het UWV", "al-eherkenning-voor-uwv-of-belastingdienst", 1),
    (
        "eherkenning van de belastingdienst ook gebruiken voor DUO",
        "al-eherkenning-voor-uwv-of-belastingdienst",
        1,
    ),
    (
        "Onze salarisadministratie gebruikt al eHerkenning voor de Belastingdienst. Kunnen we die ook voor "
        "Mijn DUO gebruiken?",
        "al-eherkenning-voor-uwv-of-belastingdienst",
        1,
    ),
    ("extra collega toevoegen aan bestaande eherkenning", "al-eherkenning-voor-uwv-of-belastingdienst", 3),
    # no eHerkenning yet
    ("wij hebben nog geen eherkenning", "nog-geen-eherkenning", 1),
    ("hoe schaf ik eherkenning aan, we hebben het nog niet", "nog-geen-eherkenning", 3),
    ("eerste keer eherkenning aanvragen", "nog-geen-eherkenning", 3),
    # deadline
    ("wanneer is eherkenning verplicht", "wanneer-verplicht", 1),
    ("deadline eherkenning", "wanneer-verplicht", 1),
    ("per wanneer moeten we overstappen", "wanneer-verplicht", 3),
    ("vanaf welke datum werkt de tokengenerator niet meer", "wanneer-verplicht", 3),
    ("uiterlijke termijn aanschaf", "wanneer-verplicht", 1),
    ("what is the deadline", "wanneer-verplicht", 3),
    # token generator
    ("tokengenerator", "tokengenerator-vervangen", 1),
    ("token generator kwijt", "tokengenerator-vervangen", 1),
    ("blijft de tokengenerater werken", "tokengenerator-vervangen", 1),
    ("wat gebeurt er met onze huidige inlog met token", "tokengenerator-vervangen", 3),
    # who needs access
    ("welke medewerkers hebben eherkenning nodig", "wie-heeft-toegang-nodig", 1),
    ("heeft iedere collega een eigen eherkenning nodig of kunnen we delen", "wie-heeft-toegang-nodig", 1),
    ("hoeveel personen moeten toegang hebben tot Mijn DUO", "wie-heeft-toegang-nodig", 1),
    # logging in
    ("inloggen met sms code", "inloggen-met-eherkenning-niveau-3", 1),
    ("hoe log ik in met eherkenning", "inloggen-met-eherkenning-niveau-3", 1),
    ("pincode eherkenning", "inloggen-met-eherkenning-niveau-3", 1),
    ("kan ik met eherkenning ook bij de inspectie inloggen", "inloggen-met-eherkenning-niveau-3", 3),
    # why
    ("waarom eherkenning niveau 3", "waarom-eherkenning-niveau-3", 1),
    ("Wet digitale overheid", "waarom-eherkenning-niveau-3", 1),
    ("waarom moet dit, de tokengenerator werkt toch prima", "waarom-eherkenning-niveau-3", 3),
    ("is het veiliger dan de huidige manier", "waarom-eherkenning-niveau-3", 3),
    # contact
    ("contact helpdesk", "contact-en-meer-informatie", 1),
    ("telefoonnummer helpdesk ipo", "contact-en-meer-informatie", 1),
    ("waar vind ik meer informatie", "contact-en-meer-informatie", 1),
    ("ipo@duo.nl", "contact-en-meer-informatie", 1),
    # what is it, English
    ("wat is eherkenning", "wat-is-eherkenning", 1),
    ("wat is een eherkenningsmiddel precies", "wat-is-eherkenning", 3),
    ("english information about eherkenning", "english-summary", 1),
    ("Do we need eHerkenning level 3 to log in to DUO?", "english-summary", 3),
]

LONG_COST_MAIL = """Geachte heer, mevrouw,

Wij hebben de brief over eHerkenning ontvangen en het bestuur van onze stichting heeft mij gevraagd uit te
zoeken wat dit financieel voor ons betekent. Wij hebben twaalf scholen en op elke school werken twee of drie
mensen van de administratie met Mijn DUO. Als ik het goed begrijp moeten we voor al die mensen een eigen
middel aanschaffen. Wat kost dat ongeveer per persoon? Is dat een eenmalig bedrag of betalen we elk jaar
opnieuw? En krijgen scholen hiervoor een vergoeding van DUO of het ministerie, of komen de kosten helemaal
voor rekening van het schoolbestuur? Wij moeten dit namelijk opnemen in de begroting voor volgend jaar en
willen niet voor verrassingen komen te staan. Alvast hartelijk dank voor uw antwoord.

Met vriendelijke groet,

J. de Boer
Controller Stichting Onderwijs Voorbeeldstad"""

LONG_EXISTING_MAIL = """Beste helpdesk,

Bij ons regelt de salarisadministratie al een paar jaar de loonaangifte bij de Belastingdienst en de
ziekmeldingen bij het UWV met eHerkenning. Twee collega's hebben daar een eigen middel voor. Nu lees ik dat
we voor Mijn DUO ook eHerkenning nodig hebben. Moeten we alles opnieuw aanvragen, of kunnen die twee collega's
hun bestaande middel ook gebruiken? En de medewerkers van de leerlingenadministratie die nu met de token
inloggen hebben nog niets: moeten die er apart een aanvragen? Ik hoor graag wat we precies moeten regelen.

Groet,
Petra Jansen
Hoofd bedrijfsvoering"""


@pytest.mark.parametrize(("query", "slug", "top"), QUERIES, ids=[q for q, _s, _t in QUERIES])
def test_query_finds_article(bundled_index: SearchIndex, query: str, slug: str, top: int) -> None:
    result = bundled_index.search(query, limit=5)
    slugs = [h.slug for h in result.hits]
    assert slug in slugs[:top], f"{query!r}: got {slugs}"


def test_every_article_is_covered_by_a_query(bundled_docs: list) -> None:
    expected = {slug for _q, slug, _t in QUERIES}
    assert {d.slug for d in bundled_docs} <= expected


def test_most_queries_have_the_answer_first(bundled_index: SearchIndex) -> None:
    firsts = sum(bundled_index.search(q, limit=1).hits[:1][0].slug == s for q, s, _t in QUERIES)
    assert firsts / len(QUERIES) >= 0.75


def test_long_mail_about_costs(bundled_index: SearchIndex) -> None:
    assert bundled_index.search(LONG_COST_MAIL, limit=3).hits[0].slug == "wat-kost-eherkenning"


def test_long_mail_about_existing_eherkenning(bundled_index: SearchIndex) -> None:
    slugs = [h.slug for h in bundled_index.search(LONG_EXISTING_MAIL, limit=3).hits]
    assert "al-eherkenning-voor-uwv-of-belastingdienst" in slugs


def test_title_match_beats_body_mention(bundled_index: SearchIndex) -> None:
    # "tokengenerator" is mentioned in several bodies, but only one article is about it.
    hits = bundled_index.search("tokengenerator", limit=5).hits
    assert hits[0].slug == "tokengenerator-vervangen"
    assert hits[0].score > hits[1].score * 1.5


def test_category_filter(bundled_index: SearchIndex) -> None:
    hits = bundled_index.search("eherkenning", limit=20, category="supplier").hits
    assert hits and {h.category for h in hits} == {"supplier"}


@pytest.mark.parametrize("query", ["kosten", "contact helpdesk", "wie heeft toegang nodig", "leverancier kiezen",
                                   "inloggen mijn duo", "Wat kost eHerkenning niveau 3? Per persoon?",
                                   "Heeft u deze informatie ook in het Engels voor onze collega's?"])
def test_english_article_never_above_dutch_ones_for_dutch_queries(bundled_index: SearchIndex, query: str) -> None:
    for result in (bundled_index.search(query), bundled_index.search_mail(query)):
        slugs = [h.slug for h in result.hits]
        assert slugs and slugs[0] != "english-summary"
        # Only the summary is English here: when it is found at all, every Dutch hit comes before it.
        if "english-summary" in slugs:
            assert slugs.index("english-summary") == len(slugs) - 1, slugs


@pytest.mark.parametrize("query", ["which supplier should we choose for level 3",
                                   "Is 2+ sufficient for Mijn DUO?", "How do I log in to Mijn DUO?"])
def test_english_question_finds_the_english_summary_first(bundled_index: SearchIndex, query: str) -> None:
    # "Mijn DUO" is a name English writers use too: no sign of Dutch.
    assert bundled_index.search(query).hits[0].slug == "english-summary"


def test_snippets_have_no_list_markers_or_repeated_link_targets(bundled_index: SearchIndex) -> None:
    for query in ("tokengenerator gebruikersnaam wachtwoord", "meer informatie duo.nl", "tips kosten beperken"):
        for hit in bundled_index.search(query).hits:
            plain = re.sub(r"</?mark>", "", hit.snippet)
            assert not re.search(r"(^|[.?!:] )(- |\d\. )", plain), plain
            assert "(https://" not in plain and "(http://" not in plain, plain
