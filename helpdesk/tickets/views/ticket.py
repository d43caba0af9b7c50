"""The ticket page and replying."""

from __future__ import annotations

from email.utils import getaddresses

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...extensions import db
from ...models import Ticket, TicketMessage
from ..blueprint import bp
from ..drafts import article_draft, insert_canned, personalise, requester_name
from ..forms import ReplyForm
from ..operations import AlreadySent, CollisionError, TicketError, find_reply, record_view, send_reply
from ..page import get_ticket, prepare_reply_form, queued_notice, ticket_context
from ..reply_files import outgoing_files


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
    if form.insert_canned.data:
        form.body.data = insert_canned(form.body.data or "", form.canned.data, ticket.requester, current_user)
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
    flash(*queued_notice(f"Uw antwoord op {ticket.number} staat"))
    # to the top of the page, where the message is (the form's #antwoord would stay in the address otherwise)
    return redirect(url_for("tickets.show", number=ticket.id, _anchor="inhoud"))


def _send(ticket: Ticket, form: ReplyForm) -> None:
    """Queue the reply and commit; the same form posted twice at once is AlreadySent for the later request."""
    key = form.idempotency_key.data or None
    cc = None if form.cc.data is None else [a for _n, a in getaddresses([form.cc.data]) if a]
    send_reply(ticket, personalise(form.body.data or "", ticket.requester), current_user,
               expected_version=form.version.data, seen_message_id=form.seen_message_id.data,
               article_slug=form.article_slug.data or None, status_after=form.status_after.data, idempotency_key=key,
               to=form.to.data, cc=cc, attachments=outgoing_files(form.attachments.data or [], current_app.config))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = find_reply(key)
        if earlier is None:
            raise
        raise AlreadySent(earlier) from None
