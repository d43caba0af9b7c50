"""The ticket page and replying."""

from __future__ import annotations

from email.utils import getaddresses

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from knowledge.categories import label

from ...auth.roles import agent_required
from ...extensions import db
from ...models import Ticket, TicketMessage
from ..blueprint import bp
from ..drafts import (
    article_block,
    article_draft,
    insert_article,
    insert_canned,
    personalise,
    published_article,
    requester_name,
)
from ..forms import ReplyForm
from ..operations import AlreadySent, CollisionError, TicketError, change_category, find_reply, record_view, send_reply
from ..page import get_ticket, prepare_reply_form, queued_notice, ticket_context
from ..reply_files import outgoing_files
from ..workflow import next_ticket

QUEUE_ARGS = "queue_args"  # session key: the filters the agent last used on the queue (for "next ticket")


def render_ticket(ticket: Ticket, form: ReplyForm | None = None, status: int = 200,
                  collision: list[TicketMessage] | None = None) -> tuple[str, int]:
    """The ticket page, with the reply form as the agent left it."""
    return render_template("tickets/ticket.html", collision=collision,
                           **ticket_context(ticket, current_user, form)), status


@bp.route("/<int:number>")
@agent_required
def show(number: int) -> tuple[str, int]:
    ticket = get_ticket(number)
    try:
        record_view(ticket, current_user)
        db.session.commit()
    except IntegrityError:  # the same agent in two tabs at once: the other request recorded it
        db.session.rollback()
    form = prepare_reply_form(ReplyForm(formdata=None), ticket, current_user, fresh=True)
    slug = request.args.get("artikel", "").strip()
    if slug:
        draft = article_draft(slug, requester_name(ticket.requester), current_user.display_name)
        if draft is None:
            flash("Dit artikel bestaat niet of is niet gepubliceerd; het concept is niet ingevuld.", "warning")
        else:
            form.body.data, form.article_slug.data = draft, slug
    return render_ticket(ticket, form)


@bp.route("/<int:number>/antwoord", methods=["POST"])
@agent_required
def reply(number: int) -> Response | tuple[str, int]:
    ticket = get_ticket(number)
    form = prepare_reply_form(ReplyForm(), ticket, current_user, fresh=False)
    if _filled_in(ticket, form):
        return render_ticket(ticket, form)
    if not form.validate_on_submit():
        return render_ticket(ticket, form, 400)
    try:
        _send(ticket, form)
    except AlreadySent as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("tickets.show", number=number, _anchor="inhoud"))
    except CollisionError as exc:
        db.session.rollback()
        ticket = get_ticket(number)
        prepare_reply_form(form, ticket, current_user, fresh=True)  # the agent has seen the changes: a resend works
        return render_ticket(ticket, form, 409, collision=exc.changes or [])
    except TicketError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        return render_ticket(get_ticket(number), form, 400)
    return _to_next_ticket(ticket)


def _filled_in(ticket: Ticket, form: ReplyForm) -> bool:
    """A canned text or an article put into the reply box (no send): the typed text is kept."""
    if form.insert_canned.data:
        form.body.data = insert_canned(form.body.data or "", form.canned.data, ticket.requester, current_user)
        return True
    if not form.use_article.data:  # "Gebruik dit antwoord" without JavaScript
        return False
    text = insert_article(form.body.data or "", form.use_article.data, requester_name(ticket.requester),
                          current_user.display_name)
    if text is None:
        flash("Dit artikel bestaat niet of is niet gepubliceerd; het concept is niet aangevuld.", "warning")
    else:
        form.body.data, form.article_slug.data = text, form.use_article.data
    return True


def _to_next_ticket(ticket: Ticket) -> Response:
    """After a sent reply: the next ticket of the agent's queue, or the queue when it is empty."""
    message, category = queued_notice(f"Uw antwoord op {ticket.number} staat")
    following = next_ticket(session.get(QUEUE_ARGS) or {}, current_user, current_app.config["TRIAGE_THRESHOLD"],
                            after=ticket)
    if following is None:
        flash(f"{message} Uw wachtrij is leeg.", category)
        return redirect(url_for("tickets.queue"))
    flash(f"{message} Hieronder het volgende ticket uit uw wachtrij.", category)
    # to the top of the page, where the message is (the form's #antwoord would stay in the address otherwise)
    return redirect(url_for("tickets.show", number=following.id, _anchor="inhoud"))


@bp.route("/<int:number>/artikeltekst")
@agent_required
def article_text(number: int) -> Response:
    """An article as reply text, for inserting at the cursor without a reload (tickets.js)."""
    ticket = get_ticket(number)
    slug = request.args.get("artikel", "").strip()
    if not slug:  # no article asked for (a link followed by hand): the ticket itself
        return redirect(url_for("tickets.show", number=number))
    article = published_article(slug)
    if article is None:
        return jsonify(message="Dit artikel bestaat niet of is niet gepubliceerd."), 404
    slug = article.slug
    return jsonify(slug=slug, title=article.title, block=article_block(article), category=article.category,
                   category_label=label(article.category) if article.category != ticket.category else "",
                   draft=article_draft(slug, requester_name(ticket.requester), current_user.display_name))


def _send(ticket: Ticket, form: ReplyForm) -> None:
    """Queue the reply and commit; the same form posted twice at once is AlreadySent for the later request."""
    key = form.idempotency_key.data or None
    cc = None if form.cc.data is None else [a for _n, a in getaddresses([form.cc.data]) if a]
    slug = form.article_slug.data or None
    send_reply(ticket, personalise(form.body.data or "", ticket.requester), current_user,
               expected_version=form.version.data, seen_message_id=form.seen_message_id.data,
               article_slug=slug, status_after=form.chosen_status(), idempotency_key=key,
               to=form.to.data, cc=cc, attachments=outgoing_files(form.attachments.data or [], current_app.config))
    article = published_article(slug) if slug else None
    if article is not None and article.category != ticket.category:  # the answer says what the question was about
        change_category(ticket, article.category, current_user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = find_reply(key)
        if earlier is None:
            raise
        raise AlreadySent(earlier) from None
