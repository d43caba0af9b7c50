"""Staff sign-in and the role checks every staff route uses."""

from .roles import admin_required, agent_required, editor_required, public, roles_required

__all__ = ["admin_required", "agent_required", "editor_required", "public", "roles_required"]
