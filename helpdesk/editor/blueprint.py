"""The `editor` blueprint, on its own so the view modules can import it without a loop."""

from flask import Blueprint

bp = Blueprint("editor", __name__, url_prefix="/kb")
