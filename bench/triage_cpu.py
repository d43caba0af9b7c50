"""Triage CPU per mail, in this process: the dev mails as `flask triage` reads them, the held-out questions, and
realistic mails through ingest's `prepare_one`; optionally every full result to a file, to compare two checkouts.

usage: .venv/bin/python bench/triage_cpu.py [--rounds 10] [--realistic 200] [--dump FILE] [--profile N]
Run it with PYTHONPATH set to the checkout to measure (the data comes from the checkout this script is in), e.g.
`PYTHONPATH=../base .venv/bin/python bench/triage_cpu.py --dump base.jsonl` and again with this checkout, then
`diff` the dumps: category, confidence, reason, scores, suggestions (slug, title, score, snippet, match) of every
mail. The first round (the Dutch word list read once, typo look-ups remembered) is reported on its own.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = [ROOT / "tests" / "knowledge_classify" / name for name in ("heldout.jsonl", "heldout_v2.jsonl")]


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _triager(scratch: Path):  # type: ignore[no-untyped-def]
    """The triager `flask triage` builds without an app: the bundled articles on a scratch index."""
    from knowledge.articles import load_bundled_articles
    from knowledge.classify import Classifier
    from knowledge.search import SearchDoc, SearchIndex
    from knowledge.triage import Triager, language

    articles = load_bundled_articles()
    index = SearchIndex(scratch / "index")
    index.rebuild([SearchDoc(slug=a.slug, title=a.title, category=a.category, keywords=a.keywords, body=a.body,
                             summary=a.summary, synonyms=a.synonyms) for a in articles])
    return Triager(Classifier.default(cache_dir=scratch / "models"), index, {a.slug: a.category for a in articles},
                   {a.slug: a.title for a in articles},
                   article_languages={a.slug: language(f"{a.title}\n{a.summary}\n{a.body}") for a in articles})


def _dev_mails(scratch: Path, shared: Path) -> list[tuple[str, str, bool]]:
    """(text, subject, reply) of each dev mail as `flask triage` triages it (measuring only)."""
    from mail_ingest import is_reply_subject, parse_message, split_reply, strip_subject_prefixes

    corpus = shared / "eval" / "dev-mails.jsonl"
    if not corpus.exists():
        return []
    subprocess.run([sys.executable, str(shared / "eval" / "make_eml.py"), str(corpus), str(scratch / "eml")],
                   check=True, capture_output=True)
    out = []
    for path in sorted((scratch / "eml").glob("*.eml")):
        parsed = parse_message(path.read_bytes())
        cleaned = split_reply(parsed.text, subject=parsed.subject)
        out.append((cleaned.new_text or parsed.text, strip_subject_prefixes(parsed.subject),
                    is_reply_subject(parsed.subject)))
    return out


def _heldout() -> list[tuple[str, str, bool]]:
    rows = [json.loads(line) for path in HELDOUT for line in path.read_text().splitlines() if line.strip()]
    return [(r["text"], r.get("subject", ""), False) for r in rows]


def _record(result) -> dict:  # type: ignore[no-untyped-def]
    if result is None:
        return {}
    return {"category": result.category, "confidence": result.confidence, "reason": result.reason,
            "scores": result.scores,
            "suggestions": [[s.slug, s.title, s.score, s.snippet, s.match] for s in result.suggestions]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--realistic", type=int, default=200, help="realistic mails through prepare_one")
    parser.add_argument("--dump", type=Path, help="write every full result here (JSON lines)")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of cProfile")
    parser.add_argument("--only", choices=("dev", "heldout", "realistic"), help="time (and profile) one set only")
    args = parser.parse_args()
    sys.path.insert(1, str(ROOT / "bench"))
    from mails import realistic_mails

    from helpdesk.ingest.prepare import PrepareContext, prepare_one
    from mail_ingest.mime import ParseLimits

    with tempfile.TemporaryDirectory(prefix="triage-cpu-") as tmp:
        scratch = Path(tmp)
        triager = _triager(scratch)
        sets = {"dev": _dev_mails(scratch, args.shared), "heldout": _heldout()}
        raws = realistic_mails(args.realistic)
        ctx = PrepareContext(ParseLimits(), "helpdesk.example", ("ipo@duo.nl",), triager)
        from knowledge.triage import TriageResult  # noqa: F401 - loaded before timing

        # `flask triage` prints no snippets and says so (where the checkout can); the dump has them all.
        quiet = {"snippets": False} if "snippets" in inspect.signature(triager.triage).parameters else {}

        def triage_all(mails: list[tuple[str, str, bool]], **kwargs: bool) -> list:
            return [triager.triage(text, subject, reply=reply, **kwargs) for text, subject, reply in mails]

        started = time.process_time()
        first = {name: triage_all(mails) for name, mails in sets.items()}
        prepared = [prepare_one(raw, ctx) for raw in raws]
        print(f"first round (word list, typo look-ups): {time.process_time() - started:.2f} CPU s")
        if args.dump:
            with args.dump.open("w") as out:
                for name, results in first.items():
                    for n, result in enumerate(results):
                        out.write(json.dumps({"set": name, "n": n, **_record(result)}, ensure_ascii=False) + "\n")
                for n, p in enumerate(prepared):
                    out.write(json.dumps({"set": "realistic", "n": n, "clean": p.clean_text, "error": p.error,
                                          **_record(p.triage)}, ensure_ascii=False) + "\n")
        profile = cProfile.Profile() if args.profile else None
        for name, mails in sets.items():
            if not mails or args.only not in (None, name):
                continue
            if profile:
                profile.enable()
            started = time.process_time()
            for _ in range(args.rounds):
                triage_all(mails, **(quiet if name == "dev" else {}))
            cpu = time.process_time() - started
            if profile:
                profile.disable()
            count = len(mails) * args.rounds
            label = f"{name} (as flask triage: no snippets)" if name == "dev" and quiet else name
            print(f"{label}: {count} triages, {count / cpu:,.0f} per CPU s ({cpu / count * 1000:.3f} ms each); "
                  f"load {_load()}")
        if args.only not in (None, "realistic"):
            raws = []
        started = time.process_time()
        rounds = max(1, args.rounds // 5)
        if profile:
            profile.enable()
        for _ in range(rounds):
            for raw in raws:
                prepare_one(raw, ctx)
        cpu = time.process_time() - started
        if profile:
            profile.disable()
        if raws:
            print(f"realistic prepare_one: {len(raws) * rounds} mails, {cpu / (len(raws) * rounds) * 1000:.3f} ms "
                  f"CPU each; load {_load()}")
        if profile:
            pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
