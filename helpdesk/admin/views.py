"""Administration views: the start page and staff accounts (mailbox status and quarantine are in mail.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.roles import admin_required
from ..extensions import db
from ..forms import EmptyForm
from ..models import User
from .blueprint import bp
from .forms import UserForm
from .operations import UserError, create_user, set_user_active


@bp.route("/")
@admin_required
def index() -> str:
    return render_template("admin/index.html")


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> Response | tuple[str, int] | str:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data or "", form.password.data or "", form.role.data,
                               name=form.name.data or "", actor=current_user)
        except UserError as exc:
            field = getattr(form, exc.field, form.email)
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"Account {user.email} is aangemaakt.", "success")
            return redirect(url_for("admin.users"))
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    status = 400 if form.errors else 200
    return render_template("admin/users.html", form=form, accounts=accounts, toggle=EmptyForm()), status


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def toggle_user(user_id: int) -> Response:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash("U kunt uw eigen account niet deactiveren.", "error")
        return redirect(url_for("admin.users"))
    set_user_active(user, not user.active, actor=current_user)
    db.session.commit()
    flash(f"Account {user.email} is {'geactiveerd' if user.active else 'gedeactiveerd'}.", "success")
    return redirect(url_for("admin.users"))
