"""Role decorators. Every view is either `public` or guarded by one of these; a test enforces that."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, url_for
from flask_login import current_user

from ..models import User
from ..web_extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow signed-in users with one of `roles` (admins always); others get the login page or 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


agent_required = roles_required("agent")
editor_required = roles_required("editor")
admin_required = roles_required("admin")
staff_required = roles_required("agent", "editor")


def public(view: F) -> F:
    """Mark a view as open to everyone (the route matrix test checks every other view has a role)."""
    view.public = True  # type: ignore[attr-defined]
    return view


def home_for(user: User) -> str:
    """The workspace a signed-in user starts in."""
    return url_for("tickets.queue") if user.has_role("agent") else url_for("editor.index")
