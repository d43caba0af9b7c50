"""Labelled example mails for the question classifier: the bundled seeds and how to read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from knowledge import categories

SEED_PATH = Path(__file__).resolve().parent.parent / "training" / "seed_examples.jsonl"


@dataclass(frozen=True)
class Example:
    """One labelled mail: cleaned body text, subject and its category key."""

    text: str
    subject: str
    category: str
    weight: float = 1.0


def load_examples(path: Path | str = SEED_PATH) -> list[Example]:
    """Read `{"text", "subject", "category"}` lines; raise ValueError naming the bad line."""
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
