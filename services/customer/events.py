"""The events the customer service publishes about its blacklist (`customer.<type>`), each built by one function
here; consumers load them through schemas of their own (tests/unit/test_event_contracts.py)."""


def blacklist_entry(kind, entry):
    """`blacklisted` or `unblacklisted`: the entry, by its customer and its identity's keyed hash or USCC."""
    return kind, {"entry_id": entry.id, "customer_id": entry.customer_id, "id_number_hash": entry.id_number_hash,
                  "uscc": entry.uscc, "reason": entry.reason}
