"""Benchmark: bare SearchIndex queries over the bundled articles plus 1,000 generated ones.

Prints build time, queries per second and p50/p95 latency for short queries and for mail-length queries.
Run: .venv/bin/python bench/faq_search_core.py [--docs 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.articles import load_bundled_articles  # noqa: E402
from knowledge.render import markdown_to_text  # noqa: E402
from knowledge.search import SearchDoc, SearchIndex  # noqa: E402

VOCAB_EXTRA = (
    "rooster lokaal leerling ouder docent stage examen diploma bekostiging subsidie verzuim aanmelding "
    "inschrijving formulier bijlage portaal account rapport overzicht melding wijziging adres telefoon "
    "vestiging brin nummer bestand export import koppeling systeem storing onderhoud planning begroting"
).split()


def vocabulary() -> list[str]:
    """Words of the bundled articles plus school-administration words, most frequent first."""
    counts: dict[str, int] = {}
    for a in load_bundled_articles():
        for w in re.findall(r"[a-zà-ÿ]{3,}", markdown_to_text(a.body).lower()):
            counts[w] = counts.get(w, 0) + 1
    for w in VOCAB_EXTRA:
        counts.setdefault(w, 1)
    return sorted(counts, key=lambda w: -counts[w])


SHORT = [
    "wat kost eherkenning",
    "welke leverancier",
    "eh3",
    "token generator",
    "upgrade 2+",
    "deadline",
    "leverancer kiezen",
    "wie heeft toegang nodig",
    "how much does it cost",
    "contact helpdesk",
]
MAIL = (
    "Geachte heer, mevrouw, wij hebben de brief over eHerkenning ontvangen. Onze administratie gebruikt al "
    "eHerkenning voor de Belastingdienst en het UWV, maar voor Mijn DUO loggen nu drie andere collega's in "
    "met de tokengenerator. Moeten wij voor hen apart eHerkenning aanvragen bij onze leverancier, en wat "
    "kost dat per persoon per jaar? Is niveau 2+ voldoende of moeten we een upgrade naar niveau 3 doen? "
    "En voor welke datum moet dit geregeld zijn? Met vriendelijke groet, de controller van de stichting."
)


def generated_docs(n: int, seed: int = 7) -> list[SearchDoc]:
    """Random articles drawn Zipf-like from the real vocabulary, so term statistics resemble a larger KB."""
    rnd = random.Random(seed)
    words = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    docs = []
    for i in range(n):
        title = " ".join(rnd.choices(words, weights, k=6)).capitalize()
        body = "\n\n".join(" ".join(rnd.choices(words, weights, k=60)) + "." for _ in range(4))
        docs.append(
            SearchDoc(
                slug=f"gen-{i}",
                title=title,
                category=rnd.choice(["cost", "supplier", "other"]),
                keywords=rnd.sample(words[:200], 4),
                body=body,
            )
        )
    return docs


def measure(ix: SearchIndex, queries: list[str], rounds: int) -> tuple[float, float, float]:
    """(queries per second, p50 ms, p95 ms) for the queries, repeated `rounds` times."""
    times = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            ix.search(q, limit=10)
            times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return len(times) / sum(times), statistics.median(times) * 1000, p95 * 1000


def main() -> None:
    """Builds the index in a temporary folder and prints the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bundled = [
        SearchDoc(a.slug, a.title, a.category, a.keywords, a.body, a.summary, a.synonyms)
        for a in load_bundled_articles()
    ]
    docs = bundled + generated_docs(args.docs)
    with tempfile.TemporaryDirectory() as tmp, SearchIndex(Path(tmp) / "index") as ix:
        t = time.perf_counter()
        ix.rebuild(docs)
        print(f"index build: {len(docs)} docs in {time.perf_counter() - t:.2f} s")
        ix.search("warm up")
        for name, queries in (("short queries", SHORT), ("mail-length queries", [MAIL] * 5)):
            qps, p50, p95 = measure(ix, queries, args.rounds)
            print(f"{name:20s} {qps:8.1f} q/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
