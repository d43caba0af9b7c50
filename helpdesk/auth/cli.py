"""`flask users set-role|reset-2fa|deactivate`: account changes from the command line, as an admin would."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, User
from ..schema_check import needs_schema
from .accounts import AccountError, deactivate, reset_second_factor, set_role


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"Geen account met e-mailadres {email}.")
    return user


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@needs_schema
def set_role_command(email: str, role: str) -> None:
    """Give an account another role (agent, editor or admin); its sessions end."""
    user = _user(email)
    try:
        set_role(user, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Rol van {user.email} is nu {user.role}.")


@click.command("reset-2fa")
@click.argument("email")
@needs_schema
def reset_2fa_command(email: str) -> None:
    """Switch an account's second factor off (lost phone); its sessions end."""
    user = _user(email)
    reset_second_factor(user)
    db.session.commit()
    click.echo(f"Tweestapsverificatie van {user.email} is uitgezet.")


@click.command("deactivate")
@click.argument("email")
@needs_schema
def deactivate_command(email: str) -> None:
    """Deactivate an account; every session of it ends at once."""
    user = _user(email)
    deactivate(user)
    db.session.commit()
    click.echo(f"Account {user.email} is gedeactiveerd.")
