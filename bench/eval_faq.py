"""FAQ search quality: top-1/top-3 on short queries, typos and whole questions, from the held-out set's topics.

usage: .venv/bin/python bench/eval_faq.py [--errors]
The questions are the one-line examples of tests/knowledge_classify/heldout_v2.jsonl and, in rows of their own,
heldout_v3.jsonl (a new author's set; `topics`: the articles that answer them) and our own queries in
bench/data/faq_queries.jsonl (short ones too, which the held-out mails lack); all are measured here only, never
tuned on. Typos are made from the same questions by a seeded edit per word.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.articles import load_bundled_articles  # noqa: E402
from knowledge.classify import Classifier  # noqa: E402
from knowledge.search import SearchDoc, SearchIndex, question_prior  # noqa: E402

HELDOUT = ROOT / "tests" / "knowledge_classify" / "heldout_v2.jsonl"
HELDOUT_V3 = ROOT / "tests" / "knowledge_classify" / "heldout_v3.jsonl"
OWN = ROOT / "bench" / "data" / "faq_queries.jsonl"


def _typo(text: str, rng: random.Random) -> str:
    """One edit (drop, swap or double a letter) in each word of 6+ letters, as hurried typing does."""
    def edit(m: re.Match) -> str:
        w, i = m.group(), rng.randrange(1, len(m.group()) - 2)
        kind = rng.choice(("drop", "swap", "double"))
        if kind == "drop":
            return w[:i] + w[i + 1:]
        if kind == "swap":
            return w[:i] + w[i + 1] + w[i] + w[i + 2:]
        return w[:i] + w[i] + w[i:]
    return re.sub(r"[A-Za-zÀ-ÿ]{6,}", edit, text)


def _standalone(text: str) -> str | None:
    """The text when it is one question a person could type in a search box (one line, no mail around it)."""
    text = " ".join(text.split())
    return text if text and "\n" not in text.strip() and len(text) <= 250 else None


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sets(rows: list[dict], prefix: str) -> dict[str, list[tuple[str, set[str]]]]:
    """Short queries, whole questions and both with typos, from rows with "text" and "topics"."""
    short, whole = [], []
    for row in rows:
        q = _standalone(row["text"].strip()) if row.get("topics") and "\n" not in row["text"].strip() else None
        if q is not None and 1 <= len(q.split()) <= 5:
            short.append((q, set(row["topics"])))
        elif q is not None and 6 <= len(q.split()) <= 25:
            whole.append((q, set(row["topics"])))
    rng = random.Random(13)
    return {f"{prefix}kort (1-5 woorden)": short, f"{prefix}hele vraag (6-25 woorden)": whole,
            f"{prefix}met typefouten": [(_typo(q, rng), t) for q, t in short + whole]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    docs = [SearchDoc(slug=a.slug, title=a.title, category=a.category, keywords=a.keywords, body=a.body,
                      summary=a.summary, synonyms=a.synonyms) for a in load_bundled_articles()]
    ix = SearchIndex(Path(tempfile.mkdtemp()) / "index")
    ix.rebuild(docs)
    sets = _sets([{"text": r["text"], "topics": r.get("topics")} for r in _rows(HELDOUT)], "")
    sets.update(_sets([{"text": r["text"], "topics": r.get("topics")} for r in _rows(HELDOUT_V3)], "v3: "))
    sets.update(_sets([{"text": r["q"], "topics": r["topics"]} for r in _rows(OWN)], "eigen: "))
    print(f"{'set':34} {'n':>4} {'top-1':>6} {'top-3':>6}")
    for name, items in sets.items():
        top1 = top3 = 0
        for q, topics in items:
            # As helpdesk/kb/search_service.search does: whole questions get the classifier's category weight
            # (the classifier reads the query with its typos fixed).
            result = ix.search(q, limit=20)
            hits = question_prior(result.hits, q, Classifier.default().classify(result.corrected or q).scores)
            slugs = [h.slug for h in hits[:3]]
            top1 += bool(slugs) and slugs[0] in topics
            top3 += bool(topics & set(slugs))
            if args.errors and not topics & set(slugs):
                print(f"  MIS {q!r}: {slugs} (goed: {sorted(topics)})")
        n = len(items) or 1
        print(f"{name:34} {len(items):4} {top1 / n:6.3f} {top3 / n:6.3f}")
    ix.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
