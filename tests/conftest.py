"""Test-wide setup: eventlet patched first (as in a service process), fresh PostgreSQL databases."""
from services.common.green import patch

patch()

import os  # noqa: E402
import uuid  # noqa: E402

import psycopg2  # noqa: E402
import pytest  # noqa: E402

PG_ADMIN_URL = os.environ.get("CARLOAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin():
    connection = psycopg2.connect(PG_ADMIN_URL)
    connection.autocommit = True
    return connection


@pytest.fixture
def pg_database():
    """Factory of fresh PostgreSQL databases, dropped after the test."""
    created = []

    def make(prefix="carloan_test"):
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        connection = _admin()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        created.append(name)
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    yield make
    connection = _admin()
    with connection.cursor() as cursor:
        for name in created:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()
