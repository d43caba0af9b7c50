"""Triage inside the app: categorise and suggest, learning from agent corrections."""
