"""Long fuzz run of the mail parser by hand: many Hypothesis examples of raw and mail-like bytes.

    .venv/bin/python bench/fuzz_mail.py [--examples 20000] [--poison-only] [--limit SECONDS]

`parse_message` must return a ParsedMail or raise MailParseError with a code other than "internal" (which
means a parser bug was caught as a last resort). Prints the count, the time per mail and any failing input.

Then the poison set (tests/support/poison.py: 200k References ids, 40k/200k nested <div>, nested blockquotes,
200k encoded words, a 1.1 MB nested mail, many parts, huge header counts): each mail is parsed, cleaned and
judged (parse_message, split_reply, classify_mail) in a child process of its own, cut off after --limit seconds;
prints the CPU time per mail and the worst one (aim: at most 2 s). With --triage the whole ingest preparation
(helpdesk.ingest.prepare.prepare_one: parse, clean, judge, store the raw file, triage) is timed instead, on a
throwaway SQLite app with the bundled articles.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from mail_ingest import classify_mail, split_reply  # noqa: E402
from mail_ingest.parse import MailParseError, parse_message  # noqa: E402
from tests.security.fuzz_strategies import RAW_MAILS  # noqa: E402
from tests.support.poison import POISON  # noqa: E402


def _parse_clean_judge(raw: bytes) -> str:
    try:
        parsed = parse_message(raw)
        split_reply(parsed.text, subject=parsed.subject)
        classify_mail(parsed, own_message_id_domain="ipo-helpdesk.duo.nl", own_addresses=["ipo@duo.nl"])
    except MailParseError as exc:
        return f"geweigerd ({exc.code})"
    return f"gelezen, {len(parsed.notes)} opmerkingen, tekst {len(parsed.text)} tekens"


STEP = _parse_clean_judge


def _one_poison(name: str, conn) -> None:  # noqa: ANN001 - a Pipe end
    raw = POISON[name]()
    started = time.process_time()
    outcome = STEP(raw)
    conn.send((time.process_time() - started, len(raw), outcome))


def _with_triage() -> None:
    """Time prepare_one (the ingest worker's whole job) on a throwaway app; the app context stays open."""
    global STEP
    import tempfile

    from app import create_app
    from helpdesk.ingest.operations import _context
    from helpdesk.ingest.prepare import prepare_one

    data = tempfile.mkdtemp(prefix="fuzz-mail-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{data}/bench.sqlite3", "DATA_DIR": data,
                      "SECRET_KEY": "bench", "TESTING": True})
    app.app_context().push()
    assert app.test_cli_runner().invoke(args=["setup"]).exit_code == 0
    ctx = _context()

    def prepare(raw: bytes) -> str:
        prepared = prepare_one(raw, ctx)
        return f"quarantaine ({prepared.error[:40]})" if prepared.error else f"voorbereid: {prepared.verdict.kind}"

    STEP = prepare


def poison(limit: float) -> float:
    """Parse each poison mail in a child of its own; print CPU seconds per mail; return the worst."""
    worst = 0.0
    fork = multiprocessing.get_context("fork")
    for name in POISON:
        reader, writer = fork.Pipe(duplex=False)
        child = fork.Process(target=_one_poison, args=(name, writer))
        child.start()
        writer.close()
        if reader.poll(limit):
            try:
                cpu, size, outcome = reader.recv()
            except EOFError:
                cpu, size, outcome = limit, 0, "FOUT: het kindproces stierf (zie de traceback hierboven)"
            child.join()
        else:
            child.kill()
            child.join()
            cpu, size, outcome = limit, 0, f"AFGEBROKEN na {limit:.0f} s"
        worst = max(worst, cpu)
        print(f"  gif {name:22} {size / 1_048_576:6.2f} MB  {cpu:7.3f} s CPU  {outcome}", flush=True)
    memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"gif: slechtste mail {worst:.3f} s CPU (doel: hoogstens 2 s); {memory:.0f} MB max. geheugen")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20000)
    parser.add_argument("--poison-only", action="store_true", help="only the poison set")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a poison mail is cut off")
    parser.add_argument("--triage", action="store_true", help="time the whole ingest preparation, with triage")
    args = parser.parse_args()
    if args.triage:
        _with_triage()
    if args.poison_only:
        return 0 if poison(args.limit) <= 2.0 else 1
    counts = {"gelezen": 0, "geweigerd": 0}

    @settings(
        max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(raw=RAW_MAILS)
    def fuzz(raw: bytes) -> None:
        try:
            parse_message(raw)
        except MailParseError as exc:
            assert exc.code != "internal", f"parserfout op {raw[:300]!r}: {exc}"
            counts["geweigerd"] += 1
        else:
            counts["gelezen"] += 1

    started = time.perf_counter()
    try:
        fuzz()
    except AssertionError as exc:
        print(f"FOUT: {exc}")
        return 1
    total = sum(counts.values())
    elapsed = time.perf_counter() - started
    print(
        f"mailparser: {total} invoeren, {counts['gelezen']} gelezen, {counts['geweigerd']} netjes geweigerd "
        f"(MailParseError); {elapsed / max(total, 1) * 1000:.2f} ms per invoer"
    )
    return 0 if poison(args.limit) <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
