"""Whose document it is: a document may be seen by whoever may see its record, so the record's own service is asked,
with the caller's signed actor passed on unchanged (its data scope, and the reads a collection task grants, apply
as for the record itself). Customers are the customer service's, applications and loans the loan service's,
vehicles and GPS and mortgage tasks the collateral service's."""
from services.common.ask import ask
from services.common.errors import NotFound

# owner type -> (the service keeping it, the method reading one, its extra arguments)
LOOKUPS = {
    "customer": ("customer", "get_customer", {}),
    "application": ("loan", "get_application", {}),
    "loan": ("loan", "get_loan", {}),
    "vehicle": ("collateral", "get_vehicle", {}),
    "gps_task": ("collateral", "get_task", {"kinds": ["gps_install", "gps_removal"]}),
    "mortgage_task": ("collateral", "get_task", {"kinds": ["mortgage_registration", "mortgage_release"]}),
}


def check_owner(owners, owner_type, owner_id):
    """Ask the owning service (`owners`: service name -> its RPC proxy) whether the caller may see the record; its
    404 (`CUSTOMER_NOT_FOUND`, `LOAN_NOT_FOUND`, `TASK_NOT_FOUND`…) is the answer when not, 503 when it is down."""
    service, method, extra = LOOKUPS[owner_type]
    ask(owners[service], method, owner_id, **extra)


def check_document_owner(owners, document):
    """As `check_owner`, for a document one asks about by its id: a record one may not see hides its documents, so
    the answer is then 404 `DOCUMENT_NOT_FOUND`, as for a document that does not exist."""
    try:
        check_owner(owners, document.owner_type, document.owner_id)
    except NotFound:
        raise NotFound("no such document", code="DOCUMENT_NOT_FOUND") from None
