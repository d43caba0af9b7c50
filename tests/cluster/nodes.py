"""Processes of a cluster on one machine: `flask` commands as separate nodes (ingest, outbox) with their own
data dirs and HELPDESK_* settings, and which of them owns a TCP connection (the sender mid-delivery)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Node:
    """One `flask --app app …` process with its own environment and log file."""

    def __init__(self, name: str, args: list[str], data_dir: Path, settings: dict[str, str]) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
        env.update({"HELPDESK_DATA_DIR": str(data_dir), "HELPDESK_SECRET_KEY": "cluster-test-secret-key",
                    "HELPDESK_DEV": "1", "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
        env.update({f"HELPDESK_{key}": value for key, value in settings.items()})
        self.name = name
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = data_dir.parent / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye to the database or the mail server."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def owner_of_port(nodes: list[Node], local_port: int) -> Node | None:
    """The node whose TCP socket has this local port (a client's side of a connection), from /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inodes.add(fields[9])
    for node in nodes:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{node.pid}/fd").iterdir()}
        except (FileNotFoundError, ProcessLookupError):
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            return node
    return None
