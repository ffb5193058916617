"""Collateral through the gateway (issue 4): an appraiser and a reviewer value a car; after a (test-published)
disbursement a collateral clerk sees and completes the GPS and mortgage tasks; GPS alerts become events."""
import datetime as dt
import re
import uuid

import pytest
import requests

from services.common import clock
from tests.e2e.test_customers import register
from tests.e2e.conftest import assert_problem, create_employee, unique
from tests.helpers import new_vin, publish_event, wait_until

IMEI = "490154203237518"  # valid Luhn check digit


def new_imei():
    """A fresh 15-digit IMEI with its Luhn check digit."""
    body = "86" + f"{uuid.uuid4().int % 10 ** 12:012d}"
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return body + str((10 - total % 10) % 10)


@pytest.fixture(scope="module")
def branch(platform, admin):
    """A branch with an officer, two appraisers, a collateral clerk; the GPS platform's account."""
    department = admin.post("/api/v1/departments", json={"code": unique("DG"), "name": "东莞分公司"}).json()
    staff = {}
    for name, role in (("officer", "loan_officer"), ("appraiser_a", "appraiser"), ("appraiser_b", "appraiser"),
                       ("clerk", "collateral_clerk"), ("gps", "gps_platform")):
        employee, username, password = create_employee(admin, [role], department_id=department["id"])
        staff[name] = platform.client(platform.login(username, password))
        staff[name].id = employee["id"]
    staff["department_id"] = department["id"]
    return staff


@pytest.fixture(scope="module")
def car(branch):
    customer, _ = register(branch["officer"])
    response = branch["officer"].post("/api/v1/vehicles", json={
        "vin": new_vin(), "plate_number": "粤S D12345", "brand": "比亚迪", "model": "汉 EV", "year": 2024,
        "mileage_km": 8000, "owner_customer_id": customer.json()["id"]})
    assert response.status_code == 201, response.text
    return response.json()


def disburse(platform, branch, car, days_ago=0):
    loan_id = f"loan-{uuid.uuid4().hex[:10]}"
    publish_event(platform.env["CARLOAN_AMQP_URI"], "loan", "disbursed", {
        "loan_id": loan_id, "customer_id": car["owner_customer_id"], "vehicle_id": car["id"],
        "department_id": branch["department_id"], "principal": "150000.00", "contract_no": "HT-2026-0001"},
        business_date=(clock.today() - dt.timedelta(days=days_ago)).isoformat())
    return loan_id


def tasks_of(client, path, loan_id, count):
    return wait_until(lambda: (body := client.get(path, params={"loan_id": loan_id}).json())["total"] == count
                      and body["items"], message=f"{count} item(s) at {path}")


def test_vehicle_registration_refuses_bad_input(branch, car):
    officer = branch["officer"]
    assert car["vin"].startswith("LSVAM418") and car["plate_number"] == "粤SD12345"
    wrong = "1" if car["vin"][8] != "1" else "2"
    bad = officer.post("/api/v1/vehicles", json={**_vehicle_body(car), "vin": car["vin"][:8] + wrong + car["vin"][9:]})
    problem = assert_problem(bad, 422, "VIN_INVALID")
    assert "校验位（第 9 位）" in problem["errors"]["vin"][0]
    assert_problem(officer.post("/api/v1/vehicles", json={**_vehicle_body(car), "vin": "LSVAM4187C21O4847"}),
                   422, "VIN_INVALID")
    assert_problem(officer.post("/api/v1/vehicles", json={**_vehicle_body(car), "vin": "LSVAM4187C218484"}),
                   422, "VIN_INVALID")
    duplicate = assert_problem(officer.post("/api/v1/vehicles", json=_vehicle_body(car)), 409, "VEHICLE_DUPLICATE")
    assert duplicate["existing_id"] == car["id"]
    assert_problem(officer.post("/api/v1/vehicles", json={**_vehicle_body(car), "vin": new_vin(),
                                                          "plate_number": "京AI2345"}), 422, "PLATE_INVALID")
    assert_problem(officer.post("/api/v1/vehicles", json={**_vehicle_body(car), "vin": new_vin(),
                                                          "owner_customer_id": str(uuid.uuid4())}),
                   422, "CUSTOMER_NOT_FOUND")
    assert officer.get(f"/api/v1/vehicles/{car['id']}").json()["vin"] == car["vin"]


def _vehicle_body(car):
    return {key: car[key] for key in ("vin", "plate_number", "brand", "model", "year", "mileage_km",
                                      "owner_customer_id")}


def test_an_appraiser_values_the_car_and_another_approves(platform, branch, car):
    a, b = branch["appraiser_a"], branch["appraiser_b"]
    assert_problem(a.post(f"/api/v1/vehicles/{car['id']}/valuations",
                          json={"appraised_value": 200000.5, "method": "market"}), 422)  # money is a string
    submitted = a.post(f"/api/v1/vehicles/{car['id']}/valuations",
                       json={"appraised_value": "200000.00", "method": "market", "notes": "车况良好"})
    assert submitted.status_code == 201, submitted.text
    valuation = submitted.json()
    assert valuation["status"] == "submitted" and valuation["method_label"] == "市场法"
    assert valuation["valued_on"] == clock.today().isoformat()

    queue = b.get("/api/v1/valuations", params={"status": "submitted", "vehicle_id": car["id"]}).json()
    assert [v["id"] for v in queue["items"]] == [valuation["id"]]
    assert_problem(a.post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True}), 403, "SELF_REVIEW")
    assert_problem(branch["officer"].post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True}),
                   403)  # a loan officer holds no review permission
    approved = b.post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": True, "comment": "同意"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["reviewed_by"] == branch["appraiser_b"].id
    assert_problem(b.post(f"/api/v1/valuations/{valuation['id']}/review", json={"approve": False}),
                   409, "VALUATION_ALREADY_REVIEWED")

    vehicle = b.get(f"/api/v1/vehicles/{car['id']}").json()
    assert vehicle["current_valuation"]["id"] == valuation["id"]
    assert vehicle["current_valuation"]["appraised_value"] == "200000.00"
    history = b.get(f"/api/v1/vehicles/{car['id']}/valuations").json()
    assert history["total"] >= 1 and history["items"][0]["id"] == valuation["id"]
    too_old = (clock.today() - dt.timedelta(days=91)).isoformat()
    assert_problem(a.post(f"/api/v1/vehicles/{car['id']}/valuations",
                          json={"appraised_value": "1.00", "method": "market", "valued_on": too_old}),
                   422, "VALUATION_DATE_INVALID")


def test_after_disbursement_a_clerk_completes_gps_and_mortgage_tasks_and_alerts_become_events(
        platform, admin, branch, car):
    clerk, officer = branch["clerk"], branch["officer"]
    loan_id = disburse(platform, branch, car)
    [gps] = tasks_of(clerk, "/api/v1/gps-tasks", loan_id, 1)
    [mortgage] = tasks_of(clerk, "/api/v1/mortgages", loan_id, 1)
    assert gps["kind"] == "gps_install" and gps["status"] == "open" and gps["kind_label"] == "GPS安装"
    assert gps["due_on"] == (clock.today() + dt.timedelta(days=3)).isoformat() and not gps["overdue"]
    assert mortgage["kind"] == "mortgage_registration" and mortgage["vin"] == car["vin"]

    # Another branch's clerk sees none of it.
    other = admin.post("/api/v1/departments", json={"code": unique("ZS"), "name": "中山分公司"}).json()
    _, username, password = create_employee(admin, ["collateral_clerk"], department_id=other["id"])
    stranger = platform.client(platform.login(username, password))
    assert stranger.get("/api/v1/gps-tasks", params={"loan_id": loan_id}).json()["total"] == 0
    assert_problem(stranger.post(f"/api/v1/gps-tasks/{gps['id']}/complete",
                                 json={"device_imei": IMEI, "installed_on": clock.today().isoformat()}), 404)

    assert_problem(clerk.post(f"/api/v1/gps-tasks/{gps['id']}/complete",
                              json={"device_imei": "490154203237519", "installed_on": clock.today().isoformat()}),
                   422, "IMEI_INVALID")
    imei = new_imei()
    done = clerk.post(f"/api/v1/gps-tasks/{gps['id']}/complete",
                      json={"device_imei": imei, "installed_on": clock.today().isoformat(), "installer": "王师傅"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["installed_on"] == clock.today().isoformat()
    assert done.json()["device_imei"] == imei and done.json()["installer"] == "王师傅"
    assert_problem(clerk.post(f"/api/v1/gps-tasks/{gps['id']}/complete",
                              json={"device_imei": imei, "installed_on": clock.today().isoformat()}),
                   409, "TASK_ALREADY_COMPLETED")
    registered = clerk.post(f"/api/v1/mortgages/{mortgage['id']}/register",
                            json={"certificate_no": "440000123456", "registered_on": clock.today().isoformat()})
    assert registered.status_code == 200, registered.text
    assert registered.json()["certificate_no"] == "440000123456" and registered.json()["status"] == "completed"

    # The GPS platform reports; the same alert twice is recorded once; an unknown device is refused.
    gps_platform = branch["gps"]
    alert = {"device_imei": imei, "kind": "geofence_exit", "at": "2026-11-29T03:15:00+08:00"}
    first = gps_platform.post("/api/v1/gps/alerts", json=alert)
    assert first.status_code == 201, first.text
    again = gps_platform.post("/api/v1/gps/alerts", json={**alert, "at": "2026-11-28T19:15:00Z"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert first.json()["loan_id"] == loan_id and first.json()["kind_label"] == "驶出电子围栏"
    assert_problem(gps_platform.post("/api/v1/gps/alerts", json={**alert, "device_imei": new_imei()}),
                   422, "GPS_DEVICE_UNKNOWN")
    assert_problem(gps_platform.post("/api/v1/gps/alerts", json={**alert, "kind": "exploded"}), 422)
    assert_problem(officer.post("/api/v1/gps/alerts", json=alert), 403)
    alerts = clerk.get("/api/v1/gps/alerts", params={"loan_id": loan_id}).json()
    assert alerts["total"] == 1

    # Settled: a release task and a GPS removal task.
    publish_event(platform.env["CARLOAN_AMQP_URI"], "loan", "settled",
                  {"loan_id": loan_id, "customer_id": car["owner_customer_id"]})
    [release] = tasks_of(clerk, "/api/v1/releases", loan_id, 1)
    removal = wait_until(lambda: clerk.get("/api/v1/gps-tasks", params={"loan_id": loan_id, "kind": "gps_removal"})
                         .json()["items"], message="the GPS removal task")
    released = clerk.post(f"/api/v1/releases/{release['id']}/complete",
                          json={"released_on": clock.today().isoformat()})
    assert released.status_code == 200, released.text
    assert released.json()["certificate_no"] == "440000123456"
    removed = clerk.post(f"/api/v1/gps-tasks/{removal[0]['id']}/complete",
                         json={"removed_on": clock.today().isoformat()})
    assert removed.status_code == 200 and removed.json()["device_imei"] == imei
    assert clerk.get(f"/api/v1/releases/{release['id']}").json()["status"] == "completed"


def test_an_overdue_installation_shows_in_the_list_and_the_metric(platform, branch, car):
    loan_id = disburse(platform, branch, car, days_ago=10)
    clerk = branch["clerk"]
    [gps] = tasks_of(clerk, "/api/v1/gps-tasks", loan_id, 1)
    assert gps["overdue"] is True
    late = clerk.get("/api/v1/gps-tasks", params={"overdue": "true", "page_size": 100}).json()
    assert gps["id"] in {t["id"] for t in late["items"]} and all(t["overdue"] for t in late["items"])

    def overdue_gauge():
        text = requests.get(platform.metrics_urls["collateral"], timeout=5).text
        match = re.search(r'^carloan_collateral_tasks_overdue\{kind="gps_install"\} (\S+)$', text, re.M)
        return match and float(match.group(1)) >= 1
    wait_until(overdue_gauge, timeout=15, message="the overdue gauge")
