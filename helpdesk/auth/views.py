"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import db, limiter, login_account_key
from ..forms import EmptyForm
from .blueprint import bp
from .forms import LoginForm
from .operations import authenticate
from .roles import home_for, public


def _failed(response: Response) -> bool:
    """Only failed attempts count towards the login limits."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=login_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
@public
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.email.data or "", form.password.data or "", form.code.data or "")
        if result.user is not None:
            login_user(result.user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or home_for(result.user))
        db.session.commit()
        flash(result.message, "error")
        status = 401 if not result.needs_code else 200
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout() -> Response | str:
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        logout_user()
        flash("U bent uitgelogd.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
