"""Long fuzz run of the mail parser by hand: many Hypothesis examples of raw and mail-like bytes.

    .venv/bin/python bench/fuzz_mail.py [--examples 20000]

`parse_message` must return a ParsedMail or raise MailParseError with a code other than "internal" (which
means a parser bug was caught as a last resort). Prints the count, the time per mail and any failing input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from mail_ingest.parse import MailParseError, parse_message  # noqa: E402
from tests.security.fuzz_strategies import RAW_MAILS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20000)
    args = parser.parse_args()
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
