"""The labelled data files are well formed, and the held-out sets stay apart from what the model trains on."""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path

import pytest

from knowledge.categories import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
TRAINING_DIR = ROOT / "knowledge" / "training"
TRAINING = ["seed_examples.jsonl", "examples_v2.jsonl", "examples_wrapped.jsonl"]
HELDOUT = [Path(__file__).with_name(name) for name in ("heldout.jsonl", "heldout_v2.jsonl", "heldout_v3.jsonl")]
FIELDS = {"text", "subject", "category", "lang", "topics"}
# Character 4-gram Jaccard similarity at or above this counts as a near-copy (one or two words swapped).
NEAR_COPY = 0.55


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _shingles(text: str) -> frozenset[str]:
    t = _normal(text)
    return frozenset(t[i : i + 4] for i in range(max(1, len(t) - 3)))


def _slugs() -> set[str]:
    found = set()
    for md in (ROOT / "knowledge" / "articles").glob("*.md"):
        match = re.search(r"^slug:\s*(\S+)", md.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, md
        found.add(match.group(1))
    return found


ALL_FILES = [TRAINING_DIR / name for name in TRAINING] + HELDOUT


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_line_is_a_valid_example(path: Path) -> None:
    rows = _rows(path)
    assert rows
    slugs = _slugs()
    for row in rows:
        assert set(row) <= FIELDS and {"text", "subject", "category"} <= set(row), row
        assert row["category"] in CATEGORIES, row
        assert isinstance(row["text"], str) and row["text"].strip(), row
        assert isinstance(row["subject"], str), row
        assert row.get("lang", "nl") in ("nl", "en"), row
        assert set(row.get("topics", [])) <= slugs, row


def test_new_files_are_large_and_roughly_balanced() -> None:
    v2, wrapped = _rows(TRAINING_DIR / "examples_v2.jsonl"), _rows(TRAINING_DIR / "examples_wrapped.jsonl")
    seed = _rows(TRAINING_DIR / "seed_examples.jsonl")
    assert len(v2) + len(wrapped) >= 1200 and len(v2) >= 900
    assert len(seed) + len(v2) + len(wrapped) >= 1500
    counts = {c: sum(r["category"] == c for r in v2) for c in CATEGORIES}
    assert min(counts.values()) >= 0.6 * max(counts.values()), counts
    english = sum(r.get("lang") == "en" for r in v2) / len(v2)
    assert 0.08 <= english <= 0.2, english


def test_no_text_occurs_twice_across_all_files() -> None:
    seen: dict[str, str] = {}
    for path in ALL_FILES:
        for row in _rows(path):
            key = _normal(row["text"])
            assert key not in seen, f"{path.name} repeats a text of {seen.get(key)}: {row['text'][:80]!r}"
            seen[key] = path.name


def _near_copies(held_out: Path, training_names: list[str]) -> list[tuple[str, str]]:
    training = sorted(
        (len(s), s, row["text"])
        for name in training_names
        for row in _rows(TRAINING_DIR / name)
        for s in [_shingles(row["text"])]
    )
    sizes = [size for size, _, _ in training]
    near = []
    for row in _rows(held_out):
        held = _shingles(row["text"])
        # Jaccard >= t needs the two sizes within a factor t of each other: only those are compared.
        lo = bisect.bisect_left(sizes, NEAR_COPY * len(held))
        hi = bisect.bisect_right(sizes, len(held) / NEAR_COPY)
        for _, shingles, text in training[lo:hi]:
            if len(held & shingles) / len(held | shingles) >= NEAR_COPY:
                near.append((row["text"][:60], text[:60]))
    return near


@pytest.mark.parametrize("held_out", HELDOUT[1:], ids=lambda p: p.name)
def test_newer_held_out_sets_have_no_near_copy_of_any_training_text(held_out: Path) -> None:
    assert _near_copies(held_out, TRAINING) == []


def test_new_training_data_has_no_near_copy_of_the_first_held_out_set() -> None:
    # The seed examples and the first held-out set predate this check and are left as they are.
    assert _near_copies(HELDOUT[0], TRAINING[1:]) == []
