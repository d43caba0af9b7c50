"""Public eHerkenning FAQ."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..auth.roles import public
from ..extensions import db
from ..models import Article

bp = Blueprint("faq", __name__)


@bp.route("/faq")
@public
def index() -> str:
    articles = db.session.scalars(
        select(Article).where(Article.status == "published").order_by(Article.category, Article.title)
    ).all()
    return render_template("faq/index.html", articles=articles)
