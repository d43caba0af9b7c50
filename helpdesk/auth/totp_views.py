"""Second factor: staff enrol (or remove) a TOTP authenticator for their own account."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from .blueprint import bp
from .forms import TotpForm
from .operations import enrol_totp, new_totp_secret, remove_totp, totp_setup_details
from .roles import staff_required

_PENDING = "totp_pending_secret"


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@staff_required
def two_factor() -> Response | tuple[str, int]:
    form = TotpForm()
    code = form.code.data or ""
    if current_user.totp_secret:
        if form.validate_on_submit():
            if remove_totp(current_user, code):
                db.session.commit()
                flash("De tweestapsverificatie is uitgezet.", "success")
                return redirect(url_for("auth.two_factor"))
            form.code.errors = [*form.code.errors, "De code klopt niet. Probeer de nieuwste code uit de app."]
        return render_template("auth/totp.html", form=form, enrolled=True), 400 if form.errors else 200
    secret = session.setdefault(_PENDING, new_totp_secret())
    if form.validate_on_submit():
        if enrol_totp(current_user, secret, code):
            session.pop(_PENDING, None)
            db.session.commit()
            flash("Tweestapsverificatie staat aan. Voortaan vragen we bij het inloggen ook een code.", "success")
            return redirect(url_for("auth.two_factor"))
        form.code.errors = [*form.code.errors,
                            "De code klopt niet. Controleer de tijd op uw telefoon en probeer opnieuw."]
    grouped, uri = totp_setup_details(secret, current_user.email)
    return render_template("auth/totp.html", form=form, enrolled=False, secret=grouped, uri=uri), \
        400 if form.errors else 200
