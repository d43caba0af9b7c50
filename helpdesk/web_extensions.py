"""The extensions only requests use, created unbound and bound in `create_app` (its web step): apart from
`extensions.py`, so a command that only needs the database does not import them."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Our own limits use helpdesk/ratelimit.py (a store shared by all workers); this one stays for ad-hoc use.
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
