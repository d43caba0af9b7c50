"""`python -m knowledge.classify`: fit the seed model's calibration and store it in training/calibration.json."""

import sys

from knowledge.classify.calibration import CALIBRATION_PATH, store_temperature
from knowledge.classify.examples import load_examples
from knowledge.classify.model import fit_temperature

temperature, smoothing = fit_temperature(load_examples())
store_temperature(temperature, smoothing)
sys.stdout.write(f"{CALIBRATION_PATH}: temperature {temperature}, smoothing {smoothing}\n")
