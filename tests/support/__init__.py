"""Fixtures and helpers shared across feature test folders, registered as plugins in tests/conftest.py."""
