"""The events the collection service publishes (`collection.<type>`), each built by one function here; consumers
load them through schemas of their own (tests/unit/test_event_contracts.py loads every builder's payload through
every consumer's schema)."""
from services.common.jsonutil import money


def classification_changed(loan, grade, previous, source):
    """A loan's five-level grade changed (the loan, customer and finance services keep it)."""
    return "classification_changed", {
        "loan_id": loan.loan_id, "contract_no": loan.contract_no, "customer_id": loan.customer_id,
        "department_id": loan.department_id, "classification": grade, "previous": previous, "source": source,
        "dpd": loan.dpd, "outstanding_principal": money(loan.outstanding_principal)}
