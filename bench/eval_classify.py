"""Measure the question classifier: seed cross-validation, dev-set accuracy, calibration and speed.

usage: .venv/bin/python bench/eval_classify.py [--dev PATH] [--errors]
The dev mails are only measured here, never trained on.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.classify import CATEGORIES, Classifier, load_examples  # noqa: E402
from knowledge.classify.calibration import (  # noqa: E402
    accuracy_macro_f1,
    calibrate,
    expected_calibration_error,
    reliability,
)
from knowledge.classify.model import cross_val_logits, fit_temperature  # noqa: E402

DEV = Path("/work/shared/eval/dev-mails.jsonl")
_SIGNOFF = re.compile(r"^\s*(met vriendelijke groet|vriendelijke groet|groet(en)?|kind regards|best regards|"
                      r"regards|met groet|hartelijke groet|mvg)\b", re.IGNORECASE)


def crude_clean(body: str) -> str:
    """Drop everything from the first sign-off line on (a stand-in for mail_ingest's stripping)."""
    out = []
    for line in body.splitlines():
        if _SIGNOFF.match(line):
            break
        out.append(line)
    return "\n".join(out)


def print_reliability(confs: list[float], correct: list[bool]) -> None:
    rows = reliability(confs, correct)
    print("  confidence bin   n   mean conf  accuracy")
    for lo, hi, n, mc, acc in rows:
        print(f"  [{lo:.1f}, {hi:.1f})  {n:4d}    {mc:.3f}     {acc:.3f}")
    print(f"  expected calibration error: {expected_calibration_error(rows):.3f}")


def confusion(gold: list[str], pred: list[str]) -> None:
    print("  gold \\ pred " + " ".join(f"{c[:8]:>8}" for c in CATEGORIES))
    for g in CATEGORIES:
        counts = [sum(1 for a, b in zip(gold, pred, strict=True) if a == g and b == p) for p in CATEGORIES]
        print(f"  {g:>11} " + " ".join(f"{n:8d}" for n in counts))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--errors", action="store_true", help="list misclassified dev mails (id, gold, predicted)")
    args = ap.parse_args()

    seeds = load_examples()
    t0 = time.perf_counter()
    temperature, smoothing = fit_temperature(seeds)
    print(f"seed examples: {len(seeds)}; fitted temperature {temperature:.3f}, smoothing {smoothing:.2f} "
          f"({time.perf_counter() - t0:.2f}s incl. 5-fold CV)")

    logits = cross_val_logits(seeds)
    gold = [ex.category for ex in seeds]
    probs = [calibrate(row, temperature, smoothing) for row in logits]
    pred = [CATEGORIES[max(range(len(CATEGORIES)), key=p.__getitem__)] for p in probs]
    acc, f1 = accuracy_macro_f1(gold, pred)
    print(f"\n(a) 5-fold cross-validation on seeds: accuracy {acc:.3f}  macro-F1 {f1:.3f}")
    confusion(gold, pred)
    print_reliability([max(p) for p in probs], [g == p for g, p in zip(gold, pred, strict=True)])

    model = Classifier.default()
    dev = Path(args.dev)
    mails: list[dict] = []
    if dev.exists():
        rows = [json.loads(x) for x in dev.read_text(encoding="utf-8").splitlines() if x.strip()]
        mails = [m for m in rows if m.get("kind", "question") == "question"]
        results = [model.classify(crude_clean(m["body"]), m["subject"]) for m in mails]
        dgold = [m["category"] for m in mails]
        dpred = [r.category for r in results]
        acc, f1 = accuracy_macro_f1(dgold, dpred)
        print(f"\n(b) dev mails ({len(mails)} questions): accuracy {acc:.3f}  macro-F1 {f1:.3f}"
              f"  (targets 0.90 / 0.90)")
        confusion(dgold, dpred)
        print_reliability([r.confidence for r in results], [g == p for g, p in zip(dgold, dpred, strict=True)])
        if args.errors:
            for m, r in zip(mails, results, strict=True):
                if r.category != m["category"]:
                    print(f"  miss {m['id']}: want {m['category']}, got {r.category} ({r.confidence:.2f})")
    else:
        print(f"\n(b) dev mails: {dev} not found, skipped")

    texts = [(crude_clean(m["body"]), m["subject"]) for m in mails] or [(ex.text, ex.subject) for ex in seeds]
    fresh = Classifier.from_bytes(model.to_bytes())  # empty feature caches matter little; stems are cached
    words = sum(len((t + " " + s).split()) for t, s in texts) / len(texts)
    n = 0
    # CPU time as well as wall time: on a busy machine the wall clock mostly measures the neighbours.
    t0, c0 = time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < 2.0:
        for text, subject in texts:
            fresh.classify(text, subject)
        n += len(texts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"\n(c) speed: {n / cpu:,.0f} mails/s per CPU second ({n / wall:,.0f}/s wall), "
          f"mails of ~{words:.0f} words, single process")

    corrections = [ex for ex in seeds for _ in range(3)][:1000]
    c0 = time.process_time()
    model.with_corrections(corrections)
    print(f"    with_corrections({len(corrections)}) on {len(seeds)} seeds: {time.process_time() - c0:.3f} CPU s")
    Classifier._default = None
    c0 = time.process_time()
    Classifier.default()
    print(f"    Classifier.default() cold build incl. calibration: {time.process_time() - c0:.3f} CPU s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
