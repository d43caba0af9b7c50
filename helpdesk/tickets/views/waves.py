"""Waves: see the groups, review one reply, send it to each chosen ticket."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...extensions import db
from ...ids import parse_id
from ...models import Ticket
from ..blueprint import bp
from ..drafts import published_article, wave_draft
from ..forms import WaveForm
from ..operations import TicketError
from ..page import queued_notice
from ..wave_review import review_wave
from ..waves import MAX_WAVE, answer_wave, category_label, latest_message_id, list_waves, parse_category, wave_tickets


@bp.route("/golven")
@agent_required
def waves() -> str:
    return render_template("tickets/waves.html", waves=list_waves())


def _category_or_404(key: str) -> str | None:
    try:
        return parse_category(key)
    except TicketError:
        abort(404)


@bp.route("/golven/<category>/<slug>", methods=["GET", "POST"])
@agent_required
def wave(category: str, slug: str) -> Response | tuple[str, int]:
    key = _category_or_404(category)
    form = WaveForm()
    if request.method == "GET":
        tickets = wave_tickets(key, slug) or abort(404)
        form.body.data = wave_draft(slug, current_user.display_name)
        form.seen_message_id.data = latest_message_id(tickets)
        form.idempotency_key.data = secrets.token_urlsafe(24)
        return _render(key, slug, form, tickets, None, 200)
    chosen = [n for n in map(parse_id, request.form.getlist("ticket")) if n is not None]
    if not form.validate_on_submit():
        return _render(key, slug, form, wave_tickets(key, slug), set(chosen), 400)
    try:
        result = answer_wave(key, slug, chosen, form.body.data or "", current_user, form.seen_message_id.data or 0,
                             status_after=form.status_after.data, idempotency_key=form.idempotency_key.data or None)
    except TicketError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        return _render(key, slug, form, wave_tickets(key, slug), set(chosen), 400)
    db.session.commit()
    one = len(result.sent) == 1
    flash(*queued_notice("1 antwoord staat" if one else f"{len(result.sent)} antwoorden staan", one))
    for ticket, reason in result.skipped:
        flash(f"{ticket.number} is overgeslagen: {reason}.", "warning")
    return redirect(url_for("tickets.waves"))


def _render(category: str | None, slug: str, form: WaveForm, tickets: list[Ticket], chosen: set[int] | None,
            status: int) -> tuple[str, int]:
    """The wave page; a first view ticks only the tickets `review_wave` trusts, a returned form what was ticked."""
    article = published_article(slug)
    entries = review_wave(tickets, article, current_app.config["TRIAGE_THRESHOLD"])
    if chosen is None:
        chosen = {e.ticket.id for e in entries if e.trusted}
    return render_template("tickets/wave.html", form=form, entries=entries, chosen=chosen, slug=slug,
                           article=article, category_key=category or "geen",
                           category_label=category_label(category), max_wave=MAX_WAVE), status
