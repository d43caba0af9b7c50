"""Every setting the app reads has its default in `config.defaults()`; no code carries an inline default."""

from __future__ import annotations

import ast
from pathlib import Path

from helpdesk.config import defaults

PACKAGE = Path(__file__).resolve().parents[2] / "helpdesk"
DERIVED = {"INDEX_DIR", "ATTACHMENT_DIR", "RAW_MAIL_DIR", "REMEMBER_COOKIE_SECURE"}  # filled in by finalize()


def _is_config(node: ast.expr) -> bool:
    """`config`, `app.config`, `current_app.config`, `self.config` …"""
    return (isinstance(node, ast.Name) and node.id == "config") or (
        isinstance(node, ast.Attribute) and node.attr == "config")


def config_reads() -> list[tuple[str, str, bool]]:
    """(where, key, has an inline default) for every config["KEY"] and config.get("KEY"[, default])."""
    reads = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "config.py" and path.parent == PACKAGE:
            continue  # the module that builds the config
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Subscript) and _is_config(node.value) and isinstance(node.slice, ast.Constant):
                reads.append((where, node.slice.value, False))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                  and _is_config(node.func.value) and node.args and isinstance(node.args[0], ast.Constant)):
                reads.append((where, node.args[0].value, len(node.args) > 1))
    return reads


def test_the_scan_finds_the_settings_read_in_features():
    keys = {key for _where, key, _inline in config_reads()}
    assert {"OUTBOX_INTERVAL", "SMTP_TIMEOUT", "LOGIN_DELAY_MAX", "DASHBOARD_CACHE_SECONDS"} <= keys


def test_every_setting_read_has_a_default():
    known = set(defaults()) | DERIVED
    missing = [f"{where} {key}" for where, key, _inline in config_reads() if key not in known]
    assert missing == []


def test_no_inline_defaults():
    inline = [f"{where} {key}" for where, key, has_default in config_reads() if has_default]
    assert inline == [], "put the default in helpdesk/config.py defaults()"
