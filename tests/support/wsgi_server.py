"""The app under `gunicorn -w 4` (the README's production command) on loopback, and a small cookie-keeping client.

The server reads its configuration from HELPDESK_* variables like production; HELPDESK_TRUST_PROXY=1 lets a test
speak for several client addresses through X-Forwarded-For, as a reverse proxy would.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def gunicorn(database_url: str, data_dir: Path, workers: int = 4, **settings: str) -> Iterator[str]:
    """Serve create_app() with `workers` processes; yields the base URL."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
    env.update({"HELPDESK_DATABASE_URL": database_url, "HELPDESK_DATA_DIR": str(data_dir),
                "HELPDESK_SECRET_KEY": "gunicorn-test-secret-key", "HELPDESK_DEV": "1",
                "HELPDESK_TRUST_PROXY": "1", "PYTHONPATH": str(ROOT)})
    env.update({f"HELPDESK_{key}": value for key, value in settings.items()})
    log = (data_dir.parent / f"gunicorn-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60",
         "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped: " + (data_dir.parent / f"gunicorn-{port}.log").read_text())
            try:
                urllib.request.urlopen(url + "/login", timeout=10).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Reply:
    status: int
    text: str
    headers: dict[str, str]
    url: str


class Browser:
    """One visitor from one address: keeps its cookies, fills in CSRF tokens like a browser would."""

    def __init__(self, base: str, address: str = "127.0.0.1") -> None:
        self.base, self.address = base, address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict[str, str] | None = None, follow: bool = True) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"X-Forwarded-For": self.address})
        opener = self.opener if follow else urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        try:
            with opener.open(req, timeout=60) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers), response.url)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), dict(error.headers), error.url)

    def csrf(self, path: str) -> str:
        page = self.request(path).text
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, page[:500]
        return match.group(1)

    def post_form(self, path: str, fields: dict[str, str], follow: bool = True) -> Reply:
        return self.request(path, {"csrf_token": self.csrf(path), **fields}, follow=follow)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002,ANN003 - urllib's signature
        return None
