"""What the customer service's RPCs answer, made from model objects and domain values: money as decimal strings,
times as ISO text, ID numbers and phones decrypted (`pii`) and masked unless the caller may see them whole."""
from services.common.jsonutil import money
from services.customer import domain


def customer(row, pii, unmask=False):
    """A person or an enterprise, as every customer RPC answers it."""
    id_number, phone = pii.decrypt(row.id_number_enc), pii.decrypt(row.phone_enc)
    if not unmask:
        id_number, phone = domain.mask_id_number(id_number), domain.mask_phone(phone)
    result = {"id": row.id, "type": row.type, "name": row.name, "phone": phone,
              "address": row.address, "department_id": row.department_id,
              "officer_id": row.officer_id, "created_at": row.created_at.isoformat()}
    if row.type == "person":
        result.update(id_number=id_number, employer=row.employer, monthly_income=money(row.monthly_income))
    else:
        result.update(uscc=row.uscc, uscc_warning=row.uscc_warning,
                      legal_representative=row.legal_representative,
                      legal_representative_id_number=id_number,
                      registered_capital=money(row.registered_capital))
    return result


def customers(page, pii):
    """A page of customers, masked."""
    return _page(page, lambda row: customer(row, pii))


def customer_file(file, pii):
    """A customer (`reading.CustomerFile`) with their loans, credit status and whether they are blacklisted."""
    return {**customer(file.customer, pii, unmask=file.unmasked), "loans": [loan(row) for row in file.loans],
            "credit": credit(file.credit), "blacklisted": file.blacklisted}


def loan(row):
    """One application or loan of a customer's history."""
    return {"loan_id": row.loan_id, "status": row.status, "amount": money(row.amount),
            "outstanding_principal": money(row.outstanding_principal), "dpd": row.dpd,
            "worst_dpd": row.worst_dpd, "classification": row.classification}


def credit(status):
    """A customer's `domain.Credit`."""
    return {"loans_count": status.loans_count, "applications_pending": status.applications_pending,
            "total_amount": money(status.total_amount), "exposure": money(status.exposure),
            "worst_dpd": status.worst_dpd, "worst_classification": status.worst_classification}


def brief(row):
    """Who a customer is, for other services: no personal data."""
    return {"id": row.id, "type": row.type, "name": row.name,
            "department_id": row.department_id, "officer_id": row.officer_id}


def blacklist_entry(entry, pii):
    """A blacklist entry, its ID number masked."""
    id_number = pii.decrypt(entry.id_number_enc)
    return {"id": entry.id, "customer_id": entry.customer_id, "id_number": domain.mask_id_number(id_number),
            "uscc": entry.uscc, "reason": entry.reason, "created_by": entry.created_by,
            "created_at": entry.created_at.isoformat(),
            "removed_by": entry.removed_by,
            "removed_at": entry.removed_at.isoformat() if entry.removed_at else None}


def blacklist(page, pii):
    """A page of blacklist entries."""
    return _page(page, lambda entry: blacklist_entry(entry, pii))


def eligibility(verdict):
    """A `domain.Eligibility`: may the party borrow, and if not, why."""
    return {"may_borrow": verdict.may_borrow, "reasons": list(verdict.reasons)}


def _page(page, dump):
    return {**page, "items": [dump(item) for item in page["items"]]}
