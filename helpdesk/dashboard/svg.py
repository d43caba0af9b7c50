"""Server-side SVG charts: accessible (role=img, title, desc), no JavaScript.

Single-series charts are coloured by a CSS class; category series by their colour from knowledge.categories, as a
`fill` attribute (the CSP forbids style attributes, presentation attributes are not styles)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from flask_babel import format_decimal
from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 64


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    """A figure in the page's locale, at most one decimal: '12', '2,5', '1.200'."""
    return format_decimal(value, format="#,##0.#")


def _frame(chart_id: str, title: str, desc: str, body: list[str], height: int = HEIGHT, kind: str = "v") -> Markup:
    # On a phone vertical charts get larger text (dashboard.css); horizontal ones, with long labels, keep their
    # size and scroll sideways in their own focusable region (a chart is two-dimensional content, WCAG 1.4.10).
    # The table under each chart gives the same figures.
    chart = Markup(
        f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )
    if kind == "v":
        return chart
    return Markup(f'<div class="chart-scroll" role="region" tabindex="0" aria-labelledby="{chart_id}-title">'
                  f"{chart}</div>")


def _axis(top: float, plot_h: float) -> list[str]:
    parts = []
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')
    return parts


def stacked_bars(chart_id: str, title: str, desc: str, labels: Sequence[str],
                 series: Sequence[tuple[str, str, Sequence[float]]]) -> Markup:
    """Vertical stacked bars per label; `series` is (name, colour, values). The legend is the page's (HTML,
    so it wraps on a phone): see `legend`."""
    plot_h = HEIGHT - TOP - BOTTOM
    totals = [sum(s[2][i] for s in series) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    body = _axis(top, plot_h)
    for i, label in enumerate(labels):
        x, y = LEFT + i * slot + slot * 0.15, TOP + plot_h
        for name, colour, values in series:
            h = plot_h * values[i] / top
            if h > 0:
                y -= h
                body.append(f'<rect class="series" fill="{escape(colour)}" x="{x:.1f}" y="{y:.1f}" '
                            f'width="{slot * 0.7:.1f}" height="{h:.1f}">'
                            f"<title>{escape(label)}, {escape(name)}: {_fmt(values[i])}</title></rect>")
        body.append(f'<text class="label" x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 16}" '
                    f'text-anchor="middle">{escape(label)}</text>')
    return _frame(chart_id, title, desc, body, TOP + plot_h + 28)


def legend(series: Sequence[tuple[str, str, Sequence[float]]]) -> Markup:
    """The series of a stacked chart as a list with colour swatches (hidden from screen readers: the chart's
    description and its table name the categories)."""
    items = "".join(f'<li><span class="swatch"><svg viewBox="0 0 1 1" focusable="false"><rect width="1" height="1" '
                    f'fill="{escape(colour)}"/></svg></span>{escape(name)}</li>' for name, colour, _v in series)
    return Markup(f'<ul class="chart-legend" aria-hidden="true">{items}</ul>')


def bars(chart_id: str, title: str, desc: str, items: Sequence[tuple[str, float | None]], css: str = "",
         suffix: str = "") -> Markup:
    """Vertical bars with their value on top; None is drawn as 'geen' (no data, not zero)."""
    plot_h = HEIGHT - TOP - BOTTOM + 24
    top = _nice_max(max((v or 0 for _l, v in items), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(items), 1)
    body = _axis(top, plot_h)
    for i, (label, value) in enumerate(items):
        x = LEFT + i * slot + slot * 0.15
        h = plot_h * (value or 0) / top
        y = TOP + plot_h - h
        shown = "geen" if value is None else _fmt(value) + suffix
        if h > 0:
            body.append(f'<rect class="bar {css}" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                        f'height="{h:.1f}"><title>{escape(label)}: {escape(shown)}</title></rect>')
        body.append(f'<text class="value" x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
                    f"{escape(shown)}</text>")
        body.append(f'<text class="label" x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 16}" '
                    f'text-anchor="middle">{escape(label)}</text>')
    return _frame(chart_id, title, desc, body)


def hbars(chart_id: str, title: str, desc: str, items: Sequence[tuple[str, float]], css: str = "") -> Markup:
    """Horizontal bars for long labels (article titles)."""
    row, label_w = 30, 300
    height = TOP + row * max(len(items), 1) + 8
    top = _nice_max(max((v for _l, v in items), default=0))
    body = []
    for i, (label, value) in enumerate(items):
        y = TOP + i * row
        w = (WIDTH - label_w - 60) * value / top
        short = label if len(label) <= 42 else label[:40] + "…"
        body.append(f'<text class="label" x="{label_w - 8}" y="{y + 18}" text-anchor="end">{escape(short)}</text>'
                    f'<rect class="bar {css}" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 10}">'
                    f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
                    f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 18}">{_fmt(value)}</text>')
    return _frame(chart_id, title, desc, body, height, kind="h")
