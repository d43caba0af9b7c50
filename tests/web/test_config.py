"""Configuration: defaults, environment, test dict; secret key rules."""

from pathlib import Path

import pytest

from helpdesk import create_app
from helpdesk.config import ConfigError, from_environment


def test_environment_overrides_defaults_and_test_config_overrides_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(tmp_path / "envdata"))
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "from-env")
    monkeypatch.setenv("HELPDESK_SMTP_PORT", "2525")
    monkeypatch.setenv("HELPDESK_IMAP_SSL", "0")
    app = create_app({"SMTP_PORT": 1025})
    assert app.config["DATA_DIR"] == str((tmp_path / "envdata").resolve())
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SMTP_PORT"] == 1025
    assert app.config["IMAP_SSL"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{(tmp_path / 'envdata').resolve()}/helpdesk.sqlite3"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_bad_number_in_environment_names_the_variable():
    with pytest.raises(ConfigError, match="HELPDESK_SMTP_PORT"):
        from_environment({"HELPDESK_SMTP_PORT": "vijfentwintig"})


def test_missing_secret_key_in_production_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("HELPDESK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="HELPDESK_SECRET_KEY"):
        create_app({"IGNORE_ENVIRONMENT": True, "DATA_DIR": str(tmp_path)})


def test_dev_mode_generates_a_secret_key_once_into_the_data_dir(tmp_path):
    first = create_app({"IGNORE_ENVIRONMENT": True, "DATA_DIR": str(tmp_path), "DEV_MODE": True})
    second = create_app({"IGNORE_ENVIRONMENT": True, "DATA_DIR": str(tmp_path), "DEV_MODE": True})
    key_file = Path(tmp_path) / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SESSION_COOKIE_SECURE"] is False


def test_a_command_without_secret_key_ends_with_one_clear_line(tmp_path):
    """What an operator sees from `flask --app app …` (and gunicorn) when the configuration is incomplete."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPDESK_", "FLASK_"))}
    env["HELPDESK_DATA_DIR"] = str(tmp_path)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "mail", "status"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip() == proc.stderr.strip().splitlines()[-1], proc.stderr  # a single line
    assert proc.stderr.startswith("Error: HELPDESK_SECRET_KEY ontbreekt") and "Traceback" not in proc.stderr
