from services.common.migrations import run_env
from services.document.models import Base

run_env(Base.metadata)
