"""FAQ search benchmark: a bare Whoosh query, SearchIndex.search and GET /api/faq/search over real HTTP to
gunicorn, all on the same index; plus article-page CPU and the /faq page weight. Each figure beside its
baseline (issue 18's "measured" column).

Per size (default the bundled 13 articles, then 10,000 generated on top): a fresh data dir, one gunicorn
worker on loopback, the paths taking turns on every query (load from others hits them alike).

    .venv/bin/python bench/faq_search.py [--articles 0 10000] [--rounds 5] [--views 100]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
sys.path.insert(0, str(ROOT))

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


BASELINE = {  # issue 18's "measured" column, printed beside each figure
    "http_over_bare": {0: "+11.8 ms p95", 10000: "+47 ms p95 (139 vs 92 ms)"},
    "plain": {10000: "16 ms"},
    "article_cpu": {0: "12 ms", 1000: "24–75 ms", 10000: "78–334 ms"},
    "faq_bytes": {0: "16–22 KiB", 1000: "128 KiB", 10000: "1.25 MB"},
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fill(data_dir: str, articles: int, related: bool = True) -> tuple[int, float]:
    """A data dir with the bundled articles plus `articles` generated ones, indexed; (count, seconds).

    With `related`, also the related questions of every article, as setup stores them.
    """
    from flask_migrate import upgrade

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.kb.operations import load_bundled_articles, publish_article, save_draft
    from helpdesk.kb.related import store_related_lists
    from helpdesk.kb.search_service import get_index, rebuild_index
    from helpdesk.models import Article

    app = create_app({"IGNORE_ENVIRONMENT": True, "DATA_DIR": data_dir, "SECRET_KEY": "bench"})
    start = time.perf_counter()
    with app.app_context():
        upgrade()
        load_bundled_articles()
        rng = random.Random(20260101)
        for n in range(articles):
            fields = generated_article(n, rng)
            save_draft(None, fields, None)
            publish_article(db.session.scalar(db.select(Article).filter_by(slug=fields["slug"])), None)
        db.session.commit()  # one commit: the index hook rebuilds once, not once per batch
        count = rebuild_index()  # also ANALYZE, as setup does
        if related:
            store_related_lists()  # the related questions of every article, as setup does
        get_index().close()
        db.session.remove()
        db.engine.dispose()
    return count, time.perf_counter() - start


def start_gunicorn(data_dir: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "HELPDESK_DATA_DIR": data_dir, "HELPDESK_SECRET_KEY": secrets.token_urlsafe(48),
           "HELPDESK_FAQ_SEARCH_LIMIT": "1000000 per minute", "HELPDESK_API_SEARCH_LIMIT": "1000000 per minute"}
    env.pop("HELPDESK_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"{HOST}:{port}",
                               "--log-level", "warning", "app:create_app()"], cwd=ROOT, env=env,
                              start_new_session=True)
    until = time.monotonic() + 60
    while time.monotonic() < until:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn kwam niet op tijd op")


def http_get(port: int, path: str, gzip: bool = False) -> bytes:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}",
                                     headers={"Accept-Encoding": "gzip"} if gzip else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the gunicorn worker (child of `pid`) has used so far."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0.0
    for child in children:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_size(articles: int, rounds: int, views: int) -> None:
    from whoosh import index as windex
    from whoosh.qparser import MultifieldParser, OrGroup

    from knowledge.search import SearchIndex
    from knowledge.search.whoosh_memory import weighting

    with tempfile.TemporaryDirectory(prefix="faq-bench-") as data_dir:
        count, seconds = fill(data_dir, articles)
        print(f"\n== {count} artikelen ({articles} gegenereerd), gevuld, geïndexeerd en verwante vragen berekend in "
              f"{seconds:.0f} s; load {Path('/proc/loadavg').read_text().split()[0]} ==")
        index_dir = Path(data_dir) / "index"
        index = SearchIndex(index_dir)
        raw = windex.open_dir(str(index_dir))
        searcher = raw.searcher(weighting=weighting())
        parser = MultifieldParser(["title", "keywords", "body"], raw.schema, group=OrGroup)
        port = free_port()
        server = start_gunicorn(data_dir, port)
        try:
            def plain(q: str) -> None:
                list(searcher.search(parser.parse(q.lower()), limit=10))

            def bare(q: str) -> None:
                index.search(q, limit=10)

            def http(q: str) -> None:
                http_get(port, f"/api/faq/search?q={quote(q)}&limit=10&typed=1")

            rows = measure({"whoosh": plain, "bare": bare, "http": http}, QUERIES, rounds)
            (_, _, p95_plain), (_, _, p95_bare), (_, _, p95_http) = rows["whoosh"], rows["bare"], rows["http"]
            print(f"{'pad':44} {'vragen/s':>9} {'p50 ms':>8} {'p95 ms':>8}")
            for name, label in (("whoosh", "kale Whoosh-vraag (MultifieldParser)"),
                                ("bare", "SearchIndex.search (zelfde index)"),
                                ("http", "GET /api/faq/search via gunicorn")):
                qps, p50, p95 = rows[name]
                print(f"{label:44} {qps:9.1f} {p50:8.1f} {p95:8.1f}")
            size = 0 if articles < 1000 else articles
            print(f"HTTP boven SearchIndex.search: p95 {p95_http - p95_bare:+.1f} ms; boven kale Whoosh "
                  f"{p95_http - p95_plain:+.1f} ms  [basis: {BASELINE['http_over_bare'].get(size, '–')}; "
                  f"doel ≤ +5 ms]")

            before, n = server_cpu(server.pid), 0
            for _ in range(rounds):
                for q in QUERIES:
                    http(q)
                    n += 1
            per_search = (server_cpu(server.pid) - before) * 1000 / n
            print(f"worker-CPU per HTTP-zoekvraag: {per_search:.1f} ms (gemiddeld over {n}; wandtijd hierboven telt "
                  f"de drukte op de machine mee)  [basis: 12.2 ms bij 13 artikelen]")
            before, n = server_cpu(server.pid), 0
            for _ in range(rounds):
                for q in QUERIES:
                    http(f"{q} {n}")  # a number on each: no two alike, no answer kept from before
                    n += 1
            print(f"worker-CPU per HTTP-zoekvraag, elke vraag anders: "
                  f"{(server_cpu(server.pid) - before) * 1000 / n:.1f} ms (gemiddeld over {n})")
            slugs = article_slugs(data_dir)
            rng = random.Random(7)
            picks = [rng.choice(slugs) for _ in range(views)]
            for label, chosen in (("eerste keer", picks), ("nog eens", picks)):
                cpu = []
                for slug in chosen:
                    before = server_cpu(server.pid)
                    http_get(port, f"/faq/{slug}")
                    cpu.append((server_cpu(server.pid) - before) * 1000)
                print(f"artikelpagina, CPU van de worker ({label}, {len(chosen)} artikelen): gemiddeld "
                      f"{statistics.fmean(cpu):.1f} ms  [basis: {BASELINE['article_cpu'].get(size, '–')}; "
                      f"doel ≤ 10 ms] (klokticks van 10 ms: alleen het gemiddelde telt)")
            plain_bytes, gz = len(http_get(port, "/faq")), len(http_get(port, "/faq", gzip=True))
            print(f"/faq: {plain_bytes / 1024:.1f} KiB ({gz / 1024:.1f} KiB met gzip)  "
                  f"[basis: {BASELINE['faq_bytes'].get(size, '–')}; doel ≤ 50 KB]")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            searcher.close()
            index.close()


def article_slugs(data_dir: str) -> list[str]:
    import sqlite3

    with sqlite3.connect(Path(data_dir) / "helpdesk.sqlite3") as conn:
        return [row[0] for row in conn.execute("SELECT slug FROM articles WHERE status = 'published'")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[0, 10000],
                        help="generated articles on top of the bundled ones, one run per number")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query list per path")
    parser.add_argument("--views", type=int, default=100, help="article pages whose CPU is measured")
    args = parser.parse_args()
    for articles in args.articles:
        run_size(articles, args.rounds, args.views)


if __name__ == "__main__":
    main()
