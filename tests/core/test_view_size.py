"""House style: every view function stays thin (about 30 lines: parse, call an operation, commit, respond)."""

from __future__ import annotations

import inspect

from helpdesk import create_app

MAX_VIEW_LINES = 30


def _length(view: object) -> tuple[str, int]:
    """Where the view is defined and its length from `def` to its last line (decorators not counted)."""
    function = inspect.unwrap(view)
    lines, start = inspect.getsourcelines(function)
    first = next(i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "async def ")))
    return f"{function.__module__}.{function.__qualname__} (regel {start + first})", len(lines) - first


def test_every_view_function_is_at_most_30_lines(tmp_path):
    app = create_app({"TESTING": True, "IGNORE_ENVIRONMENT": True, "SECRET_KEY": "x", "DATA_DIR": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    ours = {name: view for name, view in app.view_functions.items()
            if inspect.unwrap(view).__module__.startswith("helpdesk.")}
    assert len(ours) > 30  # the walk really found the app's views
    too_long = [f"{where}: {n} regels" for where, n in map(_length, ours.values()) if n > MAX_VIEW_LINES]
    assert not too_long, f"views langer dan {MAX_VIEW_LINES} regels:\n" + "\n".join(too_long)
