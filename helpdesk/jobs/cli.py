"""`flask --app app jobs run [--once]`: the periodic jobs (helpdesk/jobs/runner.py), safe on several nodes at once."""

from __future__ import annotations

import json
import time

import click
from flask.cli import AppGroup

from ..schema_check import needs_schema
from .runner import run_jobs

jobs_cli = AppGroup("jobs", help="Periodieke taken.")


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Eén ronde en stoppen.")
@click.option("--interval", default=60, show_default=True, help="Seconden tussen de rondes.")
@needs_schema
def run_command(once: bool, interval: int) -> None:
    """Run the periodic jobs: pending tickets returning on their date, the daily retention run (and more)."""
    while True:
        click.echo(json.dumps(run_jobs(), ensure_ascii=False))
        if once:
            return
        time.sleep(max(interval, 1))
