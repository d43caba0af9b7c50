"""The `core` blueprint, on its own so the view modules can import it without a loop."""

from flask import Blueprint

bp = Blueprint("core", __name__)
