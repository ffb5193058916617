"""Every service's migrations build exactly the schema its models describe, on PostgreSQL and SQLite,
and downgrade cleanly."""
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from services.common.migrations import alembic_config, upgrade
from services.collateral.models import Base as CollateralBase
from services.collection.models import Base as CollectionBase
from services.customer.models import Base as CustomerBase
from services.document.models import Base as DocumentBase
from services.finance.models import Base as FinanceBase
from services.loan.models import Base as LoanBase
from services.org.models import Base as OrgBase

SERVICES = {"org": OrgBase.metadata, "customer": CustomerBase.metadata, "collateral": CollateralBase.metadata,
            "loan": LoanBase.metadata, "finance": FinanceBase.metadata, "collection": CollectionBase.metadata,
            "document": DocumentBase.metadata}
ROOT = Path(__file__).resolve().parents[2] / "services"


@pytest.mark.parametrize("service", sorted(SERVICES))
@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_migrations_match_the_models(service, backend, pg_database, tmp_path):
    url = pg_database(f"carloan_mig_{service}") if backend == "postgresql" else f"sqlite:///{tmp_path}/{service}.db"
    upgrade(ROOT / service, url)
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SERVICES[service])
    assert differences == []
    command.downgrade(alembic_config(ROOT / service, url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
