"""Outgoing mail: the database outbox and the SMTP sender."""
