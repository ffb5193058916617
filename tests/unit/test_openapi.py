"""The OpenAPI document a client is generated from, built without a broker: valid, every operation named once and
for good, the problems each can answer declared as problem+json, examples that match their schemas and pass the
services' own identity rules, and a dump that is the same text every time."""
import json
import re

import pytest
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker
from openapi_spec_validator import validate as validate_spec

from gateway import openapi, openapi_dump
from gateway.openapi_examples import (EXAMPLE_PASSWORDS, EXAMPLES, LEGAL_REPRESENTATIVE_ID_NUMBER, PERSON_ID_NUMBER,
                                      PLATE, USCC, VIN)
from services.collateral.domain import plate_problem, vin_problem
from services.customer.domain import id_number_problem, phone_problem, uscc_problem
from services.org.domain import password_problem

METHODS = ("get", "put", "post", "delete", "patch")
PUBLIC = {"POST /api/v1/auth/login", "GET /healthz", "GET /readyz", "GET /api/openapi.json"}

# Names a generated client already calls: they must stay what they are (new operations may come freely).
STABLE_NAMES = {
    "POST /api/v1/auth/login": "login",
    "POST /api/v1/auth/password": "changePassword",
    "GET /api/v1/me": "getMe",
    "GET /api/v1/departments": "listDepartments",
    "POST /api/v1/departments": "createDepartment",
    "GET /api/v1/employees": "listEmployees",
    "POST /api/v1/employees": "createEmployee",
    "GET /api/v1/employees/{employee_id}": "getEmployee",
    "PATCH /api/v1/employees/{employee_id}": "updateEmployee",
    "POST /api/v1/employees/{employee_id}/disable": "disableEmployee",
    "POST /api/v1/customers/persons": "createPersonCustomer",
    "POST /api/v1/customers/enterprises": "createEnterpriseCustomer",
    "POST /api/v1/vehicles/{vehicle_id}/valuations": "submitValuation",
    "POST /api/v1/valuations/{valuation_id}/review": "reviewValuation",
    "POST /api/v1/loan-applications": "submitLoanApplication",
    "POST /api/v1/loan-applications/{application_id}/decision": "decideLoanApplication",
    "POST /api/v1/loans/{loan_id}/repayments": "recordRepayment",
    "GET /api/v1/finance/journal-entries": "listJournalEntries",
    "GET /api/v1/finance/trial-balance": "getTrialBalance",
    "GET /api/v1/audit-log": "listAuditRecords",
    "GET /healthz": "checkHealth",
}


@pytest.fixture(scope="module")
def app():
    return openapi_dump.offline_app()


@pytest.fixture(scope="module")
def spec(app):
    return openapi.document(app.extensions["carloan"].api)


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def deref(spec, node):
    """The object a local `$ref` points at (or the node itself)."""
    if "$ref" not in node:
        return node
    target = spec
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target


def test_the_document_is_valid_openapi(spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.0")


def test_every_operation_has_a_unique_readable_operation_id(spec):
    names = [operation.get("operationId") for _, operation in operations(spec)]
    assert all(names), [where for where, operation in operations(spec) if not operation.get("operationId")]
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9]+", name) for name in names), names


def test_operation_ids_stay_what_clients_call(spec):
    named = {where: operation["operationId"] for where, operation in operations(spec)}
    assert {where: named.get(where) for where in STABLE_NAMES} == STABLE_NAMES


def test_every_override_names_a_route_that_exists(app):
    endpoints = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            endpoints.add(f"{rule.endpoint}.{method.lower()}")
    assert set(openapi.OPERATION_IDS) - endpoints == set()


def test_names_are_derived_from_the_view_and_method():
    assert openapi.derived_operation_id("Departments", "get") == "listDepartments"
    assert openapi.derived_operation_id("Departments", "post") == "createDepartment"
    assert openapi.derived_operation_id("JournalEntries", "get") == "listJournalEntries"
    assert openapi.derived_operation_id("EmployeeDetail", "patch") == "updateEmployee"
    assert openapi.derived_operation_id("EmployeeDisable", "post") == "disableEmployee"
    assert openapi.derived_operation_id("CreditLineDecision", "post") == "decideCreditLine"
    assert openapi.derived_operation_id("TrialBalance", "get") == "getTrialBalance"


def test_the_document_is_the_same_text_every_time_it_is_built(spec):
    again = openapi_dump.offline_app()
    assert openapi_dump.dumps(openapi.document(again.extensions["carloan"].api)) == openapi_dump.dumps(spec)


def test_the_dump_command_writes_the_document_without_a_broker_or_secrets(spec, tmp_path, monkeypatch):
    monkeypatch.setenv("CARLOAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CARLOAN_AMQP_URI", "amqp://nobody:nothing@127.0.0.1:1/")  # nothing listens there
    target = tmp_path / "openapi.json"
    assert openapi_dump.main([str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text == openapi_dump.dumps(spec) and json.loads(text) == spec
    assert not (tmp_path / "data").exists()  # no development secret was made for it
    assert openapi_dump.main(["--help"]) == 2 and openapi_dump.main([str(target), "again"]) == 2


def test_every_response_has_a_description(spec):
    missing = [f"{where} {status}" for where, operation in operations(spec)
               for status, response in operation["responses"].items()
               if not deref(spec, response).get("description")]
    assert missing == []


def test_every_problem_is_problem_json_with_the_problem_schema(spec):
    for where, operation in operations(spec):
        for status, response in operation["responses"].items():
            content = deref(spec, response)["content"]
            if (status.startswith(("4", "5")) or status == "default") and (where, status) != ("GET /readyz", "503"):
                assert list(content) == ["application/problem+json"], (where, status)
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
            else:
                assert "application/problem+json" not in content, (where, status)
    readiness = spec["paths"]["/readyz"]["get"]["responses"]
    assert {status: list(readiness[status]["content"]) for status in ("200", "503")} == {
        "200": ["application/json"], "503": ["application/json"]}  # a report of each check, not a problem


def test_each_operation_declares_the_problems_it_can_answer(spec):
    for where, operation in operations(spec):
        responses = operation["responses"]
        refs = {status: response.get("$ref", "").rpartition("/")[2] for status, response in responses.items()}
        if where in PUBLIC:
            assert "security" not in operation and refs.get("401") != "Unauthenticated", where
            assert "403" not in responses, where
        else:
            assert operation["security"] == [{"bearerAuth": []}], where
            assert refs["401"] == "Unauthenticated", where
            if "Permission:" in operation.get("description", ""):
                assert refs["403"] == "Forbidden", where
        if "{" in where:
            assert refs["404"] == "NotFound", where
        takes_input = "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", []))
        assert ("422" in responses) == takes_input, where
        if where.startswith("GET /api/v1/"):
            assert "409" not in responses, where
        assert refs["default"] == "UnexpectedProblem", where
    named = {operation["operationId"]: operation["responses"] for _, operation in operations(spec)}
    assert named["login"]["401"] == {"$ref": "#/components/responses/LoginRefused"}
    assert named["login"]["429"] == {"$ref": "#/components/responses/TooManyRequests"}
    for name in ("createDepartment", "updateEmployee", "disableEmployee", "createPersonCustomer", "reviewValuation",
                 "decideLoanApplication", "recordRepayment", "decideRepaymentReversal"):
        assert "409" in named[name], name
    for name in ("calculateSchedule", "quotePrepayment", "login"):
        assert "409" not in named[name], name
    retry_after = spec["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"]
    assert retry_after["schema"]["type"] == "integer"


def test_a_problem_may_carry_extension_members(spec):
    """RFC 9457: a code adds the values its message names; an answer with one still matches the document."""
    problem = {"type": "urn:carloan:problem:service_unknown", "title": "输入有误", "status": 422,
               "detail": "没有名为 ledger 的服务", "code": "SERVICE_UNKNOWN", "service": "ledger",
               "errors": {"service": ["须为以下之一：org, customer"]}}
    schema = {"$ref": "#/components/schemas/Problem", "components": spec["components"]}
    assert list(OAS30ReadValidator(schema).iter_errors(problem)) == []


def _examples(spec):
    """(where, schema, example, request?) for every example on a body in the document."""
    for where, operation in operations(spec):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            if "example" in media:
                yield f"{where} request", media["schema"], media["example"], True
        for status, response in operation["responses"].items():
            for media in deref(spec, response).get("content", {}).values():
                if "example" in media:
                    yield f"{where} {status}", media["schema"], media["example"], False


def test_the_main_bodies_have_examples(spec):
    named = {operation["operationId"]: operation for _, operation in operations(spec)}
    for name in ("login", "createDepartment", "createEmployee", "updateEmployee", "createPersonCustomer",
                 "createEnterpriseCustomer", "createVehicle", "submitValuation", "reviewValuation",
                 "submitLoanApplication", "recordRepayment"):
        assert "example" in named[name]["requestBody"]["content"]["application/json"], name
        success = min(status for status in named[name]["responses"] if status.startswith("2"))
        assert "example" in named[name]["responses"][success]["content"]["application/json"], name
    for name in openapi.PROBLEM_RESPONSES.values():
        assert "example" in spec["components"]["responses"][name[0]]["content"]["application/problem+json"]
    assert set(EXAMPLES) - set(named) == set()  # no example left behind by a renamed operation


def test_every_example_matches_its_schema(spec):
    checked = 0
    for where, schema, example, request in _examples(spec):
        validator = OAS30WriteValidator if request else OAS30ReadValidator  # no readOnly field in a request
        errors = list(validator({**schema, "components": spec["components"]},
                                format_checker=oas30_format_checker).iter_errors(example))
        assert errors == [], (where, [error.message for error in errors])
        checked += 1
    assert checked >= 30


def test_examples_show_money_as_strings(spec):
    def numbers(node, path=""):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from numbers(value, f"{path}.{key}")
        elif isinstance(node, list):
            for value in node:
                yield from numbers(value, path)
        elif isinstance(node, float):
            yield path
    assert [where for where, _, example, _ in _examples(spec) if list(numbers(example))] == []


def test_example_identities_pass_the_services_rules():
    assert id_number_problem(PERSON_ID_NUMBER) is None
    assert id_number_problem(LEGAL_REPRESENTATIVE_ID_NUMBER) is None
    assert uscc_problem(USCC) == (None, None)
    assert vin_problem(VIN) is None and plate_problem(PLATE) is None
    assert phone_problem("13800138000") is None and phone_problem("13602345678") is None
    assert password_problem(EXAMPLE_PASSWORDS[0], "zhangwei") is None
    assert password_problem(EXAMPLE_PASSWORDS[1], "liuyang") is None
