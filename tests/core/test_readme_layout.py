"""The README's layout section matches the tree: every path it names exists, and every test folder is named."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# a file or folder named in a row's description: `models/`, `config.py`, `tests/servers.py`; not `Hit/SearchResult`
NAME = re.compile(r"(?<![\w<>/.])([a-z_]+(?:/[a-z_]+)*(?:\.py|\.html|/))(?![\w])")


def layout_rows() -> list[tuple[str, str]]:
    """(path, description) per row of the fenced block under '## Layout'; continuation lines join their row."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    rows: list[tuple[str, str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        if line[0].isspace():
            path, description = rows[-1]
            rows[-1] = (path, f"{description} {line.strip()}")
        else:
            path, _, description = line.partition(" ")
            rows.append((path, description.strip()))
    return rows


def test_layout_section_has_rows():
    paths = [path for path, _ in layout_rows()]
    assert {"helpdesk/", "knowledge/", "mail_ingest/", "tests/support/"} <= set(paths), paths


def test_every_path_in_the_layout_exists():
    missing = []
    for path, description in layout_rows():
        if "<feature>" in path:
            base = path.split("<feature>")[0]
            listed = description.split(":", 1)[1]
            names = [name.strip() for name in listed.split(",")]
            missing += [f"{base}{name}/" for name in names if not (ROOT / base / name).is_dir()]
            continue
        if not (ROOT / path).exists():
            missing.append(path)
        for name in NAME.findall(description):
            if not any((base / name).exists() for base in (ROOT / path, (ROOT / path).parent, ROOT)):
                missing.append(f"{path}{name} (named in the description)")
    assert missing == []


def test_every_test_folder_is_named_in_the_layout():
    named: set[str] = set()
    for path, description in layout_rows():
        if path.startswith("tests/<feature>"):
            named |= {name.strip() for name in description.split(":", 1)[1].split(",")}
        elif path.startswith("tests/"):
            named.add(path.removeprefix("tests/").rstrip("/"))
            named |= {name.rstrip("/") for name in NAME.findall(description) if name.endswith("/")}
    folders = {p.parent.name for p in (ROOT / "tests").glob("*/__init__.py")}
    assert folders - named == set(), "test folders the README's layout does not name"
