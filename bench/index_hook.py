"""Measure the session hook that keeps the search index in step with commits.

usage: .venv/bin/python bench/index_hook.py [--rounds N]
Prints milliseconds per commit: one that touches no article (the hook's cost for everyone else), an editor
publish (read the published content before the commit, upsert after it), and an archive of many articles at
once (one rebuild). Uses a throwaway SQLite database and index.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.kb.operations import (  # noqa: E402
    archive_article,
    get_article,
    load_bundled_articles,
    publish_article,
    save_draft,
)
from helpdesk.kb.search_service import ensure_index  # noqa: E402
from helpdesk.models import Article, AuditEvent  # noqa: E402


def _ms(run, rounds: int) -> float:
    times = []
    for i in range(rounds):
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"IGNORE_ENVIRONMENT": True, "SECRET_KEY": "bench", "DATA_DIR": tmp,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            upgrade()
            load_bundled_articles()
            db.session.commit()
            ensure_index()

            def other(i: int) -> None:
                db.session.add(AuditEvent(action="bench"))
                db.session.commit()

            def publish(i: int) -> None:
                article = get_article("wat-kost-eherkenning")
                save_draft(article, {"title": article.title, "category": "cost",
                                     "body": f"Versie {i} van de tekst over de kosten.\n"}, None)
                publish_article(article, None)
                db.session.commit()

            print(f"commit without an article change: {_ms(other, rounds):.1f} ms")
            print(f"editor publish (save, publish, commit, upsert): {_ms(publish, rounds):.1f} ms")
            slugs = [a.slug for a in db.session.scalars(db.select(Article).where(Article.status == "published"))]
            start = time.perf_counter()
            for slug in slugs:
                archive_article(get_article(slug), None)
            db.session.commit()
            print(f"archive {len(slugs)} articles in one commit (one rebuild): "
                  f"{(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
