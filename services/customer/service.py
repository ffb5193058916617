"""Nameko entrypoints of the customer service: each loads its input, calls one use case of
`services/customer/usecases/` and answers with the view of `services/customer/views.py`."""
from nameko.rpc import RpcProxy

from services.common.consumer import subscribe
from services.common.db import UnitOfWork
from services.common.pii import Pii
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase
from services.customer import views
from services.customer.models import Base
from services.customer.schemas import (ApplicationRejected, ApplicationSubmitted, BlacklistIn, ClassificationChanged,
                                       CustomerPatch, DpdChanged, EnterpriseIn, LoanDisbursed, LoanSettled,
                                       LoanTransferred, PersonIn)
from services.customer.usecases import blacklist, corrections, history, reading, registration


class CustomerService(ServiceBase):
    name = "customer"
    uow = UnitOfWork(Base.metadata)
    collection = RpcProxy("collection")
    pii = Pii()

    # -- registration --------------------------------------------------------------------------
    @rpc
    def create_person(self, data):
        customer = registration.register_person(self.uow, load(PersonIn(), data), pii=self.pii)
        return views.customer(customer, self.pii)

    @rpc
    def create_enterprise(self, data):
        customer = registration.register_enterprise(self.uow, load(EnterpriseIn(), data), pii=self.pii)
        return views.customer(customer, self.pii)

    # -- corrections ---------------------------------------------------------------------------
    @rpc
    def update_customer(self, customer_id, data):
        """Correct a customer within the caller's data scope (404 outside it): contact data, checked as at
        registration (`customer.manage`); the identity number (`id_number` / `uscc`) only with
        `customer.identity.correct`, checked again (checksum, 409 `CUSTOMER_DUPLICATE`). A field given with the
        value it has is no change. Audited with each field before and after, masked as the audit log masks."""
        customer = corrections.correct_customer(self.uow, customer_id, load(CustomerPatch(), data), pii=self.pii)
        return views.customer(customer, self.pii)

    # -- reading -------------------------------------------------------------------------------
    @rpc
    def list_customers(self, type=None, q=None, page=1, page_size=20):
        found = reading.find_customers(self.uow, {"type": type, "q": q, "page": page, "page_size": page_size},
                                       pii=self.pii)
        return views.customers(found, self.pii)

    @rpc
    def get_customer(self, customer_id, unmask=False):
        file = reading.read_customer(self.uow, customer_id, unmask=unmask, collection=self.collection)
        return views.customer_file(file, self.pii)

    @rpc(services=("collateral", "loan"))
    def customer_brief(self, customer_id):
        """For other services: who a customer is (no personal data), if the caller may see them; else 404."""
        return views.brief(reading.find_customer(self.uow, customer_id))

    # -- blacklist -----------------------------------------------------------------------------
    @rpc
    def add_to_blacklist(self, data):
        entry = blacklist.add_entry(self.uow, load(BlacklistIn(), data), pii=self.pii)
        return views.blacklist_entry(entry, self.pii)

    @rpc
    def remove_from_blacklist(self, entry_id):
        return views.blacklist_entry(blacklist.remove_entry(self.uow, entry_id), self.pii)

    @rpc
    def list_blacklist(self, active=True, page=1, page_size=20):
        found = blacklist.find_entries(self.uow, {"active": active, "page": page, "page_size": page_size})
        return views.blacklist(found, self.pii)

    @rpc(services=("loan",))
    def may_borrow(self, customer_id=None, id_number=None, uscc=None):
        """For the loan service: may this person or enterprise (or its legal representative) borrow?"""
        verdict = blacklist.check_eligibility(self.uow, {"customer_id": customer_id, "id_number": id_number,
                                                         "uscc": uscc}, pii=self.pii)
        return views.eligibility(verdict)

    # -- loan history projection ---------------------------------------------------------------
    @subscribe("loan.application_submitted")
    def on_application_submitted(self, event):
        history.record_application(self.uow, load(ApplicationSubmitted(), event.payload))

    @subscribe("loan.disbursed")
    def on_loan_disbursed(self, event):
        history.record_disbursement(self.uow, load(LoanDisbursed(), event.payload),
                                    business_date=event.business_date, occurred_at=event.occurred_at)

    @subscribe("loan.application_rejected")
    def on_application_rejected(self, event):
        history.record_rejection(self.uow, load(ApplicationRejected(), event.payload))

    @subscribe("loan.settled")
    def on_loan_settled(self, event):
        history.record_settlement(self.uow, load(LoanSettled(), event.payload),
                                  business_date=event.business_date, occurred_at=event.occurred_at)

    @subscribe("loan.dpd_changed")
    def on_dpd_changed(self, event):
        history.record_dpd(self.uow, load(DpdChanged(), event.payload),
                           business_date=event.business_date, occurred_at=event.occurred_at)

    @subscribe("loan.transferred")
    def on_loan_transferred(self, event):
        """债务转让: the loan is now the new borrower's; it leaves the previous borrower's history."""
        history.record_transfer(self.uow, load(LoanTransferred(), event.payload))

    @subscribe("collection.classification_changed")
    def on_classification_changed(self, event):
        history.record_classification(self.uow, load(ClassificationChanged(), event.payload))
