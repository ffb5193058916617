"""The collateral service on the real broker and PostgreSQL: valuation review, the task book opened by loan
events (delivered twice), GPS installation, alerts recorded and published once, release after settlement."""
import datetime as dt
import secrets
import uuid
from pathlib import Path

import pytest
from nameko.rpc import rpc as nameko_rpc
from nameko.standalone.rpc import ClusterRpcProxy
from prometheus_client import REGISTRY

from services.collateral.service import CollateralService
from services.common import clock
from services.common.errors import Conflict, Forbidden, Unavailable, ValidationFailed
from services.common.runner import migrate
from services.customer.service import CustomerService
from tests.helpers import EventTap, as_actor, publish_event, wait_until

ROOT = Path(__file__).resolve().parents[2] / "services"
COLLATERAL_PERMISSIONS = ["customer.view", "collateral.view", "collateral.vehicle.manage",
                          "collateral.valuation.submit", "collateral.valuation.review", "collateral.task.complete",
                          "collateral.gps.alert"]


def actor(user_id):
    return {"user_id": user_id, "username": user_id, "data_scope": "all", "department_ids": None,
            "permissions": ["customer.manage", *COLLATERAL_PERMISSIONS]}


def vin(serial):
    """A valid VIN with the given 6-digit serial (the check digit computed, so each test has fresh cars)."""
    from services.collateral.domain import vin_check_digit
    body = f"LSVAM418?C2{serial:06d}"
    return body.replace("?", vin_check_digit(body.replace("?", "0")))


class LoanChecklists:
    """The loan service's side of a task's 资料清单, standing in on the broker: the loans of these tests are only
    events, so the real service would know none of them. A loan listed in `missing` lacks those documents; asked
    to let its task complete, the stand-in refuses as the loan service does (409 `DOCUMENTS_MISSING`)."""
    name = "loan"
    missing = {}
    asked = []

    @nameko_rpc
    def task_checklist(self, loan_id, task_kind, owners, complete=False):
        LoanChecklists.asked.append((loan_id, task_kind, owners, complete))
        absent = LoanChecklists.missing.get(loan_id, [])
        if complete and absent:
            raise Conflict("the task needs documents not yet on file", code="DOCUMENTS_MISSING",
                           extra={"missing": absent})
        return {"stages": [], "missing": absent}


@pytest.fixture
def platform(container_factory, rabbit_config, pg_database):
    """Customer and collateral services on one vhost, each on its own PostgreSQL database, and the loan
    service's checklist answer."""
    for cls in (CustomerService, CollateralService):
        url = pg_database(f"carloan_{cls.name}")
        migrate(cls, ROOT / cls.name, url=url, amqp_uri=rabbit_config["AMQP_URI"])
        container = container_factory(cls, {**rabbit_config, "DATABASE_URL": url,
                                            "PII_KEY": secrets.token_urlsafe(32)})
        container.start()
    LoanChecklists.missing, LoanChecklists.asked = {}, []
    container_factory(LoanChecklists, rabbit_config).start()
    return rabbit_config


@pytest.fixture
def events(platform):
    """Every event the collateral service publishes, as they arrive on a queue bound to its exchange."""
    tap = EventTap(platform["AMQP_URI"], "collateral")
    yield tap
    tap.close()


def handled(event_type, outcome):
    return REGISTRY.get_sample_value("carloan_events_handled_total", {
        "service": "collateral", "event_type": event_type, "outcome": outcome}) or 0


def rpc(config, user_id):
    return ClusterRpcProxy(config, context_data=as_actor(actor(user_id)))


def register_car(config, serial):
    with rpc(config, "clerk") as cluster:
        owner = cluster.customer.create_person({"name": "孙八", "id_number": "11010519491231002X",
                                                "phone": "13812345678"})
        return owner, cluster.collateral.create_vehicle({
            "vin": vin(serial), "plate_number": "粤BD12345", "brand": "比亚迪", "model": "汉 EV", "year": 2024,
            "mileage_km": 12000, "owner_customer_id": owner["id"]})


def test_a_valuation_needs_another_reviewer_and_counts_for_90_days(platform, events):
    _, car = register_car(platform, 1)
    with rpc(platform, "appraiser-a") as a, rpc(platform, "appraiser-b") as b:
        valuation = a.collateral.submit_valuation(car["id"], {"appraised_value": "200000.00", "method": "market"})
        assert valuation["status"] == "submitted"
        assert a.collateral.current_valuation(car["id"]) is None  # not approved yet
        with pytest.raises(Forbidden) as own:
            a.collateral.review_valuation(valuation["id"], {"approve": True})
        assert own.value.code == "SELF_REVIEW"
        approved = b.collateral.review_valuation(valuation["id"], {"approve": True, "comment": "同意"})
        assert approved["status"] == "approved" and approved["reviewed_by"] == "appraiser-b"
        with pytest.raises(Conflict):
            b.collateral.review_valuation(valuation["id"], {"approve": False})

        today = clock.today()
        assert b.collateral.current_valuation(car["id"])["appraised_value"] == "200000.00"
        on_day_90 = (today + dt.timedelta(days=90)).isoformat()
        on_day_91 = (today + dt.timedelta(days=91)).isoformat()
        assert b.collateral.current_valuation(car["id"], as_of=on_day_90)["id"] == valuation["id"]
        assert b.collateral.current_valuation(car["id"], as_of=on_day_91) is None

        # A later approved valuation replaces it; a rejected one never counts.
        older = a.collateral.submit_valuation(car["id"], {"appraised_value": "150000.00", "method": "market",
                                                          "valued_on": (today - dt.timedelta(days=10)).isoformat()})
        b.collateral.review_valuation(older["id"], {"approve": True})
        rejected = a.collateral.submit_valuation(car["id"], {"appraised_value": "999999.00", "method": "market"})
        b.collateral.review_valuation(rejected["id"], {"approve": False, "comment": "偏高"})
        assert b.collateral.current_valuation(car["id"])["id"] == valuation["id"]
        assert b.collateral.list_valuations(vehicle_id=car["id"])["total"] == 3
    approved_events = wait_until(lambda: len(events("valuation_approved")) == 2 and events("valuation_approved"),
                                 message="two valuation_approved events")
    assert {e["payload"]["appraised_value"] for e in approved_events} == {"200000.00", "150000.00"}


def test_vehicle_registration_checks(platform):
    owner, car = register_car(platform, 2)
    with rpc(platform, "clerk") as cluster:
        with pytest.raises(ValidationFailed) as bad:
            cluster.collateral.create_vehicle({"vin": "LSVAM4186C2000002", "brand": "x", "model": "y", "year": 2024,
                                               "owner_customer_id": owner["id"]})
        assert bad.value.code == "VIN_INVALID" and "check digit" in bad.value.errors["vin"][0]
        with pytest.raises(Conflict) as duplicate:
            cluster.collateral.create_vehicle({"vin": vin(2).lower(), "brand": "x", "model": "y", "year": 2024,
                                               "owner_customer_id": owner["id"]})
        assert duplicate.value.extra["existing_id"] == car["id"]
        with pytest.raises(ValidationFailed) as nobody:
            cluster.collateral.create_vehicle({"vin": vin(3), "brand": "x", "model": "y", "year": 2024,
                                               "owner_customer_id": str(uuid.uuid4())})
        assert nobody.value.code == "CUSTOMER_NOT_FOUND"
        assert cluster.collateral.list_vehicles(q=vin(3))["total"] == 0  # nothing half-written


def test_loan_events_delivered_twice_open_each_task_once_and_alerts_become_events_once(platform, events):
    owner, car = register_car(platform, 4)
    uri, loan_id = platform["AMQP_URI"], f"loan-{uuid.uuid4().hex[:8]}"
    disbursed_on = clock.today() - dt.timedelta(days=5)  # installation was due two days ago
    duplicates_before = handled("loan.disbursed", "duplicate")
    publish_event(uri, "loan", "disbursed", {"loan_id": loan_id, "customer_id": owner["id"], "vehicle_id": car["id"],
                                             "department_id": "dept-1", "principal": "150000.00"},
                  times=2, business_date=disbursed_on.isoformat())
    # Both deliveries handled: one applied, the other recognised as a duplicate.
    wait_until(lambda: handled("loan.disbursed", "duplicate") > duplicates_before, message="the second delivery")
    with rpc(platform, "clerk") as cluster:
        tasks = cluster.collateral.list_tasks(loan_id=loan_id)["items"]
        assert sorted(t["kind"] for t in tasks) == ["gps_install", "mortgage_registration"]
        gps = next(t for t in tasks if t["kind"] == "gps_install")
        assert gps["due_on"] == (disbursed_on + dt.timedelta(days=3)).isoformat() and gps["overdue"] is True
        assert gps["department_id"] == "dept-1" and gps["vin"] == car["vin"]
        late = cluster.collateral.list_tasks(kinds=["gps_install"], overdue=True)["items"]
        assert [t["id"] for t in late] == [gps["id"]]

        # An alert for a device nobody installed is refused.
        imei = "490154203237518"
        alert = {"device_imei": imei, "kind": "offline", "at": "2026-11-28T08:00:00+08:00"}
        with pytest.raises(ValidationFailed) as unknown:
            cluster.collateral.receive_gps_alert(alert)
        assert unknown.value.code == "GPS_DEVICE_UNKNOWN"

        # Without the installation photo its product asks for, the task stays open and the device unknown.
        photo = {"owner_type": "gps_task", "owner_id": gps["id"], "category": "gps_installation_photo"}
        LoanChecklists.missing[loan_id] = [photo]
        with pytest.raises(Conflict) as no_photo:
            cluster.collateral.complete_gps_task(gps["id"], {"device_imei": imei,
                                                             "installed_on": clock.today().isoformat()})
        assert no_photo.value.code == "DOCUMENTS_MISSING" and no_photo.value.extra["missing"] == [photo]
        assert cluster.collateral.get_task(gps["id"])["status"] == "open"
        with pytest.raises(ValidationFailed):
            cluster.collateral.receive_gps_alert(alert)
        assert LoanChecklists.asked[-1] == (loan_id, "gps_install", {"gps_task": gps["id"], "vehicle": car["id"]},
                                            True)

        LoanChecklists.missing[loan_id] = []  # the photo is uploaded
        installed = cluster.collateral.complete_gps_task(gps["id"], {"device_imei": imei,
                                                                     "installed_on": clock.today().isoformat()})
        assert installed["status"] == "completed" and installed["installer"] == "clerk"
        with pytest.raises(Conflict):
            cluster.collateral.complete_gps_task(gps["id"], {"device_imei": imei,
                                                             "installed_on": clock.today().isoformat()})

        first = cluster.collateral.receive_gps_alert(alert)
        again = cluster.collateral.receive_gps_alert({**alert, "at": "2026-11-28T00:00:00Z"})  # same instant
        assert first["created"] and not again["created"] and again["alert"]["id"] == first["alert"]["id"]
        assert cluster.collateral.list_gps_alerts(loan_id=loan_id)["total"] == 1

    gps_alerts = wait_until(lambda: events("gps_alert"), message="the gps_alert event")
    assert wait_until(lambda: events("gps_installed"), message="gps_installed")[0]["payload"]["device_imei"] == imei
    assert len(gps_alerts) == 1 and gps_alerts[0]["payload"]["loan_id"] == loan_id
    assert gps_alerts[0]["payload"]["customer_id"] == owner["id"]


def test_settlement_opens_release_and_removal_and_release_publishes(platform, events):
    owner, car = register_car(platform, 5)
    uri, loan_id = platform["AMQP_URI"], f"loan-{uuid.uuid4().hex[:8]}"
    publish_event(uri, "loan", "disbursed", {"loan_id": loan_id, "customer_id": owner["id"], "vehicle_id": car["id"],
                                             "department_id": "dept-1", "principal": "100000.00"}, times=1,
                  business_date=(clock.today() - dt.timedelta(days=60)).isoformat())
    with rpc(platform, "clerk") as cluster:
        wait_until(lambda: cluster.collateral.list_tasks(loan_id=loan_id)["total"] == 2, message="tasks")
        mortgage = cluster.collateral.list_tasks(loan_id=loan_id, kinds=["mortgage_registration"])["items"][0]
        registered = cluster.collateral.register_mortgage(mortgage["id"], {
            "certificate_no": "粤B-DY-2026-0001", "registered_on": (clock.today() - dt.timedelta(days=55)).isoformat()})
        assert registered["registered_on"] and registered["status"] == "completed"

        publish_event(uri, "loan", "settled", {"loan_id": loan_id, "customer_id": owner["id"]}, times=2)
        wait_until(lambda: cluster.collateral.list_tasks(loan_id=loan_id)["total"] == 4, message="settlement tasks")
        tasks = {t["kind"]: t for t in cluster.collateral.list_tasks(loan_id=loan_id)["items"]}
        assert tasks["gps_install"]["status"] == "cancelled"  # never installed, no longer needed
        assert tasks["mortgage_release"]["status"] == "open" and tasks["gps_removal"]["status"] == "open"
        with pytest.raises(ValidationFailed) as early:
            cluster.collateral.complete_release(tasks["mortgage_release"]["id"], {
                "released_on": (clock.today() - dt.timedelta(days=1)).isoformat()})
        assert early.value.code == "DATE_BEFORE_TASK"
        released = cluster.collateral.complete_release(tasks["mortgage_release"]["id"],
                                                       {"released_on": clock.today().isoformat()})
        assert released["certificate_no"] == "粤B-DY-2026-0001"
    released_events = wait_until(lambda: events("mortgage_released"), message="mortgage_released")
    assert released_events[0]["payload"]["loan_id"] == loan_id
    assert [e["payload"]["certificate_no"] for e in events("mortgage_registered")] == ["粤B-DY-2026-0001"]


def test_a_debt_transfer_moves_the_car_to_the_new_borrower_and_opens_a_new_registration(platform):
    owner, car = register_car(platform, 6)
    uri, loan_id = platform["AMQP_URI"], f"loan-{uuid.uuid4().hex[:8]}"
    publish_event(uri, "loan", "disbursed", {"loan_id": loan_id, "customer_id": owner["id"], "vehicle_id": car["id"],
                                             "department_id": "dept-1", "principal": "100000.00"}, times=1)
    publish_event(uri, "loan", "transferred", {"loan_id": loan_id, "customer_id": "new-borrower",
                                               "previous_customer_id": owner["id"]}, times=2)
    with rpc(platform, "clerk") as cluster:
        wait_until(lambda: cluster.collateral.get_vehicle(car["id"])["owner_customer_id"] == "new-borrower",
                   message="the new owner")
        vehicle = cluster.collateral.get_vehicle(car["id"])
        assert vehicle["owner_history"] == [{"from_customer_id": owner["id"], "to_customer_id": "new-borrower",
                                             "loan_id": loan_id, "changed_on": clock.today().isoformat()}]
        registrations = wait_until(
            lambda: cluster.collateral.list_tasks(loan_id=loan_id, kinds=["mortgage_registration"])["total"] == 2
            and cluster.collateral.list_tasks(loan_id=loan_id, kinds=["mortgage_registration"]),
            message="a second mortgage registration")
        assert registrations["total"] == 2


def test_without_the_customer_service_a_vehicle_is_refused_with_503_and_nothing_written(
        container_factory, rabbit_config, pg_database):
    url = pg_database("carloan_collateral")
    migrate(CollateralService, ROOT / "collateral", url=url, amqp_uri=rabbit_config["AMQP_URI"])
    container_factory(CollateralService, {**rabbit_config, "DATABASE_URL": url}).start()
    with rpc(rabbit_config, "clerk") as cluster:
        with pytest.raises(Unavailable) as down:
            cluster.collateral.create_vehicle({"vin": vin(7), "brand": "x", "model": "y", "year": 2024,
                                               "owner_customer_id": str(uuid.uuid4())})
        assert down.value.code == "SERVICE_UNAVAILABLE" and "customer" in down.value.detail
        assert cluster.collateral.list_vehicles()["total"] == 0
