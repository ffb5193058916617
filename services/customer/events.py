"""The events the customer service publishes (`customer.<type>`), each built by one function here: what a consumer
may read in a payload is decided in this file and nowhere else. Each builder returns `(type, payload)`; a use case
emits it with `uow.emit(*events.created(customer))`.

Consumers load these payloads through schemas of their own (tests/unit/test_event_contracts.py loads every builder's
output through every consumer's schema for that event); `customer.created` has no consumer among the services yet."""


def created(customer):
    """`created`: a person or enterprise registered, by whom and in which department (no personal data)."""
    return "created", {"customer_id": customer.id, "type": customer.type,
                       "department_id": customer.department_id, "officer_id": customer.officer_id}


def blacklist_entry(kind, entry):
    """`blacklisted` or `unblacklisted`: the entry, by its customer and its identity's keyed hash or USCC."""
    return kind, {"entry_id": entry.id, "customer_id": entry.customer_id, "id_number_hash": entry.id_number_hash,
                  "uscc": entry.uscc, "reason": entry.reason}
