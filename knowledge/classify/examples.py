"""Labelled example mails for the question classifier: the bundled training files and how to read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from knowledge import categories

TRAINING_DIR = Path(__file__).resolve().parent.parent / "training"
SEED_PATH = TRAINING_DIR / "seed_examples.jsonl"
# Everything the default model learns from (see training/README.md); the held-out sets live under tests/.
TRAINING_PATHS: tuple[Path, ...] = (
    SEED_PATH, TRAINING_DIR / "examples_v2.jsonl", TRAINING_DIR / "examples_wrapped.jsonl",
)


@dataclass(frozen=True)
class Example:
    """One labelled mail: cleaned body text, subject and its category key."""

    text: str
    subject: str
    category: str
    weight: float = 1.0


def load_examples(path: Path | str | None = None) -> list[Example]:
    """Read `{"text", "subject", "category"}` lines of one file, or of all training files when no path is given;
    raise ValueError naming the bad line."""
    if path is None:
        return [ex for p in TRAINING_PATHS for ex in load_examples(p)]
    known = categories.CATEGORIES  # read now, not at import, so a new category needs no code change here
    examples: list[Example] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                ex = Example(str(row.get("text", "")), str(row.get("subject", "")), str(row["category"]),
                             float(row.get("weight", 1.0)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{lineno}: ongeldige regel ({exc})") from exc
            if ex.category not in known:
                raise ValueError(f"{path}:{lineno}: onbekende categorie {ex.category!r}")
            examples.append(ex)
    return examples
