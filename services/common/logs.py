"""JSON logs, one object per line, carrying the service name and the current correlation id."""
import json
import logging
import sys
import time

from services.common import context
from services.common.config import env


class JsonFormatter(logging.Formatter):
    def __init__(self, service_name):
        super().__init__()
        self.service_name = service_name

    def format(self, record):
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service_name,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": context.current_correlation_id(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(service_name, level=None):
    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level or env("CARLOAN_LOG_LEVEL", "INFO"))
    for noisy in ("amqp", "kombu", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Nameko logs every expected (domain) error with its traceback as a warning; unexpected ones are errors.
    logging.getLogger("nameko.containers").setLevel(logging.ERROR)
