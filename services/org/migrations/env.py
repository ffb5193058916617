from services.common.migrations import run_env
from services.org.models import Base

run_env(Base.metadata)
