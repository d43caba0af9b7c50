"""One staff account for an admin: set the role, reset the second factor, deactivate, issue a reset link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..auth.accounts import AccountError, deactivate, issue_reset_link, reset_second_factor, set_role
from ..auth.roles import admin_required
from ..extensions import db
from ..forms import EmptyForm
from ..models import ROLE_LABELS, User
from .blueprint import bp


class RoleForm(FlaskForm):
    role = SelectField("Rol", choices=[SelectChoice(key, label) for key, label in ROLE_LABELS.items()])


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>")
@admin_required
def account(user_id: int) -> str:
    user = _account(user_id)
    return render_template("admin/user.html", account=user, role_form=RoleForm(role=user.role), confirm=EmptyForm())


def _act(user_id: int, form: FlaskForm, change, done: str) -> Response:  # noqa: ANN001 - a small callable
    user = _account(user_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        change(user)
    except AccountError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done.format(email=user.email), "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def account_role(user_id: int) -> Response:
    form = RoleForm()
    return _act(user_id, form, lambda u: set_role(u, form.role.data, actor=current_user),
                "De rol van {email} is gewijzigd; die gebruiker logt opnieuw in.")


@bp.route("/users/<int:user_id>/reset-2fa", methods=["POST"])
@admin_required
def account_reset_2fa(user_id: int) -> Response:
    return _act(user_id, EmptyForm(), lambda u: reset_second_factor(u, actor=current_user),
                "De tweestapsverificatie van {email} is uitgezet; die gebruiker kan een nieuwe instellen.")


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def account_deactivate(user_id: int) -> Response:
    return _act(user_id, EmptyForm(), lambda u: deactivate(u, actor=current_user),
                "Account {email} is gedeactiveerd; alle sessies zijn beëindigd.")


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
@admin_required
def account_reset_link(user_id: int) -> Response | str:
    user = _account(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    link = issue_reset_link(user, actor=current_user)
    db.session.commit()
    if link is None:
        flash(f"Er is een mail met een eenmalige link naar {user.email} onderweg.", "success")
        return redirect(url_for("admin.account", user_id=user_id))
    # no SMTP: shown once, in this response only (never in a flash message, which would sit in the cookie)
    return render_template("admin/user.html", account=user, role_form=RoleForm(role=user.role),
                           confirm=EmptyForm(), reset_link=link)
