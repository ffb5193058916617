"""Reading customers: the list one's data scope covers (searched by name, or exactly by ID number, phone or USCC
through their keyed hashes), a customer's file (their loans, credit status and whether they are blacklisted; in
full only with `customer.unmask`, audited), and who a customer is, for other services."""
from dataclasses import dataclass

from sqlalchemy import or_, select

from services.common.errors import Forbidden
from services.common.pagination import paginate
from services.common.scope import scoped_rows
from services.customer import domain
from services.customer.models import Customer, LoanHistory
from services.customer.usecases.shared import customer_blacklist_hits, visible_customer

UNMASK = "customer.unmask"


@dataclass(frozen=True)
class CustomerFile:
    """A customer with their loans and applications (not those that became a loan), credit status and blacklist
    verdict; `unmasked` when the caller asked to see ID number and phone in full and may."""
    customer: Customer
    loans: list
    credit: domain.Credit
    blacklisted: bool
    unmasked: bool


def find_customers(uow, data, *, pii):
    """One page (`data`: `type`, `q`, `page`, `page_size`) of the customers the actor may see, newest first: a page
    envelope whose `items` are `Customer` rows."""
    query = scoped_rows(uow.actor, Customer, "officer_id", data, "type").order_by(Customer.created_at.desc(),
                                                                                  Customer.id)
    if data.get("q"):
        query = query.where(or_(*_matching(data["q"].strip(), pii)))
    return paginate(uow.session, query, data.get("page", 1), data.get("page_size", 20))


def _matching(needle, pii):
    """The conditions a search text matches by: a part of the name, or exactly an ID number, phone or USCC."""
    exact = [Customer.name.contains(needle, autoescape=True)]
    id_number = domain.normalize_id_number(needle)
    if domain.id_number_problem(id_number) is None:
        exact.append(Customer.id_number_hash == pii.digest(id_number))
    if domain.phone_problem(needle) is None:
        exact.append(Customer.phone_hash == pii.digest(needle))
    if len(needle) == 18:
        exact.append(Customer.uscc == domain.normalize_uscc(needle))
    return exact


def read_customer(uow, customer_id, *, unmask=False, collection):
    """The `CustomerFile` of a customer the actor may see (or works a collection task about, asked of
    `collection`); `unmask` needs `customer.unmask` (403 `PERMISSION_DENIED`) and is audited."""
    customer = visible_customer(uow, customer_id, read=True, collection=collection)
    if unmask:
        if UNMASK not in uow.actor.permissions:
            raise Forbidden("seeing full ID numbers and phones needs the customer.unmask permission",
                            code="PERMISSION_DENIED", extra={"permissions": [UNMASK]})
        uow.audit("unmask_customer", "customer", customer.id, {"fields": ["id_number", "phone"]})
    loans = uow.session.scalars(select(LoanHistory).where(LoanHistory.customer_id == customer.id)
                                .where(LoanHistory.status != "converted")
                                .order_by(LoanHistory.updated_at)).all()
    return CustomerFile(customer=customer, loans=list(loans), credit=domain.credit(loans),
                        blacklisted=bool(customer_blacklist_hits(uow, customer)), unmasked=bool(unmask))


def find_customer(uow, customer_id):
    """A customer the actor's data scope covers, else 404 `CUSTOMER_NOT_FOUND`."""
    return visible_customer(uow, customer_id)
