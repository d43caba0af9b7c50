"""The question classifier: accuracy on unseen questions, calibration, reasons, corrections, robustness."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from knowledge.classify import (
    CATEGORIES,
    SEED_PATH,
    Classification,
    Classifier,
    Example,
    load_examples,
)
from knowledge.classify.calibration import LOGISTIC_PATH, logistic_bytes, stored_logistic, stored_temperature
from knowledge.classify.model import fit_logistic, fit_temperature

HERE = Path(__file__).parent
HELDOUT = HERE / "heldout.jsonl"


@pytest.fixture(scope="module")
def model() -> Classifier:
    return Classifier.default()


@pytest.fixture(scope="module")
def heldout() -> list[Example]:
    return load_examples(HELDOUT)


def test_seed_data_is_broad_and_separate_from_heldout(heldout: list[Example]) -> None:
    seeds = load_examples(SEED_PATH)
    per_cat = {c: sum(ex.category == c for ex in seeds) for c in CATEGORIES}
    assert len(seeds) >= 300
    assert min(per_cat.values()) >= 60, per_cat
    seed_texts = {ex.text.strip().lower() for ex in seeds}
    assert not [ex.text for ex in heldout if ex.text.strip().lower() in seed_texts]


def test_heldout_accuracy(model: Classifier, heldout: list[Example]) -> None:
    assert len(heldout) >= 60
    misses = [(ex.category, model.classify(ex.text, ex.subject).category, ex.text)
              for ex in heldout if model.classify(ex.text, ex.subject).category != ex.category]
    accuracy = 1 - len(misses) / len(heldout)
    assert accuracy >= 0.85, misses


@pytest.mark.parametrize(
    ("subject", "text", "expected"),
    [
        ("Vraag", "Wat kost een eHerkenningsmiddel op niveau 3 per jaar voor onze school?", "cost"),
        ("eHerkenning", "Welke erkende aanbieders leveren eHerkenning en welke raadt DUO aan?", "supplier"),
        ("", "Wij gebruiken al eHerkenning niveau 2+ voor de Belastingdienst. Volstaat dat voor DUO?", "upgrade"),
        ("Vraag brief", "Vanaf welke datum kunnen we niet meer inloggen met de tokengenerator?", "deadline"),
        ("Waarom?", "Waarom stapt DUO over op eHerkenning? Wie bij ons heeft er toegang toe nodig?", "other"),
    ],
)
def test_clear_single_questions(model: Classifier, subject: str, text: str, expected: str) -> None:
    result = model.classify(text, subject)
    assert result.category == expected, result
    assert result.confidence >= 0.6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How much does eHerkenning level 3 cost per employee per year?", "cost"),
        ("Which eHerkenning supplier do you recommend for a school board?", "supplier"),
        ("We already have eHerkenning for UWV. Can we add colleagues, or must we upgrade?", "upgrade"),
        ("By when must we have eHerkenning, and what happens if we are late?", "deadline"),
        ("Who in our organisation needs access to Mijn DUO, and how do we log in?", "other"),
    ],
)
def test_english_questions(model: Classifier, text: str, expected: str) -> None:
    assert model.classify(text, "Question about eHerkenning").category == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wat kosst eherkening nivo 3 voor ons bestuur per jaar", "cost"),
        ("welke leverancer moeten wij kiezen voor e-herkening?", "supplier"),
        ("wij hebben al eherkening op nivo 2+ voor de belastingdienst, moet dat ge-upgrade worden", "upgrade"),
        ("per wanneeer moet het geregeld zijn, is er een dedline?", "deadline"),
    ],
)
def test_typos_and_lowercase(model: Classifier, text: str, expected: str) -> None:
    assert model.classify(text).category == expected


def test_probabilities_are_a_distribution(model: Classifier, heldout: list[Example]) -> None:
    for ex in heldout[:20]:
        result = model.classify(ex.text, ex.subject)
        assert set(result.scores) == set(CATEGORIES)
        assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-9)
        assert all(0.0 < p < 1.0 for p in result.scores.values())
        assert result.confidence == max(result.scores.values())
        assert result.scores[result.category] == result.confidence


def test_category_scores_are_those_of_classify(model: Classifier, heldout: list[Example]) -> None:
    for ex in heldout[:30]:
        assert model.category_scores(ex.text, ex.subject) == model.classify(ex.text, ex.subject).scores
    assert model.category_scores("", "") == model.classify("", "").scores


@pytest.mark.parametrize("text", ["", "   ", "asdf qwer", "???", "hallo", "Vraag", "zzzzzzzz"])
def test_empty_gibberish_and_very_short_texts_get_low_confidence(model: Classifier, text: str) -> None:
    result = model.classify(text, "")
    assert result.category in CATEGORIES
    assert result.confidence < 0.45, result


def test_mixed_question_spreads_probability_over_its_topics(model: Classifier) -> None:
    clear = model.classify("Hoeveel kost eHerkenning niveau 3 per persoon per jaar? Wie betaalt de factuur?")
    mixed = model.classify("Wat kost eHerkenning en wanneer moet het geregeld zijn?")
    assert clear.category == "cost" and clear.confidence > 0.8
    top_two = sorted(mixed.scores, key=mixed.scores.__getitem__, reverse=True)[:2]
    assert set(top_two) == {"cost", "deadline"}
    assert mixed.confidence < clear.confidence - 0.2


def test_reason_names_words_from_the_input(model: Classifier) -> None:
    text = "Hoeveel moeten wij betalen voor eHerkenning? Komt er een factuur per medewerker?"
    result = model.classify(text, "Kosten")
    assert result.category == "cost"
    assert result.reason.startswith("Kosten")
    named = re.sub(r"^[^.]*\.\s*Woorden:\s*", "", result.reason).split(", ")
    assert named and named[0]
    haystack = ("kosten " + text).lower()
    assert all(w.strip("()") in haystack for w in named if not w.startswith("(")), result.reason


def test_same_input_same_output(model: Classifier) -> None:
    text, subject = "Wanneer moet eHerkenning geregeld zijn?", "Termijn"
    first = model.classify(text, subject)
    assert model.classify(text, subject) == first
    retrained = Classifier.fit(load_examples(), model.temperature, model.smoothing)
    assert retrained.classify(text, subject) == first


def test_correction_changes_outcome_for_a_similar_new_mail(model: Classifier) -> None:
    # Agents decide that chain authorisation for an administration office is a supplier question.
    new_mail = ("Werkt een ketenmachtiging ook als het salarisbureau straks namens ons bestuur in Mijn DUO inlogt?",
                "Ketenmachtiging salarisbureau")
    before = model.classify(*new_mail)
    assert before.category != "supplier"
    corrections = [
        Example("Ons administratiekantoor wil via een ketenmachtiging voor ons inloggen bij DUO. Hoe regelen we dat?",
                "ketenmachtiging", "supplier"),
        Example("Kan het boekhoudkantoor met een ketenmachtiging namens de stichting werken in Mijn DUO?",
                "Vraag ketenmachtiging", "supplier"),
    ]
    corrected = model.with_corrections(corrections)
    assert corrected.classify(*new_mail).category == "supplier"
    # The original model is untouched, and an unrelated question keeps its category.
    assert model.classify(*new_mail) == before
    assert corrected.classify("Wat kost eHerkenning per jaar?").category == "cost"


def test_learn_incrementally_matches_with_corrections(model: Classifier) -> None:
    corrections = [Example("Mag de rector zelf een middel kopen bij een webwinkel?", "Aanschaf", "supplier")]
    rebuilt = model.with_corrections(corrections)
    incremental = model.copy()
    for ex in corrections:
        incremental.add_correction(ex)
    probe = "Mag de conrector ook zelf een middel kopen?"
    assert incremental.classify(probe).scores == pytest.approx(rebuilt.classify(probe).scores)


def test_unknown_category_is_refused(model: Classifier) -> None:
    with pytest.raises(ValueError, match="onbekende categorie"):
        model.copy().learn(Example("tekst", "", "spam"))


def test_serialisation_round_trip(model: Classifier) -> None:
    loaded = Classifier.from_bytes(model.to_bytes())
    for text in ["Wat kost het?", "Welke leverancier?", "Is niveau 2+ genoeg?"]:
        assert loaded.classify(text).scores == pytest.approx(model.classify(text).scores)
    with pytest.raises(ValueError):
        Classifier.from_bytes(b"not a model")
    with pytest.raises(ValueError):
        Classifier.from_bytes(b"x\x9c" + b"\x00" * 10)


def test_bad_seed_lines_are_reported_with_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "a", "subject": "", "category": "cost"}) + "\n{kapot\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_examples(path)
    path.write_text(json.dumps({"text": "a", "category": "spam"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="onbekende categorie"):
        load_examples(path)


@pytest.mark.parametrize(
    "text",
    [
        "€€€ ¿¡ 🙂 \x00\x01 ﬁ ＥＨ３",
        "eHerkenning " * 20000,
        "<html><body><p>Wat kost het?</p></body></html>",
        "\n\n\t  \r\n",
    ],
)
def test_odd_input_never_crashes(model: Classifier, text: str) -> None:
    result = model.classify(text, text[:200])
    assert isinstance(result, Classification)
    assert result.category in CATEGORIES
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-9)


DEV_MAILS = Path("/work/shared/eval/dev-mails.jsonl")


@pytest.mark.skipif(not DEV_MAILS.exists(), reason="shared evaluation mails not present")
def test_dev_mail_questions_are_mostly_right(model: Classifier) -> None:
    # Measuring only: these mails are never trained on. The bench reports the exact figure (target 0.90).
    rows = [json.loads(x) for x in DEV_MAILS.read_text(encoding="utf-8").splitlines() if x.strip()]
    questions = [r for r in rows if r.get("kind", "question") == "question"]
    cut = re.compile(r"^\s*(met vriendelijke groet|vriendelijke groet|groet(en)?|kind regards|regards)\b", re.I | re.M)
    right = 0
    for r in questions:
        body = cut.split(r["body"], maxsplit=1)[0]
        right += model.classify(body, r["subject"]).category == r["category"]
    assert right / len(questions) >= 0.85


def test_stored_calibration_is_current_and_equals_a_fresh_fit() -> None:
    """The stored fit saves every process a second at start; it must be exactly what fitting gives now.
    When this fails after a change to the seeds or the classifier: `python -m knowledge.classify`."""
    stored = stored_temperature()
    assert stored is not None, "calibration.json is stale: run python -m knowledge.classify"
    assert stored == fit_temperature(load_examples())
    assert (Classifier.default().temperature, Classifier.default().smoothing) == stored


def test_default_model_cached_on_disk_is_the_same_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, subject = "Wij hebben al eHerkenning niveau 2+. Moeten we opnieuw betalen voor niveau 3?", "Upgrade"
    monkeypatch.setattr(Classifier, "_default", None)
    built = Classifier.default(cache_dir=tmp_path)
    files = list(tmp_path.glob("classifier-*.bin"))
    assert len(files) == 1
    monkeypatch.setattr(Classifier, "_default", None)  # a fresh process: loads the file instead of training
    loaded = Classifier.default(cache_dir=tmp_path)
    assert loaded is not built
    assert loaded.classify(text, subject) == built.classify(text, subject)
    assert loaded.idf() == built.idf()
    files[0].write_bytes(b"kapot")  # a damaged file is rebuilt, not trusted
    monkeypatch.setattr(Classifier, "_default", None)
    assert Classifier.default(cache_dir=tmp_path).classify(text, subject) == built.classify(text, subject)
    assert Classifier.from_bytes(files[0].read_bytes()).doc_freq == built.doc_freq


def test_a_loaded_model_brings_the_table_its_counts_build_and_learns_like_the_original() -> None:
    """The cache stores the built table so a fresh process need not build it (issue 18, `flask triage` start-up):
    it must be exactly the table the stored counts give, and a loaded model must go on learning as the original."""
    built = Classifier.fit(load_examples(SEED_PATH)[:120], temperature=1.5, smoothing=0.05)
    data = built.to_bytes()
    loaded = Classifier.from_bytes(data)
    assert loaded.to_bytes() == data  # the same model gives the same bytes
    table, prior = loaded._table, loaded._prior
    loaded._table = None
    assert loaded._build() == table and loaded._prior == prior
    correction = Example("Mag onze conciërge de pas van de directeur lenen?", "Pas lenen", "cost")
    mail = ("Mag de conciërge de pas van de directeur gebruiken?", "Pas")
    expected = built.with_corrections([correction]).classify(*mail)
    assert Classifier.from_bytes(data).with_corrections([correction]).classify(*mail) == expected
    for damaged in (data[:-9], data[:40], data.replace(b"ipo-classifier", b"ipo-classifiex", 1)):
        with pytest.raises(ValueError):
            Classifier.from_bytes(damaged)


MONEY_CONTEXT = (
    "Vorig jaar hebben wij voor alle scholen de begroting voor ICT opnieuw vastgesteld. De kosten van licenties, "
    "abonnementen en de factuur van de leverancier lopen elk jaar op, en de penningmeester wil weten wat ons te "
    "wachten staat.\n\n"
    "Het bestuur heeft daarom besloten de uitgaven per school te verdelen. Wij betalen nu per medewerker een bedrag "
    "per jaar; dat bedrag is inmiddels verwerkt in de meerjarenbegroting.\n\n"
    "Ook de kosten van de accountant en van de administratie zijn bekend en goedgekeurd in de vergadering.\n\n"
)


@pytest.mark.parametrize("question, expected", [
    ("Mijn vraag: vóór welke datum moet eHerkenning niveau 3 uiterlijk geregeld zijn?", "deadline"),
    ("Kunt u mij vertellen bij welke leverancier wij eHerkenning kunnen aanvragen?", "supplier"),
])
def test_the_main_question_after_context_sets_the_category(model: Classifier, question: str, expected: str) -> None:
    # Three paragraphs about money, then a question about something else: the question decides.
    assert model.classify(MONEY_CONTEXT, "").category == "cost"
    assert model.classify(MONEY_CONTEXT + question, "").category == expected


def test_quoted_history_below_a_reply_does_not_set_the_category(model: Classifier) -> None:
    reply = ("Dank voor uw antwoord. Welke leveranciers bieden eHerkenning niveau 3 aan?\n\n"
             "Op 3 maart 2026 om 10:12 schreef Helpdesk <helpdesk@example.nl>:\n"
             "Wat kost een abonnement per jaar? Hoeveel moeten wij betalen? Komt er een factuur?\n"
             "De kosten verschillen per aanbieder en per aantal medewerkers.")
    assert model.classify(reply, "").category == "supplier"


def test_a_correction_moves_near_duplicates_and_leaves_other_mail_alone(model: Classifier) -> None:
    heldout = load_examples(HERE / "heldout_v2.jsonl")
    mail = ("Ons onderwijsbureau verzorgt de leerlingadministratie. Mag het met een ketenmachtiging namens "
            "het bestuur in Mijn DUO werken?", "Ketenmachtiging")
    near = ("Ons onderwijsbureau doet de leerlingadministratie. Kan het met een ketenmachtiging namens de "
            "stichting in Mijn DUO werken?", "Ketenmachtiging")
    assert model.classify(*near).category != "supplier"
    corrected = model.with_corrections([Example(*mail, "supplier")])
    assert corrected.classify(*near).category == "supplier"
    # Mail unlike the correction is classified exactly as before.
    assert sum(corrected.classify(ex.text, ex.subject).category != model.classify(ex.text, ex.subject).category
               for ex in heldout) <= 2


def test_one_misclick_cannot_flip_a_topic(model: Classifier) -> None:
    costs = [ex for ex in load_examples(HERE / "heldout_v2.jsonl") if ex.category == "cost"]
    clicked = ("Wat kost eHerkenning niveau 3 per jaar?", "Kosten")
    flipped = model.with_corrections([Example(*clicked, "other")])
    assert flipped.classify(*clicked).scores["other"] > model.classify(*clicked).scores["other"]
    right = sum(flipped.classify(ex.text, ex.subject).category == "cost" for ex in costs)
    assert right >= sum(model.classify(ex.text, ex.subject).category == "cost" for ex in costs) - 2


def test_corrections_also_act_on_the_ensemble() -> None:
    # The perceptron ensemble (measured in bench/compare_models.py) learns from corrections just as much.
    base = Classifier.default()
    ensemble = Classifier.fit(load_examples(), base.temperature, base.smoothing, linear_weight=0.5)
    near = ("Het salarisbureau wil met een ketenmachtiging voor onze school in Mijn DUO. Hoe regelen we dat?",
            "Ketenmachtiging")
    corrected = ensemble.with_corrections([Example(
        "Ons salarisbureau wil via een ketenmachtiging voor de school inloggen in Mijn DUO. Hoe regelen we dat?",
        "Ketenmachtiging", "supplier")])
    assert corrected.classify(*near).category == "supplier"
    assert corrected.classify(*near).confidence > ensemble.classify(*near).scores["supplier"]
    assert corrected.classify("Wat kost eHerkenning per jaar?").category == "cost"


def test_shipped_logistic_regression_is_current_and_rebuilt_identically() -> None:
    """training/logistic.bin is what fitting gives now, byte for byte (every node and test gets the same model).
    When this fails after a change to the training files or the classifier: `python -m knowledge.classify`."""
    assert stored_logistic() is not None, "logistic.bin is stale: run python -m knowledge.classify"
    assert logistic_bytes(*fit_logistic(load_examples())) == LOGISTIC_PATH.read_bytes()
    model = Classifier.default()
    assert model.linear_weight > 0 and model._linear == stored_logistic()[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wat kots een eherkening middel op niveu 3 per jaar, en per medewerkr?", "cost"),
        ("welke leveranciers leveren eherkening, wie is goedkoper en betrouwbaarst aanbiederr?", "supplier"),
        ("tot wanner kunnen we nog inlogen met de tokengenerater?", "deadline"),
    ],
)
def test_typos_are_still_read(model: Classifier, text: str, expected: str) -> None:
    assert model.classify(text).category == expected
