"""Nameko services of the car-loan platform, one package each, plus `common` plumbing."""
