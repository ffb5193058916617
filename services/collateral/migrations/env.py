from services.common.migrations import run_env
from services.collateral.models import Base

run_env(Base.metadata)
