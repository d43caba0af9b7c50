"""Notification mails to agents, opt-in per agent and per kind: a ticket assigned to them by a colleague, the
requester answering a ticket of theirs, an @mention in an internal note. Queued in the transaction of the action
that caused them and delivered by the outbox sender, so they never make that action fail or wait."""

from .mentions import mentioned_staff
from .operations import notify_assigned, notify_mentions, notify_reply, notify_settings, save_notify_settings

__all__ = ["mentioned_staff", "notify_assigned", "notify_mentions", "notify_reply", "notify_settings",
           "save_notify_settings"]
