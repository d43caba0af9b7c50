"""Waves: see the groups, review one reply, send it to each chosen ticket."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.roles import agent_required
from ..extensions import db
from ..models import CATEGORY_LABELS
from ..outbox.operations import smtp_configured
from ..web import parse_id
from .drafts import PLACEHOLDER, article_draft, published_article
from .forms import WaveForm
from .operations import TicketError
from .views import NO_SMTP, bp
from .waves import MAX_WAVE, answer_wave, latest_message_id, list_waves, parse_category, wave_tickets


@bp.route("/golven")
@agent_required
def waves() -> str:
    return render_template("tickets/waves.html", waves=list_waves())


@bp.route("/golven/<category>/<slug>", methods=["GET", "POST"])
@agent_required
def wave(category: str, slug: str) -> Response | tuple[str, int]:
    try:
        category_key = parse_category(category)
    except TicketError:
        abort(404)
    form = WaveForm()
    if request.method == "GET":
        tickets = wave_tickets(category_key, slug)
        if not tickets:
            abort(404)
        form.body.data = article_draft(slug, PLACEHOLDER, current_user.display_name) or (
            f"Beste {PLACEHOLDER},\n\n\n\nMet vriendelijke groet,\n{current_user.display_name}\nHelpdesk IPO\n")
        form.seen_message_id.data = latest_message_id(tickets)
        return _render(category_key, slug, form, tickets, set(t.id for t in tickets), 200)
    chosen = [n for n in map(parse_id, request.form.getlist("ticket")) if n is not None]
    if not form.validate_on_submit():
        tickets = wave_tickets(category_key, slug)
        return _render(category_key, slug, form, tickets, set(chosen), 400)
    try:
        result = answer_wave(category_key, slug, chosen, form.body.data or "", current_user,
                             form.seen_message_id.data or 0, status_after=form.status_after.data)
    except TicketError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        return _render(category_key, slug, form, wave_tickets(category_key, slug), set(chosen), 400)
    db.session.commit()
    one = len(result.sent) == 1
    sent = "1 antwoord staat" if one else f"{len(result.sent)} antwoorden staan"
    if smtp_configured():
        flash(f"{sent} klaar voor verzending.", "success")
    else:
        flash(f"{sent} klaar voor verzending, maar {'is' if one else 'zijn'} nog niet gemaild: {NO_SMTP}",
              "warning")
    for ticket, reason in result.skipped:
        flash(f"{ticket.number} is overgeslagen: {reason}.", "warning")
    return redirect(url_for("tickets.waves"))


def _render(category: str | None, slug: str, form: WaveForm, tickets: list, chosen: set[int],
            status: int) -> tuple[str, int]:
    article = published_article(slug)
    return render_template("tickets/wave.html", form=form, tickets=tickets, chosen=chosen, slug=slug,
                           article=article, category_key=category or "geen",
                           category_label=CATEGORY_LABELS.get(category or "", "Zonder categorie"),
                           max_wave=MAX_WAVE), status
