"""Schemathesis over the gateway's own OpenAPI document, authenticated as admin: no 5xx, every response
matches its declared schema and media type, every error is problem+json."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

GUNICORN_REQUEST_LINE_LIMIT = 8190
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Operations that close a business date for the whole book (every later test would live after it): they are
# exercised by their own tests, not fuzzed.
BOOK_WIDE = ("/api/v1/cob", "/api/v1/finance/provisions/run")


@pytest.fixture(scope="session")
def gateway_schema(platform):
    return schemathesis.openapi.from_url(f"{platform.url}/api/openapi.json")


schema = schemathesis.pytest.from_fixture("gateway_schema")
for _path in BOOK_WIDE:
    schema = schema.exclude(path=_path, method="POST")


@pytest.fixture(scope="session")
def admin_token(platform):
    return platform.login("admin", platform.admin_password)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_gateway_honours_its_own_contract(case, admin_token):
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"}, timeout=15)
    if response.status_code == 414 and len(response.request.url) > GUNICORN_REQUEST_LINE_LIMIT:
        return  # refused by gunicorn itself before the app sees it (see gateway/gunicorn_conf.py)
    case.validate_response(response, checks=CHECKS)
    if response.status_code >= 400:
        content_type = {k.lower(): v for k, v in response.headers.items()}["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json"), response.text
        body = response.json()
        assert body["status"] == response.status_code and body["code"] and body["title"]
