from services.common.migrations import run_env
from services.collection.models import Base

run_env(Base.metadata)
