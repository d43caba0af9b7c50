"""A WSGI server's worker warms up before its first request (issue 18): the classifier that weighs whole questions
and the word list of the typo look-ups are loaded while the app is built, not by the first visitors' searches;
under the `flask` command (lazy) they are not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from app import create_app
from knowledge.classify import Classifier
from knowledge.dutch import _common_words
app = create_app(json.loads(sys.argv[1]))
loaded = {"classifier": Classifier._default is not None, "words": _common_words.cache_info().currsize == 1}
answer = app.test_client().get("/api/faq/search", query_string={"q": "wat kost eherkening niveau 3 voor een school"})
print(json.dumps({**loaded, "status": answer.status_code, "slugs": [h["slug"] for h in answer.json["results"]]}))
"""


def _start(kb, tmp_path: Path, cli: bool) -> dict:
    config = base_config(Path(kb.config["DATA_DIR"]), kb.config["SQLALCHEMY_DATABASE_URI"])
    env = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    if cli:
        env["FLASK_RUN_FROM_CLI"] = "true"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(config)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_wsgi_worker_has_its_search_warm_before_the_first_request_and_a_command_does_not(kb, tmp_path):
    from helpdesk.extensions import db

    db.session.commit()  # the articles are there for the other process
    served = _start(kb, tmp_path, cli=False)
    assert served["classifier"] and served["words"]
    assert served["status"] == 200 and "wat-kost-eherkenning" in served["slugs"]
    command = _start(kb, tmp_path, cli=True)
    assert not command["classifier"] and not command["words"]
    assert command["status"] == 200 and command["slugs"] == served["slugs"]
