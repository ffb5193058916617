"""Schemathesis over the gateway's own OpenAPI document, authenticated as admin: no 5xx, every response
matches its declared schema and media type, every error is problem+json."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.e2e.conftest import from_address

GUNICORN_REQUEST_LINE_LIMIT = 8190
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Operations that close a business date for the whole book (every later test would live after it): they are
# exercised by their own tests, not fuzzed.
BOOK_WIDE = ("/api/v1/cob", "/api/v1/finance/provisions/run")


@pytest.fixture(scope="session")
def gateway_schema(platform):
    return schemathesis.openapi.from_url(f"{platform.url}/api/openapi.json")


# A wrong old password counts as a failed login of the admin the fuzzer acts as (throttled per username
# whatever the address): exercised by tests/e2e/test_org_security.py instead.
OWN_ACCOUNT = ("/api/v1/auth/password",)

schema = schemathesis.pytest.from_fixture("gateway_schema")
for _path in BOOK_WIDE + OWN_ACCOUNT:
    schema = schema.exclude(path=_path, method="POST")


# Routes whose error answer is a JSON report the document declares, not a problem (`/readyz`'s 503 names what
# did not answer).
REPORTS = ("/readyz",)


@pytest.fixture(scope="session")
def admin_token(platform):
    return platform.login("admin", platform.admin_password)


@pytest.fixture(scope="session")
def fuzzer_session():
    """Requests from an address of the fuzzer's own: its failed logins (random usernames and passwords) are
    throttled per address, and must not lock other tests out of logging in from 127.0.0.1."""
    return from_address("127.14.0.9")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_gateway_honours_its_own_contract(case, admin_token, fuzzer_session):
    response = case.call(session=fuzzer_session, headers={"Authorization": f"Bearer {admin_token}"}, timeout=15)
    if response.status_code == 414 and len(response.request.url) > GUNICORN_REQUEST_LINE_LIMIT:
        return  # refused by gunicorn itself before the app sees it (see gateway/gunicorn_conf.py)
    case.validate_response(response, checks=CHECKS)
    if response.status_code >= 400 and case.path not in REPORTS:
        content_type = {k.lower(): v for k, v in response.headers.items()}["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), response.text
        body = response.json()
        assert body["status"] == response.status_code and body["code"] and body["title"]
