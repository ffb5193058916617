"""The OpenAPI document as the running gateway serves it is what a client is generated from: valid, every operation
named once, equal to what `python -m gateway.openapi_dump` writes offline, and good enough for a real generator
(openapi-python-client) whose client then logs in, lists and is refused through the gateway."""
import importlib
import json
import subprocess
import sys
import uuid

import httpx
import pytest
import requests
from openapi_spec_validator import validate as validate_spec

from tests.platform import ROOT

METHODS = ("get", "put", "post", "delete", "patch")
# The generated client's own address: its failed login is counted against it, not against other tests' 127.0.0.1.
CLIENT_ADDRESS = "127.14.0.11"


@pytest.fixture(scope="module")
def served(platform):
    response = requests.get(f"{platform.url}/api/openapi.json", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_the_served_document_is_valid_and_names_every_operation_once(served):
    validate_spec(served)
    names = [item[method].get("operationId") for item in served["paths"].values() for method in METHODS
             if method in item]
    assert len(names) > 100 and all(names) and len(set(names)) == len(names)
    login = served["paths"]["/api/v1/auth/login"]["post"]
    assert login["operationId"] == "login" and "example" in login["requestBody"]["content"]["application/json"]


def test_the_offline_dump_is_what_the_gateway_serves(served, tmp_path):
    target = tmp_path / "openapi.json"
    subprocess.run([sys.executable, "-m", "gateway.openapi_dump", str(target)], cwd=ROOT, check=True,
                   timeout=120)
    assert json.loads(target.read_text(encoding="utf-8")) == served


@pytest.fixture(scope="module")
def generated_client(served, tmp_path_factory):
    """A Python client generated from the served document, importable as `carloan_client`."""
    work = tmp_path_factory.mktemp("client")
    (work / "openapi.json").write_text(json.dumps(served, ensure_ascii=False), encoding="utf-8")
    # The contract PDFs are bytes, which the generator knows by the name application/octet-stream only.
    (work / "config.yaml").write_text("project_name_override: carloan-client\npackage_name_override: carloan_client\n"
                                      "post_hooks: []\ncontent_type_overrides:\n"
                                      "  application/pdf: application/octet-stream\n")
    result = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", "openapi.json",
                             "--config", "config.yaml", "--meta", "none"], cwd=work, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    # A warning means the generator skipped an operation or a schema it could not read.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert (work / "carloan_client" / "api" / "org" / "create_department.py").is_file()
    sys.path.insert(0, str(work))
    try:
        yield importlib.import_module("carloan_client")
    finally:
        sys.path.remove(str(work))
        for name in [name for name in sys.modules if name.split(".")[0] == "carloan_client"]:
            del sys.modules[name]


def test_a_generated_client_works_against_the_gateway(platform, generated_client):
    login = importlib.import_module("carloan_client.api.auth.login")
    list_departments = importlib.import_module("carloan_client.api.org.list_departments")
    get_employee = importlib.import_module("carloan_client.api.org.get_employee")
    models = importlib.import_module("carloan_client.models")
    transport = {"transport": httpx.HTTPTransport(local_address=CLIENT_ADDRESS)}

    anonymous = generated_client.Client(base_url=platform.url, httpx_args=transport, timeout=httpx.Timeout(15))
    refused = login.sync_detailed(client=anonymous, body=models.Login(username=f"nobody{uuid.uuid4().hex[:8]}",
                                                                     password="not-a-password"))
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Problem) and refused.parsed.code == "BAD_CREDENTIALS"

    token = login.sync(client=anonymous, body=models.Login(username="admin", password=platform.admin_password))
    assert isinstance(token, models.Token) and token.token_type == "Bearer"

    admin = generated_client.AuthenticatedClient(base_url=platform.url, token=token.access_token,
                                                 httpx_args=transport, timeout=httpx.Timeout(15))
    page = list_departments.sync(client=admin, page_size=100)
    assert isinstance(page, models.DepartmentPage) and page.total >= 1
    assert all(department.id and department.code for department in page.items)

    missing = get_employee.sync_detailed(client=admin, employee_id=str(uuid.uuid4()))
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.Problem) and missing.parsed.code == "EMPLOYEE_NOT_FOUND"
