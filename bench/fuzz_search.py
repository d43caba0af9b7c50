"""Long fuzz run of the FAQ search path by hand: many Hypothesis examples against a set-up app (test client).

    .venv/bin/python bench/fuzz_search.py [--examples 5000]

Checks what tests/security/test_fuzz.py checks in CI (never a 500; JSON keeps its shape), with many more
queries; prints the number of queries, the time per query and any failing query.
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ipo-fuzz-") as data_dir:
        app = create_app(
            {"TESTING": True, "IGNORE_ENVIRONMENT": True, "SECRET_KEY": "fuzz", "DATA_DIR": data_dir}
        )
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["setup"])
            if result.exit_code != 0:
                print(result.output, file=sys.stderr)
                return 2
            client = app.test_client()
            count = 0

            @settings(
                max_examples=args.examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(query=QUERIES)
            def fuzz(query: str) -> None:
                nonlocal count
                count += 1
                check_search(client, query)

            started = time.perf_counter()
            try:
                fuzz()
            except AssertionError as exc:
                print(f"FOUT na {count} zoekvragen: {exc}")
                return 1
            finally:
                from helpdesk.extensions import db

                db.session.remove()
                db.engine.dispose()
            elapsed = time.perf_counter() - started
    print(
        f"zoeken: {count} zoekvragen (pagina + API), geen fout; "
        f"{elapsed / max(count, 1) * 1000:.1f} ms per vraag"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
