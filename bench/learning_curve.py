"""Learning from agents: how many corrections move a topic the training data does not cover, and what they cost.

Usage: python bench/learning_curve.py. The topic: an intermediary (administratiekantoor, salarisbureau, ICT
partner) that wants to work in Mijn DUO for the school through a ketenmachtiging, which agents file under
`supplier`; the bundled model files most of these elsewhere. For N = 0, 1, 5, 20 agent corrections (mails of the
topic, as agents would correct them) it prints accuracy on other mails of the same topic, written differently, and
on everything else (both held-out sets), which must not drop. Corrections are applied exactly as the app does
(`Classifier.with_corrections`, full weight, no decay).
"""

from __future__ import annotations

import sys
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.classify import Classifier, Example, load_examples  # noqa: E402
from knowledge.classify.model import CORRECTION_EXAMPLES  # noqa: E402

TOPIC = "supplier"
# Corrections: mails agents corrected, in the order they arrived.
_WHO = ["ons administratiekantoor", "het salarisbureau", "onze boekhouder", "het ICT-bedrijf dat onze scholen beheert",
        "het bestuurskantoor"]
_ASK = ["wil met een ketenmachtiging namens ons inloggen op Mijn DUO. Hoe regelen we dat?",
        "vraagt of het via ketenmachtiging voor de stichting in Mijn DUO kan werken.",
        "moet namens onze school gegevens aanleveren bij DUO. Kan dat met een ketenmachtiging?",
        "wil graag gemachtigd worden om voor ons in te loggen. Wat moeten wij daarvoor doen?"]
CORRECTIONS = [Example(f"Goedemorgen, {who} {ask}", "Ketenmachtiging", TOPIC)
               for ask, who in product(_ASK, _WHO)][:20]
# Held-out mails of the topic: other senders and other words, never used as corrections.
HELD = [
    ("Ketenmachtiging", "Onze externe loonadministratie wil voor ons Mijn DUO in. Hoe machtigen we hen?"),
    ("Intermediair", "Wij laten de administratie doen door een accountant. Kan die met een ketenmachtiging "
                     "namens ons bestuur inloggen?"),
    ("Machtiging", "Hoe geven wij ons onderwijsadministratiebureau een ketenmachtiging voor DUO?"),
    ("Namens ons", "Een dienstverlener regelt de leerlingadministratie voor onze 12 scholen. Mag hij met zijn "
                   "eigen eHerkenning via een ketenmachtiging voor ons werken?"),
    ("vraag", "kan ons adm. kantoor met ketenmachtiging in mijn duo namens ons?"),
    ("Ketenmachtiging DUO", "Onze ICT-partner wil namens de stichting bij DUO inloggen. Welke machtiging "
                            "hebben ze nodig en hoe leggen we die vast?"),
    ("Re: eHerkenning", "Dank. Onze financiële administratie is uitbesteed; kan dat kantoor via een "
                        "ketenmachtiging de jaarstukken in Mijn DUO doen?"),
    ("Machtigen", "Kunnen wij een extern bureau machtigen om voor onze school in Mijn DUO te werken?"),
]
HELDOUT = [ROOT / "tests" / "knowledge_classify" / "heldout.jsonl",
           ROOT / "tests" / "knowledge_classify" / "heldout_v2.jsonl"]


def accuracy(model: Classifier, mails: list[tuple[str, str, str]]) -> float:
    return sum(model.classify(text, subject).category == cat for subject, text, cat in mails) / len(mails)


def main() -> None:
    base = Classifier.default()
    topic = [(subject, text, TOPIC) for subject, text in HELD]
    rest = [(ex.subject, ex.text, ex.category) for path in HELDOUT for ex in load_examples(path)]
    print(f"topic: ketenmachtiging -> {TOPIC}; {len(topic)} held-out topic mails, {len(rest)} other held-out mails")
    print(f"one correction: {CORRECTION_EXAMPLES:g} training example(s) plus up to {base.correction_weight():.1f} "
          "added to its category's score for similar mail")
    print("  corrections   topic accuracy   everything else")
    for n in (0, 1, 5, 20):
        model = base.with_corrections(CORRECTIONS[:n]) if n else base
        print(f"  {n:>11}   {accuracy(model, topic):>14.3f}   {accuracy(model, rest):>15.3f}")
    flipped = base.with_corrections([Example("Wat kost eHerkenning niveau 3 per jaar?", "Kosten", "other")])
    costs = [(s, t, c) for s, t, c in rest if c == "cost"]
    print(f"one misclick (a cost question filed as other): cost accuracy {accuracy(base, costs):.3f} -> "
          f"{accuracy(flipped, costs):.3f}")


if __name__ == "__main__":
    main()
