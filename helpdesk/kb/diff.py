"""Readable differences between two article revisions: line diff of the fields and body, word diff inside
changed lines, rendered as <ins>/<del> with hidden text that screen readers announce."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..models import CATEGORY_LABELS, ArticleRevision

_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")
_CONTEXT = 2  # unchanged lines shown around a change

FIELD_LABELS = {
    "title": "Titel", "category": "Categorie", "keywords": "Trefwoorden", "synonyms": "Synoniemen",
    "summary": "Samenvatting", "review_date": "Controledatum",
}


@dataclass
class DiffLine:
    """One line of a diff: kind is equal, changed, added, removed or skipped (a run of unchanged lines)."""

    kind: str
    html: Markup


def _ins(text: str) -> Markup:
    if not text:
        return Markup("")
    return Markup('<ins><span class="visually-hidden">[toegevoegd: </span>{}'
                  '<span class="visually-hidden">]</span></ins>').format(text)


def _del(text: str) -> Markup:
    if not text:
        return Markup("")
    return Markup('<del><span class="visually-hidden">[verwijderd: </span>{}'
                  '<span class="visually-hidden">]</span></del>').format(text)


def word_diff(old: str, new: str) -> Markup:
    """One line's change marked word by word."""
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    out = Markup("")
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out += escape("".join(a[i1:i2]))
        else:
            out += _del("".join(a[i1:i2])) + _ins("".join(b[j1:j2]))
    return out


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Line-level diff of two texts, with long unchanged stretches folded away."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            if len(same) > 2 * _CONTEXT + 1:
                head = [] if not lines else same[:_CONTEXT]
                tail = same[-_CONTEXT:] if i2 < len(a) or j2 < len(b) else []
                lines += [DiffLine("equal", escape(s)) for s in head]
                hidden = len(same) - len(head) - len(tail)
                lines.append(DiffLine("skipped", Markup("… {} ongewijzigde regels …").format(hidden)))
                lines += [DiffLine("equal", escape(s)) for s in tail]
            else:
                lines += [DiffLine("equal", escape(s)) for s in same]
        elif op == "replace" and i2 - i1 == j2 - j1:
            lines += [DiffLine("changed", word_diff(x, y)) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            lines += [DiffLine("removed", _del(s)) for s in a[i1:i2]]
            lines += [DiffLine("added", _ins(s)) for s in b[j1:j2]]
    return lines


def _field_text(revision: ArticleRevision | None, name: str) -> str:
    if revision is None:
        return ""
    value = getattr(revision, name)
    if name == "category":
        return CATEGORY_LABELS.get(value, value or "")
    if name == "review_date":
        return value.isoformat() if value else ""
    return value or ""


def diff_revisions(old: ArticleRevision | None, new: ArticleRevision) -> dict[str, list[DiffLine]]:
    """Changed header fields and the body of `new` against `old` (None: everything is new), by label."""
    out: dict[str, list[DiffLine]] = {}
    for name, label in FIELD_LABELS.items():
        before, after = _field_text(old, name), _field_text(new, name)
        if before != after:
            out[label] = line_diff(before, after)
    body = line_diff(old.body if old else "", new.body)
    if any(line.kind not in {"equal", "skipped"} for line in body):
        out["Tekst"] = body
    return out
