"""Typos in search-box questions, through /api/faq/search and /faq/search as a visitor sends them.

The questions are written for this test (not taken from the measurement sets of bench/eval_faq.py): each one
once as meant and once with a slip in every content word, as hurried typing makes them.
"""

from __future__ import annotations

import re

import pytest

QUESTIONS = [
    ("Welke leverancier kan ik het beste kiezen voor ons schoolbestuur?",
     "Wlke leveranceir kan ik het bsete kiezn voor ons schoolbesutur?", "leverancier-kiezen"),
    ("Wat zijn de jaarlijkse kosten van eHerkenning voor een kleine school?",
     "Wat zjin de jaarljikse kotsen van eHerkeninng voor een klene school?", "wat-kost-eherkenning"),
    ("Tot wanneer hebben we de tijd om eHerkenning niveau 3 te regelen?",
     "Tot wanneer hebbben we de tjid om eHerkening niveua 3 te regleen?", "wanneer-verplicht"),
    ("Hoeveel medewerkers van onze school hebben toegang nodig tot Mijn DUO?",
     "Hoevel medwerkers van onze scohol hebben toegnag nodig tot Mijn DUO?", "wie-heeft-toegang-nodig"),
    ("Kunnen we onze bestaande eHerkenning van de Belastingdienst ook voor DUO gebruiken?",
     "Kunen we onze bestande eHerkenning van de Belastingdiesnt ook voor DUO gebruikn?",
     "al-eherkenning-voor-uwv-of-belastingdienst"),
]


def _top3(client, q: str) -> list[str]:
    response = client.get("/api/faq/search", query_string={"q": q, "limit": 3})
    assert response.status_code == 200
    return [r["slug"] for r in response.get_json()["results"]]


@pytest.mark.parametrize(("meant", "typed", "slug"), QUESTIONS, ids=[s for _m, _t, s in QUESTIONS])
def test_a_question_with_a_typo_in_every_content_word_finds_its_article(kb, client, meant, typed, slug):
    assert slug in _top3(client, meant)
    assert slug in _top3(client, typed), typed


def test_the_results_page_of_a_mistyped_question_lists_the_article_and_offers_the_spelling(kb, client):
    meant, typed, slug = QUESTIONS[0]
    page = client.get("/faq/search", query_string={"q": typed}).get_data(as_text=True)
    assert "Bedoelde u" in page
    suggestion, results = page.split("Bedoelde u", 1)[1].split("</p>", 1)
    assert "leverancier" in suggestion and "kiezen" in suggestion
    assert slug in re.findall(r'<h2[^>]*><a href="/faq/([a-z0-9-]+)', results)[:3]


def test_a_typo_in_one_part_of_a_hyphenated_word_is_fixed_in_that_part(kb, client):
    data = client.get("/api/faq/search", query_string={"q": "eHerkenning-leveranceir"}).get_json()
    assert data["results"][0]["slug"] == "leverancier-kiezen"


def test_a_real_word_no_article_uses_is_not_corrected_into_another_word(kb, client):
    # "contract" is one letter from "contact", which the articles use: still, it is what the visitor meant.
    page = client.get("/faq/search", query_string={"q": "contract opzeggen"}).get_data(as_text=True)
    assert "Bedoelde u" not in page
