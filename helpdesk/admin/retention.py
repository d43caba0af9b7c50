"""The retention screen for admins: the periods in force (set here, else the environment's defaults), a dry-run
preview of what a run would remove with the periods on the form, saving them (audited), and the last run."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from ..auth.roles import admin_required
from ..extensions import db
from ..models import AppSetting, JobRun, utcnow
from ..privacy.daily import JOB_NAME
from ..privacy.periods import KEYS, PERIODS, PeriodError, check_periods, retention_months, set_retention_months
from ..privacy.retention import run_retention
from .blueprint import bp


def _months_field(period) -> IntegerField:  # noqa: ANN001 - a Period
    return IntegerField(f"{period.label} (maanden)", validators=[
        InputRequired("Vul een aantal maanden in."),
        NumberRange(period.lowest, period.highest, f"Kies {period.lowest} tot en met {period.highest} maanden.")])


class RetentionForm(FlaskForm):
    voorbeeld = SubmitField("Voorbeeld: wat zou er nu verdwijnen?")
    opslaan = SubmitField("Bewaartermijnen opslaan")


for _period in PERIODS:
    setattr(RetentionForm, _period.key.lower(), _months_field(_period))


def _values(form: RetentionForm) -> dict[str, int]:
    return {key: int(form[key.lower()].data) for key in KEYS}


def _page(form: RetentionForm, preview: dict[str, int] | None, status: int = 200) -> tuple[str, int]:
    stored = {row.key: row for row in db.session.scalars(db.select(AppSetting).where(AppSetting.key.in_(KEYS)))}
    return render_template("admin/retention.html", form=form, periods=PERIODS, stored=stored, preview=preview,
                           last_run=db.session.get(JobRun, JOB_NAME)), status


@bp.route("/retention", methods=["GET", "POST"])
@admin_required
def retention() -> Response | tuple[str, int]:
    form = RetentionForm(data={key.lower(): value for key, value in retention_months().items()})
    if not form.is_submitted():
        return _page(form, run_retention(utcnow(), dry_run=True))
    if not form.validate():
        return _page(form, None, 400)
    try:
        if form.opslaan.data:
            changes = set_retention_months(_values(form), actor=current_user)
            db.session.commit()
            flash(f"Bewaartermijnen opgeslagen ({len(changes)} gewijzigd).", "success")
            return redirect(url_for("admin.retention"))
        return _page(form, run_retention(utcnow(), dry_run=True, months=_preview_months(form)))
    except PeriodError as exc:
        field = form[exc.key.lower()]
        field.errors = [*field.errors, str(exc)]
        return _page(form, None, 400)


def _preview_months(form: RetentionForm) -> dict[str, int]:
    values = _values(form)
    check_periods(values)
    return values
