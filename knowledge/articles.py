"""Knowledge-base articles on disk: a small header parser and the bundled articles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from knowledge import categories
from knowledge.dutch import parse_synonym_line

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEY_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$")
_COMMENT_RE = re.compile(r"\s+#\s.*$")
_REQUIRED = ("slug", "title", "category")
_MAX_SLUG = 120


@dataclass
class ArticleSource:
    """One article as written in Markdown with a header."""

    slug: str
    title: str
    category: str
    keywords: list[str] = field(default_factory=list)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)
    summary: str = ""
    review_date: date | None = None
    body: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _clean(key: str, value: str) -> str:
    # Comments ("category: cost  # one of ...") are allowed on the short machine-read keys only,
    # so a title or summary may still contain a '#'.
    if key in {"slug", "category", "review"}:
        value = _COMMENT_RE.sub("", value)
    return value.strip()


def parse_article(text: str) -> ArticleSource:
    """Parses '---' header lines plus a Markdown body; raises ValueError with a Dutch message when bad."""
    if not isinstance(text, str):
        raise ValueError("Artikel moet tekst zijn.")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ValueError("Artikel mist de kop: de eerste regel moet '---' zijn.")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ValueError("Artikelkop is niet afgesloten met '---'.") from None
    fields: dict[str, str] = {}
    synonyms: list[tuple[str, ...]] = []
    for lineno, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _KEY_RE.match(line.strip())
        if not m:
            raise ValueError(f"Regel {lineno} van de kop is geen 'sleutel: waarde': {line.strip()[:60]!r}")
        key, value = m.group(1).lower(), _clean(m.group(1).lower(), m.group(2))
        if key == "synonyms":
            for part in value.split(";"):
                group = parse_synonym_line(part)
                if len(group) == 1:
                    raise ValueError(f"Regel {lineno}: synoniem heeft de vorm 'a = b': {part.strip()!r}")
                if group:
                    synonyms.append(group)
            continue
        if key in fields:
            raise ValueError(f"Regel {lineno}: sleutel '{key}' komt twee keer voor.")
        fields[key] = value
    for key in _REQUIRED:
        if not fields.get(key):
            raise ValueError(f"Artikelkop mist '{key}'.")
    slug = fields.pop("slug")
    if len(slug) > _MAX_SLUG or not SLUG_RE.match(slug):
        raise ValueError(f"Ongeldige slug {slug!r}: alleen kleine letters, cijfers en streepjes.")
    category = fields.pop("category")
    if category not in categories.CATEGORIES:
        raise ValueError(f"Onbekende categorie {category!r}; kies uit {', '.join(categories.CATEGORIES)}.")
    review_date = None
    review = fields.pop("review", "")
    if review:
        try:
            review_date = date.fromisoformat(review)
        except ValueError:
            raise ValueError(f"Ongeldige reviewdatum {review!r}; gebruik JJJJ-MM-DD.") from None
    keywords = [k.strip() for k in fields.pop("keywords", "").split(",") if k.strip()]
    body = "\n".join(lines[end + 1 :]).strip("\n") + "\n"
    return ArticleSource(
        slug=slug,
        title=fields.pop("title"),
        category=category,
        keywords=keywords,
        synonyms=synonyms,
        summary=fields.pop("summary", ""),
        review_date=review_date,
        body=body,
        extra=fields,
    )


def serialize_article(article: ArticleSource) -> str:
    """Writes an article back in the header + Markdown format that parse_article reads."""
    head = [
        "---",
        f"slug: {article.slug}",
        f"title: {article.title}",
        f"category: {article.category}",
    ]
    if article.keywords:
        head.append("keywords: " + ", ".join(article.keywords))
    if article.synonyms:
        head.append("synonyms: " + "; ".join(" = ".join(g) for g in article.synonyms))
    if article.summary:
        head.append(f"summary: {article.summary}")
    if article.review_date:
        head.append(f"review: {article.review_date.isoformat()}")
    head.extend(f"{k}: {v}" for k, v in article.extra.items())
    head.append("---")
    return "\n".join(head) + "\n" + article.body.strip("\n") + "\n"


def load_bundled_articles() -> list[ArticleSource]:
    """All bundled articles in knowledge/articles/, sorted by slug; a broken file raises ValueError."""
    folder = resources.files("knowledge") / "articles"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".md"):
            continue
        try:
            article = parse_article(entry.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{entry.name}: {exc}") from exc
        if article.slug + ".md" != entry.name:
            raise ValueError(f"{entry.name}: slug {article.slug!r} past niet bij de bestandsnaam.")
        out.append(article)
    return out
