"""Whole-mail search from the in-memory snapshot: the same answer as the Whoosh search, and always current."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.search import SearchDoc, SearchIndex

# Mails as school boards write them (our own words): long ones, short ones, typos, English, a signature.
MAILS = [
    "Geachte heer/mevrouw,\n\nIn uw brief staat dat wij voor Mijn DUO eHerkenning niveau 3 nodig hebben. "
    "Wij hebben nu een middel op niveau 2+ via onze huidige leverancier. Kunnen wij dat laten ophogen of "
    "moeten wij een nieuw middel aanschaffen? En wat kost dat ongeveer per medewerker?\n\n"
    "Met vriendelijke groet,\nP. de Vries\nStichting Openbaar Onderwijs Noord",
    "Vanaf wanneer is niveau 3 verplicht? Wij willen op tijd klaar zijn voor de Inspectie.",
    "wat kost eherkening",
    "leverancer kiezen",
    "Which supplier should we choose for eHerkenning level 3 and how long does it take?",
    "Onze administrateur werkt voor drie besturen tegelijk. Kan zij met één machtiging voor alle drie "
    "inloggen, of heeft elk bestuur een eigen machtiging nodig in het machtigingenregister?",
    "Dank voor uw antwoord.",
]


def _same(a, b) -> list[tuple]:  # noqa: ANN001 - two SearchResults
    return [[(h.slug, h.score, h.snippet) for h in r.hits] + [r.total] for r in (a, b)]


@pytest.mark.parametrize("mail", MAILS)
def test_mail_search_gives_the_whoosh_answer(bundled_index: SearchIndex, mail: str) -> None:
    whoosh = bundled_index.search(mail, limit=12, snippets=5)
    memory = bundled_index.search_mail(mail, limit=12, snippets=5)
    first, second = _same(whoosh, memory)
    assert first == second
    assert memory.suggestion is None  # no "Bedoelde u …?" for a mail


def test_remembered_typo_look_ups_give_the_same_answer(bundled_index: SearchIndex) -> None:
    # The snapshot keeps typo corrections per generation: a mail searched again (its misspelt words looked up
    # before, by itself or another mail) gets exactly the first answer, which is Whoosh's.
    typos = ["wat kost eherkening", "leverancer kiezen", "Wanneer moet de upgrade klaar zijn, welke leverancer?"]
    first = [bundled_index.search_mail(mail, limit=12, snippets=5) for mail in typos]
    again = [bundled_index.search_mail(mail, limit=12, snippets=5) for mail in reversed(typos)][::-1]
    whoosh = [bundled_index.search(mail, limit=12, snippets=5) for mail in typos]
    for a, b, w in zip(first, again, whoosh, strict=True):
        assert _same(a, b)[0] == _same(a, b)[1] == _same(w, a)[0]


def test_mail_search_finds_the_right_article(bundled_index: SearchIndex) -> None:
    assert bundled_index.search_mail(MAILS[0]).hits[0].slug == "upgrade-naar-niveau-3"
    assert bundled_index.search_mail(MAILS[2]).hits[0].slug == "wat-kost-eherkenning"  # typo corrected


def test_snapshot_follows_every_change(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix")
    assert ix.search_mail("kosten van het middel").hits == []  # no index yet: empty, no error
    ix.rebuild([SearchDoc("kosten", "Kosten", "cost", body="De kosten van het middel verschillen.")])
    assert [h.slug for h in ix.search_mail("kosten van het middel").hits] == ["kosten"]
    ix.upsert(SearchDoc("termijn", "Termijn", "deadline", body="De termijn voor het middel loopt af."))
    assert {h.slug for h in ix.search_mail("termijn van het middel").hits} == {"kosten", "termijn"}
    ix.delete("kosten")
    assert [h.slug for h in ix.search_mail("kosten en termijn van het middel").hits] == ["termijn"]
    ix.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_arbitrary_mail_text_matches_whoosh(bundled_index: SearchIndex, text: str) -> None:
    first, second = _same(bundled_index.search(text, limit=8, snippets=3),
                          bundled_index.search_mail(text, limit=8, snippets=3))
    assert first == second


def test_the_main_question_is_searched_with_the_mails_own_analysis(bundled_index: SearchIndex) -> None:
    from knowledge.question import main_question

    subject = "Ophogen naar niveau 3"
    query = f"{subject}\n{MAILS[0]}"
    question = main_question(MAILS[0], subject)
    analysis = bundled_index.analyse(query)
    part = analysis.of(question)
    assert part is not None and part.terms  # every line of the question is a line of the mail
    alone = bundled_index.search_mail(question, limit=12, snippets=5)
    shared = bundled_index.search_mail(question, limit=12, snippets=5, analysis=part)
    first, second = _same(alone, shared)
    assert first == second


def test_an_analysis_of_another_text_is_not_used(bundled_index: SearchIndex) -> None:
    analysis = bundled_index.analyse(MAILS[0])
    assert analysis.of("Hoe vraag ik een tokengenerator aan?") is None  # not a line of that mail
    alone = bundled_index.search_mail(MAILS[1])
    first, second = _same(alone, bundled_index.search_mail(MAILS[1], analysis=analysis))
    assert first == second
    assert bundled_index.analyse("   ") is None  # nothing to search: search_mail analyses nothing either
