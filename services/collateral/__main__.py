"""`python -m services.collateral run|migrate|parked|replay`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.collateral.service import CollateralService  # noqa: E402

main(CollateralService, Path(__file__).parent)
