"""Top-level commands: setup and users. Feature packages register their own commands here too."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade

from .extensions import db
from .schema_check import needs_schema
from .users import UserError, create_user

users_cli = AppGroup("users", help="Staff accounts.")


@click.command("setup")
def setup_command() -> None:
    """Create or upgrade the schema, load missing bundled articles and build the search index."""
    from .setup_ops import run_setup

    report = run_setup(upgrade_schema=upgrade)
    for line in report:
        click.echo(line)


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
    from sqlalchemy import select

    from .models import User

    for user in db.session.scalars(select(User).order_by(User.email)):
        click.echo(f"{user.email}\t{user.role}\t{'actief' if user.active else 'gedeactiveerd'}")


def register_cli(app: Flask) -> None:
    """Attach all commands to the app; feature packages expose `register(app)` in their own cli.py."""
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    from .ingest import cli as ingest_cli
    from .kb import cli as kb_cli
    from .outbox import cli as outbox_cli
    from .tickets import cli as tickets_cli
    from .triage import cli as triage_cli

    for module in (kb_cli, ingest_cli, triage_cli, tickets_cli, outbox_cli):
        module.register(app)
    from .auth import cli as auth_cli
    from .privacy import cli as privacy_cli

    auth_cli.register(app)
    privacy_cli.register(app)


@click.command("demo")
@needs_schema
def demo_command() -> None:
    """Prepare a demo: one account per role (only in an empty database), demo mails, and print how to log in."""
    from .demo import prepare_demo

    for line in prepare_demo():
        click.echo(line)
