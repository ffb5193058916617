"""The gateway's OpenAPI document, complete enough to generate a typed client from: a stable `operationId` on
every operation, the problems (application/problem+json) each one can answer, examples of the main bodies, a
description on every response. `python -m gateway.openapi_dump [path]` writes it (sorted keys) without a broker,
for builds that generate their client types from it.

Everything is derived here, in one apispec plugin, from what the routes already declare (their view class, method,
path parameters, body, and the permission given to `@requires` / `@public`); a route only says something extra
when the derived name would read poorly (`OPERATION_IDS`) or it has a problem of its own (`EXTRA_PROBLEMS`).
"""
import copy
import http
import re

from apispec import BasePlugin

from gateway.auth import AUTHENTICATED
from gateway.openapi_examples import EXAMPLES, PROBLEM_EXAMPLES
from gateway.problems import CONTENT_TYPE as PROBLEM
from gateway.schemas.common import ProblemSchema

# -- operationId --------------------------------------------------------------------------------------------------
# Keyed "<endpoint>.<method>" (endpoint: "<blueprint>.<view class>", "loans.<nested blueprint>.<view class>" for the
# loan routes of gateway/routes/origination.py and servicing.py, or the function's name for a plain route).
# Names here are public (a generated client calls them): change one only as a breaking change of the API.
OPERATION_IDS = {
    "auth.Login.post": "login",
    "auth.PasswordChange.post": "changePassword",
    "customers.Persons.post": "createPersonCustomer",
    "customers.Enterprises.post": "createEnterpriseCustomer",
    "customers.Blacklist.get": "listBlacklistEntries",
    "customers.Blacklist.post": "addToBlacklist",
    "customers.BlacklistEntry.delete": "removeFromBlacklist",
    "collateral.VehicleValuations.post": "submitValuation",
    "collateral.GpsAlerts.post": "receiveGpsAlert",
    "loans.origination.Calculator.post": "calculateSchedule",
    "loans.origination.Lpr.get": "listLpr",
    "loans.origination.Lpr.post": "addLpr",
    "loans.origination.CreditLines.post": "requestCreditLine",
    "loans.origination.Applications.get": "listLoanApplications",
    "loans.origination.Applications.post": "submitLoanApplication",
    "loans.origination.ApplicationDetail.get": "getLoanApplication",
    "loans.origination.Investigation.post": "investigateLoanApplication",
    "loans.origination.Decision.post": "decideLoanApplication",
    "loans.origination.InterestCapOverride.post": "overrideInterestCap",
    "loans.origination.Contract.post": "signContract",
    "loans.origination.DisbursementRegistration.post": "registerDisbursement",
    "loans.servicing.Repayments.post": "recordRepayment",
    "loans.servicing.CloseOfBusiness.post": "runCloseOfBusiness",
    "loans.servicing.PrepaymentQuote.post": "quotePrepayment",
    "loans.servicing.Prepayments.post": "prepayLoan",
    "loans.servicing.Extensions.post": "requestExtension",
    "loans.servicing.Transfers.post": "requestTransfer",
    "loans.servicing.RepaymentReversalRequest.post": "requestRepaymentReversal",
    "finance.Portfolio.get": "getPortfolioReport",
    "finance.MonthlyIncome.get": "getMonthlyIncomeReport",
    "finance.Provisions.post": "runProvisions",
    "collection.CollectionTaskRecords.post": "addCollectionRecord",
    "collection.ClassificationAdjustments.post": "requestClassificationAdjustment",
    "audit.AuditLog.get": "listAuditRecords",
    "dashboard.DashboardSummary.get": "getDashboardSummary",
    "healthz.get": "checkHealth",
    "readyz.get": "checkReadiness",
    "openapi_json.get": "getOpenApiDocument",
}

# The last word of a view class that names the action it takes: `EmployeeDisable` → disableEmployee.
_ACTION_WORDS = {"Assign": "assign", "Complete": "complete", "Decision": "decide", "Disable": "disable",
                 "Enable": "enable", "Register": "register", "Resolve": "resolve", "Reverse": "reverse",
                 "Review": "review"}
_METHOD_VERBS = {"get": "get", "post": "create", "put": "replace", "patch": "update", "delete": "delete"}


def _singular(name):
    return name[:-3] + "y" if name.endswith("ies") else name[:-1]


def derived_operation_id(view_name, method):
    """The name a view's method gets from its class alone: `Departments.get` → listDepartments,
    `Departments.post` → createDepartment, `EmployeeDetail.patch` → updateEmployee, `ValuationReview.post` →
    reviewValuation, else `<verb of the method><class>` (`TrialBalance.get` → getTrialBalance)."""
    name = view_name[0].upper() + view_name[1:]
    words = re.findall(r"[A-Z][a-z0-9]*", name)
    if name.endswith("Detail") and len(words) > 1:
        return _METHOD_VERBS[method] + name.removesuffix("Detail")
    if method == "post" and len(words) > 1 and words[-1] in _ACTION_WORDS:
        return _ACTION_WORDS[words[-1]] + "".join(words[:-1])
    if name.endswith("s") and not name.endswith("ss"):
        if method == "get":
            return "list" + name
        if method == "post":
            return "create" + _singular(name)
    return _METHOD_VERBS[method] + name


def operation_id(endpoint, method):
    return OPERATION_IDS.get(f"{endpoint}.{method}") or derived_operation_id(endpoint.rpartition(".")[2], method)


# -- problems -----------------------------------------------------------------------------------------------------
# One response component per problem status, each application/problem+json with the Problem schema.
PROBLEM_RESPONSES = {
    "400": ("BadRequest", "The body is not JSON the gateway can read (`INVALID_JSON`) or nests deeper than 32 levels "
                          "(`JSON_TOO_DEEP`)."),
    "401": ("Unauthenticated", "No valid bearer token: `TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`, "
                               "`TOKEN_REVOKED` (the password was changed or reset since), `ACCOUNT_DISABLED`. "
                               "Log in again."),
    "403": ("Forbidden", "The caller may not do this: `PERMISSION_DENIED` (the route's permission is missing), "
                         "`PASSWORD_CHANGE_REQUIRED` (their password was reset), or a rule of the service "
                         "(`SEGREGATION_OF_DUTIES`, `SELF_REVIEW`, `EMPLOYEE_EXCEEDS_OWN`, …). Nothing was changed."),
    "404": ("NotFound", "No such record, or one outside the caller's data scope (the two are not told apart)."),
    "409": ("Conflict", "The change conflicts with a record's state or with another record (`existing_id` names the "
                        "one that exists); `IDEMPOTENCY_KEY_REUSED` for a key sent with another body; "
                        "`CONCURRENT_CHANGE` when another request won a race: nothing was done, send it again."),
    "422": ("ValidationFailed", "The input breaks a rule: `errors` lists the messages by field (dotted for nested "
                                "fields), `code` names the rule (`VALIDATION_FAILED` for field checks). Nothing was "
                                "changed."),
    "429": ("TooManyRequests", "Too many failed logins from this address or for this username (`LOGIN_THROTTLED`): "
                               "try again after `Retry-After` seconds."),
    "503": ("ServiceUnavailable", "A service did not answer in time (`SERVICE_UNAVAILABLE`): try again (after "
                                  "`Retry-After` seconds when given); a money command sent again with the same "
                                  "`Idempotency-Key` is carried out at most once."),
    "default": ("UnexpectedProblem", "Any other problem: 405, 413 `PAYLOAD_TOO_LARGE`, 415, or 500 `INTERNAL_ERROR` "
                                     "(logged with the request's `X-Correlation-ID`)."),
}
LOGIN_REFUSED = ("LoginRefused", "Wrong username or password (`BAD_CREDENTIALS`); a disabled or unknown account is "
                                 "answered the same way.")
RETRY_AFTER = {"description": "seconds to wait before trying again", "schema": {"type": "integer", "minimum": 1}}

# Problems only some operations have, by operationId: status -> response component.
EXTRA_PROBLEMS = {
    "login": {"401": LOGIN_REFUSED[0], "429": "TooManyRequests"},
    "changePassword": {"429": "TooManyRequests"},  # wrong current passwords count as failed logins
}
# Commands that change nothing, so nothing can conflict.
NO_CONFLICT = {"login", "changePassword", "calculateSchedule", "quotePrepayment"}


def _problem_component(status, name, description):
    component = {"description": description,
                 "content": {PROBLEM: {"schema": ProblemSchema, "example": PROBLEM_EXAMPLES[name]}}}
    if status in ("429", "503"):
        component["headers"] = {"Retry-After": RETRY_AFTER}
    return component


def _problems(name, operation, path, method, rule, view):
    """The problem statuses an operation can answer, each to its response component."""
    permission = getattr(view, "required_permission", None)
    public = permission is None
    problems = {}
    if "requestBody" in operation:
        problems["400"] = "BadRequest"
    if not public:
        problems["401"] = "Unauthenticated"
        if permission != AUTHENTICATED or not getattr(view, "allowed_before_password_change", False):
            problems["403"] = "Forbidden"
    if rule.arguments:
        problems["404"] = "NotFound"
    if method != "get" and not public and name not in NO_CONFLICT:
        problems["409"] = "Conflict"
    if "422" in operation["responses"]:  # flask-smorest: the route loads arguments
        problems["422"] = "ValidationFailed"
    if path.startswith("/api/v1/"):  # every such route asks a service (and the org service for the principal)
        problems["503"] = "ServiceUnavailable"
    problems.update(EXTRA_PROBLEMS.get(name, {}))
    problems["default"] = "UnexpectedProblem"
    return problems


def _view(app, endpoint, method):
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method) if view_class else view


class ContractPlugin(BasePlugin):
    """Completes each operation as flask-smorest registers it: operationId, problems, examples, descriptions."""

    def __init__(self, app):
        self.app = app
        self.operation_ids = {}  # operationId -> "METHOD path", to refuse a duplicate when it is made

    def init_spec(self, spec):
        for status, (name, description) in PROBLEM_RESPONSES.items():
            spec.components.response(name, _problem_component(status, name, description))
        spec.components.response(LOGIN_REFUSED[0], _problem_component("401", *LOGIN_REFUSED))

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None:
            return
        for method, operation in operations.items():
            view = _view(self.app, rule.endpoint, method)
            name = operation.setdefault("operationId", operation_id(rule.endpoint, method))
            where = f"{method.upper()} {path}"
            if self.operation_ids.setdefault(name, where) != where:
                raise ValueError(f"operationId {name} of {where} is already {self.operation_ids[name]}'s: "
                                 "name one of them in gateway.openapi.OPERATION_IDS")
            # flask-smorest keys statuses as integers, a manual `responses` doc as strings: one key per status
            responses = operation["responses"] = {str(k): v for k, v in operation.get("responses", {}).items()}
            for status, response in responses.items():
                if isinstance(response, dict) and "$ref" not in response and status.isdigit():
                    response.setdefault("description", http.HTTPStatus(int(status)).phrase)
            responses.update(_problems(name, operation, path, method, rule, view))
            _add_examples(name, operation)


def _add_examples(name, operation):
    examples = EXAMPLES.get(name)
    if not examples:
        return
    if "request" in examples:
        operation["requestBody"]["content"]["application/json"]["example"] = examples["request"]
    if "response" in examples:
        status = min(code for code in operation["responses"] if code.startswith("2"))
        operation["responses"][status]["content"]["application/json"]["example"] = examples["response"]


def document(api):
    """The served document (a copy: the spec object itself stays as registered)."""
    return copy.deepcopy(api.spec.to_dict())
