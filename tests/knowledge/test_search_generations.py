"""One long-lived searcher per index generation: another writer's commit is seen, totals stay exact."""

from __future__ import annotations

import os
from pathlib import Path

from knowledge.search import SearchDoc, SearchIndex


def doc(slug: str, title: str, body: str) -> SearchDoc:
    return SearchDoc(slug=slug, title=title, category="other", keywords=[], body=body)


def test_a_reader_sees_another_writers_commit_and_refresh_reopens(tmp_path: Path) -> None:
    writer, reader = SearchIndex(tmp_path / "ix"), SearchIndex(tmp_path / "ix")  # as two processes would
    writer.rebuild([doc("a", "Kosten", "Wat kost eherkenning per jaar?")])
    assert [h.slug for h in reader.search("kosten").hits] == ["a"]
    first = reader.generation()
    writer.upsert(doc("b", "Leverancier", "Een leverancier kiezen voor de kosten."))
    assert {h.slug for h in reader.search("kosten").hits} == {"a", "b"}  # noticed without a call
    assert reader.generation() != first
    assert reader.refresh() is False  # nothing new since
    writer.delete("a")
    # Even when the folder's time stamp looks unchanged (coarse clocks), refresh() finds the new generation.
    stamp = (tmp_path / "ix").stat()
    os.utime(tmp_path / "ix", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert reader.refresh() is True
    assert [h.slug for h in reader.search("kosten").hits] == ["b"]
    writer.close()
    reader.close()


def test_the_total_counts_every_match_beyond_the_scored_top(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.rebuild([doc(f"v{n:03d}", f"Vraag {n}", f"Over eherkenning, deel {n}.") for n in range(150)])
    result = index.search("eherkenning", limit=5)
    assert len(result.hits) == 5 and result.total == 150
    assert index.search("eherkenning", limit=5, category="cost").total == 0
    index.close()
