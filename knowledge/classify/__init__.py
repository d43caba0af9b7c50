"""The question classifier: model, text features, training examples and calibration."""

from knowledge.categories import CATEGORIES
from knowledge.classify.examples import SEED_PATH, Example, load_examples
from knowledge.classify.model import Classification, Classifier

__all__ = ["CATEGORIES", "SEED_PATH", "Classification", "Classifier", "Example", "load_examples"]
