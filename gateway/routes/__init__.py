"""One blueprint per service area."""
