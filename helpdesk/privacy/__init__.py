"""Access requests (AVG art. 15): everything stored about one e-mail address, as one ZIP."""
