"""`python -m services.finance run|migrate|parked|replay`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.finance.seed import seed  # noqa: E402
from services.finance.service import FinanceService  # noqa: E402

main(FinanceService, Path(__file__).parent, seed=seed)
