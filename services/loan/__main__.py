"""`python -m services.loan run|migrate|parked|replay`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.loan.seed import seed  # noqa: E402
from services.loan.service import LoanService  # noqa: E402

main(LoanService, Path(__file__).parent, seed=seed)
