"""Organisations: name them, and merge the domains of one institution (a school board's schools) into one."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field

from ..auth.roles import admin_required
from ..extensions import db
from ..models import Organisation
from ..organisations.operations import (
    OrganisationError,
    add_domains,
    organisation_requesters,
    organisations_overview,
    rename_organisation,
)
from .blueprint import bp
from .organisation_forms import AddDomainsForm, RenameOrganisationForm

RENAME, MERGE = "naam", "domeinen"  # form prefixes: two forms on one page


@bp.route("/organisaties")
@admin_required
def organisations() -> str:
    return render_template("admin/organisations.html", rows=organisations_overview())


def _get(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _page(organisation: Organisation, rename: RenameOrganisationForm | None = None,
          merge: AddDomainsForm | None = None) -> tuple[str, int]:
    if rename is None:
        rename = RenameOrganisationForm(formdata=None, prefix=RENAME, name=organisation.name)
    merge = merge or AddDomainsForm(formdata=None, prefix=MERGE)
    status = 400 if rename.errors or merge.errors else 200
    return render_template("admin/organisation.html", organisation=organisation, rename=rename, merge=merge,
                           requesters=organisation_requesters(organisation)), status


@bp.route("/organisaties/<int:organisation_id>")
@admin_required
def organisation(organisation_id: int) -> tuple[str, int]:
    return _page(_get(organisation_id))


def _change(organisation_id: int, form: FlaskForm, field: Field, change: Callable[[Organisation], object],
            pages: dict[str, FlaskForm]) -> Response | tuple[str, int]:
    found = _get(organisation_id)
    if form.validate_on_submit():
        try:
            change(found)
        except OrganisationError as exc:
            db.session.rollback()
            field.errors = [*field.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"{found.name} is bijgewerkt.", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation_id))
    return _page(_get(organisation_id), **pages)


@bp.route("/organisaties/<int:organisation_id>/naam", methods=["POST"])
@admin_required
def rename_organisation_view(organisation_id: int) -> Response | tuple[str, int]:
    form = RenameOrganisationForm(prefix=RENAME)
    return _change(organisation_id, form, form.name,
                   lambda o: rename_organisation(o, form.name.data or "", current_user), {"rename": form})


@bp.route("/organisaties/<int:organisation_id>/domeinen", methods=["POST"])
@admin_required
def add_domains_view(organisation_id: int) -> Response | tuple[str, int]:
    form = AddDomainsForm(prefix=MERGE)
    return _change(organisation_id, form, form.domains,
                   lambda o: add_domains(o, form.domains.data or "", current_user), {"merge": form})
