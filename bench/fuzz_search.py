"""Long fuzz run of the FAQ search path by hand: many Hypothesis examples against a set-up app (test client),
then hostile queries of up to 5,000 characters built to be expensive.

    .venv/bin/python bench/fuzz_search.py [--examples 5000]

Checks what tests/security/test_fuzz.py checks in CI (never a 500; JSON keeps its shape), with many more
queries; prints the number of queries, the time per query, the worst query cost (aim: <= 50 ms for any query
of <= 5,000 characters, issue 15) and any failing query.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from helpdesk import create_app  # noqa: E402
from tests.security.fuzz_strategies import QUERIES  # noqa: E402
from tests.security.test_fuzz import check_search  # noqa: E402


def hostile_queries(rng: random.Random, length: int = 5000) -> dict[str, str]:
    """Queries shaped to hit the costly parts: compound splitting, fuzzy look-ups, synonyms, many tokens."""
    letters = "abcdefghijklmnopqrstuvwxyz"

    def words(size: tuple[int, int], alphabet: str = letters) -> str:
        return " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(*size))) for _ in range(length))

    cases = {
        "compound without spaces": "eherkenningsmiddelleverancierskosten" * 200,
        "one random word": "".join(rng.choice(letters) for _ in range(length)),
        "random words 3-12": words((3, 12), "aeiklmnorst"),
        "random words 25-60": words((25, 60)),
        "synonyms": "eh3 eherkenning niveau 3 tokengenerator 2+ " * 200,
        "typos": "eherkening levrancier tokengenrator kostn " * 200,
        "hyphen chain": "e-" * length,
        "plus chain": "2+" * length,
        "apostrophes": "collega's " * length,
        "query syntax": 'title:(eh3 OR "x" AND NOT *?~^2) ' * 200,
        "compounds spaced": "eherkenningsmiddel leveranciersovereenkomst " * 200,
        "accents": "é" * length,
        "digits": "1234567890 " * 500,
    }
    return {name: text[:length] for name, text in cases.items()}


def worst_cost(client, rounds: int = 3) -> list[tuple[float, str, int]]:
    """(best-of-`rounds` seconds, name, length) for each hostile query through the JSON API, worst first."""
    from helpdesk.kb.search_service import search

    search("warm-up")
    costs = []
    for name, query in hostile_queries(random.Random(15)).items():
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get("/api/faq/search", query_string={"q": query, "typed": "1"})
            best = min(best, time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
        costs.append((best, name, len(query)))
    return sorted(costs, reverse=True)


def _timed(check, client, query: str) -> float:  # noqa: ANN001 - the check and the test client
    started = time.perf_counter()
    check(client, query)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ipo-fuzz-") as data_dir:
        app = create_app(
            {"TESTING": True, "IGNORE_ENVIRONMENT": True, "SECRET_KEY": "fuzz", "DATA_DIR": data_dir,
             "FAQ_SEARCH_LIMIT": None, "API_SEARCH_LIMIT": None}
        )
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["setup"])
            if result.exit_code != 0:
                print(result.output, file=sys.stderr)
                return 2
            client = app.test_client()
            count = 0
            slowest = (0.0, "")

            @settings(
                max_examples=args.examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(query=QUERIES)
            def fuzz(query: str) -> None:
                nonlocal count, slowest
                count += 1
                started = time.perf_counter()
                check_search(client, query)
                slowest = max(slowest, (time.perf_counter() - started, query))

            started = time.perf_counter()
            try:
                fuzz()
                elapsed = time.perf_counter() - started
                costs = worst_cost(client)
                again = min(_timed(check_search, client, slowest[1]) for _ in range(3))
            except AssertionError as exc:
                print(f"FOUT na {count} zoekvragen: {exc}")
                return 1
            finally:
                from helpdesk.extensions import db

                db.session.remove()
                db.engine.dispose()
    print(
        f"zoeken: {count} zoekvragen (pagina + API), geen fout; "
        f"{elapsed / max(count, 1) * 1000:.1f} ms per vraag; traagste {slowest[0] * 1000:.1f} ms "
        f"({len(slowest[1])} tekens; opnieuw gemeten, beste van 3: {again * 1000:.1f} ms voor pagina + API: "
        f"{slowest[1][:60]!r})"
    )
    print("vijandige zoekvragen via /api/faq/search (beste van 3):")
    for seconds, name, length in costs:
        print(f"  {seconds * 1000:7.1f} ms  {length:5d} tekens  {name}")
    worst = costs[0]
    print(f"slechtste zoekvraag: {worst[0] * 1000:.1f} ms ({worst[1]}, {worst[2]} tekens); doel <= 50 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
