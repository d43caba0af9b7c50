"""Access and erasure requests for admins: look a person up by address, download everything as one ZIP, erase."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..auth.roles import admin_required
from ..extensions import db
from ..privacy.erase import erase_person
from ..privacy.operations import collect_person, write_export
from .blueprint import bp


class ExportForm(FlaskForm):
    adres = HiddenField(validators=[DataRequired(), Length(max=254)])


class EraseForm(FlaskForm):
    adres = HiddenField(validators=[DataRequired(), Length(max=254)])
    reden = StringField("Reden (het verzoek, met datum)", validators=[
        DataRequired("Geef een reden op voor het wissen."), Length(max=500)])
    bevestig = EmailField("Typ ter bevestiging het e-mailadres nog eens", validators=[
        DataRequired("Bevestig het e-mailadres."), Email("Dit is geen geldig e-mailadres.")])


@bp.route("/privacy")
@admin_required
def privacy() -> str:
    address = (request.args.get("adres") or "").strip().lower()[:254]
    data = collect_person(address) if "@" in address else None
    return render_template("admin/privacy.html", address=address, data=data,
                           export=ExportForm(adres=address), erase=EraseForm(adres=address))


@bp.route("/privacy/export", methods=["POST"])
@admin_required
def privacy_export() -> Response:
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    handle, name = tempfile.mkstemp(suffix=".zip", dir=current_app.config["DATA_DIR"])
    os.close(handle)
    counts = write_export(form.adres.data, Path(name), actor=current_user)
    db.session.commit()
    response = send_file(name, mimetype="application/zip", as_attachment=True,
                         download_name=f"inzage-{counts['tickets']}-tickets.zip")
    response.call_on_close(lambda: Path(name).unlink(missing_ok=True))
    return response


@bp.route("/privacy/erase", methods=["POST"])
@admin_required
def privacy_erase() -> Response | tuple[str, int]:
    form = EraseForm()
    address = (form.adres.data or "").strip().lower()
    if form.validate_on_submit() and (form.bevestig.data or "").strip().lower() == address:
        counts = erase_person(address, form.reden.data or "", actor=current_user)
        db.session.commit()
        flash(f"Gewist: {counts['tickets']} ticket(s) geanonimiseerd, {counts['messages']} bericht(en) elders "
              "aangepast.", "success")
        return redirect(url_for("admin.privacy"))
    if not form.errors:
        form.bevestig.errors = ["Het e-mailadres ter bevestiging komt niet overeen."]
    data = collect_person(address) if "@" in address else None
    return render_template("admin/privacy.html", address=address, data=data, export=ExportForm(adres=address),
                           erase=form), 400
