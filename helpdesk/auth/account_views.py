"""One's own account: change the password, choose notification mails, sign out everywhere; and the page a
password-reset link opens."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import NOTIFICATION_KINDS, record_event
from ..notifications import notify_settings, save_notify_settings
from .account_forms import ChangePasswordForm, ConfirmForm, NotificationsForm, ResetPasswordForm
from .accounts import AccountError, change_own_password, reset_password, user_for_reset_token
from .blueprint import bp
from .roles import agent_required, public, staff_required
from .sessions import end_session, revoke_sessions

HELP = "Minstens 12 tekens; geen veelgebruikt wachtwoord en niet uw naam of e-mailadres. Tip: vier losse woorden."


def _notifications_form() -> NotificationsForm | None:
    """The notification choices as stored, for accounts that work tickets (the mails are about tickets)."""
    if not current_user.has_role("agent"):
        return None
    settings = notify_settings(current_user)
    return NotificationsForm(formdata=None, prefix="meldingen",
                             data={kind: bool(getattr(settings, kind)) for kind in NOTIFICATION_KINDS})


def _page(form: ChangePasswordForm, status: int = 200) -> tuple[str, int]:
    return render_template("auth/account.html", form=form, everywhere=ConfirmForm(prefix="all"), hint=HELP,
                           notifications=_notifications_form()), status


@bp.route("/account", methods=["GET", "POST"])
@staff_required
def account() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.errors else 200)
    try:
        change_own_password(current_user, form.current.data or "", form.new.data or "")
    except AccountError as exc:
        field = getattr(form, exc.field, form.new)
        field.errors = [*field.errors, str(exc)]
        return _page(form, 400)
    db.session.commit()
    flash("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/meldingen", methods=["POST"])
@agent_required
def notifications() -> Response:
    """Store which notification mails this agent wants (each kind off until they tick it)."""
    form = NotificationsForm(prefix="meldingen")
    if not form.validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "error")
        return redirect(url_for("auth.account", _anchor="meldingen"))
    changed = save_notify_settings(current_user, {kind: form[kind].data for kind in NOTIFICATION_KINDS})
    db.session.commit()
    flash("Uw keuze voor meldingen per e-mail is opgeslagen." if changed else "Er was niets gewijzigd.", "success")
    return redirect(url_for("auth.account", _anchor="meldingen"))


@bp.route("/account/overal-uitloggen", methods=["POST"])
@staff_required
def logout_everywhere() -> Response:
    if not ConfirmForm(prefix="all").validate_on_submit():
        flash("Het formulier is verlopen. Probeer het opnieuw.", "error")
        return redirect(url_for("auth.account"))
    ended = revoke_sessions(current_user)
    record_event("logout_everywhere", user=current_user, sessions=ended)
    end_session()
    logout_user()
    db.session.commit()
    flash("U bent op alle apparaten uitgelogd.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@public
def reset_password_page(token: str) -> Response | str | tuple[str, int]:
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_password.html", form=None), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.new.data or "")
        except AccountError as exc:
            form.new.errors = [str(exc)]
        else:
            db.session.commit()
            flash("Uw nieuwe wachtwoord is ingesteld. U kunt nu inloggen.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, hint=HELP), 400 if form.errors else 200
