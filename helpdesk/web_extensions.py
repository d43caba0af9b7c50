"""The extensions only requests use, created unbound and bound in `create_app` (its web step): apart from
`extensions.py`, so a command that only needs the database does not import them."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Rate limits are helpdesk/ratelimit.py's (a store shared by every worker and node). Flask-Limiter is not bound:
# with no limit of its own it cost every request two hooks (~5 % of a search's CPU), and its per-worker memory
# store could not hold a limit across workers anyway.
