"""`python -m services.customer run|migrate|parked|replay`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.customer.service import CustomerService  # noqa: E402

main(CustomerService, Path(__file__).parent)
