"""FAQ search benchmark: bare index queries next to GET /api/faq/search served by the app.

Builds a fresh data dir with the bundled articles plus generated ones (default 1,000), then runs a list of
realistic queries several rounds and prints queries/s and p50/p95 latency per path.

    .venv/bin/python bench/faq_search.py [--articles 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = [
    "wat kost eherkenning", "kosten eh3 per jaar", "wie betaalt de kosten", "welke leverancier moet ik kiezen",
    "leverancier kiezen", "erkende leveranciers lijst", "upgrade naar niveau 3", "wij hebben al eherkenning",
    "eherkenning voor belastingdienst en uwv", "hebben al eh2+ middel", "wanneer moet het geregeld zijn",
    "deadline", "vanaf wanneer verplicht", "tokengenerator vervangen", "token generator kwijt",
    "wie heeft toegang nodig", "hoeveel medewerkers hebben eherkenning nodig", "inloggen mijn duo",
    "inloggen met eherkenning niveau 3 lukt niet", "machtiging regelen", "contact helpdesk ipo",
    "eherkeninng", "leverancer", "betrouwbaarheidsniveau 3", "EH3", "niveau 2+", "inspectie van het onderwijs",
    "Goedendag, wij zijn een schoolbestuur met drie scholen en kregen de brief over eHerkenning. Wat kost "
    "het en bij wie moeten we het aanvragen? Onze administrateur logt nu in met een tokengenerator.",
    "xyzzy", "subsidie zonnepanelen",
]

_WORDS = ("school bestuur leerling rooster administratie gebouw subsidie vakantie leraar salaris ouder "
          "inschrijving diploma examen toets begroting huisvesting personeel bekostiging formulier termijn "
          "aanvraag wijziging adres brin nummer gegevens controle melding verzuim vervoer stage opleiding").split()
_CATEGORIES = ["cost", "supplier", "upgrade", "deadline", "other"]


def generated_article(n: int, rng: random.Random) -> dict[str, str]:
    """A plausible-looking but unrelated article, so the index has realistic size and vocabulary."""
    topic = rng.sample(_WORDS, 3)
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(12, 30)))
        paragraphs.append(sentence.capitalize() + ".")
    return {
        "slug": f"gegenereerd-{n:04d}-{'-'.join(topic)}",
        "title": f"Vraag {n}: {' en '.join(topic)}",
        "category": rng.choice(_CATEGORIES),
        "keywords": ", ".join(rng.sample(_WORDS, 4)),
        "body": "## " + topic[0].capitalize() + "\n\n" + "\n\n".join(paragraphs) + "\n",
    }


def measure(paths: dict[str, Callable[[str], object]], queries: list[str],
            rounds: int) -> dict[str, tuple[float, float, float]]:
    """Per path (queries per second, p50 ms, p95 ms) over `rounds` passes after one warm-up pass.

    The paths take turns on every query, so load from other processes on the machine hits them alike.
    """
    for run in paths.values():
        for q in queries:
            run(q)
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(rounds):
        for q in queries:
            for name, run in paths.items():
                start = time.perf_counter()
                run(q)
                times[name].append(time.perf_counter() - start)
    out = {}
    for name, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        out[name] = (len(values) / sum(values), statistics.median(values) * 1000, p95 * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="generated articles on top of the bundled ones")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query list per path")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.kb.operations import load_bundled_articles, publish_article, render_body, save_draft
    from helpdesk.kb.search_service import get_index, rebuild_index
    from helpdesk.models import Article

    with tempfile.TemporaryDirectory(prefix="faq-bench-") as tmp:
        app = create_app({"IGNORE_ENVIRONMENT": True, "TESTING": True, "DATA_DIR": tmp,
                          "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "API_SEARCH_LIMIT": None})
        with app.app_context():
            upgrade()
            load_bundled_articles()
            rng = random.Random(20260101)
            start = time.perf_counter()
            for n in range(args.articles):
                fields = generated_article(n, rng)
                save_draft(None, fields, None)
                publish_article(db.session.scalar(db.select(Article).filter_by(slug=fields["slug"])), None)
            db.session.commit()
            loaded = time.perf_counter() - start
            assert render_body("x")  # rendering works outside requests too
            start = time.perf_counter()
            count = rebuild_index()
            built = time.perf_counter() - start
            print(f"Artikelen: {count} ({args.articles} gegenereerd) — database gevuld in {loaded:.1f} s, "
                  f"index gebouwd in {built:.1f} s")

            index = get_index()
            client = app.test_client()

            def api(q: str, typed: bool = False) -> None:
                params = {"q": q, "limit": 10, **({"typed": "1"} if typed else {})}
                response = client.get("/api/faq/search", query_string=params)
                assert response.status_code == 200, response.status_code

            def bare(q: str) -> None:
                index.search(q, limit=10)

            rows = measure({
                "SearchIndex.search (kale index)": bare,
                "GET /api/faq/search (met zoeklog)": api,
                "GET /api/faq/search?typed=1 (zonder log)": lambda q: api(q, True),
            }, QUERIES, args.rounds)
            print(f"{len(QUERIES)} zoekvragen × {args.rounds} rondes per pad, limit=10, Flask-testclient\n")
            print(f"{'pad':44} {'vragen/s':>10} {'p50 ms':>9} {'p95 ms':>9}")
            for name, (qps, p50, p95) in rows.items():
                print(f"{name:44} {qps:10.1f} {p50:9.1f} {p95:9.1f}")
            index.close()
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
