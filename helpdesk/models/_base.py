"""Shared column helpers."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware current time in UTC; stored as naive UTC for portability across databases."""
    return datetime.now(UTC).replace(tzinfo=None)
