"""Helpers for the mail_ingest tests."""

from __future__ import annotations

from pathlib import Path

from mail_ingest.parse import ParsedMail, parse_message

SAMPLES = Path(__file__).parent / "samples"


def sample_bytes(name: str) -> bytes:
    """Raw bytes of a sample .eml file."""
    return (SAMPLES / name).read_bytes()


def sample(name: str) -> ParsedMail:
    """A parsed sample .eml file."""
    return parse_message(sample_bytes(name))
