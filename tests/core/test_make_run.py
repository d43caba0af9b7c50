"""`make run`: the port is a parameter, a taken port is one clear line, and the demo login names its accounts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def make_dry_run(*args: str, **env: str) -> str:
    """The commands `make run` would execute (make -n runs nothing)."""
    environ = {k: v for k, v in os.environ.items() if k != "HELPDESK_PUBLIC_URL"} | env
    done = subprocess.run(["make", "-n", "-C", str(ROOT), "run", *args], capture_output=True, text=True,
                          env=environ, timeout=30, check=True)
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_given_port_and_public_url_follows():
    commands = make_dry_run("PORT=5001")
    assert "--port 5001" in commands and "--port 5000" not in commands
    assert "HELPDESK_PUBLIC_URL=http://127.0.0.1:5001 " in commands
    default = make_dry_run()
    assert "--port 5000" in default and "HELPDESK_PUBLIC_URL=http://127.0.0.1:5000 " in default


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_public_url_that_is_set_is_kept():
    commands = make_dry_run("PORT=5001", HELPDESK_PUBLIC_URL="https://helpdesk.duo.example")
    assert "HELPDESK_PUBLIC_URL=https://helpdesk.duo.example " in commands
    assert "http://127.0.0.1:5001" not in commands


def test_taken_port_gives_one_dutch_line_and_exit_1(app: Flask):
    env = {**os.environ, "HELPDESK_DEV": "1", "HELPDESK_DATA_DIR": app.config["DATA_DIR"],
           "HELPDESK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PYTHONPATH": str(ROOT)}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "demo", "--port", str(port)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    output = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(output) == 1, output
    assert f"Poort {port} is al in gebruik" in output[0] and "make run PORT=" in output[0]
    assert "draait op" not in done.stdout


def test_demo_login_file_names_the_addresses_and_they_log_in(make_app):
    app = make_app(PUBLIC_URL="http://127.0.0.1:5001")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Helpdesk IPO draait op http://127.0.0.1:5001" in result.output
    login_file = Path(app.config["DATA_DIR"]) / "demo-login.txt"
    rows = [line.split() for line in login_file.read_text().splitlines() if "wachtwoord:" in line]
    assert [row[:2] for row in rows] == [["admin", "beheer@demo.ipo"], ["agent", "medewerker@demo.ipo"],
                                        ["editor", "redactie@demo.ipo"]]
    assert oct(login_file.stat().st_mode & 0o777) == "0o600"
    for _role, email, _label, password in rows:
        assert f"{email}  wachtwoord: {password}" in result.output  # what the terminal shows is what the file holds
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        again = app.test_cli_runner().invoke(args=["demo"])  # a second `make run`: same accounts, same file
    assert again.exit_code == 0 and login_file.read_text().count("@demo.ipo") == 3
    assert f"{rows[0][1]}  wachtwoord: {rows[0][3]}" in again.output
