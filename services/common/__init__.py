"""Plumbing shared by every service: database, outbox, reliable consumer, context, metrics, errors."""
import sys

# kombu tries `import librabbitmq` whenever a Connection is built (Nameko builds one per publish), and a
# failed import searches sys.path each time. We never use librabbitmq: record it as absent, once.
sys.modules.setdefault("librabbitmq", None)
