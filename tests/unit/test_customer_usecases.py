"""The customer service's use cases on the real unit of work over an in-memory SQLite database (tests/fakes.py): what
they store, emit and audit, and that a refusal leaves nothing written."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.common.pii import PiiCipher
from services.customer import views
from services.customer.models import Base, BlacklistEntry, Customer, LoanHistory
from services.customer.usecases import blacklist, corrections, history, reading, registration
from tests.fakes import FakeUnitOfWork, actor
from tests.helpers import new_id_number, new_phone

PII = PiiCipher(b"k" * 32)
OFFICER = actor("e-officer", permissions=("customer.manage",), department_id="d-hz", data_scope="department")
VALID_USCC, EARLY_USCC = "91350100M000100Y43", "91350100M000100Y44"  # the second fails its check character


def a_person(**overrides):
    return {"name": "赵六", "id_number": new_id_number(), "phone": new_phone(), "address": "杭州市西湖区",
            "employer": "某公司", "monthly_income": Decimal("18000.00"), **overrides}


def an_enterprise(**overrides):
    return {"name": "杭州某某汽车服务有限公司", "uscc": VALID_USCC, "legal_representative": "钱七",
            "legal_representative_id_number": new_id_number(), "phone": new_phone(), "address": None,
            "registered_capital": Decimal("5000000.00"), "accept_uscc_warning": False, **overrides}


@pytest.fixture
def uow():
    unit = FakeUnitOfWork("customer", Base.metadata, acting=OFFICER)
    yield unit
    unit.close()


def count(uow, model):
    return uow.session.scalar(select(func.count()).select_from(model))


class FakeCollection:
    """The collection service's proxy as `services.common.ask` calls it: which customers a task lets one read."""
    service_name = "collection"

    def __init__(self, granted=()):
        self.granted, self.asked = set(granted), []

    @property
    def task_grants_read(self):
        proxy = self

        class Call:
            @staticmethod
            def call_async(**about):
                proxy.asked.append(about)
                return type("Reply", (), {"result": staticmethod(lambda: about["customer_id"] in proxy.granted)})
        return Call


# -- registration -------------------------------------------------------------------------------------------------
def test_a_registered_person_is_stored_sealed_owned_by_the_officer_announced_and_audited(uow):
    data = a_person(id_number=new_id_number().lower(), phone=" 13912345678 ")
    customer = registration.register_person(uow, data, pii=PII)
    uow.commit()

    stored = uow.session.get(Customer, customer.id)
    assert (stored.officer_id, stored.department_id) == ("e-officer", "d-hz")
    assert data["id_number"].upper() not in stored.id_number_enc and "13912345678" not in stored.phone_enc
    assert PII.decrypt(stored.id_number_enc) == data["id_number"].upper()
    assert stored.phone_hash == PII.digest("13912345678")  # the phone is stripped before it is sealed
    assert uow.events("customer.created") == [{"customer_id": customer.id, "type": "person",
                                               "department_id": "d-hz", "officer_id": "e-officer"}]
    assert uow.audits("create_person") == [("create_person", "customer", customer.id, {"name": "赵六"})]
    answer = views.customer(stored, PII)
    assert answer["phone"] == "139****5678" and answer["monthly_income"] == "18000.00"
    assert answer["id_number"].startswith(data["id_number"][:3]) and "*" in answer["id_number"]


def test_a_person_registered_twice_is_refused_with_the_existing_id_and_nothing_more_is_written(uow):
    first = registration.register_person(uow, a_person(id_number="11010519491231002X"), pii=PII)
    uow.commit()
    with pytest.raises(Conflict) as refused:
        registration.register_person(uow, a_person(id_number=" 11010519491231002x ", name="另一个人"), pii=PII)
    uow.rollback()
    assert refused.value.code == "CUSTOMER_DUPLICATE" and refused.value.extra == {"existing_id": first.id}
    assert count(uow, Customer) == 1
    assert len(uow.events("customer.created")) == 1 and len(uow.audits("create_person")) == 1


def test_an_invalid_id_number_or_phone_is_refused_on_its_field(uow):
    with pytest.raises(ValidationFailed) as bad_id:
        registration.register_person(uow, a_person(id_number="110105194912310021"), pii=PII)
    with pytest.raises(ValidationFailed) as bad_phone:
        registration.register_person(uow, a_person(phone="12345"), pii=PII)
    uow.rollback()
    assert (bad_id.value.code, list(bad_id.value.errors)) == ("ID_NUMBER_INVALID", ["id_number"])
    assert (bad_phone.value.code, list(bad_phone.value.errors)) == ("PHONE_INVALID", ["phone"])
    assert count(uow, Customer) == 0 and uow.events() == []


def test_an_enterprise_whose_uscc_fails_its_check_is_registered_only_when_the_caller_accepts_it(uow):
    with pytest.raises(ValidationFailed) as refused:
        registration.register_enterprise(uow, an_enterprise(uscc=EARLY_USCC), pii=PII)
    uow.rollback()
    assert refused.value.code == "USCC_CHECK_FAILED" and count(uow, Customer) == 0

    accepted = registration.register_enterprise(uow, an_enterprise(uscc=EARLY_USCC.lower(), accept_uscc_warning=True),
                                                pii=PII)
    uow.commit()
    stored = uow.session.get(Customer, accepted.id)
    assert stored.uscc == EARLY_USCC and "check character" in stored.uscc_warning
    assert uow.events("customer.created")[0]["type"] == "enterprise"
    with pytest.raises(Conflict) as again:
        registration.register_enterprise(uow, an_enterprise(uscc=EARLY_USCC, accept_uscc_warning=True), pii=PII)
    assert again.value.extra == {"existing_id": accepted.id}


# -- corrections --------------------------------------------------------------------------------------------------
def test_a_contact_correction_changes_only_what_differs_and_audits_it_masked(uow):
    customer = registration.register_person(uow, a_person(address="杭州市西湖区"), pii=PII)
    uow.commit()
    corrections.correct_customer(uow, customer.id, {"phone": "13800001111", "address": "杭州市西湖区"}, pii=PII)
    uow.commit()

    stored = uow.session.get(Customer, customer.id)
    assert PII.decrypt(stored.phone_enc) == "13800001111" and stored.phone_hash == PII.digest("13800001111")
    [(action, _, target, changes)] = uow.audits("update_customer")
    assert target == customer.id and list(changes) == ["phone"]  # the address was given as it was: no change
    assert "13800001111" not in str(changes)
    assert uow.audits("correct_customer_identity") == []


def test_an_identity_correction_needs_its_permission_and_changes_nothing_without_it(uow):
    person = a_person()
    customer = registration.register_person(uow, person, pii=PII)
    uow.commit()
    new_number = new_id_number()
    with pytest.raises(Forbidden) as refused:
        corrections.correct_customer(uow, customer.id, {"id_number": new_number, "phone": "13800001111"}, pii=PII)
    uow.rollback()
    assert refused.value.code == "PERMISSION_DENIED" and refused.value.extra == {
        "permissions": ["customer.identity.correct"]}
    stored = uow.session.get(Customer, customer.id)
    assert PII.decrypt(stored.id_number_enc) == person["id_number"] and PII.decrypt(stored.phone_enc) == person["phone"]
    assert uow.audits("update_customer") == [] and uow.audits("correct_customer_identity") == []

    uow.as_(actor("e-lead", permissions=("customer.manage", "customer.identity.correct"), department_id="d-hz"))
    corrections.correct_customer(uow, customer.id, {"id_number": new_number}, pii=PII)
    uow.commit()
    assert uow.session.get(Customer, customer.id).id_number_hash == PII.digest(new_number)
    assert [a[0] for a in uow.audits()] == ["create_person", "correct_customer_identity"]


def test_a_field_a_person_has_not_is_refused_and_a_customer_out_of_scope_is_not_found(uow):
    customer = registration.register_person(uow, a_person(), pii=PII)
    uow.commit()
    with pytest.raises(ValidationFailed) as foreign:
        corrections.correct_customer(uow, customer.id, {"uscc": VALID_USCC}, pii=PII)
    assert foreign.value.code == "FIELD_NOT_APPLICABLE" and list(foreign.value.errors) == ["uscc"]
    uow.as_(actor("e-other", permissions=("customer.manage",), department_id="d-nb", data_scope="department"))
    with pytest.raises(NotFound) as hidden:
        corrections.correct_customer(uow, customer.id, {"address": "宁波"}, pii=PII)
    assert hidden.value.code == "CUSTOMER_NOT_FOUND"


# -- reading ------------------------------------------------------------------------------------------------------
def test_a_collector_reads_a_customer_of_their_task_and_unmasking_needs_its_permission(uow):
    customer = registration.register_person(uow, a_person(phone="13912345678"), pii=PII)
    uow.commit()
    collector = actor("e-collector", permissions=("collection.task.work",), department_id="d-nb",
                      data_scope="department")
    uow.as_(collector)
    with pytest.raises(NotFound):
        reading.read_customer(uow, customer.id, collection=FakeCollection())
    file = reading.read_customer(uow, customer.id, collection=FakeCollection(granted={customer.id}))
    assert views.customer_file(file, PII)["phone"] == "139****5678"
    with pytest.raises(Forbidden):
        reading.read_customer(uow, customer.id, unmask=True, collection=FakeCollection(granted={customer.id}))
    assert uow.audits("unmask_customer") == []

    uow.as_(actor("e-admin", permissions=("customer.unmask",)))
    file = reading.read_customer(uow, customer.id, unmask=True, collection=FakeCollection())
    assert views.customer_file(file, PII)["phone"] == "13912345678"
    assert uow.audits("unmask_customer")[0][2:] == (customer.id, {"fields": ["id_number", "phone"]})


def test_customers_are_found_by_exact_phone_within_the_scope(uow):
    mine = registration.register_person(uow, a_person(phone="13911112222"), pii=PII)
    registration.register_person(uow, a_person(phone="13933334444"), pii=PII)
    uow.as_(actor("e-nb", department_id="d-nb", data_scope="department"))
    registration.register_person(uow, a_person(phone="13955552222"), pii=PII)
    uow.commit()
    uow.as_(OFFICER)
    page = reading.find_customers(uow, {"type": "person", "q": " 13911112222 ", "page": 1, "page_size": 20}, pii=PII)
    assert [c.id for c in page["items"]] == [mine.id] and page["total"] == 1
    assert reading.find_customers(uow, {"type": None, "q": None, "page": 1, "page_size": 20}, pii=PII)["total"] == 2


# -- blacklist ----------------------------------------------------------------------------------------------------
def test_a_blacklisted_id_number_stops_its_customer_borrowing_until_the_entry_is_removed(uow):
    person = a_person()
    customer = registration.register_person(uow, person, pii=PII)
    entry = blacklist.add_entry(uow, {"customer_id": None, "id_number": person["id_number"], "uscc": None,
                                      "reason": "法院失信被执行人"}, pii=PII)
    uow.commit()
    verdict = blacklist.check_eligibility(uow, {"customer_id": customer.id}, pii=PII)
    assert not verdict.may_borrow and verdict.reasons == ("id_number: 法院失信被执行人",)
    assert reading.read_customer(uow, customer.id, collection=None).blacklisted
    assert uow.events("customer.blacklisted") == [{"entry_id": entry.id, "customer_id": None,
                                                   "id_number_hash": PII.digest(person["id_number"]),
                                                   "uscc": None, "reason": "法院失信被执行人"}]

    blacklist.remove_entry(uow, entry.id)
    blacklist.remove_entry(uow, entry.id)  # a second removal changes nothing
    uow.commit()
    assert blacklist.check_eligibility(uow, {"customer_id": customer.id}, pii=PII).may_borrow
    assert len(uow.events("customer.unblacklisted")) == 1 and len(uow.audits("unblacklist")) == 1
    assert uow.session.get(BlacklistEntry, entry.id).removed_by == "e-officer"
    assert blacklist.find_entries(uow, {"active": True, "page": 1, "page_size": 20})["total"] == 0
    assert blacklist.find_entries(uow, {"active": False, "page": 1, "page_size": 20})["total"] == 1


def test_a_blacklist_entry_names_exactly_one_target_and_a_refusal_writes_nothing(uow):
    with pytest.raises(ValidationFailed) as two:
        blacklist.add_entry(uow, {"customer_id": None, "id_number": new_id_number(), "uscc": VALID_USCC,
                                  "reason": "x"}, pii=PII)
    with pytest.raises(ValidationFailed) as bad:
        blacklist.add_entry(uow, {"customer_id": None, "id_number": None, "uscc": "NOT-A-CODE", "reason": "x"},
                            pii=PII)
    with pytest.raises(NotFound):
        blacklist.add_entry(uow, {"customer_id": "nobody", "id_number": None, "uscc": None, "reason": "x"}, pii=PII)
    with pytest.raises(NotFound) as unknown:
        blacklist.check_eligibility(uow, {"customer_id": "nobody"}, pii=PII)
    uow.rollback()
    assert (two.value.code, bad.value.code, unknown.value.code) == (
        "BLACKLIST_TARGET", "USCC_INVALID", "CUSTOMER_NOT_FOUND")
    assert count(uow, BlacklistEntry) == 0 and uow.events() == [] and uow.audits() == []


# -- loan history -------------------------------------------------------------------------------------------------
def test_the_loan_history_takes_events_out_of_order_and_gives_the_credit_status(uow):
    customer = registration.register_person(uow, a_person(), pii=PII)
    cid = customer.id
    history.record_disbursement(uow, {"loan_id": "loan-1", "application_id": "app-1", "customer_id": cid,
                                      "principal": Decimal("150000.00")}, business_date="2026-09-24",
                                occurred_at="2026-09-24T02:00:00+00:00")
    history.record_application(uow, {"application_id": "app-1", "customer_id": cid, "amount": Decimal("150000.00")})
    history.record_dpd(uow, {"loan_id": "loan-1", "customer_id": cid, "dpd": 45,
                             "outstanding_principal": Decimal("120000.00")},
                       business_date="2026-12-03", occurred_at="2026-12-03T01:00:00+00:00")
    history.record_dpd(uow, {"loan_id": "loan-1", "customer_id": cid, "dpd": 30,  # older: only the worst is kept
                             "outstanding_principal": Decimal("125000.00")},
                       business_date="2026-11-18", occurred_at="2026-11-18T01:00:00+00:00")
    history.record_classification(uow, {"loan_id": "loan-1", "customer_id": cid, "classification": "special_mention"})
    history.record_disbursement(uow, {"loan_id": "loan-2", "application_id": None, "customer_id": cid,
                                      "principal": Decimal("80000.00")}, business_date="2026-10-01",
                                occurred_at="2026-10-01T02:00:00+00:00")
    history.record_settlement(uow, {"loan_id": "loan-2", "customer_id": cid}, business_date="2026-12-01",
                              occurred_at="2026-12-01T02:00:00+00:00")
    history.record_application(uow, {"application_id": "app-4", "customer_id": cid, "amount": Decimal("5000.00")})
    history.record_rejection(uow, {"application_id": "app-4", "customer_id": cid})
    uow.commit()

    assert uow.session.get(LoanHistory, "app-1").status == "converted"  # not moved back by the late application
    loan = uow.session.get(LoanHistory, "loan-1")
    assert (loan.dpd, loan.worst_dpd, loan.outstanding_principal) == (45, 45, Decimal("120000.00"))
    answer = views.customer_file(reading.read_customer(uow, cid, collection=None), PII)
    assert sorted(row["loan_id"] for row in answer["loans"]) == ["app-4", "loan-1", "loan-2"]
    assert answer["credit"] == {"loans_count": 2, "applications_pending": 0, "total_amount": "230000.00",
                                "exposure": "120000.00", "worst_dpd": 45, "worst_classification": "special_mention"}
    assert answer["blacklisted"] is False


def test_a_transferred_loan_leaves_the_previous_borrowers_history(uow):
    old = registration.register_person(uow, a_person(), pii=PII)
    new = registration.register_person(uow, a_person(), pii=PII)
    history.record_disbursement(uow, {"loan_id": "loan-1", "application_id": None, "customer_id": old.id,
                                      "principal": Decimal("100000.00")}, business_date="2026-09-24",
                                occurred_at="2026-09-24T02:00:00+00:00")
    history.record_transfer(uow, {"loan_id": "loan-1", "customer_id": new.id, "previous_customer_id": old.id})
    uow.commit()
    assert reading.read_customer(uow, old.id, collection=None).loans == []
    assert [row.loan_id for row in reading.read_customer(uow, new.id, collection=None).loans] == ["loan-1"]
