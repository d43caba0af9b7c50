"""The analysis settings stored beside a Whoosh index (editors' synonyms and keywords), one copy per generation."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from whoosh.analysis import Analyzer

from knowledge.search.whoosh_analysis import build_analyzer

_CONFIG_FILE = "kb-config.json"
_CONFIG_PREFIX = "kb-analysis-"
KEEP_GENERATIONS = 5  # analysis configs kept for readers still searching an older snapshot


class AnalysisConfig:
    """Reads and writes the analysis config of one index folder and builds (and caches) its analyzer."""

    def __init__(self, path: Path, extra_synonyms: Sequence[tuple[str, ...]] = ()) -> None:
        self.path = path
        self.extra_synonyms = list(extra_synonyms)
        self._analyzer_state: tuple[str | None, Analyzer] = (None, build_analyzer(self.extra_synonyms))

    def read(self) -> dict:
        """The newest config (empty when there is none or it is unreadable)."""
        try:
            return json.loads((self.path / _CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self, config: dict, generation: int) -> None:
        """Store the config as the newest and as the one of `generation`; drop copies of old generations."""
        # Written before the Whoosh commit (under the write lock) and replaced atomically, so a reader never
        # sees half a file; a copy per index generation lets each reader use its own snapshot's analysis.
        data = json.dumps(config, ensure_ascii=False)
        for name in (_CONFIG_FILE, f"{_CONFIG_PREFIX}{generation}.json"):
            tmp = self.path / f".{name}.{os.getpid()}.{threading.get_ident()}"
            tmp.write_text(data, encoding="utf-8")
            os.replace(tmp, self.path / name)
        for old in self.path.glob(f"{_CONFIG_PREFIX}*.json"):
            suffix = old.stem[len(_CONFIG_PREFIX):]
            if suffix.isdigit() and int(suffix) < generation - KEEP_GENERATIONS:
                old.unlink(missing_ok=True)

    def current_analyzer(self) -> Analyzer:
        """The analyzer of the newest config, for writing."""
        return self.analyzer_for(self.read())

    def snapshot_analyzer(self, generation: int) -> Analyzer:
        """The analyzer the searched snapshot was written with, so a concurrent commit that changes the
        synonyms never makes a reader analyse its query differently from the terms it reads."""
        return self.analyzer_for(generation_config(self.path, generation))

    def analyzer_for(self, config: dict) -> Analyzer:
        """The analyzer for a config, rebuilt only when its synonyms or words changed."""
        key = json.dumps([config.get("synonyms", []), config.get("words", [])])
        cached_key, analyzer = self._analyzer_state  # one tuple, so threads never see a mixed pair
        if key != cached_key:
            groups = self.extra_synonyms + [tuple(g) for g in config.get("synonyms", [])]
            analyzer = build_analyzer(groups, config.get("words", []))
            self._analyzer_state = (key, analyzer)
        return analyzer


def generation_config(path: Path, generation: int) -> dict:
    """The config one index generation was written with (the newest when its own copy is gone)."""
    for name in (f"{_CONFIG_PREFIX}{generation}.json", _CONFIG_FILE):
        try:
            return json.loads((path / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return {}
