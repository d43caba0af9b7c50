"""The related-questions pass of `flask setup` / `flask reindex` alone, in CPU seconds, at 1,000 and 10,000
generated articles (bench/faq_search.py's generator) on top of the bundled ones; this code beside a baseline
checkout (e.g. `git worktree add --detach /tmp/base main`), in the same run and on the same data dir.

Each size is filled once (minutes at 10,000) into `--data DIR/<n>` and reused by later runs. The pass runs in
a fresh process per code base (the code under test is first on its import path), each on the same SQLite data;
a baseline too slow to finish (~150 ms a list at 10,000) is timed on `--sample` articles and projected.

    .venv/bin/python bench/related_lists.py --baseline /tmp/base [--articles 1000 10000] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def fill(data_dir: Path, articles: int) -> None:
    """The bundled articles plus `articles` generated ones, published and indexed (no related lists yet)."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import faq_search

    data_dir.mkdir(parents=True, exist_ok=True)
    faq_search.fill(str(data_dir), articles, related=False)
    (data_dir / "filled").write_text(str(articles))


def time_pass(data_dir: Path, sample: int) -> dict:
    """In a process whose import path starts with the code under test: CPU of the related pass."""
    from sqlalchemy import func, select

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.kb import related
    from helpdesk.kb.search_service import get_index
    from helpdesk.models import Article, ArticleRelated

    app = create_app({"IGNORE_ENVIRONMENT": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "bench"})
    with app.app_context():
        get_index().doc_count()  # open the index: not part of the pass
        count = db.session.scalar(select(func.count()).where(Article.status == "published"))
        cpu, wall = time.process_time(), time.perf_counter()
        if sample and sample < count:
            # Too slow to run whole: the per-article path on a fixed sample, projected to every article.
            picks = random.Random(5).sample(list(db.session.scalars(select(Article).where(
                Article.status == "published").order_by(Article.id))), sample)
            for article in picks:
                related.compute_related(db.session, article)
            done, projected = sample, True
        else:
            done, projected = related.store_related_lists(every=True), False
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        lists = {}
        if not projected:
            slugs = dict(db.session.execute(select(Article.id, Article.slug)).all())
            for slug, ids in db.session.execute(select(Article.slug, ArticleRelated.article_ids).join(
                    ArticleRelated, ArticleRelated.revision_id == Article.published_revision_id)):
                lists[slug] = [slugs[int(i)] for i in ids.split(",") if i]
        get_index().close()
        db.engine.dispose()
    return {"count": count, "done": done, "cpu": cpu, "wall": wall, "projected": projected, "lists": lists}


def run_code(code: Path, data_dir: Path, sample: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("HELPDESK_DATABASE_URL", None)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--time-pass", str(data_dir),
                          "--sample", str(sample)], cwd=code, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, result: dict) -> str:
    per = result["cpu"] * 1000 / max(result["done"], 1)
    whole = per * result["count"] / 1000
    how = f"geprojecteerd uit {result['done']} lijsten" if result["projected"] else f"{result['done']} lijsten"
    return (f"{label:10} {whole:9.1f} s CPU voor {result['count']} lijsten ({how}; {per:6.1f} ms per lijst; "
            f"wandtijd {result['wall']:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/related-bench"), help="data dirs, one per size")
    parser.add_argument("--baseline", type=Path, help="a checkout of the baseline code (e.g. main)")
    parser.add_argument("--sample", type=int, default=300, help="baseline lists timed when it is too slow")
    parser.add_argument("--fill-only", action="store_true", help="only make the data dirs")
    parser.add_argument("--time-pass", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_pass:
        sys.path.insert(0, os.getcwd())
        print(json.dumps(time_pass(args.time_pass, args.sample)))
        return
    for articles in args.articles:
        data_dir = args.data / str(articles)
        if not (data_dir / "filled").exists():
            start = time.perf_counter()
            fill(data_dir, articles)
            print(f"gevuld: {data_dir} in {time.perf_counter() - start:.0f} s", flush=True)
        if args.fill_only:
            continue
        # The baseline takes ~150 ms a list at 10,000: a sample there; this code runs the whole pass.
        base = run_code(args.baseline, data_dir, args.sample if articles >= 5000 else 0) if args.baseline else None
        ours = run_code(ROOT, data_dir, 0)
        print(f"\n== {ours['count']} artikelen ({articles} gegenereerd); load {load()} ==")
        if base is not None:
            print(report("basis", base))
        print(report("nu", ours))
        if base is not None and base["lists"]:
            differ = [s for s in ours["lists"] if base["lists"].get(s) != ours["lists"][s]]
            print(f"lijsten anders dan de basis: {len(differ)} van {len(ours['lists'])}")


if __name__ == "__main__":
    main()
