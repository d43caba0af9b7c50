"""Real servers for tests: a Dovecot IMAP server and an aiosmtpd SMTP server on 127.0.0.1 (pytest plugin)."""

from __future__ import annotations

import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mail_ingest.fetch import _quietly_close

USER = "helpdesk"
PASSWORD = "geheim-test-wachtwoord"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (servers here refuse port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _users() -> dict[str, str]:
    """System users for Dovecot: as root it needs unprivileged users; otherwise everything runs as us."""
    if os.geteuid() == 0:
        return {"internal": "dovecot", "login": "dovenull", "mail_uid": "nobody", "mail_gid": "nogroup"}
    me = pwd.getpwuid(os.geteuid()).pw_name
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True, check=True).stdout.strip()
    return {"internal": me, "login": me, "mail_uid": me, "mail_gid": group}


_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = ipo-test-{port}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
mail_uid = {mail_uid}
mail_gid = {mail_gid}
first_valid_uid = {first_uid}
mail_location = maildir:{root}/mail/%u:LAYOUT=fs
log_path = {root}/dovecot.log
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


@dataclass
class DovecotServer:
    """A private Dovecot with one mailbox user; helpers talk IMAP so UIDs are the server's own.

    The helpers share one logged-in connection (reopened after a restart), so appending hundreds of mails is
    quick. `fsync=False` (the test default) sets `mail_fsync = never`: this server is thrown away afterwards.
    """

    root: Path
    port: int
    host: str = "127.0.0.1"
    user: str = USER
    password: str = PASSWORD
    fsync: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _helper: Any = field(default=None, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def config_path(self) -> Path:
        return self.root / "dovecot.conf"

    def write_config(self) -> None:
        users = _users()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root / "mail", users["mail_uid"], users["mail_gid"])
        first_uid = 100 if os.geteuid() == 0 else min(os.geteuid(), 100)
        config = _CONFIG.format(root=self.root, port=self.port, first_uid=first_uid, **users)
        if not self.fsync:
            config += "mail_fsync = never\n"
        self.config_path.write_text(config)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")

    def start(self) -> None:
        """Start Dovecot in the foreground and wait until it accepts IMAP logins."""
        log = (self.root / "stdout.log").open("ab")
        try:
            self.process = subprocess.Popen(
                ["dovecot", "-F", "-c", str(self.config_path)], stdout=log, stderr=subprocess.STDOUT
            )
        finally:
            log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopte meteen: {self.log_tail()}")
            if _port_open(self.port):
                try:
                    self.client().logout()
                    return
                except Exception:  # noqa: BLE001 - not ready yet
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"dovecot kwam niet op binnen 20 s: {self.log_tail()}")

    def stop(self) -> None:
        """Stop Dovecot and wait for it (and its port) to be gone."""
        self.close_helper()
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None
        deadline = time.monotonic() + 10
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def restart(self) -> None:
        """Stop, wait for exit, start again (same port, same mail)."""
        self.stop()
        self.start()

    def log_tail(self, lines: int = 20) -> str:
        path = self.root / "dovecot.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def client(self):  # type: ignore[no-untyped-def]
        """A fresh, logged-in IMAPClient (close it with logout())."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        try:
            client.login(self.user, self.password)
        except BaseException:
            client.shutdown()
            raise
        return client

    def close_helper(self) -> None:
        """Log the shared helper connection out (it is reopened on the next helper call)."""
        with self._lock:
            helper, self._helper = self._helper, None
            if helper is not None:
                _quietly_close(helper)

    def _run(self, action):  # type: ignore[no-untyped-def]
        """Run action(client) on the shared connection; once more on a fresh one if the old one died."""
        with self._lock:
            for attempt in (1, 2):
                if self._helper is None:
                    self._helper = self.client()
                try:
                    return action(self._helper)
                except (OSError, EOFError, imaplib.IMAP4.abort):
                    self.close_helper()
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

    def _ensure_folder(self, client, folder: str) -> None:  # type: ignore[no-untyped-def]
        if folder.upper() != "INBOX" and not client.folder_exists(folder):
            client.create_folder(folder)

    def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> int:
        """Append a message over IMAP; returns its UID (from APPENDUID)."""

        def action(client):  # type: ignore[no-untyped-def]
            self._ensure_folder(client, folder)
            return client.append(folder, raw, flags=flags)

        response = self._run(action)
        match = re.search(rb"APPENDUID \d+ (\d+)", response if isinstance(response, bytes) else b"")
        return int(match.group(1)) if match else -1

    def append_many(self, raws: list[bytes], folder: str = "INBOX", chunk: int = 200) -> list[int]:
        """Append many messages with MULTIAPPEND (RFC 3502), `chunk` per command; returns their UIDs."""
        uids: list[int] = []
        for start in range(0, len(raws), chunk):
            part = raws[start : start + chunk]

            def action(client, part=part):  # type: ignore[no-untyped-def]
                self._ensure_folder(client, folder)
                return client.multiappend(folder, part)

            response = self._run(action)
            match = re.search(rb"APPENDUID \d+ ([\d:,]+)", response if isinstance(response, bytes) else b"")
            uids.extend(_uid_set(match.group(1).decode()) if match else [])
        return uids

    def list_uids(self, folder: str = "INBOX") -> list[int]:
        """UIDs in a folder (empty when the folder does not exist)."""

        def action(client):  # type: ignore[no-untyped-def]
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            try:
                return sorted(client.search(["ALL"]))
            finally:
                client.unselect_folder()  # STATUS on a selected folder would answer from the session's view

        return self._run(action)

    def message_ids(self, folder: str = "INBOX") -> list[str]:
        """Message-IDs (without angle brackets) of the mail in a folder, read without changing flags."""

        def action(client):  # type: ignore[no-untyped-def]
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            try:
                uids = client.search(["ALL"])
                data = client.fetch(uids, [b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
            finally:
                client.unselect_folder()
            found = []
            for item in data.values():
                header = next((v for k, v in item.items() if k.startswith(b"BODY[HEADER")), b"")
                match = re.search(rb"<([^>]+)>", header)
                if match:
                    found.append(match.group(1).decode())
            return found

        return self._run(action)

    def count(self, folder: str = "INBOX") -> int:
        """Number of messages in a folder (0 when it does not exist)."""

        def action(client):  # type: ignore[no-untyped-def]
            if not client.folder_exists(folder):
                return 0
            return int(client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])

        return self._run(action)

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """Flags per UID, read without changing them."""

        def action(client):  # type: ignore[no-untyped-def]
            client.select_folder(folder, readonly=True)
            try:
                uids = client.search(["ALL"])
                return {uid: data[b"FLAGS"] for uid, data in client.fetch(uids, ["FLAGS"]).items()} if uids else {}
            finally:
                client.unselect_folder()

        return self._run(action)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        return self._run(lambda client: int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]))

    def reset(self) -> None:
        """Empty INBOX and delete every other folder."""

        def action(client):  # type: ignore[no-untyped-def]
            client.select_folder("INBOX")
            for _flags, _sep, name in client.list_folders():
                if name.upper() != "INBOX":
                    client.delete_folder(name)
            uids = client.search(["ALL"])
            if uids:
                client.add_flags(uids, [b"\\Deleted"])
                client.expunge()
            client.unselect_folder()

        self._run(action)

    def change_uidvalidity(self, folder: str = "INBOX") -> int:
        """Give the folder a new UIDVALIDITY (as after a server migration); returns the new value."""
        new = self.uidvalidity(folder) + 1000
        self.close_helper()  # a connection that has the folder open would keep the old value
        subprocess.run(
            ["doveadm", "-c", str(self.config_path), "mailbox", "update", "-u", self.user,
             "--uid-validity", str(new), folder],
            check=True, capture_output=True,
        )
        return new


def _uid_set(text: str) -> list[int]:
    """Expand an IMAP UID set such as "3:5,9" into [3, 4, 5, 9]."""
    uids: list[int] = []
    for item in text.split(","):
        low, _, high = item.partition(":")
        uids.extend(range(int(low), int(high or low) + 1))
    return uids


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A real Dovecot IMAP server on 127.0.0.1 for the whole session (skipped when not installed)."""
    if shutil.which("dovecot") is None:
        pytest.skip("dovecot is niet geïnstalleerd (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="ipo-dovecot-"))
    root.chmod(0o755)  # the unprivileged mail user must reach the maildir
    server = DovecotServer(root=root, port=free_port())
    server.write_config()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_mailbox(dovecot: DovecotServer) -> Iterator[DovecotServer]:
    """The session's Dovecot, running and emptied for this test."""
    if dovecot.process is None or dovecot.process.poll() is not None:
        dovecot.start()
    dovecot.reset()
    yield dovecot


@dataclass
class ReceivedMail:
    """One message the test SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes


class SMTPTestServer:
    """aiosmtpd on 127.0.0.1 collecting messages; stop()/start() simulate an outage on the same port."""

    def __init__(self, port: int, **smtp_options: Any) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.smtp_options = smtp_options  # e.g. enable_SMTPUTF8=True
        self.messages: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        with self._lock:
            self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), bytes(raw)))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port, **self.smtp_options)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            controller, self._controller = self._controller, None
            controller.stop()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


@pytest.fixture
def smtp_server() -> Iterator[SMTPTestServer]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, collecting what it receives."""
    server = SMTPTestServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
