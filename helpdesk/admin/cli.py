"""Commands for staff accounts: `flask --app app users create|list|set-role|reset-2fa|deactivate`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.cli import deactivate_command, reset_2fa_command, set_role_command
from ..extensions import db
from ..models import User
from ..schema_check import needs_schema
from .operations import UserError, create_user

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["agent", "editor", "admin"]), default="agent", show_default=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@needs_schema
def users_create(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account; the password comes from --password-stdin or a prompt."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role, name=name)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Account aangemaakt: {user.email} ({user.role})")


@users_cli.command("list")
@needs_schema
def users_list() -> None:
    """List staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        click.echo(f"{user.email}\t{user.role}\t{'actief' if user.active else 'gedeactiveerd'}")


# the account changes of the auth package belong to the same `flask users` group
for _command in (set_role_command, reset_2fa_command, deactivate_command):
    users_cli.add_command(_command)
