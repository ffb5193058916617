"""The blacklist (黑名单): entries by customer, or by a bare ID number or USCC of someone not (yet) a customer;
removing one keeps it, marked removed; and who may borrow, asked by the loan service."""
from sqlalchemy import select

from services.common.clock import utcnow
from services.common.errors import NotFound, field_error
from services.common.pagination import paginate
from services.customer import domain, events
from services.customer.models import BlacklistEntry, Customer
from services.customer.usecases.shared import (blacklist_hits, customer_blacklist_hits, valid_id_number, valid_uscc,
                                               visible_customer)


def add_entry(uow, data, *, pii):
    """Blacklist exactly one of `customer_id` (a customer the actor may see), `id_number` or `uscc` for `reason`
    (`BlacklistIn`): stored, audited and published as `customer.blacklisted`."""
    given = [key for key in ("customer_id", "id_number", "uscc") if data[key]]
    if len(given) != 1:
        raise field_error("customer_id", "give exactly one of customer_id, id_number or uscc",
                          code="BLACKLIST_TARGET")
    entry = BlacklistEntry(reason=data["reason"], created_by=uow.actor.user_id)
    if data["customer_id"]:
        entry.customer_id = visible_customer(uow, data["customer_id"]).id
    elif data["id_number"]:
        id_number = valid_id_number(data["id_number"], "id_number")
        entry.id_number_hash = pii.digest(id_number)
        entry.id_number_enc = pii.encrypt(id_number)
    else:
        entry.uscc, _ = valid_uscc(data["uscc"])
    uow.session.add(entry)
    uow.session.flush()
    uow.audit("blacklist", "blacklist_entry", entry.id, {"reason": data["reason"]})
    uow.emit(*events.blacklist_entry("blacklisted", entry))
    return entry


def remove_entry(uow, entry_id):
    """Mark an entry removed (once: removing it again changes nothing), audited and published as
    `customer.unblacklisted`; 404 `BLACKLIST_ENTRY_NOT_FOUND` for an unknown entry."""
    entry = uow.session.get(BlacklistEntry, entry_id)
    if entry is None:
        raise NotFound("no such blacklist entry", code="BLACKLIST_ENTRY_NOT_FOUND")
    if entry.removed_at is None:
        entry.removed_at, entry.removed_by = utcnow(), uow.actor.user_id
        uow.audit("unblacklist", "blacklist_entry", entry.id, {})
        uow.emit(*events.blacklist_entry("unblacklisted", entry))
    return entry


def find_entries(uow, data):
    """One page (`data`: `active`, `page`, `page_size`) of entries, newest first, only those in force if `active`:
    a page envelope whose `items` are `BlacklistEntry` rows."""
    query = select(BlacklistEntry).order_by(BlacklistEntry.created_at.desc(), BlacklistEntry.id)
    if data.get("active"):
        query = query.where(BlacklistEntry.removed_at.is_(None))
    return paginate(uow.session, query, data.get("page", 1), data.get("page_size", 20))


def check_eligibility(uow, data, *, pii):
    """May this customer, ID number or USCC (`data`: any of `customer_id`, `id_number`, `uscc`) borrow? A
    `domain.Eligibility`; 404 `CUSTOMER_NOT_FOUND` for an unknown customer (asked by the loan service, unscoped)."""
    hits = []
    if data.get("customer_id"):
        customer = uow.session.get(Customer, data["customer_id"])
        if customer is None:
            raise NotFound("no such customer", code="CUSTOMER_NOT_FOUND")
        hits += customer_blacklist_hits(uow, customer)
    if data.get("id_number"):
        hits += blacklist_hits(uow, id_number_hash=pii.digest(domain.normalize_id_number(data["id_number"])))
    if data.get("uscc"):
        hits += blacklist_hits(uow, uscc=domain.normalize_uscc(data["uscc"]))
    return domain.eligibility(hits)
