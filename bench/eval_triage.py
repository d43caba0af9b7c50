"""Triage against the labelled dev mails: build .eml files, run `flask triage`, print score.py's figures.

Usage: python bench/eval_triage.py [--errors] [--shared PATH]. Runs `flask setup` in a throwaway data dir first,
so it measures exactly what a fresh installation does. Measuring only: nothing here trains on these mails.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 10


def _child_cpu(command: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) that running `command` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="folder with eval/")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args()
    eval_dir = Path(args.shared) / "eval"
    corpus = eval_dir / "dev-mails.jsonl"
    if not corpus.exists():
        print(f"geen evaluatieset gevonden in {eval_dir}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ipo-eval-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "HELPDESK_DATA_DIR": str(work / "data"), "HELPDESK_SECRET_KEY": "eval",
               "HELPDESK_DATABASE_URL": f"sqlite:///{work / 'eval.sqlite3'}"}
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        subprocess.run([sys.executable, str(eval_dir / "make_eml.py"), str(corpus), str(work / "eml")],
                       check=True, capture_output=True)
        subprocess.run([*flask, "setup"], cwd=ROOT, env=env, check=True, capture_output=True)
        files = sorted(str(p) for p in (work / "eml").glob("*.eml"))
        started = time.perf_counter()
        out = subprocess.run([*flask, "triage", *files], cwd=ROOT, env=env, check=True, capture_output=True,
                             text=True)
        elapsed = time.perf_counter() - started
        # CPU of `flask triage` with one mail and with every mail ten times: the difference is the triage path.
        many = files * REPEAT
        cpu_one, cpu_many = (_child_cpu([*flask, "triage", *batch], env) for batch in (files[:1], many))
        predictions = work / "predictions.jsonl"
        predictions.write_text(out.stdout)
        score = [sys.executable, str(eval_dir / "score.py"), str(corpus), str(predictions)]
        if args.errors:
            score.append("--errors")
        result = subprocess.run(score, capture_output=True, text=True)
        print(result.stdout, end="")
        print(f"triage CLI: {len(files)} mails in {elapsed:.2f} s (including start-up) "
              f"= {len(files) / elapsed:.1f} mails/s")
        print(f"triage path: {(len(many) - 1) / max(cpu_many - cpu_one, 1e-9):,.0f} mails per CPU second "
              f"(CPU of {len(many)} mails minus CPU of one; start-up {cpu_one:.2f} CPU s); load {_load()}")
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
