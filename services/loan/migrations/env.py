from services.common.migrations import run_env
from services.loan.models import Base

run_env(Base.metadata)
