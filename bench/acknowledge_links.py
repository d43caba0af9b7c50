"""How often an acknowledgement would carry FAQ links, and how often one of them is a right article.

usage: .venv/bin/python bench/acknowledge_links.py [--dev PATH]
Runs the real triage (bundled articles, fresh SQLite in a temp dir) on the dev mails, cleaned as ingest cleans
them, and prints for each minimum suggestion score: mails with links, and of those, mails where a link is one of
the mail's gold topics. The acknowledgement uses HELPDESK config ACKNOWLEDGE_MIN_SCORE: the lowest score here
whose precision is >= 95 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpdesk import create_app  # noqa: E402
from helpdesk.triage.service import triage_text  # noqa: E402
from mail_ingest import split_reply  # noqa: E402

DEV = Path("/work/shared/eval/dev-mails.jsonl")
MAX_LINKS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=DEV)
    args = parser.parse_args()
    mails = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    mails = [m for m in mails if m.get("kind", "question") == "question" and m.get("topics")]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "IGNORE_ENVIRONMENT": True, "SECRET_KEY": "bench", "DATA_DIR": tmp,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["setup"])
            assert result.exit_code == 0, result.output
            rows = []
            for mail in mails:
                text = split_reply(mail["body"]).new_text or mail["body"]
                triaged = triage_text(text, mail["subject"])
                rows.append(([(s.slug, s.score) for s in triaged.suggestions[:MAX_LINKS]], set(mail["topics"])))
    print(f"{len(rows)} vragen uit {args.dev.name} (met gouden onderwerpen); hoogstens {MAX_LINKS} links")
    print("min. score  met links  waarvan goed  precisie  goed/alle links")
    for threshold in [x / 100 for x in range(0, 100, 5)]:
        carried = right = links = good_links = 0
        for suggestions, topics in rows:
            chosen = [slug for slug, score in suggestions if score >= threshold]
            if not chosen:
                continue
            carried += 1
            right += any(slug in topics for slug in chosen)
            links += len(chosen)
            good_links += sum(slug in topics for slug in chosen)
        precision = right / carried if carried else float("nan")
        print(f"{threshold:10.2f}  {carried:4d} ({carried / len(rows):4.0%})  {right:4d}        {precision:6.1%}"
              f"    {good_links}/{links}")


if __name__ == "__main__":
    main()
