"""Adding a category is an entry in knowledge/categories.py plus training examples: no classifier code changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from knowledge import categories
from knowledge.classify import Classifier, Example, load_examples

PRIVACY = [
    ("Welke persoonsgegevens van onze medewerkers slaat eHerkenning op, en hoe lang?", "AVG"),
    ("Is er een verwerkersovereenkomst nodig met de leverancier onder de AVG?", "Verwerkersovereenkomst"),
    ("Wat gebeurt er met onze gegevens bij een datalek bij de aanbieder?", "Datalek"),
    ("Moeten wij een DPIA doen voordat we eHerkenning invoeren?", "DPIA"),
    ("Hoe lang is de bewaartermijn van de inloggegevens volgens de AVG?", "Bewaartermijn"),
    ("Onze functionaris gegevensbescherming vraagt welke gegevens worden gedeeld.", "FG vraag"),
    ("Mag de aanbieder onze BSN-nummers verwerken? Dat lijkt ons in strijd met de AVG.", "BSN"),
    ("Krijgen medewerkers inzage in de persoonsgegevens die over hen worden verwerkt?", "Inzageverzoek"),
    ("Welke grondslag onder de AVG geldt voor het verwerken van gegevens voor eHerkenning?", "Grondslag"),
    ("Worden persoonsgegevens buiten de EU opgeslagen door de leverancier?", "Opslag buiten EU"),
    ("Wie is verwerkingsverantwoordelijke voor de gegevens in eHerkenning, DUO of wij?", "Verantwoordelijke"),
    ("Wij willen weten hoe de gegevensbescherming geregeld is bij het inloggen.", "Gegevensbescherming"),
    ("Welke persoonsgegevens moeten medewerkers afgeven voor eHerkenning? Past dat binnen de AVG?", "AVG"),
    ("Onze privacy officer wil weten welke persoonsgegevens de eHerkenningsleverancier bewaart.", "Privacy"),
    ("Valt het kopie paspoort voor eHerkenning onder de AVG, en wordt het daarna verwijderd?", "Paspoort"),
    ("Wordt er bij het inloggen met eHerkenning iets van onze privacygevoelige gegevens gedeeld?", "Privacy"),
    ("Is het verwerken van persoonsgegevens voor eHerkenning in lijn met de AVG?", "AVG en eHerkenning"),
    ("Moeten wij onze medewerkers informeren over de privacy bij eHerkenning?", "Privacyverklaring"),
    ("Welke privacyverklaring hoort bij eHerkenning, en waar vinden wij die?", "Privacyverklaring"),
    ("Kan een medewerker bezwaar maken tegen het verwerken van zijn persoonsgegevens?", "Bezwaar AVG"),
]
PRIVACY_WORDS = re.compile(r"\b(avg|privacy\w*|persoonsgegevens|verwerkersovereenkomst|gdpr)\b", re.IGNORECASE)


@pytest.fixture
def six_categories(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """The category list with a sixth entry, as a developer would add it to categories.py."""
    entries = (*categories.CATEGORY_LIST, categories.Category("privacy", "Privacy", "Privacy", "#42145f"))
    monkeypatch.setattr(categories, "CATEGORY_LIST", entries)
    monkeypatch.setattr(categories, "CATEGORIES", tuple(c.key for c in entries))
    monkeypatch.setattr(categories, "CATEGORY_LABELS", {c.key: c.label_nl for c in entries})
    monkeypatch.setattr(categories, "BY_KEY", {c.key: c for c in entries})
    return categories.CATEGORIES


def test_a_sixth_category_is_trained_and_predicted(six_categories: tuple[str, ...], tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.jsonl"
    # The developer also moves the privacy questions the training files so far filed under "other".
    rows = [{"text": ex.text, "subject": ex.subject,
             "category": "privacy" if ex.category == "other" and PRIVACY_WORDS.search(ex.text) else ex.category}
            for ex in load_examples()]
    rows += [{"text": text, "subject": subject, "category": "privacy"} for text, subject in PRIVACY]
    seeds.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    model = Classifier()
    model.train(load_examples(seeds))

    assert model.categories == six_categories
    result = model.classify("Welke persoonsgegevens verwerkt eHerkenning, en valt dat onder de AVG?", "Privacyvraag")
    assert result.category == "privacy", result
    assert result.reason.startswith("Privacy")
    assert set(result.scores) == set(six_categories)
    # The five old categories still come out right next to the new one.
    assert model.classify("Wat kost eHerkenning niveau 3 per jaar?").category == "cost"
    assert model.classify("Welke leverancier raden jullie aan?", "Leverancier").category == "supplier"
    # A stored model carries its category list and loads back under the same list.
    assert Classifier.from_bytes(model.to_bytes()).classify("Is er een verwerkersovereenkomst nodig?").scores \
        == pytest.approx(model.classify("Is er een verwerkersovereenkomst nodig?").scores)


def test_corrections_may_name_the_new_category(six_categories: tuple[str, ...]) -> None:
    model = Classifier()
    model.train(load_examples())
    corrected = model.with_corrections([Example(text, subject, "privacy") for text, subject in PRIVACY])
    assert corrected.classify("Vallen de inloggegevens onder de AVG, en wat is de bewaartermijn?").category == "privacy"


def test_without_the_entry_the_category_is_refused(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text(json.dumps({"text": PRIVACY[0][0], "category": "privacy"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="onbekende categorie"):
        load_examples(seeds)
