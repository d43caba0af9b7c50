"""Load test: the app under gunicorn on loopback, N concurrent clients on FAQ search and article pages.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 64] [--workers 2] [--distinct] [--compressed]
                                   [--against ../main]

Sets up a fresh data dir (`flask --app app setup`), starts gunicorn on 127.0.0.1 and a free port, runs a
small asyncio HTTP client for a fixed time (it stops by itself), prints requests/s, latency percentiles and
errors, and stops gunicorn. Exit status 1 when any request failed (zero errors is the bar). With `--against` it
first does the same with another checkout's code, so both figures come from one run on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# What institutions type: short questions, typos, the letter's words, compounds, abbreviations.
QUERIES = [
    "wat kost eherkenning",
    "kosten eherkenning niveau 3",
    "eherkening kosten",
    "prijs EH3",
    "EH3",
    "welke leverancier",
    "leverancier kiezen",
    "eherkenningsmiddel aanvragen",
    "upgrade naar niveau 3",
    "wij hebben al eherkenning voor de belastingdienst",
    "eherkenning uwv",
    "wanneer verplicht",
    "deadline eherkenning duo",
    "vanaf wanneer niveau 3",
    "tokengenerator vervangen",
    "token kwijt",
    "wie heeft toegang nodig",
    "machtigen medewerkers",
    "inloggen mijn duo",
    "inloggen inspectie",
    "betrouwbaarheidsniveau",
    "niveau 2+ genoeg?",
    "contact helpdesk",
    "ipo@duo.nl",
    "schoolbestuur eherkenning",
    "hoe lang duurt aanvragen",
    "kvk uittreksel",
    "wettelijk vertegenwoordiger",
    "eherkening nivo 3 kosten",
    "wat is eherkenning",
]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


async def get(path: str, port: int, timeout: float, compressed: bool = False) -> int:
    """One HTTP/1.1 GET over a fresh loopback connection; returns the status after reading the whole body."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    encoding = "Accept-Encoding: gzip, deflate, br\r\n" if compressed else ""
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: ipo-load\r\n"
            f"Accept: text/html,application/json\r\n{encoding}Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        response = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
    if not response.startswith(b"HTTP/1."):
        raise ConnectionError("geen HTTP-antwoord")
    return int(response.split(b" ", 2)[1])


MIX = {"search": 0.55, "all": 1.0}  # share of the roll below: "search" is FAQ search only (API and page)
BASELINE = "112 req/s [106–140] (issue 18, measured; aim ≥ 300 req/s, 0 errors)"


def next_request(rng: random.Random, slugs: list[str], mix: str = "all", distinct: bool = False) -> tuple[str, str]:
    """(kind, path): half searches (page and API), the rest article pages and the overview; mix "search":
    searches only. `distinct`: a number on every query, so no two are alike and none is answered from the
    index's per-generation answers."""
    roll = rng.random() * MIX[mix]
    query = quote(rng.choice(QUERIES) + (f" {rng.randrange(10**9)}" if distinct else ""))
    if roll < 0.3:
        return "api-zoeken", f"/api/faq/search?q={query}"
    if roll < 0.55:
        return "zoekpagina", f"/faq/search?q={query}"
    if roll < 0.95 and slugs:
        return "artikel", f"/faq/{rng.choice(slugs)}"
    return "overzicht", "/faq"


async def client(n: int, port: int, deadline: float, slugs: list[str], stats: Stats, timeout: float,
                 mix: str = "all", distinct: bool = False, compressed: bool = False) -> None:
    rng = random.Random(n)
    while time.monotonic() < deadline:
        kind, path = next_request(rng, slugs, mix, distinct)
        started = time.perf_counter()
        try:
            status = await get(path, port, timeout, compressed)
        except (OSError, ValueError, IndexError) as exc:  # TimeoutError and ConnectionError are OSErrors
            stats.errors[f"{kind}: {type(exc).__name__}"] += 1
            continue
        elapsed = time.perf_counter() - started
        if status != 200:
            stats.errors[f"{kind}: HTTP {status}"] += 1
        else:
            stats.latencies[kind].append(elapsed)


async def run_clients(port: int, clients: int, seconds: float, slugs: list[str], timeout: float,
                      mix: str = "all", distinct: bool = False, compressed: bool = False) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(client(n, port, deadline, slugs, stats, timeout, mix, distinct, compressed)
                           for n in range(clients)))
    return stats


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopte meteen (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn kwam niet op tijd op")


def article_slugs(port: int) -> list[str]:
    slugs: list[str] = []
    for query in ("eherkenning", "niveau 3", "kosten leverancier upgrade"):
        with urllib.request.urlopen(f"http://{HOST}:{port}/api/faq/search?q={quote(query)}&limit=20") as resp:
            slugs += [hit["slug"] for hit in json.load(resp)["results"]]
    return sorted(set(slugs))


def workers_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's workers (the children of `pid`)."""
    total = 0.0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def report(stats: Stats, seconds: float, clients: int, workers: int, cpu: float | None = None,
           startup_cpu: float | None = None) -> int:
    latencies = stats.all_latencies()
    errors = sum(stats.errors.values())
    total = len(latencies) + errors
    print(f"\nBelasting: {clients} gelijktijdige clients, {seconds:.0f} s, gunicorn met {workers} workers; "
          f"load {Path('/proc/loadavg').read_text().split()[0]}")
    print(f"verzoeken: {total}  ({total / seconds:.1f} per seconde), fouten: {errors}")
    print(f"  basis (FAQ-zoeken): {BASELINE}")
    if cpu is not None and total:
        per_request = cpu / total * 1000
        print(f"worker-CPU per verzoek: {per_request:.1f} ms → plafond {workers * 1000 / per_request:.0f} verzoeken/s "
              f"met {workers} workers op een vrije machine  [basis: 12.2 ms → ~164 req/s]")
    if startup_cpu is not None:
        print(f"worker-CPU vóór de meting (opstarten, opwarmen, de eerste verzoeken): {startup_cpu:.2f} s")
    if latencies:
        ms = [v * 1000 for v in latencies]
        print(
            f"latentie (ms): p50 {percentile(ms, 50):.0f}  p95 {percentile(ms, 95):.0f}  "
            f"p99 {percentile(ms, 99):.0f}  max {max(ms):.0f}  gemiddeld {statistics.fmean(ms):.0f}"
        )
    for kind, values in sorted(stats.latencies.items()):
        ms = [v * 1000 for v in values]
        print(
            f"  {kind:<12} {len(values):>6} ok   p50 {percentile(ms, 50):>5.0f}  "
            f"p95 {percentile(ms, 95):>5.0f}  "
            f"p99 {percentile(ms, 99):>5.0f} ms"
        )
    for kind, count in stats.errors.most_common():
        print(f"  fout: {kind} × {count}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=15.0, help="per request, in seconds")
    parser.add_argument("--mix", choices=sorted(MIX), default="search",
                        help="search: FAQ search only (the issue's figure); all: also article pages and /faq")
    parser.add_argument("--distinct", action="store_true",
                        help="no two queries alike (a number on each): the search itself on every request")
    parser.add_argument("--compressed", action="store_true",
                        help="ask for compressed answers (Accept-Encoding: gzip, deflate, br), as browsers do")
    parser.add_argument("--against", metavar="CHECKOUT",
                        help="first run the same load on another checkout's code (e.g. a worktree of main)")
    args = parser.parse_args()

    status = 0
    trees = [(Path(args.against).resolve(), "vergelijking (--against)")] if args.against else []
    for root, label in [*trees, (ROOT, "deze checkout")]:
        print(f"\n== {label}: {root}")
        stats, cpu, startup_cpu = run_once(root, args)
        status |= report(stats, args.seconds, args.clients, args.workers, cpu, startup_cpu)
    return status


def run_once(root: Path, args: argparse.Namespace) -> tuple[Stats, float, float]:
    """Set up a fresh data dir with `root`'s code, serve it with gunicorn, load it; (stats, worker CPU during the
    load, worker CPU before it)."""
    with tempfile.TemporaryDirectory(prefix="ipo-load-") as data_dir:
        env = {**os.environ, "HELPDESK_DATA_DIR": data_dir, "HELPDESK_SECRET_KEY": secrets.token_urlsafe(48),
               "PYTHONPATH": str(root),
               # one load generator is one address: per-address limits would answer most requests with 429
               "HELPDESK_FAQ_SEARCH_LIMIT": "1000000 per minute", "HELPDESK_API_SEARCH_LIMIT": "1000000 per minute"}
        env.pop("HELPDESK_DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "setup"],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(args.workers),
                "--bind",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
                "app:create_app()",
            ],
            cwd=root,
            env=env,
            start_new_session=True,
        )
        try:
            wait_until_up(port, server)
            slugs = article_slugs(port)
            print(f"gunicorn op http://{HOST}:{port} (pid {server.pid}); {len(slugs)} artikelen")
            before = workers_cpu(server.pid)
            stats = asyncio.run(run_clients(port, args.clients, args.seconds, slugs, args.timeout, args.mix,
                                            args.distinct, args.compressed))
            cpu = workers_cpu(server.pid) - before
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return stats, cpu, before


if __name__ == "__main__":
    sys.exit(main())
