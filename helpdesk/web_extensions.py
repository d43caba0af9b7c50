"""The extensions only requests use, created unbound and bound in `create_app` (its web step): apart from
`extensions.py`, so a command that only needs the database does not import them."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
