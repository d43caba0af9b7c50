"""The `auth` blueprint, on its own so the view modules can import it without a loop."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
