"""Periodic jobs (`flask jobs run`): small functions that are safe to run on several nodes at once."""
