"""Commands listed by name and short help, imported only when they run (issue 18: `flask` start-up).

Click's documented pattern for lazily loaded subcommands ("Advanced Groups: Lazily Loading Subcommands"), at the
level of one command: `flask --help` lists the stand-in's name and help without importing the module behind it;
running it, or asking for its own `--help`, imports the module and hands over to the real command.
"""

from __future__ import annotations

import importlib
from contextlib import nullcontext
from typing import Any

import click
from flask import current_app, has_app_context


class LazyCommand(click.Command):
    """Stands in for the click command (or group) at `target` ("package.module:attribute")."""

    def __init__(self, name: str, target: str, help_text: str) -> None:
        super().__init__(name, help=help_text)
        self.target = target

    def load(self) -> click.Command:
        """The real command: its module is imported now (once; Python keeps it in sys.modules), as part of
        building the app (`HelpdeskApp.building`: no garbage collection walks the imports)."""
        module_name, _, attribute = self.target.partition(":")
        building = getattr(current_app, "building", nullcontext) if has_app_context() else nullcontext
        with building():
            command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is geen click-commando")
        return command

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # click's Group.invoke runs `sub_ctx.command`, so the real command parses, helps and runs from here on
        return self.load().make_context(info_name, args, parent=parent, **extra)
