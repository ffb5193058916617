"""What several customer use cases check and look up the same way: identity numbers and phones checked as at
registration, the customers the caller may see, and the active blacklist entries that match a customer."""
from sqlalchemy import select

from services.common.errors import NotFound, field_error
from services.common.scope import granted_by_task
from services.customer import domain
from services.customer.models import BlacklistEntry, Customer


def valid_id_number(raw, field):
    """A resident ID number, normalised; 422 `ID_NUMBER_INVALID` on `field` if it is not a valid one."""
    value = domain.normalize_id_number(raw)
    problem = domain.id_number_problem(value)
    if problem:
        raise field_error(field, problem, code="ID_NUMBER_INVALID")
    return value


def valid_phone(raw):
    """A mainland mobile number, stripped; 422 `PHONE_INVALID` otherwise."""
    value = (raw or "").strip()
    problem = domain.phone_problem(value)
    if problem:
        raise field_error("phone", problem, code="PHONE_INVALID")
    return value


def valid_uscc(raw):
    """(USCC normalised, warning or None); 422 `USCC_INVALID` if the code cannot be one. The caller decides what a
    warning (a failed check character) needs."""
    uscc = domain.normalize_uscc(raw)
    error, warning = domain.uscc_problem(uscc)
    if error:
        raise field_error("uscc", error, code="USCC_INVALID")
    return uscc, warning


def visible_customer(uow, customer_id, *, read=False, lock=False, collection=None):
    """A customer in the actor's data scope, else 404 `CUSTOMER_NOT_FOUND`; to `read`, also the customer of a
    collection task given to the actor (asked of `collection`, the collection service's proxy)."""
    customer = uow.session.get(Customer, customer_id, with_for_update=lock)
    if customer is None or not (uow.actor.can_see(customer.officer_id, customer.department_id) or (
            read and granted_by_task(collection, uow.actor, customer_id=customer.id))):
        raise NotFound("no such customer", code="CUSTOMER_NOT_FOUND")
    return customer


def blacklist_hits(uow, **match):
    """(what matched, reason) of each active entry whose one column given in `match` has the value given."""
    column, value = next(iter(match.items()))
    entries = uow.session.scalars(select(BlacklistEntry).where(
        getattr(BlacklistEntry, column) == value, BlacklistEntry.removed_at.is_(None))).all()
    return [(column.replace("_hash", ""), entry.reason) for entry in entries]


def customer_blacklist_hits(uow, customer):
    """The active entries against a customer: by the customer, their ID number (an enterprise's legal
    representative's) or their USCC."""
    hits = blacklist_hits(uow, customer_id=customer.id) + blacklist_hits(uow, id_number_hash=customer.id_number_hash)
    if customer.uscc:
        hits += blacklist_hits(uow, uscc=customer.uscc)
    return hits
