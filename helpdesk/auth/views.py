"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..forms import EmptyForm
from ..models import record_event
from ..ratelimit import too_many
from .blueprint import bp
from .forms import LoginForm
from .operations import authenticate
from .roles import home_for, public
from .sessions import end_session, start_session
from .throttle import count_attempt, forget_attempts, refused_text, slow_down


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str | tuple[Response | str, int]:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        verdict = count_attempt(form.email.data or "")  # counted and committed before any password check
        if verdict.refused is not None:
            record_event("login_throttled", target=(form.email.data or "").strip().lower()[:254])
            db.session.commit()
            return too_many(verdict.refused, refused_text(verdict.refused))
        slow_down(verdict)
        result = authenticate(form.email.data or "", form.password.data or "", form.code.data or "")
        if result.user is not None:
            start_session(result.user)
            login_user(result.user)
            db.session.commit()
            forget_attempts(form.email.data or "")  # after the commit: SQLite allows one writer at a time
            return redirect(_safe_next(request.args.get("next")) or home_for(result.user))
        db.session.commit()
        flash(" ".join(filter(None, (result.message, verdict.warning))), "error")
        status = 401 if not result.needs_code else 200
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout() -> Response | str:
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        end_session()
        logout_user()
        db.session.commit()
        flash("U bent uitgelogd.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
