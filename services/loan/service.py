"""Nameko entrypoints of the loan service: each loads its input, calls one use case of `services/loan/usecases`
and answers with `services/loan/views`. The rules live in `services/loan/domain`, the events in `events.py`."""
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.common import config
from services.common.consumer import subscribe
from services.common.db import UnitOfWork
from services.common.pii import Pii
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.service import ServiceBase
from services.loan import views
from services.loan.models import Base
from services.loan.schemas import (ApplicationIn, CobIn, ContractIn, CreditLineIn, DecisionIn,
                                   DisbursementIn, DisbursementReviewIn, ExtensionDecisionIn, ExtensionIn,
                                   InvestigationIn, LoanFilterIn, LprIn, OverrideIn, PrepaymentIn, ProductIn,
                                   ProductPatch, RepaymentIn, ReversalIn, ScheduleIn, TransferIn)
from services.loan.usecases import (applications, changes, checklists, closing, credit, dashboard, disbursement,
                                    inbox, loans, products, repayments)
from services.loan.usecases.lookups import business_today


class LoanService(ServiceBase):
    name = "loan"
    uow = UnitOfWork(Base.metadata)
    pii = Pii()
    customers = RpcProxy("customer")
    collateral = RpcProxy("collateral")
    collection = RpcProxy("collection")
    documents = RpcProxy("document")

    # -- 我的待办, 驾驶舱 ------------------------------------------------------------------------
    @rpc
    def inbox(self, limit=20):
        """What waits for the caller in this service, each kind capped at `limit` (≤ 100) and counted; the
        gateway merges every service's (GET /api/v1/inbox)."""
        return inbox.inbox(self.uow.session, self.uow.actor, limit)

    @rpc
    def dashboard(self):
        """The caller's cockpit figures this service owns, within their data scope, as of the business date; the
        gateway merges every service's (GET /api/v1/dashboard/summary)."""
        return dashboard.summary(self.uow.session, self.uow.actor, business_today(self.uow))

    # -- calculator, products, LPR -------------------------------------------------------------
    @rpc
    def calculate_schedule(self, data):
        """还款试算: the schedule and APR of a loan, with no side effects."""
        data = load(ScheduleIn(), data)
        return views.calculation(products.calculate_schedule(data), data)

    @rpc
    def create_product(self, data):
        return views.product(products.create_product(self.uow, load(ProductIn(), data)))

    @rpc
    def list_products(self, active=None, page=1, page_size=20):
        return views.page(products.list_products(self.uow, active, page, page_size), views.product)

    @rpc
    def get_product(self, product_id):
        return views.product(products.get_product(self.uow, product_id))

    @rpc
    def update_product(self, product_id, data):
        """Correct a product (a change of the terms loans are priced by makes its next version)."""
        return views.product(products.update_product(self.uow, product_id, load(ProductPatch(), data)))

    @rpc
    def list_product_versions(self, product_id):
        return views.product_versions(*products.list_versions(self.uow, product_id))

    @rpc(services=("collateral",))
    def vehicle_dependents(self, vehicle_id):
        """For the collateral service, before it corrects a vehicle's VIN or owner: how many applications being
        decided and loans signed or running name the vehicle."""
        return products.vehicle_dependents(self.uow, vehicle_id)

    @rpc
    def add_lpr(self, data):
        return views.lpr(products.add_lpr(self.uow, load(LprIn(), data)))

    @rpc
    def list_lpr(self, page=1, page_size=20):
        return views.page(products.list_lpr(self.uow, page, page_size), views.lpr)

    # -- credit lines (授信) ---------------------------------------------------------------------
    @rpc
    def create_credit_line(self, data):
        data = load(CreditLineIn(), data)
        return views.credit_line(*credit.create_credit_line(self.uow, data, customers=self.customers))

    @rpc
    def decide_credit_line(self, line_id, data):
        return views.credit_line(*credit.decide_credit_line(self.uow, line_id, load(DecisionIn(), data)))

    @rpc
    def get_credit_line(self, line_id):
        return views.credit_line(*credit.get_credit_line(self.uow, line_id))

    @rpc
    def list_credit_lines(self, customer_id=None, status=None, page=1, page_size=20):
        found = credit.list_credit_lines(self.uow, customer_id, status, page, page_size)
        return views.page(found, lambda shown: views.credit_line(*shown))

    # -- applications (贷款申请), contract (签约) --------------------------------------------------
    @rpc
    def submit_application(self, data):
        data = load(ApplicationIn(), data)
        return views.application(*applications.submit_application(
            self.uow, data, customers=self.customers, collateral=self.collateral))

    @rpc
    def get_application(self, application_id):
        return views.application(*applications.get_application(self.uow, application_id))

    # -- 资料清单 --------------------------------------------------------------------------------
    @rpc
    def application_checklist(self, application_id):
        return checklists.application_checklist(self.uow, application_id, self.documents)

    @rpc
    def loan_checklist(self, loan_id):
        return checklists.loan_checklist(self.uow, loan_id, self.documents)

    @rpc(services=("collateral",))
    def task_checklist(self, loan_id, task_kind, owners, complete=False):
        """For the collateral service: the checklist of its GPS installation or mortgage registration task; with
        `complete`, refused (`DOCUMENTS_MISSING`) unless it is complete."""
        return checklists.task_checklist(self.uow, loan_id, task_kind, owners, self.documents, complete)

    @rpc
    def list_applications(self, status=None, customer_id=None, page=1, page_size=20):
        found = applications.list_applications(self.uow, status, customer_id, page, page_size)
        return views.page(found, lambda shown: views.application(*shown))

    @rpc
    def investigate(self, application_id, data):
        """贷前调查: findings and a recommendation, by someone other than the submitting officer."""
        data = load(InvestigationIn(), data)
        return views.application(*applications.investigate(self.uow, application_id, data, documents=self.documents))

    @rpc
    def decide(self, application_id, data):
        """审批: first level by a risk reviewer; above the threshold, a second by an approver."""
        return views.application(*applications.decide(self.uow, application_id, load(DecisionIn(), data)))

    @rpc
    def override_interest_cap(self, application_id, data):
        """An approver lets an application above 4 × LPR proceed, with a reason (recorded and audited)."""
        data = load(OverrideIn(), data)
        return views.application(*applications.override_interest_cap(self.uow, application_id, data))

    @rpc
    def sign_contract(self, application_id, data):
        data = load(ContractIn(), data)
        return views.loan(applications.sign_contract(self.uow, application_id, data, documents=self.documents))

    # -- loans ---------------------------------------------------------------------------------
    @rpc
    def get_loan(self, loan_id):
        return views.loan_detail(loans.get_loan(self.uow, loan_id, collection=self.collection), self.pii)

    @rpc
    def list_loans(self, customer_id=None, status=None, page=1, page_size=20, min_dpd=None, max_dpd=None,
                   classification=None):
        """贷款台账 within the caller's data scope, by borrower, status, DPD range and five-level grade."""
        filters = load(LoanFilterIn(), {"min_dpd": min_dpd, "max_dpd": max_dpd, "classification": classification})
        return views.page(loans.list_loans(self.uow, filters, customer_id, status, page, page_size), views.loan)

    @rpc
    def get_schedule(self, loan_id):
        return views.installments(*loans.get_schedule(self.uow, loan_id, collection=self.collection))

    # -- disbursement (放款): exactly once under the Idempotency-Key -----------------------------
    @rpc
    def register_disbursement(self, loan_id, data, idempotency_key=None):
        """放款登记 by a finance clerk: payee, account, amount = principal − deducted fees."""
        data = load(DisbursementIn(), data)
        return disbursement.register_disbursement(self.uow, loan_id, data, idempotency_key, pii=self.pii,
                                                  dump=lambda row: views.disbursement(row, self.pii))

    @rpc
    def review_disbursement(self, loan_id, data, idempotency_key=None):
        """放款复核 by another user; approval pays the loan out (`loan.disbursed`)."""
        data = load(DisbursementReviewIn(), data)
        return disbursement.review_disbursement(self.uow, loan_id, data, idempotency_key, documents=self.documents,
                                                dump=lambda row: views.disbursement(row, self.pii))

    # -- repayments (还款), reversal (还款冲正) ---------------------------------------------------
    @rpc
    def record_repayment(self, loan_id, data, idempotency_key=None):
        """还款登记 (`loan.repayment_received`; a loan with nothing left to pay is settled)."""
        data = load(RepaymentIn(), data)
        return repayments.record_repayment(self.uow, loan_id, data, idempotency_key, dump=views.repayment)

    @rpc
    def list_repayments(self, loan_id, page=1, page_size=20):
        """还款记录, newest first, each with its voucher number, payer and reversal (status and latest request)."""
        found = repayments.list_repayments(self.uow, loan_id, page, page_size, collection=self.collection)
        return views.page(found, lambda shown: views.repayment(*shown))

    @rpc
    def request_reversal(self, loan_id, repayment_id, data, idempotency_key=None):
        """申请冲正 of a mistaken repayment (the latest on its loan); another person decides."""
        data = load(ReversalIn(), data)
        return repayments.request_reversal(self.uow, loan_id, repayment_id, data, idempotency_key,
                                           dump=views.reversal)

    @rpc
    def decide_reversal(self, reversal_id, data, idempotency_key=None):
        """冲正复核: approval undoes the repayment (`loan.repayment_reversed`)."""
        data = load(DecisionIn(), data)
        return repayments.decide_reversal(self.uow, reversal_id, data, idempotency_key, dump=views.decided_reversal)

    @rpc
    def list_reversals(self, loan_id):
        return [views.reversal(row) for row in repayments.list_reversals(self.uow, loan_id)]

    # -- early repayment (提前还款), transfer (债务转让), extension (展期) ---------------------------
    @rpc
    def quote_prepayment(self, loan_id, data):
        """What paying the loan off on `paid_on` costs: the same figure `prepay` then takes."""
        data = load(PrepaymentIn(), data)
        loan, quote, rebuilt = changes.quote_prepayment(self.uow, loan_id, data)
        return views.quote(loan, data, quote, rebuilt)

    @rpc
    def prepay(self, loan_id, data, idempotency_key=None):
        """提前还款 at the quoted figure: in full it settles the loan, in part the schedule is rebuilt."""
        data = load(PrepaymentIn(), data)
        return changes.prepay(self.uow, loan_id, data, idempotency_key, dump=views.prepayment)

    @rpc
    def request_transfer(self, loan_id, data):
        """The borrower changes to another customer, who must pass the application checks; an approver decides."""
        data = load(TransferIn(), data)
        return views.transfer(changes.request_transfer(self.uow, loan_id, data, customers=self.customers))

    @rpc
    def decide_transfer(self, transfer_id, data, idempotency_key=None):
        """Approval makes the new customer the borrower (`loan.transferred`)."""
        data = load(DecisionIn(), data)
        return changes.decide_transfer(self.uow, transfer_id, data, idempotency_key, dump=views.transfer)

    @rpc
    def request_extension(self, loan_id, data):
        """展期 request: before maturity, nothing overdue, within the cumulative limit; an approver decides."""
        return views.extension(changes.request_extension(self.uow, loan_id, load(ExtensionIn(), data)))

    @rpc
    def decide_extension(self, extension_id, data, idempotency_key=None):
        """Approval re-amortises the rest over the months left + the extension and receives its fee
        (`loan.extended`)."""
        data = load(ExtensionDecisionIn(), data)
        return changes.decide_extension(self.uow, extension_id, data, idempotency_key,
                                        dump=views.decided_extension)

    @rpc
    def list_extensions(self, loan_id):
        return [views.extension(row) for row in changes.list_extensions(self.uow, loan_id)]

    # -- the grade post-loan gives (五级分类) -----------------------------------------------------
    @subscribe("collection.classification_changed")
    def on_classification_changed(self, event):
        """The collection service grades loans; the loan shows the grade it was last given."""
        loans.record_grade(self.uow, event.payload)

    # -- close of business (日终) ----------------------------------------------------------------
    @rpc
    def run_cob(self, data):
        """Close the books for each business date after the last one closed, up to `business_date`: advances
        applied, penalty interest after grace, DPD, with `loan.became_overdue`, `loan.dpd_changed` and
        `loan.became_current` (see `services/loan/cob.py`). The call closes what it can within
        `CARLOAN_COB_SYNC_SECONDS` (8) and answers; the replicas' timers close the rest."""
        return views.cob_run(*closing.run_cob(self.uow, load(CobIn(), data)["business_date"]))

    @rpc
    def cob_status(self):
        """The date being closed, or the last one closed."""
        shown = closing.cob_status(self.uow)
        return shown and views.cob_run(*shown)

    @timer(interval=config.env_float("CARLOAN_COB_TICK_SECONDS", 10))
    def cob_tick(self):
        """Every replica, every few seconds: go on with the dates queued, or start tonight's close when
        `CARLOAN_COB_AT` (local time, e.g. 00:30) passed."""
        closing.tick(self.uow)
