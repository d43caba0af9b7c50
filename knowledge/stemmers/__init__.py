"""Word stemmers for the Dutch analysis: Dutch snowball and English Porter (pure Python, no dependencies)."""

from knowledge.stemmers.dutch import stem as dutch_stem
from knowledge.stemmers.porter import stem as porter_stem

__all__ = ["dutch_stem", "porter_stem"]
