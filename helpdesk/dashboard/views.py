"""The dashboard page, its period, and every table as CSV."""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from ..auth.roles import agent_required
from ..csv_export import csv_response
from .blueprint import bp
from .figures import PERIODS, TABLE_NAMES, cached_figures, charts, period_from, tables


@bp.route("/")
@agent_required
def index() -> str:
    count = period_from(request.args.get("weken"))
    f = cached_figures(count)
    return render_template("dashboard/index.html", charts=charts(f), period=count, PERIODS=PERIODS, **f)


@agent_required
def table_csv(name: str) -> Response:
    count = period_from(request.args.get("weken"))
    table = tables(cached_figures(count)).get(name) or abort(404)
    _title, header, rows = table
    return csv_response(f"dashboard-{name}-{count}-weken.csv", header, rows)


for _name in TABLE_NAMES:  # one fixed URL per table (url_for picks it by `name`); no other name exists
    bp.add_url_rule(f"/{_name}.csv", endpoint="table_csv", view_func=table_csv, defaults={"name": _name})
