"""What the dashboard shows: the figures from the rollups and the live queue (cached briefly), and their charts."""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

from flask import current_app

from knowledge.categories import BY_KEY, NO_CATEGORY

from ..extensions import db
from ..models import utcnow
from . import rollup, stats, svg


def _series(key: str, values: list[int]) -> tuple[str, str, list[int]]:
    """A chart series: the category's Dutch label and colour (those of 'no category' for the rest)."""
    category = BY_KEY.get(key, NO_CATEGORY)
    return category.label_nl, category.colour, values


PERIODS = (4, 8, 26, 52)  # weeks the dashboard can show
TABLE_NAMES = ("categorie", "wachttijd", "reactietijd", "artikelen", "aandeel", "termijn")  # see tables()


def period_from(value: str | None) -> int:
    """The chosen period in weeks; anything else is the default."""
    return int(value) if value in {str(p) for p in PERIODS} else stats.WEEKS


def figures(count: int = stats.WEEKS, source: ModuleType = rollup) -> dict[str, Any]:
    """Everything the page shows: the period's figures from `source` (the rollups; the tests' reference reads
    the tickets), the queue's from the live queue."""
    weeks = stats.recent_weeks(count=count)
    per_category = source.tickets_per_category_per_week(weeks)
    share_weeks, share_total = source.suggested_article_share(weeks)
    target_weeks = source.within_target_share(weeks)
    return {
        "weeks": weeks, "labels": [w.label for w in weeks],
        "series": [_series(k, v) for k, v in per_category.items()],
        "ages": stats.open_by_age(), "medians": source.median_first_response_hours(weeks),
        "articles": source.most_used_articles(), "share_weeks": share_weeks, "share_total": share_total,
        "share_pct": [round(100 * used / answered) if answered else None for used, answered in share_weeks],
        "target_weeks": target_weeks, "overdue": stats.overdue_count(),
        "target_pct": [round(100 * on_time / answered) if answered else None for on_time, answered in target_weeks],
        "total_questions": sum(sum(v) for v in per_category.values()), "computed_at": utcnow(),
    }


def cached_figures(count: int = stats.WEEKS) -> dict[str, Any]:
    """The figures per period, recomputed at most once per DASHBOARD_CACHE_SECONDS per process, from rollups
    brought up to date first (in a transaction of their own)."""
    ttl = float(current_app.config["DASHBOARD_CACHE_SECONDS"])
    cache = current_app.extensions.setdefault("dashboard_cache", {}).setdefault(count, {})
    if "data" not in cache or time.monotonic() - cache["at"] >= ttl:
        rollup.refresh_rollups()
        db.session.commit()
        cache["data"], cache["at"] = figures(count), time.monotonic()
    return cache["data"]


def _pct(value: int | None) -> str:
    return "" if value is None else str(value)


def tables(f: dict[str, Any]) -> dict[str, tuple[str, list[str], list[list[Any]]]]:
    """Every table of the page as (title, header, rows), for the CSV downloads."""
    weeks = [w.long_label for w in f["weeks"]]
    return {
        "categorie": ("Vragen per categorie per week", ["Categorie", *weeks],
                      [[name, *values] for name, _colour, values in f["series"]]),
        "wachttijd": ("Openstaande vragen naar wachttijd", ["Wachttijd", "Vragen"], [list(r) for r in f["ages"]]),
        "reactietijd": ("Mediane tijd tot eerste antwoord", ["Week", "Mediaan (uren)"],
                        [[w, "" if m is None else m] for w, m in zip(weeks, f["medians"], strict=True)]),
        "artikelen": ("Meest gebruikte artikelen", ["Artikel", "Slug", "Tickets"],
                      [[title, slug, n] for slug, title, n in f["articles"]]),
        "aandeel": ("Antwoorden met een voorgesteld artikel", ["Week", "Met artikel", "Beantwoord", "Aandeel (%)"],
                    [[w, *pair, _pct(p)] for w, pair, p in zip(weeks, f["share_weeks"], f["share_pct"], strict=True)]),
        "termijn": ("Op tijd beantwoord", ["Week", "Op tijd", "Beantwoord", "Aandeel (%)"],
                    [[w, *pair, _pct(p)] for w, pair, p in zip(weeks, f["target_weeks"], f["target_pct"],
                                                               strict=True)]),
    }


def charts(f: dict[str, Any]) -> dict[str, Any]:
    """The six charts as SVG markup, from the figures."""
    labels, weeks = f["labels"], f["weeks"]
    return {
        "category": svg.stacked_bars("grafiek-categorie", "Vragen per categorie per week",
                                     f"{f['total_questions']} vragen in de laatste {len(weeks)} weken, gestapeld "
                                     "per categorie. De tabel hieronder geeft dezelfde cijfers.", labels, f["series"]),
        "category_legend": svg.legend(f["series"]),
        "age": svg.bars("grafiek-leeftijd", "Openstaande vragen naar wachttijd",
                        f"{sum(n for _l, n in f['ages'])} openstaande vragen, verdeeld naar hoe lang de aanvrager "
                        "wacht.", f["ages"], css="bar-age"),
        "response": svg.bars("grafiek-reactietijd", "Mediane tijd tot eerste antwoord per week (uren)",
                             "Per week van binnenkomst de mediane tijd tot het eerste antwoord, in uren.",
                             list(zip(labels, f["medians"], strict=True)), css="bar-response", suffix=" u"),
        "articles": svg.hbars("grafiek-artikelen", "Meest gebruikte artikelen in antwoorden",
                              "Hoe vaak elk artikel als basis voor een antwoord diende.",
                              [(title, n) for _s, title, n in f["articles"]], css="bar-articles"),
        "share": svg.bars("grafiek-aandeel", "Aandeel antwoorden met een voorgesteld artikel per week (%)",
                          "Per week het percentage beantwoorde vragen waarvoor een voorgesteld artikel is gebruikt.",
                          list(zip(labels, f["share_pct"], strict=True)), css="bar-share", suffix="%"),
        "target": svg.bars("grafiek-termijn", "Aandeel op tijd beantwoord per week (%)",
                           "Per week van binnenkomst het percentage vragen dat binnen de termijn in werkdagen een "
                           "eerste antwoord kreeg.", list(zip(labels, f["target_pct"], strict=True)),
                           css="bar-share", suffix="%"),
    }

