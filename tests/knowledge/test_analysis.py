"""Dutch analysis: stemming, accents, compounds both ways, synonyms and stop words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.classify.text import word_features
from knowledge.dutch import CompoundSplitter, fold, split_compound, stem
from knowledge.search.language import fold_text
from knowledge.search.whoosh_analysis import (
    analyze_terms,
    build_analyzer,
    build_exact_analyzer,
    exact_terms,
    query_terms,
    term_spans,
)


def terms(text: str) -> set[str]:
    return set(analyze_terms(text))


def test_inflections_share_a_stem() -> None:
    assert terms("leveranciers") & terms("leverancier")
    assert terms("medewerkers") & terms("medewerker")
    assert stem("kosten") == stem("kost")


def test_case_and_accents_are_folded() -> None:
    assert terms("EHERKENNING") == terms("eherkenning")
    assert terms("geïnformeerd") == terms("geinformeerd")
    assert terms("café") == terms("cafe")


def test_compound_is_split_into_known_parts() -> None:
    # eherkenning must find eHerkenningsmiddel: the compound yields the part, with linking -s-.
    assert set(analyze_terms("eherkenning")) <= terms("eHerkenningsmiddel")
    assert stem("middel") in terms("eHerkenningsmiddel")
    assert set(analyze_terms("niveau")) <= terms("betrouwbaarheidsniveau")


def test_split_words_in_a_query_are_joined() -> None:
    # "token generator" typed as two words must match documents with "tokengenerator".
    assert "tokengenerator" in analyze_terms("token generator", mode="query")
    assert "wachtwoord" in analyze_terms("wacht woord", mode="query")
    assert "wachtwoord" not in analyze_terms("wacht op het woord", mode="query")


def test_hyphenated_words_match_joined_and_parts() -> None:
    got = terms("e-Herkenning")
    assert terms("eherkenning") <= got
    assert stem("beheerder") in terms("DUO-beheerders") or "beheerder" in terms("DUO-beheerders")


def test_splitter_leaves_plain_words_alone() -> None:
    splitter = CompoundSplitter()
    assert splitter.split("inspectie") == ()
    assert splitter.split("eherkenningsmiddel") == ("eherkenning", "middel")
    assert splitter.split("tokengeneratoren") == ("token", "generator")


def test_level_synonyms_meet() -> None:
    eh3 = terms("EH3")
    assert eh3 & terms("eHerkenning niveau 3")
    assert eh3 & terms("betrouwbaarheidsniveau 3")
    assert terms("2+") & terms("niveau 2+")
    assert not terms("niveau 2") & {"niveau3"}


def test_cost_and_supplier_synonyms_in_dutch_and_english() -> None:
    assert terms("prijs") & terms("kosten")
    assert terms("tarieven") & terms("kosten")
    assert terms("cost") & terms("kosten")
    assert terms("aanbieder") & terms("leverancier")
    assert terms("supplier") & terms("leverancier")
    assert terms("deadline") & terms("termijn")


def test_stop_words_are_dropped_but_meaningful_small_words_kept() -> None:
    got = analyze_terms("de het een van")
    assert got == []
    assert {"nog", stem("geen")} <= set(analyze_terms("nog geen"))
    assert "3" in analyze_terms("niveau 3")


def test_editor_synonyms_extend_the_analyzer() -> None:
    analyzer = build_analyzer([("wdo", "wet digitale overheid")])
    a = set(analyze_terms("WDO", analyzer))
    b = set(analyze_terms("de Wet digitale overheid", analyzer))
    assert a & b
    assert not set(analyze_terms("WDO")) & set(analyze_terms("de Wet digitale overheid")) - {"wet"}


def test_exact_terms_are_not_stemmed() -> None:
    assert exact_terms("Leveranciers kiezen") == ["leveranciers", "kiezen"]


def test_spans_point_into_the_original_text() -> None:
    text = "Wat kost een eHerkenningsmiddel?"
    for _term, start, end in term_spans(text):
        assert text[start:end].strip() and start < end <= len(text)


def test_junk_does_not_crash() -> None:
    assert isinstance(analyze_terms("\x00\ud7ff" + "x" * 10_000 + " ((( *** 2+ ++"), list)
    assert analyze_terms("") == []


def test_search_and_classifier_share_one_dutch_analysis() -> None:
    # One compound lexicon and one stemmer: what the index splits, the classifier weighs as parts.
    assert split_compound("eherkenningsmiddel") == ("eherkenning", "middel")
    _stem, features = word_features("eherkenningsmiddel", False)
    assert {"w:" + stem(p) for p in split_compound("eherkenningsmiddel")} <= {k for k, _w in features}
    assert {stem("middel"), stem("eherkenning")} <= terms("eherkenningsmiddel")
    # English mails are stemmed with Porter; words with digits or '+' stay as typed, in both.
    assert stem("suppliers", english=True) == "supplier"
    assert stem("eh2+") == "eh2+" and stem("2plus", english=True) == "2plus"


def test_stop_words_and_look_alikes_never_trigger_a_synonym() -> None:
    # "dat" stems like "date", "reeds" like "reden", "laten" like "laat": none of them means a deadline or a reason.
    terms = analyze_terms("Kunt u mij laten weten of dat reeds geregeld is?")
    deadline, reason = stem("termijn"), stem("waarom")
    assert deadline not in terms and reason not in terms
    assert deadline in analyze_terms("voor welke date") and reason in analyze_terms("de reden")


def test_money_words_without_kosten_mean_kosten() -> None:
    for text in ("hoe duur is het", "wat rekenen leveranciers", "een jaarlijkse uitgave", "inclusief btw",
                 "het voordeligste middel"):
        assert stem("kosten") in analyze_terms(text), text


# Words that exercise every step: compounds (joined and split), hyphens, synonym phrases, stop and keep words,
# numbers, accents, English, junk; in our own words, not from any mail.
_WORDS = ("eHerkenning e-herkenning niveau 3 2+ token generator tokengenerator Mijn DUO inloggen kosten kost wat "
          "hoeveel betalen leverancier leveranciers machtiging machtigingenregister administratie kantoor "
          "administratiekantoor het de een dat date reeds voor wanneer weten wist café geïnformeerd level "
          "supplier costs how much per jaar medewerker bestuur school-bestuur x 12 middel betrouwbaarheid "
          + "a" * 60).split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", "  ", "\n", ", ", ". ", "? ", "-"])),
                max_size=40), st.booleans())
def test_query_terms_are_what_the_analyzer_yields(words: list[tuple[str, str]], editor_words: bool) -> None:
    text = "".join(word + sep for word, sep in words)
    analyzer = (build_analyzer([("eh3", "eherkenning niveau 3"), ("token generator", "sleutelhanger")],
                                ["sleutelhanger", "kantoorbestuur"]) if editor_words else build_analyzer())
    chain = [(t.text, t.startchar, t.endchar, t.boost) for t in analyzer(text, chars=True, mode="query")]
    assert query_terms(text, analyzer) == chain
    assert query_terms(text, analyzer) == chain  # the second time from the remembered word forms


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(_WORDS), st.text(max_size=12)),
                          st.sampled_from([" ", "\n", ", ", "-", "'"])), max_size=40))
def test_exact_terms_are_what_the_exact_analyzer_yields(words: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in words)
    chain = [t.text for t in build_exact_analyzer()(text)]
    assert exact_terms(text) == chain
    assert exact_terms(text) == chain  # the second time from the remembered words


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.lists(st.sampled_from(_WORDS + ["Café's", "geïnformeerd", "ﬁ", "’", "Ǆ"]))
       .map(" ".join))
def test_a_whole_text_is_folded_as_fold_folds_a_word(text: str) -> None:
    assert fold_text(text) == fold.__wrapped__(text)


def test_query_terms_of_another_analyzer_are_its_own() -> None:
    exact = build_exact_analyzer()
    text = "Wat kost eHerkenning niveau 3?"
    assert query_terms(text, exact) == [(t.text, t.startchar, t.endchar, t.boost)
                                        for t in exact(text, chars=True, mode="query")]


def test_conjugated_forms_of_a_listed_verb_mean_what_the_verb_means() -> None:
    # The lexicon lists infinitives ("bestellen", "betalen", "omzetten", "aanschaffen"); people write "besteld",
    # "betaalt", "omgezet", "aangeschaft", "uitgegeven", which the Dutch stemmer leaves apart from them.
    buy, cost, upgrade = stem("aanschaffen"), stem("kosten"), stem("upgrade")
    for text, concept in (("ik heb gisteren besteld", buy), ("zij bestelt het vandaag", buy),
                          ("het moet zijn aangeschaft", buy), ("wie betaalt dat", cost),
                          ("wat hebben we uitgegeven", cost), ("kan het worden omgezet", upgrade),
                          ("is het al opgehoogd", upgrade)):
        assert concept in analyze_terms(text), text
        assert concept in analyze_terms(text, mode="index"), text  # articles are read the same way


def test_a_verb_form_is_only_read_as_a_listed_infinitive() -> None:
    # "geldt" (gelden) is no form of "geld", and "weet" no form of any listed verb: neither means kosten or wet.
    assert stem("kosten") not in analyze_terms("geldt dit ook voor ons")
    assert stem("wet") not in analyze_terms("ik weet het niet, wist u het?")


def test_an_adjective_made_of_a_noun_also_searches_the_noun() -> None:
    # "jaarlijks" is about the year ("per jaar"), "wettelijk" about the law.
    assert stem("jaar") in analyze_terms("wat zijn we jaarlijks kwijt")
    assert stem("wet") in analyze_terms("is het wettelijk geregeld")
    # "eigen" is no lexicon noun: "eigenlijk" stays one word.
    assert analyze_terms("eigenlijk") == [stem("eigenlijk")]
