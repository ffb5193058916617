"""Plumbing shared by every service: database, outbox, reliable consumer, context, metrics, errors."""
