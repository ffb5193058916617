"""Examples in the OpenAPI document: the main request and response bodies, keyed by operationId, and one problem
per problem response. One story throughout (a Guangzhou branch, its officer, a customer, her car, its valuation,
her application and a repayment), shaped as the services answer; money and rates are decimal strings.
tests/unit/test_openapi.py checks each against its schema and the identity numbers against the customer and
collateral rules."""

PARENT_DEPARTMENT = "4330750a-d62f-4511-b6dc-2caae63bf54f"
DEPARTMENT = "b9f64027-eb8d-4a0a-abef-18bde4300099"
POSITION = "314a9c8d-2e0a-4dfd-ac4f-63d37794b57f"
OFFICER = "8f29f9a6-f7df-4479-b918-9270d48a3f92"
APPRAISER = "75e7ec74-a121-4c09-a86e-a45a56faa66c"
REVIEWER = "844a2868-d2b9-47a4-9015-6b82162aa887"
APPROVER = "7a474a4a-6427-4b1d-9d59-5cdf7c403c25"
CLERK = "7b79cc16-d6d0-46d7-aca5-f082bff0dbf4"
PERSON = "60a97a91-93f7-479a-8d08-43c78ae3b509"
ENTERPRISE = "caeff4e4-1de4-41bb-af1e-2b7ff0103c6d"
VEHICLE = "24637856-4375-432f-8b40-4d18be4091e6"
VALUATION = "53a9ec35-4ddf-42f2-a82c-226effce09d5"
PRODUCT = "237dbd81-df7c-4564-94b7-f076dfd8c6ed"
APPLICATION = "1ba0bafe-b402-406c-80a0-7711c1ba7f3b"
LOAN = "1e11d42e-6ea7-4d7b-a68c-3d0e6ee0ee6a"
REPAYMENT = "261f334a-c0d9-42f1-a30d-0a8696c08c5f"

# GB 11643 / GB 32100 / ISO 3779 check characters are right: the services accept these as they are.
PERSON_ID_NUMBER = "440106198803151235"
LEGAL_REPRESENTATIVE_ID_NUMBER = "44011119750826281X"
USCC = "91440101MA5CXY7K3H"
VIN = "LVGBE40K2MG123456"
PLATE = "粤A8K2M6"
EXAMPLE_PASSWORDS = ("Zw#2024pass!", "Ly#2025start")  # strong enough for the org service's password rule

DEPARTMENT_BODY = {"id": DEPARTMENT, "code": "GZ-TH", "name": "广州天河分公司", "parent_id": PARENT_DEPARTMENT,
                   "created_at": "2025-03-03T01:20:45.102311+00:00"}

EMPLOYEE_BODY = {"id": OFFICER, "username": "liuyang", "must_change_password": False, "name": "刘洋",
                 "phone": "139****5678", "department_id": DEPARTMENT, "position_id": POSITION,
                 "roles": ["loan_officer"], "status": "active", "created_at": "2025-03-03T01:32:10.558120+00:00",
                 "disabled_at": None}

PERSON_BODY = {"id": PERSON, "type": "person", "name": "王芳", "id_number": "440***********1235",
               "phone": "138****8000", "address": "广东省广州市天河区天河路385号",
               "employer": "广州恒达电子科技有限公司", "monthly_income": "18500.00", "department_id": DEPARTMENT,
               "officer_id": OFFICER, "created_at": "2025-03-10T02:15:33.409871+00:00"}

ENTERPRISE_BODY = {"id": ENTERPRISE, "type": "enterprise", "name": "广州穗通物流有限公司", "phone": "136****5678",
                   "address": "广东省广州市白云区机场路1962号", "uscc": USCC, "uscc_warning": None,
                   "legal_representative": "陈建国", "legal_representative_id_number": "440***********281X",
                   "registered_capital": "5000000.00", "department_id": DEPARTMENT, "officer_id": OFFICER,
                   "created_at": "2025-03-10T03:02:18.733015+00:00"}

VEHICLE_BODY = {"id": VEHICLE, "vin": VIN, "plate_number": PLATE, "brand": "丰田", "model": "凯美瑞 2.0G 豪华版",
                "year": 2021, "mileage_km": 42000, "owner_customer_id": PERSON, "department_id": DEPARTMENT,
                "created_by": OFFICER, "created_at": "2025-03-10T02:40:05.117264+00:00"}

VALUATION_SUBMITTED = {"id": VALUATION, "vehicle_id": VEHICLE, "appraised_value": "168000.00", "method": "market",
                       "method_label": "市场法", "notes": "车况良好，无事故，4S店定期保养", "valued_on": "2025-03-11",
                       "status": "submitted", "status_label": "待复核", "submitted_by": APPRAISER,
                       "submitted_at": "2025-03-11T06:05:47.902113+00:00", "reviewed_by": None,
                       "reviewed_at": None, "review_comment": None}
VALUATION_APPROVED = {**VALUATION_SUBMITTED, "status": "approved", "status_label": "已通过",
                      "reviewed_by": REVIEWER, "reviewed_at": "2025-03-11T08:31:12.440587+00:00",
                      "review_comment": "评估价与同款车型近三月成交价相符"}

APPLICATION_BODY = {
    "id": APPLICATION, "customer_id": PERSON, "customer_name": "王芳", "product_id": PRODUCT, "vehicle_id": VEHICLE,
    "amount": "120000.00", "term_months": 36, "credit_line_id": None, "status": "submitted", "status_label": "已提交",
    "officer_id": OFFICER, "department_id": DEPARTMENT, "valuation_id": VALUATION, "appraised_value": "168000.00",
    "apr": "0.1044", "interest_cap": {"cap": "0.1200", "exceeds": False, "overridden_by": None,
                                      "override_reason": None},
    "investigated_by": None, "findings": None, "recommendation": None, "income_verified": None, "home_visit": None,
    "work_visit": None, "first_decision_by": None, "second_decision_by": None, "loan_id": None,
    "submitted_at": "2025-03-12T01:48:26.301544+00:00"}
APPLICATION_APPROVED = {
    **APPLICATION_BODY, "status": "approved", "status_label": "已批准", "investigated_by": REVIEWER,
    "findings": "收入稳定，工作单位已电话核实", "recommendation": "approve", "income_verified": True,
    "home_visit": "已家访，居住稳定", "work_visit": "已核实在职", "first_decision_by": APPROVER,
    "steps": [
        {"step": "submit", "outcome": "submitted", "comment": None, "actor_id": OFFICER, "actor_name": "liuyang",
         "at": "2025-03-12T01:48:26.318002+00:00"},
        {"step": "investigate", "outcome": "approve", "comment": "收入稳定，工作单位已电话核实", "actor_id": REVIEWER,
         "actor_name": "zhaomin", "at": "2025-03-13T07:02:41.550198+00:00"},
        {"step": "decision_level_1", "outcome": "approve", "comment": "同意，按期跟进GPS安装", "actor_id": APPROVER,
         "actor_name": "sunli", "at": "2025-03-14T02:26:09.871334+00:00"}]}

REPAYMENT_REQUEST = {"amount": "3809.27", "paid_on": "2025-04-18", "channel": "bank_transfer", "payer_name": "王芳",
                     "voucher_no": "ICBC20250418001234"}
REPAYMENT_BODY = {
    "id": REPAYMENT, "loan_id": LOAN, **REPAYMENT_REQUEST, "status": "recorded", "status_label": "已入账",
    "reversal": None,
    "allocation": {"principal": "2921.27", "interest": "888.00", "penalty": "0.00", "fees": "0.00",
                   "advance": "0.00"},
    "lines": [{"no": 1, "principal": "2921.27", "interest": "888.00", "penalty": "0.00", "fees": "0.00"}],
    "recorded_by": CLERK, "created_at": "2025-04-18T03:12:55.204771+00:00", "loan_status": "active",
    "outstanding_principal": "117078.73", "advance_balance": "0.00"}

EXAMPLES = {
    "login": {
        "request": {"username": "zhangwei", "password": EXAMPLE_PASSWORDS[0]},
        "response": {"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ZjI5ZjlhNiJ9.c2lnbmF0dXJl",
                     "token_type": "Bearer", "expires_in": 28800, "must_change_password": False}},
    "listDepartments": {
        "response": {"items": [{"id": PARENT_DEPARTMENT, "code": "GZ", "name": "广州分公司", "parent_id": None,
                                "created_at": "2025-03-03T01:18:02.660914+00:00"}, DEPARTMENT_BODY],
                     "total": 2, "page": 1, "page_size": 20}},
    "createDepartment": {
        "request": {"code": "GZ-TH", "name": "广州天河分公司", "parent_id": PARENT_DEPARTMENT},
        "response": DEPARTMENT_BODY},
    "createEmployee": {
        "request": {"username": "liuyang", "password": EXAMPLE_PASSWORDS[1], "name": "刘洋", "phone": "13912345678",
                    "department_id": DEPARTMENT, "position_id": POSITION, "roles": ["loan_officer"]},
        "response": EMPLOYEE_BODY},
    "getEmployee": {"response": EMPLOYEE_BODY},
    "updateEmployee": {
        "request": {"roles": ["loan_officer", "collector"]},
        "response": {**EMPLOYEE_BODY, "roles": ["loan_officer", "collector"]}},
    "disableEmployee": {
        "response": {**EMPLOYEE_BODY, "status": "disabled", "disabled_at": "2025-06-30T09:00:12.004518+00:00"}},
    "createPersonCustomer": {
        "request": {"name": "王芳", "id_number": PERSON_ID_NUMBER, "phone": "13800138000",
                    "address": "广东省广州市天河区天河路385号", "employer": "广州恒达电子科技有限公司",
                    "monthly_income": "18500.00"},
        "response": PERSON_BODY},
    "createEnterpriseCustomer": {
        "request": {"name": "广州穗通物流有限公司", "uscc": USCC, "legal_representative": "陈建国",
                    "legal_representative_id_number": LEGAL_REPRESENTATIVE_ID_NUMBER, "phone": "13602345678",
                    "address": "广东省广州市白云区机场路1962号", "registered_capital": "5000000.00"},
        "response": ENTERPRISE_BODY},
    "getCustomer": {
        "response": {**PERSON_BODY, "blacklisted": False,
                     "loans": [{"loan_id": LOAN, "status": "active", "amount": "120000.00",
                                "outstanding_principal": "117078.73", "dpd": 0, "worst_dpd": 0,
                                "classification": "normal"}],
                     "credit": {"loans_count": 1, "applications_pending": 0, "total_amount": "120000.00",
                                "exposure": "117078.73", "worst_dpd": 0, "worst_classification": "normal"}}},
    "createVehicle": {
        "request": {"vin": VIN, "plate_number": PLATE, "brand": "丰田", "model": "凯美瑞 2.0G 豪华版", "year": 2021,
                    "mileage_km": 42000, "owner_customer_id": PERSON},
        "response": VEHICLE_BODY},
    "getVehicle": {"response": {**VEHICLE_BODY, "current_valuation": VALUATION_APPROVED, "owner_history": []}},
    "submitValuation": {
        "request": {"appraised_value": "168000.00", "method": "market", "notes": "车况良好，无事故，4S店定期保养",
                    "valued_on": "2025-03-11"},
        "response": VALUATION_SUBMITTED},
    "reviewValuation": {
        "request": {"approve": True, "comment": "评估价与同款车型近三月成交价相符"},
        "response": VALUATION_APPROVED},
    "submitLoanApplication": {
        "request": {"customer_id": PERSON, "product_id": PRODUCT, "vehicle_id": VEHICLE, "amount": "120000.00",
                    "term_months": 36},
        "response": APPLICATION_BODY},
    "getLoanApplication": {"response": APPLICATION_APPROVED},
    "recordRepayment": {"request": REPAYMENT_REQUEST, "response": REPAYMENT_BODY},
}


def _problem(status, code, title, detail, **extra):
    return {"type": f"urn:carloan:problem:{code.lower()}", "title": title, "status": status, "detail": detail,
            "code": code, **extra}


# By response component (gateway.openapi.PROBLEM_RESPONSES), as the gateway sends them.
PROBLEM_EXAMPLES = {
    "BadRequest": _problem(400, "INVALID_JSON", "Bad request",
                           "the body is not valid JSON: Expecting ',' delimiter: line 1 column 18 (char 17)"),
    "Unauthenticated": _problem(401, "TOKEN_EXPIRED", "Authentication required", "the token has expired"),
    "LoginRefused": _problem(401, "BAD_CREDENTIALS", "Authentication required", "wrong username or password"),
    "Forbidden": _problem(403, "PERMISSION_DENIED", "Forbidden",
                          "this action needs the permission org.departments.manage"),
    "NotFound": _problem(404, "EMPLOYEE_NOT_FOUND", "Not found", "no such employee"),
    "Conflict": _problem(409, "CUSTOMER_DUPLICATE", "Conflict",
                         f"this ID number is already registered as customer {PERSON}", existing_id=PERSON),
    "ValidationFailed": _problem(422, "VALIDATION_FAILED", "Unprocessable Entity",
                                 "amount: a decimal string such as \"150000.00\"; colour: Unknown field.",
                                 errors={"amount": ["a decimal string such as \"150000.00\""],
                                         "colour": ["Unknown field."]}),
    "TooManyRequests": _problem(429, "LOGIN_THROTTLED", "Too many requests", "too many failed logins; try again later"),
    "ServiceUnavailable": _problem(503, "SERVICE_UNAVAILABLE", "Service unavailable",
                                   "the loan service did not answer"),
    "UnexpectedProblem": _problem(500, "INTERNAL_ERROR", "Internal error",
                                  "an unexpected error occurred; it has been logged"),
}
