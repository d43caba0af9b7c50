"""Agent workspace: the queue, the ticket page and replying. Other actions live in views_*.py on the same bp."""

from __future__ import annotations

from typing import Any

import nh3
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..auth.roles import agent_required
from ..extensions import db
from ..models import AuditEvent, OutboxMail, Ticket, TicketMessage, User
from ..outbox.operations import delivery_label, smtp_configured
from .display import describe_event
from .drafts import article_draft, personalise, published_article, requester_name, visible_canned_replies
from .forms import ActionForm, AssignForm, CategoryForm, NoteForm, ReplyForm, StatusForm
from .operations import CollisionError, TicketError, last_message_id, other_viewers, record_view, send_reply
from .queries import AGE_FILTERS, KIND_FILTERS, STATUS_FILTERS, QueueFilter, is_uncertain, queue_page, waiting_label

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

NO_SMTP = ("er is geen mailserver (SMTP) ingesteld. Antwoorden wachten in de wachtrij voor uitgaande mail "
           "tot de beheerder de mailserver instelt; daarna worden ze alsnog verstuurd.")


@bp.app_template_filter("wachttijd")
def wachttijd(value: Any) -> str:
    return waiting_label(value)


def threshold() -> float:
    return float(current_app.config.get("TRIAGE_THRESHOLD", 0.55))


@bp.route("/")
@agent_required
def queue() -> str:
    filters = QueueFilter.from_args(request.args)
    page = queue_page(filters, current_user, threshold())
    return render_template("tickets/queue.html", page=page, f=filters, threshold=threshold(),
                           is_uncertain=is_uncertain, STATUS_FILTERS=STATUS_FILTERS, AGE_FILTERS=AGE_FILTERS,
                           KIND_FILTERS=KIND_FILTERS)


def get_ticket(number: int) -> Ticket:
    return db.session.get(Ticket, number) or abort(404)


def _suggestions(ticket: Ticket) -> list[dict[str, Any]]:
    raw = ticket.suggestions if isinstance(ticket.suggestions, list) else []
    return [s for s in raw if isinstance(s, dict) and s.get("slug")][:5]


def _assign_choices() -> list[tuple[str, str]]:
    agents = db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(("agent", "admin")))
                                .order_by(User.name, User.email))
    return [SelectChoice("", "Niemand"), *[SelectChoice(str(u.id), u.display_name) for u in agents]]


def prepare_reply_form(form: ReplyForm, ticket: Ticket, *, fresh: bool) -> ReplyForm:
    """Fill the choices and (for a new form, or after a collision) the version the agent has now seen."""
    form.canned.choices = [SelectChoice("", "Kies een standaardantwoord")] + [
        SelectChoice(str(c.id), c.title + ("" if c.owner_id else " (gedeeld)"))
        for c in visible_canned_replies(current_user)]
    if fresh:
        form.version.data, form.version.raw_data = ticket.version, []  # raw_data would win when rendering
        form.seen_message_id.data, form.seen_message_id.raw_data = last_message_id(ticket), []
    return form


def render_ticket(ticket: Ticket, form: ReplyForm | None = None, status: int = 200,
                  collision: list[TicketMessage] | None = None) -> tuple[str, int]:
    """The ticket page: thread, side panel, forms and audit trail."""
    form = form or prepare_reply_form(ReplyForm(formdata=None), ticket, fresh=True)
    outbox = {o.ticket_message_id: o for o in db.session.scalars(
        select(OutboxMail).join(TicketMessage).where(TicketMessage.ticket_id == ticket.id))}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.ticket_id == ticket.id)
                                .order_by(AuditEvent.created_at, AuditEvent.id)).all()
    html = {m.id: Markup(nh3.clean(m.html)) for m in ticket.messages if m.html}
    assign = AssignForm(formdata=None, assignee=str(ticket.assignee_id or ""))
    assign.assignee.choices = _assign_choices()
    source = published_article(form.article_slug.data) if form.article_slug.data else None
    return render_template(
        "tickets/ticket.html", ticket=ticket, form=form, collision=collision, outbox=outbox,
        delivery_label=delivery_label, events=events, html=html, suggestions=_suggestions(ticket),
        uncertain=is_uncertain(ticket, threshold()), viewers=other_viewers(ticket, current_user),
        note_form=NoteForm(formdata=None), category_form=CategoryForm(formdata=None, category=ticket.category),
        status_form=StatusForm(formdata=None, status=ticket.status), assign_form=assign,
        action_form=ActionForm(formdata=None), requester_name=requester_name(ticket.requester),
        describe_event=describe_event, smtp_configured=smtp_configured(),
        KIND_FILTERS=KIND_FILTERS, draft_title=source.title if source else None,
    ), status


@bp.route("/<int:number>")
@agent_required
def show(number: int) -> tuple[str, int]:
    ticket = get_ticket(number)
    try:
        record_view(ticket, current_user)
        db.session.commit()
    except IntegrityError:  # the same agent in two tabs at once: the other request recorded it
        db.session.rollback()
    form = prepare_reply_form(ReplyForm(formdata=None), ticket, fresh=True)
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
    form = prepare_reply_form(ReplyForm(), ticket, fresh=False)
    if form.insert_canned.data:
        canned = next((c for c in visible_canned_replies(current_user) if str(c.id) == form.canned.data), None)
        if canned is not None:
            typed = (form.body.data or "").rstrip()
            form.body.data = (typed + "\n\n" if typed else "") + personalise(canned.body, ticket.requester)
        return render_ticket(ticket, form)
    if not form.validate_on_submit():
        return render_ticket(ticket, form, 400)
    try:
        send_reply(ticket, personalise(form.body.data or "", ticket.requester), current_user,
                   expected_version=form.version.data, seen_message_id=form.seen_message_id.data,
                   article_slug=form.article_slug.data or None, status_after=form.status_after.data)
    except CollisionError as exc:
        db.session.rollback()
        changes = exc.changes
        ticket = get_ticket(number)
        prepare_reply_form(form, ticket, fresh=True)  # the agent has now seen the changes: a resend goes through
        return render_ticket(ticket, form, 409, collision=changes or [])
    except TicketError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        return render_ticket(get_ticket(number), form, 400)
    db.session.commit()
    if smtp_configured():
        flash(f"Uw antwoord op {ticket.number} staat klaar voor verzending.", "success")
    else:
        flash(f"Uw antwoord op {ticket.number} staat klaar voor verzending, maar is nog niet gemaild: {NO_SMTP}",
              "warning")
    # to the top of the page, where the message is (the form's #antwoord would stay in the address otherwise)
    return redirect(url_for("tickets.show", number=ticket.id, _anchor="inhoud"))


from . import views_actions, views_canned, views_waves  # noqa: E402,F401  (routes on this blueprint)
