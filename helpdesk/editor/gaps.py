"""The editors' "Inhoudelijke hiaten" pages: searches without an answer, unhelpful articles, and questions from
mail that no article answered well ("Vragen zonder goed artikel")."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request

from ..auth.roles import editor_required
from ..kb.operations import content_gaps
from ..kb.question_gaps import question_gaps
from ..models import utcnow
from .blueprint import bp
from .forms import PeriodForm

MAX_DAYS = 3660


def _period(form: PeriodForm) -> tuple[datetime, datetime, str | None]:
    """[since, until) from the filter, or the last 30 days with a Dutch message when the input is wrong."""
    now = utcnow()
    fallback = (now - timedelta(days=30), now)
    if form.periode.data != "eigen" and not (form.van.data or form.tot.data):
        days = form.periode.data if form.periode.data in {"7", "30", "90"} else "30"
        return now - timedelta(days=int(days)), now, None
    form.validate()  # a wrong date leaves its field's data None
    start, end = form.van.data, form.tot.data
    if start is None or end is None:
        return (*fallback, "Vul bij ‘Van’ en ‘Tot en met’ een geldige datum in als JJJJ-MM-DD. "
                           "U ziet nu de laatste 30 dagen.")
    if end < start:
        return (*fallback, "De datum ‘Tot en met’ ligt vóór ‘Van’. U ziet nu de laatste 30 dagen.")
    if (end - start).days > MAX_DAYS:
        return (*fallback, "Kies een periode van hoogstens tien jaar. U ziet nu de laatste 30 dagen.")
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min), None


@bp.route("/hiaten")
@editor_required
def gaps() -> tuple[str, int]:
    form = PeriodForm(request.args)
    since, until, problem = _period(form)
    report = content_gaps(since, until)
    return render_template("editor/gaps.html", form=form, report=report, problem=problem,
                           until_shown=until - timedelta(seconds=1)), 200


@bp.route("/hiaten/vragen")
@editor_required
def question_gaps_page() -> tuple[str, int]:
    form = PeriodForm(request.args)
    since, until, problem = _period(form)
    report = question_gaps(since, until)
    return render_template("editor/question_gaps.html", form=form, report=report, problem=problem, since=since,
                           until_shown=until - timedelta(seconds=1)), 200
