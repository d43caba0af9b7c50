"""Staff sign-in, the second factor and the role checks every staff route uses."""

from . import account_views, totp_views, views
from .blueprint import bp
from .roles import admin_required, agent_required, editor_required, home_for, public, roles_required

__all__ = ["admin_required", "agent_required", "bp", "editor_required", "home_for", "public", "roles_required",
           "account_views", "totp_views", "views"]
