"""Institutions behind requesters: one organisation per mail domain, merged by an admin (organisations.py)."""
