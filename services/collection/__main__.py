"""`python -m services.collection run|migrate|parked|replay`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.collection.service import CollectionService  # noqa: E402

main(CollectionService, Path(__file__).parent)
