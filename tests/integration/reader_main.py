"""Runs the test `reader` service in its own process (for the kill-mid-stream test)."""
from services.common.green import patch

patch()

from nameko.cli.run import run  # noqa: E402

from services.common import config  # noqa: E402
from tests.integration.event_services import Reader  # noqa: E402

run([Reader], config.nameko_config(DATABASE_URL=config.database_url("reader")))
