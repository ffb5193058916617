"""我的待办 through the gateway: one call lists what waits for the logged-in employee, across services, only what
they may act on (a second appraiser sees the valuation, its author does not; the investigator does not decide),
with counts that match the items."""
import pytest

from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.e2e.test_customers import register
from tests.e2e.test_loans import apply, valued_car
from tests.helpers import new_vin


def inbox(client, **params):
    response = client.get("/api/v1/inbox", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["unavailable"] == []
    for kind, count in body["counts"].items():  # under the cap, every item waiting is listed
        assert count == len([item for item in body["items"] if item["kind"] == kind]), kind
    assert body["total"] == sum(body["counts"].values())
    return body


def of(body, kind):
    return [item for item in body["items"] if item["kind"] == kind]


@pytest.fixture(scope="module")
def branch(platform, admin):
    department = admin.post("/api/v1/departments", json={"code": unique("HZ"), "name": "杭州分公司"}).json()
    people = {}
    for name, role in (("officer", "loan_officer"), ("appraiser_a", "appraiser"), ("appraiser_b", "appraiser")):
        employee, username, password = create_employee(admin, [role], department_id=department["id"])
        people[name] = platform.client(platform.login(username, password))
        people[name].id = employee["id"]
    return people


def test_a_valuation_waits_for_the_second_appraiser_and_not_for_its_author(branch):
    officer, author, reviewer = branch["officer"], branch["appraiser_a"], branch["appraiser_b"]
    assert inbox(reviewer)["counts"]["valuation_review"] == 0
    customer = register(officer)[0].json()
    car = officer.post("/api/v1/vehicles", json={"vin": new_vin(), "plate_number": "浙A12345", "brand": "吉利",
                                                 "model": "星越L", "year": 2024,
                                                 "owner_customer_id": customer["id"]}).json()
    valuation = author.post(f"/api/v1/vehicles/{car['id']}/valuations",
                            json={"appraised_value": "128000.00", "method": "market"}).json()

    waiting = inbox(reviewer)
    [item] = of(waiting, "valuation_review")
    assert item["id"] == valuation["id"] and item["kind_label"] == "估值待复核"
    assert item["title"] == "估值待复核 · 浙A12345 · ¥128,000.00"
    assert "吉利 星越L" in item["summary"] and "市场法" in item["summary"]
    assert item["created_at"] == valuation["submitted_at"]
    assert item["link"] == f"/api/v1/valuations/{valuation['id']}"
    assert item["action"] == f"/api/v1/valuations/{valuation['id']}/review"
    assert waiting["counts"]["valuation_review"] == 1 and waiting["total"] == 1
    assert reviewer.get(item["link"]).status_code == 200

    mine = inbox(author)
    assert of(mine, "valuation_review") == [] and mine["counts"]["valuation_review"] == 0

    assert reviewer.post(item["action"], json={"approve": True}).status_code == 200
    assert of(inbox(reviewer), "valuation_review") == []  # done: no longer waiting


def test_a_loan_officer_with_nothing_waiting_gets_an_empty_inbox(branch):
    assert inbox(branch["officer"]) == {"items": [], "counts": {}, "total": 0, "limit": 20, "unavailable": []}


def test_an_application_waits_for_an_investigator_then_for_a_decider_who_did_not_investigate(staff, product):
    customer, car = valued_car(staff)
    application = apply(staff, product, customer, car).json()
    first, second = staff["reviewer_1"], staff["reviewer_2"]
    [item] = [i for i in of(inbox(first), "application_investigation") if i["id"] == application["id"]]
    assert item["title"] == f"待贷前调查 · {customer['name']} · ¥150,000.00"
    assert first.post(item["action"], json={"findings": "流水稳定", "recommendation": "approve"}).status_code == 200

    assert [i for i in of(inbox(first), "application_decision") if i["id"] == application["id"]] == []
    [item] = [i for i in of(inbox(second), "application_decision") if i["id"] == application["id"]]
    assert item["action"] == f"/api/v1/loan-applications/{application['id']}/decision"
    assert of(inbox(staff["officer"]), "application_decision") == []  # the officer has no such permission


def test_the_limit_caps_each_kind_and_is_checked(platform, branch):
    assert inbox(branch["appraiser_b"], limit=1)["limit"] == 1
    assert_problem(branch["officer"].get("/api/v1/inbox", params={"limit": 0}), 422)
    assert_problem(branch["officer"].get("/api/v1/inbox", params={"limit": 101}), 422)
    assert_problem(platform.client("not-a-token").get("/api/v1/inbox"), 401)
