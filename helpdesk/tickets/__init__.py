"""The agent workspace: the queue, the ticket page and its actions, canned replies and waves."""

from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

# The accepted blueprint pattern (microblog): bp first, then the views that register their routes on it.
from . import views  # noqa: E402,F401
