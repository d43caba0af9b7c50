"""`python -m knowledge.classify`: fit the seed model's logistic regression and calibration and store them in
training/logistic.bin and training/calibration.json."""

import sys

from knowledge.classify.calibration import CALIBRATION_PATH, LOGISTIC_PATH, store_logistic, store_temperature
from knowledge.classify.examples import load_examples
from knowledge.classify.model import fit_logistic, fit_temperature

examples = load_examples()
weights, bias = fit_logistic(examples)
store_logistic(weights, bias)
sys.stdout.write(f"{LOGISTIC_PATH}: {len(weights)} features\n")
temperature, smoothing = fit_temperature(examples)
store_temperature(temperature, smoothing)
sys.stdout.write(f"{CALIBRATION_PATH}: temperature {temperature}, smoothing {smoothing}\n")
