"""Registering a customer: a person by their resident ID number, an enterprise by its unified social credit code
(its legal representative's ID number kept too). Each identity is registered once (409 `CUSTOMER_DUPLICATE` with
the `existing_id`); ID numbers and phones are stored only encrypted, beside a keyed hash to find them by."""
from sqlalchemy import select

from services.common.errors import Conflict, field_error
from services.customer import events
from services.customer.models import Customer
from services.customer.usecases.shared import valid_id_number, valid_phone, valid_uscc


def register_person(uow, data, *, pii):
    """A person (`PersonIn`), owned by the registering employee and their department."""
    id_number = valid_id_number(data["id_number"], "id_number")
    phone = valid_phone(data["phone"])
    existing = uow.session.scalars(select(Customer.id).where(
        Customer.type == "person", Customer.id_number_hash == pii.digest(id_number))).first()
    if existing:
        raise Conflict(f"this ID number is already registered as customer {existing}",
                       code="CUSTOMER_DUPLICATE", extra={"existing_id": existing})
    customer = Customer(type="person", name=data["name"], address=data["address"],
                        employer=data["employer"], monthly_income=data["monthly_income"],
                        **_owner(uow), **_sealed(pii, id_number, phone))
    return _register(uow, customer)


def register_enterprise(uow, data, *, pii):
    """An enterprise (`EnterpriseIn`); a USCC whose check character fails is registered only with
    `accept_uscc_warning` (422 `USCC_CHECK_FAILED` otherwise), and the warning is kept."""
    uscc, warning = valid_uscc(data["uscc"])
    if warning and not data["accept_uscc_warning"]:
        raise field_error("uscc", f"{warning}; send accept_uscc_warning=true to register it anyway",
                          code="USCC_CHECK_FAILED")
    representative_id = valid_id_number(data["legal_representative_id_number"], "legal_representative_id_number")
    phone = valid_phone(data["phone"])
    existing = uow.session.scalars(select(Customer.id).where(Customer.uscc == uscc)).first()
    if existing:
        raise Conflict(f"this USCC is already registered as customer {existing}",
                       code="CUSTOMER_DUPLICATE", extra={"existing_id": existing})
    customer = Customer(type="enterprise", name=data["name"], uscc=uscc, uscc_warning=warning,
                        legal_representative=data["legal_representative"], address=data["address"],
                        registered_capital=data["registered_capital"],
                        **_owner(uow), **_sealed(pii, representative_id, phone))
    return _register(uow, customer)


def _owner(uow):
    return {"officer_id": uow.actor.user_id, "department_id": uow.actor.department_id}


def _sealed(pii, id_number, phone):
    return {"id_number_enc": pii.encrypt(id_number), "id_number_hash": pii.digest(id_number),
            "phone_enc": pii.encrypt(phone), "phone_hash": pii.digest(phone)}


def _register(uow, customer):
    uow.session.add(customer)
    uow.session.flush()
    uow.audit(f"create_{customer.type}", "customer", customer.id, {"name": customer.name})
    uow.emit(*events.created(customer))
    return customer
