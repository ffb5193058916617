"""The whole platform as a user meets it: every service and the gunicorn gateway as real processes, on PostgreSQL
databases and a RabbitMQ virtual host of their own (`tests/platform.py`, shared with the chaos suite)."""
import uuid

import pytest
import requests
import requests.adapters

from tests.platform import (MANAGEMENT, ROOT, SERVICES, Platform, free_port, management as _management,  # noqa: F401
                            pg as _pg, running_platform)

# The one address the platform's gateway takes to be a reverse proxy (its X-Forwarded-For is believed).
TRUSTED_PROXY = "127.14.0.5"


def e2e_platform(tmp_path_factory):
    # logs stay in the data dir for a failed run
    return running_platform(tmp_path_factory.mktemp("platform"), prefix="e2e", ready_timeout=180, env={
        "CARLOAN_COLLATERAL_GAUGE_SECONDS": "1", "CARLOAN_COLLECTION_GAUGE_SECONDS": "1",
        "CARLOAN_TRUSTED_PROXIES": TRUSTED_PROXY})


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    with e2e_platform(tmp_path_factory) as platform:
        yield platform


@pytest.fixture(scope="session")
def admin(platform):
    return platform.client(platform.login("admin", platform.admin_password))


def business_date_of_its_own():
    """`platform` and `admin` fixtures for a module whose tests need a business date no other test moved: close of
    business on the shared platform (test_servicing, the fuzzing) runs dates ahead of today, after which money dated
    today is recorded late. `platform, admin = business_date_of_its_own()` at the module's top."""
    @pytest.fixture(scope="module", name="platform")
    def own_platform(tmp_path_factory):
        with e2e_platform(tmp_path_factory) as started:
            yield started

    @pytest.fixture(scope="module", name="admin")
    def own_admin(platform):
        return platform.client(platform.login("admin", platform.admin_password))
    return own_platform, own_admin


# -- helpers and fixtures the e2e modules share ------------------------------------------------------
PROBLEM = "application/problem+json"
ROLES = {"officer": "loan_officer", "appraiser_a": "appraiser", "appraiser_b": "appraiser",
         "reviewer_1": "risk_reviewer", "reviewer_2": "risk_reviewer", "approver": "approver",
         "clerk": "finance_clerk", "checker": "finance_reviewer", "collateral": "collateral_clerk",
         "collector": "collector", "post_loan": "post_loan_manager"}


def unique(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def create_employee(admin, roles, department_id=None, password="Passw0rd!x"):
    username = unique("e2e")
    response = admin.post("/api/v1/employees", json={
        "username": username, "password": password, "name": "测试员工", "phone": "13800138000",
        "department_id": department_id, "roles": roles})
    assert response.status_code == 201, response.text
    return response.json(), username, password


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connect from a chosen loopback address (127.0.0.0/8 is all this machine), as a client elsewhere on the
    network would appear to the gateway."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def from_address(address):
    """A requests session whose connections come from `address` (login throttling counts per address)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def assert_problem(response, status, code=None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["code"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture(scope="module")
def staff(platform, admin):
    """A branch with one employee per role of the loan's life: officer, two appraisers, two risk reviewers,
    an approver, a finance clerk and reviewer, a collateral clerk, a collector and a post-loan manager."""
    department = admin.post("/api/v1/departments", json={"code": unique("FS"), "name": "佛山分公司"}).json()
    people = {"department_id": department["id"]}
    for name, role in ROLES.items():
        employee, username, password = create_employee(admin, [role], department_id=department["id"])
        people[name] = platform.client(platform.login(username, password))
        people[name].id = employee["id"]
    return people


@pytest.fixture(scope="module")
def product(admin):
    """A 36-month 等额本息 product with a fixed GPS fee and a 1 % service fee."""
    response = admin.post("/api/v1/products", json={
        "code": unique("CAR36-"), "name": "二手车按揭 36期", "repayment_method": "equal_installment",
        "annual_rate": "0.088800", "min_term_months": 12, "max_term_months": 36, "min_amount": "10000.00",
        "max_amount": "500000.00", "max_ltv": "0.80", "grace_days": 3, "prepayment_fee_rate": "0.02",
        "upfront_fees": [{"name": "GPS费", "amount": "1500.00"}, {"name": "服务费", "rate": "0.01"}]})
    assert response.status_code == 201, response.text
    return response.json()
