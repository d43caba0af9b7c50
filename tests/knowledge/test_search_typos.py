"""Typo correction of the search: which word a slip is taken for, and that right spelling always wins.

Small indexes of articles written for these tests, so that each case has exactly the near words it needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search import SearchDoc, SearchIndex


def _doc(slug: str, body: str) -> SearchDoc:
    return SearchDoc(slug=slug, title=slug.replace("-", " ").capitalize(), category="other", body=body)


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild([
        _doc("jaarlijkse-kosten", "De kosten van het abonnement betaalt de school per jaar."),
        _doc("kusten-en-stranden", "Langs de kusten liggen brede stranden met duinen."),
        _doc("prijs-per-medewerker", "De prijs hangt af van het aantal medewerkers."),
        _doc("contact-opnemen", "Neem contact op met de helpdesk als iets niet lukt."),
        _doc("het-portaal", "Het portaal is dag en nacht open."),
    ])
    yield ix
    ix.close()


def _slugs(index: SearchIndex, q: str) -> list[str]:
    return [h.slug for h in index.search(q).hits]


def test_the_word_as_spelt_outranks_a_correction_of_it(index: SearchIndex) -> None:
    # "kusten" is one letter from "kosten": the article with the word as typed comes first, uncorrected.
    result = index.search("kusten")
    assert [h.slug for h in result.hits][:1] == ["kusten-en-stranden"] and result.suggestion is None


def test_a_slip_finds_the_nearest_word_before_a_farther_one(index: SearchIndex) -> None:
    # "kostn" lacks one letter of "kosten" and is two edits from "kusten".
    assert _slugs(index, "kostn")[:1] == ["jaarlijkse-kosten"]
    assert index.search("kostn").suggestion == "kosten"


def test_two_swapped_letters_in_a_short_word_are_one_slip(index: SearchIndex) -> None:
    result = index.search("pirjs")
    assert _slugs(index, "pirjs")[:1] == ["prijs-per-medewerker"] and result.suggestion == "prijs"


def test_a_real_word_is_left_as_it_is(index: SearchIndex) -> None:
    # "contract" is a Dutch word one letter from the articles' "contact": no correction, no false hit.
    result = index.search("contract")
    assert result.suggestion is None and result.hits == []


def test_a_rare_real_word_beside_a_far_more_common_article_word_counts_as_a_slip(index: SearchIndex) -> None:
    # "kotsen" is a Dutch word, but written far less than "kosten": in a helpdesk search it is a swap.
    assert _slugs(index, "wat zijn de kotsen")[:1] == ["jaarlijkse-kosten"]


def test_a_whole_question_with_typos_is_corrected_for_the_classifier_too(index: SearchIndex) -> None:
    # Too long for "Bedoelde u …?", but the corrected text is there for the question classifier.
    result = index.search("Hoe hoog zijn de jaarlijkse kosten van het abonement voor iedere medewekrer van ons?")
    assert result.suggestion is None
    assert result.corrected is not None and "abonnement" in result.corrected and "medewerker" in result.corrected


def test_a_name_with_an_acronym_is_not_corrected_but_a_slip_beside_an_acronym_is(index: SearchIndex) -> None:
    # "PO-Raad" is an acronym and a word, not a slip for "portaal"; in "DUO-portaaal" the word part is one.
    assert index.search("PO-Raad").suggestion is None
    result = index.search("DUO-portaaal")
    assert result.suggestion == "DUO-portaal" and [h.slug for h in result.hits][:1] == ["het-portaal"]


@pytest.fixture
def near_words(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(tmp_path / "index")
    ix.rebuild([
        _doc("problemen-oplossen", "Wat doet u bij problemen met inloggen?"),
        _doc("proberen", "U kunt het later opnieuw proberen."),
        _doc("ons-adres", "Ons adres staat onderaan de brief."),
        _doc("stoppen", "De tokengenerator gaat stoppen."),
    ])
    yield ix
    ix.close()


def test_a_letter_missing_is_a_likelier_slip_than_a_letter_from_across_the_keyboard(near_words: SearchIndex) -> None:
    # "probemen" is one edit from both: problemen without its l, proberen with an m for the r (keys far apart).
    result = near_words.search("probemen")
    assert result.suggestion == "problemen" and result.hits[0].slug == "problemen-oplossen"


def test_at_equal_distance_the_far_more_common_dutch_word_is_meant(near_words: SearchIndex) -> None:
    # "andres" is one edit from the articles' "adres" and from "anders", which Dutch writers use 15 times as often.
    assert near_words.search("is het nu helemaal andres").suggestion == "is het nu helemaal anders"
    # Among words no article has, the more common one: "zorgde" (not "zegde").
    assert near_words.search("wie zrgde voor het adres").suggestion == "wie zorgde voor het adres"


def test_a_real_word_is_no_slip_for_an_article_word_across_the_keyboard(near_words: SearchIndex) -> None:
    # "shoppen" is a Dutch word one letter from "stoppen", but h and t are no neighbours: left as typed.
    result = near_words.search("moeten wij shoppen")
    assert result.suggestion is None and "stoppen" not in [h.slug for h in result.hits]
