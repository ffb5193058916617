"""`python -m services.org run|migrate`."""
from services.common.green import patch

patch()

from pathlib import Path  # noqa: E402

from services.common.runner import main  # noqa: E402
from services.org.seed import seed  # noqa: E402
from services.org.service import OrgService  # noqa: E402

main(OrgService, Path(__file__).parent, seed=seed)
