"""Correcting a customer: contact data (`customer.manage`) and the identity number (`customer.identity.correct`),
each checked as at registration; the fields that really change are audited before and after (masked as the audit
log masks), contact and identity in separate records."""
from sqlalchemy import select

from services.common import audit
from services.common.errors import Conflict, Forbidden, ValidationFailed, field_error
from services.customer import domain
from services.customer.models import Customer
from services.customer.usecases.shared import valid_id_number, valid_phone, valid_uscc, visible_customer


def correct_customer(uow, customer_id, data, *, pii):
    """Apply the correction `data` (`CustomerPatch`) to the customer, locked; a field given with the value it has is
    no change. Refuses a field this type of customer has not (422 `FIELD_NOT_APPLICABLE`), a change without its
    permission (403 `PERMISSION_DENIED`) and an identity number registered to another customer (409)."""
    customer = visible_customer(uow, customer_id, lock=True)
    foreign = domain.foreign_fields(customer.type, data)
    if foreign:
        raise ValidationFailed("; ".join(f"{f}: {m}" for f, m in foreign), code="FIELD_NOT_APPLICABLE",
                               errors={f: [m] for f, m in foreign})
    current = _correctable(customer, pii)
    wanted = _corrected(customer, data)
    changed = {key: value for key, value in wanted.items() if value != current[key]}
    for permission, fields in domain.permissions_for(customer.type, changed).items():
        if not uow.actor.has(permission):
            raise Forbidden(f"changing {', '.join(fields)} needs the permission {permission}",
                            code="PERMISSION_DENIED", extra={"permissions": [permission]})
    _check_unique(uow, customer, changed, pii)
    _apply(customer, changed, pii)
    identity = [key for key in changed if key in domain.IDENTITY_FIELDS[customer.type]]
    contact = [key for key in changed if key not in identity]
    if contact:
        uow.audit("update_customer", "customer", customer.id,
                  audit.changes({k: current[k] for k in contact}, {k: changed[k] for k in contact}))
    if identity:
        uow.audit("correct_customer_identity", "customer", customer.id,
                  audit.changes({k: current[k] for k in identity}, {k: changed[k] for k in identity}))
    return customer


def _correctable(customer, pii):
    """The correctable fields as they are, in clear (compared with the correction, never answered)."""
    number = pii.decrypt(customer.id_number_enc)
    values = {"phone": pii.decrypt(customer.phone_enc), "address": customer.address}
    if customer.type == "person":
        return {**values, "employer": customer.employer, "monthly_income": customer.monthly_income,
                "id_number": number}
    return {**values, "legal_representative": customer.legal_representative,
            "legal_representative_id_number": number, "uscc": customer.uscc}


def _corrected(customer, data):
    """The fields of `data`, checked and normalised as at registration."""
    wanted = {key: value for key, value in data.items() if key != "accept_uscc_warning"}
    if "phone" in data:
        wanted["phone"] = valid_phone(data["phone"])
    for field in ("id_number", "legal_representative_id_number"):
        if field in data:
            wanted[field] = valid_id_number(data[field], field)
    if "uscc" in data:
        wanted["uscc"], warning = valid_uscc(data["uscc"])
        if warning and wanted["uscc"] != customer.uscc and not data.get("accept_uscc_warning"):
            raise field_error("uscc", f"{warning}; send accept_uscc_warning=true to keep it anyway",
                              code="USCC_CHECK_FAILED")
    return wanted


def _check_unique(uow, customer, changed, pii):
    existing = None
    if "id_number" in changed:
        existing = uow.session.scalars(select(Customer.id).where(
            Customer.type == "person", Customer.id != customer.id,
            Customer.id_number_hash == pii.digest(changed["id_number"]))).first()
    if "uscc" in changed:
        existing = uow.session.scalars(select(Customer.id).where(
            Customer.id != customer.id, Customer.uscc == changed["uscc"])).first()
    if existing:
        raise Conflict(f"this identity number is already registered as customer {existing}",
                       code="CUSTOMER_DUPLICATE", extra={"existing_id": existing})


def _apply(customer, changed, pii):
    number = changed.get("id_number", changed.get("legal_representative_id_number"))
    if number is not None:
        customer.id_number_enc, customer.id_number_hash = pii.encrypt(number), pii.digest(number)
    if "phone" in changed:
        customer.phone_enc, customer.phone_hash = pii.encrypt(changed["phone"]), pii.digest(changed["phone"])
    if "uscc" in changed:
        customer.uscc, customer.uscc_warning = changed["uscc"], domain.uscc_problem(changed["uscc"])[1]
    for key in ("address", "employer", "monthly_income", "legal_representative"):
        if key in changed:
            setattr(customer, key, changed[key])
