"""The `tickets` blueprint, on its own so the view modules can import it without a loop."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
