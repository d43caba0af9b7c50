"""Second factor: staff enrol (or remove) a TOTP authenticator for their own account, and renew recovery codes.

The secret being enrolled lives on the account, never in the session cookie; recovery codes are shown once."""

from __future__ import annotations

import pyotp
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import record_event
from .blueprint import bp
from .forms import TotpForm
from .roles import staff_required
from .second_factor import (
    confirm_enrolment,
    new_recovery_codes,
    pending_secret,
    remove_second_factor,
    unused_recovery_codes,
    verify_second_factor,
)


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@staff_required
def two_factor() -> Response | str | tuple[str, int]:
    form = TotpForm()
    if current_user.totp_secret:
        if form.validate_on_submit():
            if verify_second_factor(current_user, form.code.data or ""):
                remove_second_factor(current_user)
                record_event("totp_removed", user=current_user)
                db.session.commit()
                flash("De tweestapsverificatie is uitgezet.", "success")
                return redirect(url_for("auth.two_factor"))
            form.code.errors = [*form.code.errors, "De code klopt niet. Probeer de nieuwste code uit de app."]
        return render_template("auth/totp.html", form=form, enrolled=True, left=unused_recovery_codes(current_user),
                               renew=TotpForm(prefix="renew")), 400 if form.errors else 200
    secret = pending_secret(current_user)
    if form.validate_on_submit():
        codes = confirm_enrolment(current_user, form.code.data or "")
        if codes is not None:
            record_event("totp_enrolled", user=current_user)
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, enrolled_now=True)
        form.code.errors = [*form.code.errors,
                            "De code klopt niet. Controleer de tijd op uw telefoon en probeer opnieuw."]
    db.session.commit()  # the pending secret, made on the first visit
    uri = pyotp.TOTP(secret).provisioning_uri(name=current_user.email, issuer_name="Helpdesk IPO")
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/totp.html", form=form, enrolled=False, secret=grouped, uri=uri), \
        400 if form.errors else 200


@bp.route("/account/herstelcodes", methods=["POST"])
@staff_required
def renew_recovery_codes() -> Response | str | tuple[str, int]:
    form = TotpForm(prefix="renew")
    if not current_user.totp_secret:
        return redirect(url_for("auth.two_factor"))
    if not form.validate_on_submit() or not verify_second_factor(current_user, form.code.data or ""):
        flash("De code klopt niet; er zijn geen nieuwe herstelcodes gemaakt.", "error")
        return redirect(url_for("auth.two_factor"))
    codes = new_recovery_codes(current_user)
    record_event("recovery_codes_renewed", user=current_user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, enrolled_now=False)
