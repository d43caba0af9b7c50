"""Article editing for content editors."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..auth.roles import editor_required
from ..extensions import db
from ..models import Article

bp = Blueprint("editor", __name__, url_prefix="/kb")


@bp.route("/")
@editor_required
def index() -> str:
    articles = db.session.scalars(select(Article).order_by(Article.title)).all()
    return render_template("editor/index.html", articles=articles)
