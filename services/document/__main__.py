"""`python -m services.document run|migrate|parked|replay`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.document.service import DocumentService  # noqa: E402

main(DocumentService, Path(__file__).parent)
