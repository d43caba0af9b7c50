"""Second factor: staff enrol (or remove) a TOTP authenticator for their own account."""

from __future__ import annotations

import pyotp
from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import record_event
from .blueprint import bp
from .forms import TotpForm
from .roles import staff_required

_PENDING = "totp_pending_secret"


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@staff_required
def two_factor() -> Response | str | tuple[str, int]:
    form = TotpForm()
    if current_user.totp_secret:
        if form.validate_on_submit():
            if pyotp.TOTP(current_user.totp_secret).verify((form.code.data or "").strip(), valid_window=1):
                current_user.totp_secret = None
                record_event("totp_removed", user=current_user)
                db.session.commit()
                flash("De tweestapsverificatie is uitgezet.", "success")
                return redirect(url_for("auth.two_factor"))
            form.code.errors = [*form.code.errors, "De code klopt niet. Probeer de nieuwste code uit de app."]
        return render_template("auth/totp.html", form=form, enrolled=True), 400 if form.errors else 200
    secret = session.get(_PENDING) or pyotp.random_base32()
    session[_PENDING] = secret
    if form.validate_on_submit():
        if pyotp.TOTP(secret).verify((form.code.data or "").strip(), valid_window=1):
            current_user.totp_secret = secret
            session.pop(_PENDING, None)
            record_event("totp_enrolled", user=current_user)
            db.session.commit()
            flash("Tweestapsverificatie staat aan. Voortaan vragen we bij het inloggen ook een code.", "success")
            return redirect(url_for("auth.two_factor"))
        form.code.errors = [*form.code.errors,
                            "De code klopt niet. Controleer de tijd op uw telefoon en probeer opnieuw."]
    uri = pyotp.TOTP(secret).provisioning_uri(name=current_user.email, issuer_name="Helpdesk IPO")
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/totp.html", form=form, enrolled=False, secret=grouped, uri=uri), \
        400 if form.errors else 200
