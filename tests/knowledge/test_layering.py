"""The knowledge package's boundaries: no Flask or app code in it, and Whoosh only behind the search seam."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a source file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("knowledge"), ids=lambda p: str(p.relative_to(ROOT)))
def test_knowledge_imports_neither_flask_nor_the_app_nor_mail_ingest(path: Path) -> None:
    assert not imported_modules(path) & {"flask", "helpdesk", "mail_ingest"}


OUTSIDE_THE_SEAM = [p for p in sources("knowledge", "helpdesk", "mail_ingest")
                    if not p.is_relative_to(ROOT / "knowledge" / "search")]


@pytest.mark.parametrize("path", OUTSIDE_THE_SEAM, ids=lambda p: str(p.relative_to(ROOT)))
def test_whoosh_is_imported_only_behind_the_search_seam(path: Path) -> None:
    assert "whoosh" not in imported_modules(path)
