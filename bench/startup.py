"""Benchmark: how long a `flask` command takes to start, beside issue 18's baseline (aim: <= 0.5 s each).

Times, as a person or a cron job runs them (a fresh process each time; CPU seconds of the process, median and
min-max over --runs): `flask --help`, `flask triage` on one mail and `flask mail status`. Also prints the slowest
top-level imports (`python -X importtime`) of the web app and of `flask triage`, so a new eager import shows up here
first, and three floors: the CPU time of importing Flask's command line with its installed plugins alone (every
command, `--help` too, pays it before any of our code runs), that plus SQLAlchemy Core (`flask triage`) and that
plus Flask-SQLAlchemy with the ORM (every other command that reads the database).
Run: .venv/bin/python bench/startup.py [--runs 7] [--against CHECKOUT [--against-python PYTHON]]
(data in $BENCH_TMPDIR, default /var/tmp). `--against-python` runs the other checkout with its own venv's
interpreter, for a checkout whose dependencies differ (main still installs Flask-Limiter, whose plugin every
command loads).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIL = ROOT / "mail_ingest" / "demo" / "01-kosten-per-persoon.eml"
BASELINE = {"flask --help": "1.2 s", "flask triage (1 mail)": "1.2-2.6 s", "flask mail status": "1.2-2.6 s"}
AIM = 0.5


# What no command can do without: Python, Flask's command line with its plugins (Flask imports each installed
# `flask.commands` entry point); and what a command that reads the database with Core statements (`flask triage`)
# and one that uses the ORM with the models (`mail status`) cannot: imported, as a command's own modules are, with
# the garbage collector off (`HelpdeskApp.building`).
PLUGINS = "import flask.cli, importlib.metadata as m; [e.load() for e in m.entry_points(group='flask.commands')]"
FLOORS = {
    "floor: Flask's CLI": PLUGINS,
    "floor: + SQLAlchemy Core": f"{PLUGINS}; import gc; gc.disable(); import sqlalchemy",
    "floor: + SQLAlchemy ORM": f"{PLUGINS}; import gc; gc.disable(); import flask_sqlalchemy",
}


def run(env: dict[str, str], *args: str, ok: tuple[int, ...] = (0,), cwd: Path = ROOT,
        python: str = sys.executable) -> float:
    """CPU seconds (user + system) of one `flask` process: on a machine shared with other work the wall clock
    mostly measures the others; CPU time is what the command itself costs (on an idle core, its wall time)."""
    return _cpu([python, "-m", "flask", "--app", "app", *args], env, cwd, ok, f"flask {' '.join(args)}")


def _cpu(argv: list[str], env: dict[str, str], cwd: Path, ok: tuple[int, ...], label: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"{label} mislukte ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def slowest_imports(env: dict[str, str], argv: list[str], top: int = 8) -> list[tuple[float, str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    rows = []
    for line in proc.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if found and len(found.group(2)) <= 2:  # top-level imports and what they import directly
            rows.append((int(found.group(1)) / 1e6, found.group(3)))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another checkout (e.g. main) timed in turn with this one")
    parser.add_argument("--against-python", default=sys.executable,
                        help="the interpreter for --against, when its dependencies differ (its own venv's python)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ipo-bench-startup-", dir=os.environ.get("BENCH_TMPDIR", "/var/tmp")))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env.update({"HELPDESK_DATA_DIR": str(root), "HELPDESK_SECRET_KEY": "bench-secret", "PYTHONWARNINGS": "ignore"})
    # Installed code runs from its bytecode; without it every start compiles every module again (~0.2 s more).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        run(env, "setup")
        commands = {
            "flask --help": ("--help",),
            "flask triage (1 mail)": ("triage", str(MAIL)),
            "flask mail status": ("mail", "status"),
        }
        print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        for label, command in commands.items():
            times, other = [], []
            for _ in range(args.runs):  # in turn, so both see the same load of the machine
                times.append(run(env, *command))
                if args.against:
                    other.append(run(env, *command, cwd=args.against.resolve(), python=args.against_python))
            times.sort()
            median = statistics.median(times)
            beside = (f"; {args.against.name} median {statistics.median(other):.2f} s "
                      f"[{min(other):.2f}-{max(other):.2f}]" if other else "")
            print(f"{label:24s} CPU median {median:.2f} s [{times[0]:.2f}-{times[-1]:.2f}]  "
                  f"baseline {BASELINE[label]}, aim <= {AIM} s: {'met' if median <= AIM else 'NOT met'}{beside}")
        for label, code in FLOORS.items():
            floor = sorted(_cpu([sys.executable, "-c", code], env, ROOT, (0,), code) for _ in range(args.runs))
            print(f"{label:24s} CPU median {statistics.median(floor):.2f} s [{floor[0]:.2f}-{floor[-1]:.2f}]  "
                  f"`{code}`")
        for label, argv in (("`import app; app.create_app()` (a web worker)", ["-c", "import app; app.create_app()"]),
                            ("`flask triage` (1 mail)", ["-m", "flask", "--app", "app", "triage", str(MAIL)])):
            print(f"slowest imports of {label} (cumulative):")
            for seconds, name in slowest_imports(env, argv):
                print(f"  {seconds * 1000:6.0f} ms  {name}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
