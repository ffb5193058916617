"""Nameko entrypoints of the loan service: products, calculator, credit lines, applications, contracts,
disbursement. The rules live in `services/loan/domain`; this module loads, checks, stores and publishes."""
import datetime as dt
import json
import time
from decimal import Decimal

from nameko.rpc import RpcProxy
from nameko.timer import timer
from prometheus_client import Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.common import audit, clock, config, idempotency, jsonutil, makerchecker
from services.common.consumer import subscribe
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.jsonutil import iso, money, rate
from services.common.errors import Conflict, Forbidden, NotFound, RuleViolated, ValidationFailed, field_error
from services.common.pagination import paginate
from services.common.pii import Pii
from services.common.ask import ask
from services.common.rpc import rpc
from services.common.schemas import load
from services.common.scope import granted_by_task, scoped, visible
from services.common.service import ServiceBase
from services.loan import cob
from services.loan import dashboard as cockpit
from services.loan import inbox as todo
from services.loan import events
from services.loan.domain import lifecycles
from services.loan.domain import origination as rules
from services.loan.domain import portfolio
from services.loan.domain import schedule as engine
from services.loan.domain import servicing
from services.common.refusal import Refused
from services.loan.models import (Application, ApplicationStep, Base, CobPartition, CobRun, ContractSequence,
                                  CreditDraw, CreditLine, Disbursement, Installment, Loan, LoanExtension,
                                  LoanTransfer, LprRate, Prepayment, Product, Repayment, RepaymentReversal)
from services.loan.schemas import (ApplicationIn, CobIn, ContractIn, CreditLineIn, DecisionIn, DisbursementIn,
                                   DisbursementReviewIn, ExtensionIn, InvestigationIn, LoanFilterIn, LprIn, OverrideIn,
                                   PrepaymentIn, ProductIn, ProductPatch, RepaymentIn, ReversalIn, ScheduleIn,
                                   TransferIn)

COB_CLOSED = Gauge("carloan_cob_closed_business_date_seconds",
                   "The last business date closed (日终), as the Unix time of its midnight in CARLOAN_TIMEZONE")
COB_SECONDS = Histogram("carloan_cob_date_seconds", "Seconds from starting a business date's close to finishing it",
                        buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800))
LIVE_APPLICATION = ("submitted", "investigated", "pending_second_approval", "approved")
LIVE_LOAN = ("signed", "active")
GRADE_LABELS, GRADES = portfolio.GRADE_LABELS, portfolio.GRADES  # 五级分类, as the collection service grades


def _fees_json(fees):
    return [{"name": f.name, "amount": money(f.amount), "rate": rate(f.rate)} for f in fees]


def _shown(key, value):
    """A product field as a correction compares and audits it: upfront fees as their JSON, the rest as they are
    (Decimals compare by value: 0.0888 is 0.088800)."""
    return _fees_json(value) if key == "upfront_fees" else value


_due = cob.open_due


def dump_schedule(schedule):
    return {
        "installments": [{"no": line.no, "due_date": line.due_date.isoformat(), "principal": money(line.principal),
                          "interest": money(line.interest), "total": money(line.total),
                          "balance_after": money(line.balance_after)} for line in schedule.installments],
        "total_interest": money(schedule.total_interest), "total_payment": money(schedule.total_payment),
        "net_amount": money(schedule.net_amount), "apr": rate(schedule.apr, "0.0001"),
    }


class LoanService(ServiceBase):
    name = "loan"
    uow = UnitOfWork(Base.metadata)
    pii = Pii()
    customers = RpcProxy("customer")
    collateral = RpcProxy("collateral")
    collection = RpcProxy("collection")

    # -- 我的待办 ------------------------------------------------------------------------------
    @rpc
    def inbox(self, limit=20):
        """What waits for the caller in this service, each kind capped at `limit` (≤ 100) and counted
        (services/loan/inbox.py); the gateway merges every service's (GET /api/v1/inbox)."""
        return todo.inbox(self.uow.session, self.uow.actor, limit)

    # -- 驾驶舱 --------------------------------------------------------------------------------
    @rpc
    def dashboard(self):
        """The caller's cockpit figures this service owns, within their data scope, as of the business date
        (services/loan/dashboard.py); the gateway merges every service's (GET /api/v1/dashboard/summary)."""
        return cockpit.summary(self.uow.session, self.uow.actor, self._business_today())

    # -- calculator ----------------------------------------------------------------------------
    @rpc
    def calculate_schedule(self, data):
        """还款试算: the schedule and APR of a loan, with no side effects."""
        data = load(ScheduleIn(), data)
        first_due = data["first_due_date"]
        if first_due is not None and first_due <= data["start_date"]:
            raise field_error("first_due_date", "must be after start_date", code="FIRST_DUE_DATE_INVALID")
        fee = data["upfront_fee"] or engine.ZERO
        if fee >= data["amount"]:
            raise field_error("upfront_fee", "the fee cannot swallow the whole amount", code="FEE_TOO_HIGH")
        schedule = engine.build(data["amount"], data["annual_rate"], data["term_months"], data["repayment_method"],
                                data["start_date"], first_due, fee)
        return {**dump_schedule(schedule), "repayment_method": data["repayment_method"],
                "repayment_method_label": engine.METHODS[data["repayment_method"]],
                "annual_rate": rate(data["annual_rate"]), "amount": money(data["amount"])}

    # -- products ------------------------------------------------------------------------------
    @rpc
    def create_product(self, data):
        data = load(ProductIn(), data)
        fees = [rules.Fee(f["name"], f["amount"], f["rate"]) for f in data["upfront_fees"]]
        problems = rules.product_problems({**data, "upfront_fees": fees})
        if problems:
            raise ValidationFailed("; ".join(f"{f}: {m}" for f, m in problems), code="PRODUCT_INVALID",
                                   errors={f: [m] for f, m in problems})
        if self.uow.session.scalars(select(Product.id).where(Product.code == data["code"])).first():
            raise Conflict(f"a product with code {data['code']} exists", code="PRODUCT_DUPLICATE",
                           extra={"product_code": data["code"]})
        product = Product(**{k: v for k, v in data.items() if k != "upfront_fees"},
                          upfront_fees=jsonutil.dumps([{"name": f.name, "amount": f.amount, "rate": f.rate}
                                                       for f in fees]),
                          active=True, created_by=self.uow.actor.user_id)
        self.uow.session.add(product)
        self.uow.session.flush()
        self.uow.audit("create_product", "product", product.id, data)
        return self._dump_product(product)

    @rpc
    def list_products(self, active=None, page=1, page_size=20):
        query = select(Product).order_by(Product.code)
        if active is not None:
            query = query.where(Product.active == active)
        return paginate(self.uow.session, query, page, page_size, self._dump_product)

    @rpc
    def get_product(self, product_id):
        return self._dump_product(self._product(product_id))

    @rpc
    def update_product(self, product_id, data):
        """Correct a product: its name, whether it is offered and its lending limits at any time; the terms loans are
        priced by (origination.PRODUCT_TERMS) only while no application uses it (409 `PRODUCT_IN_USE`). The whole
        product is checked again (422 `PRODUCT_INVALID`); audited with before and after."""
        data = load(ProductPatch(), data)
        product = self._product(product_id, lock=True)  # submissions read it FOR SHARE: they wait, or we do
        before = self._product_fields(product)
        wanted = {**data}
        if "upfront_fees" in data:
            wanted["upfront_fees"] = [rules.Fee(f["name"], f["amount"], f["rate"]) for f in data["upfront_fees"]]
        changed = {key: value for key, value in wanted.items() if _shown(key, value) != _shown(key, before[key])}
        using = self.uow.session.scalar(select(func.count()).select_from(Application).where(
            Application.product_id == product.id, Application.status != "rejected"))
        locked = rules.locked_terms(changed, using)
        if locked:
            raise Conflict(f"{', '.join(locked)} cannot change: {using} application(s) or loan(s) use this product; "
                           "make a new product with the new terms", code="PRODUCT_IN_USE",
                           extra={"fields": locked, "applications": using})
        problems = rules.product_problems({**before, **changed})
        if problems:
            raise ValidationFailed("; ".join(f"{f}: {m}" for f, m in problems), code="PRODUCT_INVALID",
                                   errors={f: [m] for f, m in problems})
        for key, value in changed.items():
            setattr(product, key, jsonutil.dumps(_fees_json(value)) if key == "upfront_fees" else value)
        if changed:
            self.uow.session.flush()
            self.uow.audit("update_product", "product", product.id, audit.changes(
                {key: _shown(key, before[key]) for key in changed},
                {key: _shown(key, value) for key, value in changed.items()}))
        return self._dump_product(product)

    def _product_fields(self, product):
        """What a correction may change, as it is (upfront fees as rules.Fee)."""
        fields = {key: getattr(product, key) for key in (*rules.PRODUCT_LIMITS, *rules.PRODUCT_TERMS)
                  if key != "upfront_fees"}
        return {**fields, "upfront_fees": self._fees(product)}

    @rpc(services=("collateral",))
    def vehicle_dependents(self, vehicle_id):
        """For the collateral service, before it corrects a vehicle's VIN or owner: how many applications being
        decided and loans signed or running name the vehicle. Counts only, without data scope: the question is
        whether anyone's work depends on it, not what the caller may see."""
        session = self.uow.session
        applications = session.scalar(select(func.count()).select_from(Application).where(
            Application.vehicle_id == vehicle_id, Application.status.in_(LIVE_APPLICATION)))
        loans = session.scalar(select(func.count()).select_from(Loan).where(
            Loan.vehicle_id == vehicle_id, Loan.status.in_(LIVE_LOAN)))
        return {"applications": applications, "loans": loans}

    # -- LPR -----------------------------------------------------------------------------------
    @rpc
    def add_lpr(self, data):
        data = load(LprIn(), data)
        if self.uow.session.get(LprRate, data["effective_on"]):
            raise Conflict("an LPR is already recorded for this date", code="LPR_DUPLICATE")
        row = LprRate(**data, created_by=self.uow.actor.user_id)
        self.uow.session.add(row)
        self.uow.audit("add_lpr", "lpr_rate", data["effective_on"].isoformat(), data)
        return self._dump_lpr(row)

    @rpc
    def list_lpr(self, page=1, page_size=20):
        return paginate(self.uow.session, select(LprRate).order_by(LprRate.effective_on.desc()), page, page_size,
                        self._dump_lpr)

    # -- credit lines (授信) ---------------------------------------------------------------------
    @rpc
    def create_credit_line(self, data):
        data = load(CreditLineIn(), data)
        customer = self._customer(data["customer_id"])
        if data["expires_on"] <= clock.today():
            raise field_error("expires_on", "must be in the future", code="EXPIRY_IN_PAST")
        line = CreditLine(customer_id=customer["id"], limit=data["limit"], expires_on=data["expires_on"],
                          revolving=data["revolving"], status="pending", officer_id=self.uow.actor.user_id,
                          department_id=self.uow.actor.department_id)
        self.uow.session.add(line)
        self.uow.session.flush()
        self.uow.audit("request_credit_line", "credit_line", line.id, {"limit": money(line.limit)})
        return self._dump_credit_line(line)

    @rpc
    def decide_credit_line(self, line_id, data):
        data = load(DecisionIn(), data)
        line = self._visible(CreditLine, line_id, "CREDIT_LINE_NOT_FOUND", lock=True)
        if line.status != "pending":
            raise Conflict(f"this credit line was already {line.status}", code="CREDIT_LINE_ALREADY_DECIDED",
                           extra={"status": line.status})
        if line.officer_id == self.uow.actor.user_id:
            raise Forbidden("a credit line is approved by someone other than who requested it",
                            code="SEGREGATION_OF_DUTIES", extra={"reason": "credit_line"})
        lifecycles.CREDIT_LINE.move(line, "approved" if data["approve"] else "rejected")
        line.decided_by, line.decided_at, line.comment = self.uow.actor.user_id, utcnow(), data["comment"]
        self.uow.audit(f"credit_line_{line.status}", "credit_line", line.id, {"comment": data["comment"]})
        return self._dump_credit_line(line)

    @rpc
    def get_credit_line(self, line_id):
        return self._dump_credit_line(self._visible(CreditLine, line_id, "CREDIT_LINE_NOT_FOUND"))

    @rpc
    def list_credit_lines(self, customer_id=None, status=None, page=1, page_size=20):
        query = scoped(select(CreditLine), self.uow.actor, CreditLine.department_id, CreditLine.officer_id)
        if customer_id:
            query = query.where(CreditLine.customer_id == customer_id)
        if status:
            query = query.where(CreditLine.status == status)
        return paginate(self.uow.session, query.order_by(CreditLine.created_at.desc(), CreditLine.id), page,
                        page_size, self._dump_credit_line)

    # -- applications (贷款申请) -----------------------------------------------------------------
    @rpc
    def submit_application(self, data):
        data = load(ApplicationIn(), data)
        today = clock.today()
        # Other services first, before this worker opens its transaction.
        customer = self._customer(data["customer_id"])
        verdict = ask(self.customers, "may_borrow", customer_id=customer["id"])
        if not verdict["may_borrow"]:
            raise Refused("CUSTOMER_BLACKLISTED", "the customer (or its legal representative) is on the "
                          "blacklist: " + "; ".join(verdict["reasons"]), "customer_id",
                          blacklist_reasons=verdict["reasons"])
        collateral = self._lending_value(data["vehicle_id"], today)
        # shared: a product's terms cannot change while an application is made on them (update_product)
        product = self._product(data["product_id"], field="product_id", share=True)
        rules.check_product_limits(self._terms(product), data["amount"], data["term_months"])
        rules.check_collateral(data["amount"], customer["id"], collateral, product.max_ltv)
        self._check_vehicle_free(data["vehicle_id"])
        if data["credit_line_id"]:
            self._hold_credit(data["credit_line_id"], customer["id"], data["amount"], today)
        fees, fees_total = rules.fees_on(self._fees(product), data["amount"])
        estimate = engine.build(data["amount"], product.annual_rate, data["term_months"], product.repayment_method,
                                today, upfront_fee=fees_total)
        application = Application(
            customer_id=customer["id"], customer_name=customer["name"], product_id=product.id,
            vehicle_id=data["vehicle_id"], amount=data["amount"], term_months=data["term_months"],
            credit_line_id=data["credit_line_id"], status="submitted",
            officer_id=self.uow.actor.user_id, department_id=self.uow.actor.department_id,
            valuation_id=collateral["valuation"]["id"],
            appraised_value=Decimal(collateral["valuation"]["appraised_value"]), apr=estimate.apr)
        self.uow.session.add(application)
        self.uow.session.flush()
        if data["credit_line_id"]:
            self.uow.session.add(CreditDraw(credit_line_id=data["credit_line_id"], application_id=application.id,
                                            amount=data["amount"], status="held"))
        self._step(application, "submit", "submitted")
        self.uow.emit(*events.application_submitted(application))
        return self._dump_application(application)

    @rpc
    def get_application(self, application_id):
        application = self._visible(Application, application_id, "APPLICATION_NOT_FOUND")
        result = self._dump_application(application)
        result["steps"] = [
            {"step": s.step, "outcome": s.outcome, "comment": s.comment, "actor_id": s.actor_id,
             "actor_name": s.actor_name, "at": s.at.isoformat()}
            for s in self.uow.session.scalars(select(ApplicationStep).where(
                ApplicationStep.application_id == application.id).order_by(ApplicationStep.at, ApplicationStep.id))]
        return result

    @rpc
    def list_applications(self, status=None, customer_id=None, page=1, page_size=20):
        query = scoped(select(Application), self.uow.actor, Application.department_id, Application.officer_id)
        if status:
            query = query.where(Application.status == status)
        if customer_id:
            query = query.where(Application.customer_id == customer_id)
        return paginate(self.uow.session, query.order_by(Application.submitted_at.desc(), Application.id),
                        page, page_size, self._dump_application)

    @rpc
    def investigate(self, application_id, data):
        """贷前调查: findings and a recommendation, by someone other than the submitting officer."""
        data = load(InvestigationIn(), data)
        application = self._visible(Application, application_id, "APPLICATION_NOT_FOUND", lock=True)
        must_differ = config.env("CARLOAN_INVESTIGATOR_MUST_DIFFER", "true").lower() != "false"
        rules.check_investigator(self._facts(application), self.uow.actor.user_id, must_differ)
        for key, value in data.items():
            setattr(application, key, value)
        lifecycles.APPLICATION.move(application, "investigated", investigated_by=self.uow.actor.user_id)
        self._step(application, "investigate", data["recommendation"], data["findings"])
        return self._dump_application(application)

    @rpc
    def decide(self, application_id, data):
        """审批: first level by a risk reviewer; above the threshold, a second by an approver."""
        data = load(DecisionIn(), data)
        application = self._visible(Application, application_id, "APPLICATION_NOT_FOUND", lock=True)
        level = rules.decision_level(application.status)
        needed = "loan.approve.first" if level == 1 else "loan.approve.second"
        if needed not in self.uow.actor.permissions:
            raise Forbidden(f"this {'first' if level == 1 else 'second'}-level decision needs the permission "
                            f"{needed}", code="PERMISSION_DENIED", extra={"permissions": [needed]})
        rules.check_decider(self._facts(application), self.uow.actor.user_id, level)
        threshold = Decimal(config.env("CARLOAN_SECOND_APPROVAL_THRESHOLD",
                                       str(rules.DEFAULT_SECOND_APPROVAL_THRESHOLD)))
        lifecycles.APPLICATION.move(
            application, rules.status_after_decision(level, data["approve"], application.amount, threshold))
        if level == 1:
            application.first_decision_by = self.uow.actor.user_id
        else:
            application.second_decision_by = self.uow.actor.user_id
        self._step(application, f"decision_level_{level}", "approve" if data["approve"] else "reject",
                   data["comment"])
        if application.status == "rejected":
            self._release_credit(application)
        decided = events.application_decided(application, self.uow.actor.user_id, level, data["comment"])
        if decided is not None:
            self.uow.emit(*decided)
        return self._dump_application(application)

    @rpc
    def override_interest_cap(self, application_id, data):
        """An approver lets an application above 4 × LPR proceed, with a reason (recorded and audited)."""
        data = load(OverrideIn(), data)
        application = self._visible(Application, application_id, "APPLICATION_NOT_FOUND", lock=True)
        if application.status not in LIVE_APPLICATION:
            raise Conflict(f"the application is {application.status}", code="APPLICATION_STATE",
                           extra={"status": application.status})
        application.cap_override_by, application.cap_override_reason = self.uow.actor.user_id, data["reason"]
        self._step(application, "interest_cap_override", "override", data["reason"])
        return self._dump_application(application)

    # -- contract (签约) -------------------------------------------------------------------------
    @rpc
    def sign_contract(self, application_id, data):
        data = load(ContractIn(), data)
        application = self._visible(Application, application_id, "APPLICATION_NOT_FOUND", lock=True)
        if application.status != "approved":
            raise Conflict(f"only an approved application is signed; this one is {application.status}",
                           code="APPLICATION_STATE", extra={"reason": "not_approved", "status": application.status})
        signed_on, first_due = data["signed_on"], data["first_due_date"]
        if signed_on > clock.today():
            raise field_error("signed_on", "cannot be in the future", code="DATE_IN_FUTURE")
        if first_due is not None and not signed_on < first_due <= engine.add_months(signed_on, 2):
            raise field_error("first_due_date", "must fall within two months after signing",
                              code="FIRST_DUE_DATE_INVALID", extra={"reason": "signing"})
        product = self._product(application.product_id)
        fees, fees_total = rules.fees_on(self._fees(product), application.amount)
        preview = engine.build(application.amount, product.annual_rate, application.term_months,
                               product.repayment_method, signed_on, first_due, fees_total)
        exempt = config.env("CARLOAN_INTEREST_CAP_EXEMPT", "false").lower() == "true"
        rules.check_interest_cap(preview.apr, self._lpr_on(signed_on), exempt,
                                 application.cap_override_by is not None)
        loan = Loan(contract_no=rules.contract_no(signed_on, self._next_sequence(signed_on)),
                    application_id=application.id, customer_id=application.customer_id,
                    customer_name=application.customer_name, product_id=product.id,
                    vehicle_id=application.vehicle_id, credit_line_id=application.credit_line_id,
                    officer_id=application.officer_id, department_id=application.department_id,
                    principal=application.amount, term_months=application.term_months,
                    repayment_method=product.repayment_method, annual_rate=product.annual_rate,
                    penalty_markup=product.penalty_markup, grace_days=product.grace_days,
                    prepayment_fee_rate=product.prepayment_fee_rate,
                    prepayment_fee_free_after_months=product.prepayment_fee_free_after_months,
                    allocation=product.allocation, compound_penalty=product.compound_penalty,
                    fees=jsonutil.dumps([{"name": name, "amount": amount} for name, amount in fees]),
                    fees_total=fees_total, net_amount=application.amount - fees_total, apr=preview.apr,
                    signed_on=signed_on, requested_first_due_date=first_due, status="signed",
                    outstanding_principal=engine.ZERO, dpd=0)
        self.uow.session.add(loan)
        self.uow.session.flush()
        self._store_schedule(loan, preview)
        lifecycles.APPLICATION.move(application, "contracted", loan_id=loan.id)
        self._step(application, "sign_contract", loan.contract_no)
        self.uow.audit("sign_contract", "loan", loan.id, {"contract_no": loan.contract_no})
        self.uow.emit(*events.signed(loan, application.id, signed_on), business_date=signed_on)
        return self._dump_loan(loan)

    # -- loans ---------------------------------------------------------------------------------
    @rpc
    def get_loan(self, loan_id):
        loan = self._readable_loan(loan_id)
        result = self._dump_loan(loan)
        latest = self._latest_disbursement(loan.id)
        result["disbursement"] = latest and self._dump_disbursement(latest)
        unpaid = [due for due in map(_due, self.uow.session.scalars(
            select(Installment).where(Installment.loan_id == loan.id).order_by(Installment.no))) if due.total > 0]
        result["accrued_penalty"] = money(sum((due.part("penalty") for due in unpaid), engine.ZERO))
        result["next_due"] = unpaid and {"no": unpaid[0].no, "due_date": unpaid[0].due_date.isoformat(),
                                         "amount": money(unpaid[0].total)} or None
        return result

    @rpc
    def list_loans(self, customer_id=None, status=None, page=1, page_size=20, min_dpd=None, max_dpd=None,
                   classification=None):
        """贷款台账 within the caller's data scope, by borrower and status, DPD from `min_dpd` to `max_dpd` (both
        inclusive, either open) and the five-level grade the loan was last given (`classification`)."""
        filters = load(LoanFilterIn(), {"min_dpd": min_dpd, "max_dpd": max_dpd, "classification": classification})
        query = scoped(select(Loan), self.uow.actor, Loan.department_id, Loan.officer_id)
        if customer_id:
            query = query.where(Loan.customer_id == customer_id)
        if status:
            query = query.where(Loan.status == status)
        if filters["min_dpd"] is not None:
            query = query.where(Loan.dpd >= filters["min_dpd"])
        if filters["max_dpd"] is not None:
            query = query.where(Loan.dpd <= filters["max_dpd"])
        if filters["classification"]:
            query = query.where(Loan.classification == filters["classification"])
        return paginate(self.uow.session, query.order_by(Loan.created_at.desc(), Loan.id), page, page_size,
                        self._dump_loan)

    @rpc
    def get_schedule(self, loan_id):
        loan = self._readable_loan(loan_id)
        lines = self.uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                                         .order_by(Installment.no)).all()
        return {"loan_id": loan.id, "fixed": loan.status != "signed", "installments": [
            {"no": i.no, "due_date": i.due_date.isoformat(), "principal": money(i.principal),
             "interest": money(i.interest), "total": money(i.total), "balance_after": money(i.balance_after),
             "paid_principal": money(i.paid_principal), "paid_interest": money(i.paid_interest),
             "penalty": money(i.penalty), "paid_penalty": money(i.paid_penalty), "fees": money(i.fees),
             "paid_fees": money(i.paid_fees), "status": i.status} for i in lines],
            "total_interest": money(sum((i.interest for i in lines), engine.ZERO)),
            "total_payment": money(sum((i.total for i in lines), engine.ZERO))}

    # -- disbursement (放款) ---------------------------------------------------------------------
    @rpc
    def register_disbursement(self, loan_id, data, idempotency_key=None):
        """放款登记 by a finance clerk: payee, account, amount = principal − deducted fees. Exactly once under its
        `Idempotency-Key` (required, as for every command that moves money)."""
        data = load(DisbursementIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)
        operation = f"disbursement:{loan.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        if loan.status != "signed":
            raise Conflict(f"the loan is {loan.status}; only a signed loan is paid out", code="LOAN_STATE",
                           extra={"reason": "not_signed", "status": loan.status})
        latest = self._latest_disbursement(loan.id)
        if latest is not None and latest.status == "pending_review":
            raise Conflict("a registration is already waiting for review", code="DISBURSEMENT_PENDING",
                           extra={"existing_id": latest.id})
        rules.check_disbursement_amount(data["amount"], loan.principal, loan.fees_total)
        disbursement = Disbursement(loan_id=loan.id, payee_name=data["payee_name"],
                                    payee_account_enc=self.pii.encrypt(data["payee_account"]),
                                    amount=data["amount"], status="pending_review",
                                    registered_by=self.uow.actor.user_id)
        self.uow.session.add(disbursement)
        self.uow.session.flush()
        self.uow.audit("register_disbursement", "disbursement", disbursement.id, {"amount": money(data["amount"])})
        return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_disbursement(disbursement))

    @rpc
    def review_disbursement(self, loan_id, data, idempotency_key=None):
        """放款复核 by another user. Approval pays the loan out: `active`, schedule fixed from `disbursed_on`,
        `loan.disbursed` published. The same `Idempotency-Key` (required) replays the first answer."""
        data = load(DisbursementReviewIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)  # serialises reviews of one loan
        operation = f"disbursement_review:{loan.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        disbursement = self._latest_disbursement(loan.id)
        if disbursement is None or disbursement.status != "pending_review":
            code = "DISBURSEMENT_ALREADY_REVIEWED" if disbursement is not None else "DISBURSEMENT_NOT_REGISTERED"
            raise Conflict("there is no registration waiting for review", code=code)
        rules.check_disbursement_reviewer(disbursement.registered_by, self.uow.actor.user_id)
        disbursement.reviewed_by, disbursement.reviewed_at = self.uow.actor.user_id, utcnow()
        disbursement.comment = data["comment"]
        if data["approve"]:
            self._pay_out(loan, disbursement, data)
        else:
            lifecycles.DISBURSEMENT.move(disbursement, "rejected")
            self.uow.audit("reject_disbursement", "disbursement", disbursement.id, {"comment": data["comment"]})
        return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_disbursement(disbursement))

    # -- repayments (还款) -----------------------------------------------------------------------
    @rpc
    def record_repayment(self, loan_id, data, idempotency_key=None):
        """还款登记: allocate the amount by the product's order (docs/rules.md, Servicing), hold the rest as an advance,
        publish `loan.repayment_received`; a loan with nothing left to pay is settled (`loan.settled`). Exactly
        once under its `Idempotency-Key` (required): a redelivered request gets the first answer."""
        data = load(RepaymentIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)  # repayments on one loan queue here
        operation = f"repayment:{loan.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        if loan.status != "active":
            raise Conflict(f"the loan is {loan.status}; repayments are taken on active loans", code="LOAN_STATE",
                           extra={"reason": "not_active", "status": loan.status})
        business_today = self._business_today()
        if not loan.disbursed_on <= data["paid_on"] <= business_today:
            raise field_error("paid_on", f"must be between disbursement ({loan.disbursed_on}) and the business "
                              f"date ({business_today})", code="PAID_ON_INVALID",
                              extra={"earliest": str(loan.disbursed_on), "business_date": str(business_today)})
        lines = {line.no: line for line in self.uow.session.scalars(
            select(Installment).where(Installment.loan_id == loan.id).order_by(Installment.no))}
        dues = [due for due in map(_due, lines.values()) if due.total > 0]
        # what is due now (at the business date) is paid first, even by money dated earlier
        allocation = servicing.allocate(data["amount"], dues, business_today, loan.allocation,
                                        held_advance=loan.advance_balance)
        restore = {no: {"penalty": lines[no].penalty, "penalty_through": lines[no].penalty_through,
                        "status": lines[no].status} for no in allocation.lines}  # what a reversal puts back
        cob.apply_allocation(lines, allocation)
        summary = allocation.summary()
        loan.outstanding_principal -= summary["principal"]
        loan.advance_balance += allocation.advance
        payer_name = data["payer_name"] or loan.customer_name
        repayment = Repayment(loan_id=loan.id, amount=data["amount"], paid_on=data["paid_on"],
                              channel=data["channel"], recorded_by=self.uow.actor.user_id,
                              allocation=jsonutil.dumps({**summary, "lines": allocation.lines}),
                              payer_name=payer_name, voucher_no=data["voucher_no"], status="recorded",
                              restore=jsonutil.dumps(restore))
        self.uow.session.add(repayment)
        self.uow.session.flush()
        self.uow.audit("record_repayment", "repayment", repayment.id, {"amount": money(data["amount"])})
        repayment.event_id = self.uow.emit(*events.repayment_received(loan, repayment, summary),
                                           business_date=data["paid_on"])["event_id"]
        self._after_payment(loan, lines.values(), data["paid_on"], business_today)
        return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_repayment(repayment, loan))

    def _after_payment(self, loan, lines, paid_on, business_today):
        """Paying what was late makes the loan current (or less late) at once; paying everything settles it."""
        dues = [_due(line) for line in lines]
        loan.next_due_date = servicing.oldest_unpaid_due(dues)
        if loan.dpd:
            self._set_dpd(loan, servicing.days_past_due(business_today, dues), business_today)
        if servicing.is_settled(dues, loan.outstanding_principal):
            lifecycles.LOAN.move(loan, "settled", settled_on=paid_on)
            self.uow.audit("settle_loan", "loan", loan.id, {})
            self.uow.emit(*events.settled(loan, paid_on), business_date=paid_on)

    def _apply_advance(self, loan, on):
        """预收款冲抵 at close of business: the advance held pays the installments due by `on`, by the product's
        order, as a repayment on channel `advance`; `loan.advance_applied` (finance: Dr 2241)."""
        lines = {line.no: line for line in self.uow.session.scalars(
            select(Installment).where(Installment.loan_id == loan.id).order_by(Installment.no))}
        dues = [due for due in map(_due, lines.values()) if due.total > 0]
        amount = servicing.advance_to_apply(loan.advance_balance, dues, on)
        if amount <= 0:
            return
        allocation = servicing.allocate(amount, dues, on, loan.allocation)
        cob.apply_allocation(lines, allocation)
        summary = allocation.summary()
        loan.outstanding_principal -= summary["principal"]
        loan.advance_balance -= amount
        repayment = Repayment(loan_id=loan.id, amount=amount, paid_on=on, channel="advance",
                              recorded_by=self.uow.actor.user_id,
                              allocation=jsonutil.dumps({**summary, "lines": allocation.lines}))
        self.uow.session.add(repayment)
        self.uow.session.flush()
        self.uow.emit(*events.advance_applied(loan, repayment, summary, on), business_date=on)
        self._after_payment(loan, lines.values(), on, on + dt.timedelta(days=1))

    @rpc
    def list_repayments(self, loan_id, page=1, page_size=20):
        """还款记录, newest first, each with its voucher number, payer and reversal (status and latest request)."""
        loan = self._readable_loan(loan_id)
        query = select(Repayment).where(Repayment.loan_id == loan.id).order_by(Repayment.paid_on.desc(),
                                                                               Repayment.created_at.desc())
        result = paginate(self.uow.session, query, page, page_size, lambda r: r)
        reversals = {}  # the latest request per repayment of the page, in one query
        for row in self.uow.session.scalars(select(RepaymentReversal).where(RepaymentReversal.repayment_id.in_(
                [r.id for r in result["items"]])).order_by(RepaymentReversal.created_at)):
            reversals[row.repayment_id] = row
        result["items"] = [self._dump_repayment(r, loan, reversals.get(r.id)) for r in result["items"]]
        return result

    # -- reversal of a mistaken repayment (还款冲正) --------------------------------------------
    @rpc
    def request_reversal(self, loan_id, repayment_id, data, idempotency_key=None):
        """申请冲正: someone holding `loan.repayment.reverse` asks, with a reason, to undo a mistaken repayment (the
        latest on its loan); another person decides (`decide_reversal`). One request waits per loan."""
        data = load(ReversalIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)
        operation = f"reversal_request:{loan.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, {**data, "repayment_id": repayment_id})
        if replay is not None:
            return replay
        repayment = self._repayment(loan, repayment_id)
        self._check_reversal(loan, repayment)
        pending = self.uow.session.scalars(select(RepaymentReversal.id).where(
            RepaymentReversal.loan_id == loan.id, RepaymentReversal.status == "pending")).first()
        if pending:
            raise Conflict("a reversal on this loan is already waiting for a decision", code="REVERSAL_PENDING",
                           extra={"existing_id": pending})
        reversal = RepaymentReversal(loan_id=loan.id, repayment_id=repayment.id, reason=data["reason"],
                                     status="pending", requested_by=self.uow.actor.user_id,
                                     officer_id=loan.officer_id, department_id=loan.department_id)
        self.uow.session.add(reversal)
        self.uow.session.flush()
        self.uow.audit("request_reversal", "repayment_reversal", reversal.id,
                       {"repayment_id": repayment.id, "reason": data["reason"]})
        return idempotency.remember(self.uow, idempotency_key, operation, {**data, "repayment_id": repayment_id},
                                    self._dump_reversal(reversal))

    @rpc
    def decide_reversal(self, reversal_id, data, idempotency_key=None):
        """冲正复核 by someone who neither asked for the reversal nor recorded the repayment. Approval puts the
        installments, balances, advance, next due date and DPD back as they would be without the repayment,
        marks it `reversed` and publishes `loan.repayment_reversed` (finance reverses its posting)."""
        data = load(DecisionIn(), data)
        reversal = self._visible(RepaymentReversal, reversal_id, "REVERSAL_NOT_FOUND")
        loan = self.uow.session.get(Loan, reversal.loan_id, with_for_update=True)  # the loan first, as repayments
        reversal = self.uow.session.get(RepaymentReversal, reversal.id, with_for_update=True, populate_existing=True)
        operation = f"reversal_decision:{reversal.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        repayment = self.uow.session.get(Repayment, reversal.repayment_id)
        if reversal.status == "pending" and self.uow.actor.user_id == repayment.recorded_by:
            raise Forbidden("a reversal is approved by someone other than who recorded the repayment",
                            code="SEGREGATION_OF_DUTIES", extra={"reason": "repayment_recorder"})
        if not makerchecker.decide(reversal, self.uow.actor, data, "reversal", "REVERSAL"):
            self.uow.audit("reject_reversal", "repayment_reversal", reversal.id, {"comment": data["comment"]})
            return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_reversal(reversal))
        self._check_reversal(loan, repayment)
        self._reverse(loan, repayment, reversal)
        return idempotency.remember(self.uow, idempotency_key, operation, data, {
            **self._dump_reversal(reversal), "repayment": self._dump_repayment(repayment, loan, reversal)})

    @rpc
    def list_reversals(self, loan_id):
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND")
        return [self._dump_reversal(row) for row in self.uow.session.scalars(select(RepaymentReversal).where(
            RepaymentReversal.loan_id == loan.id).order_by(RepaymentReversal.created_at))]

    def _repayment(self, loan, repayment_id):
        repayment = self.uow.session.get(Repayment, repayment_id)
        if repayment is None or repayment.loan_id != loan.id:
            raise NotFound("no such repayment on this loan", code="REPAYMENT_NOT_FOUND")
        return repayment

    def _check_reversal(self, loan, repayment):
        """servicing.check_reversal on this loan's data: is anything recorded after the repayment that moved the
        loan's money (a repayment or advance applied, a prepayment, an extension approved)?"""
        session, after = self.uow.session, repayment.created_at
        later = None
        if session.scalars(select(Repayment.id).where(Repayment.loan_id == loan.id, Repayment.id != repayment.id,
                                                      Repayment.status != "reversed",
                                                      Repayment.created_at >= after)).first():
            later = "a repayment was recorded"
        elif session.scalars(select(Prepayment.id).where(Prepayment.loan_id == loan.id,
                                                         Prepayment.created_at >= after)).first():
            later = "a prepayment was made"
        elif session.scalars(select(LoanExtension.id).where(LoanExtension.loan_id == loan.id,
                                                            LoanExtension.status == "approved",
                                                            LoanExtension.decided_at >= after)).first():
            later = "an extension was approved"
        servicing.check_reversal(repayment.channel, repayment.status, repayment.restore is not None,
                                 loan.status, later)

    def _reverse(self, loan, repayment, reversal):
        """Undo `repayment` on `loan` (checked reversible, both locked)."""
        allocation = json.loads(repayment.allocation)
        before = json.loads(repayment.restore)
        closed = self.uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status == "done"))
        lines = {line.no: line for line in self.uow.session.scalars(
            select(Installment).where(Installment.loan_id == loan.id).order_by(Installment.no))}
        for no, paid in allocation["lines"].items():
            line, was = lines[int(no)], before[no]
            values = servicing.unpaid_again(
                {"no": line.no, "due_date": line.due_date, "principal": line.principal, "interest": line.interest,
                 **{f"paid_{part}": getattr(line, f"paid_{part}") for part in servicing.PARTS}},
                {part: Decimal(amount) for part, amount in paid.items()},
                {"penalty": Decimal(was["penalty"]), "status": was["status"],
                 "penalty_through": was["penalty_through"] and dt.date.fromisoformat(was["penalty_through"])},
                closed, loan.grace_days, loan.annual_rate, loan.penalty_markup, loan.compound_penalty)
            for name, value in values.items():
                setattr(line, name, value)
        advance = Decimal(allocation["advance"])
        if advance > loan.advance_balance:  # the latest-first rule keeps this from happening
            raise Conflict("the advance this repayment left has been used", code="REVERSAL_NOT_LATEST",
                           extra={"reason": "advance_used"})
        loan.outstanding_principal += Decimal(allocation["principal"])
        loan.advance_balance -= advance
        dues = [_due(line) for line in lines.values()]
        loan.next_due_date = servicing.oldest_unpaid_due(dues)
        business_today = self._business_today()
        lifecycles.REPAYMENT.move(repayment, "reversed")
        lifecycles.REVERSAL.move(reversal, "approved", reversed_on=business_today)
        self.uow.audit("reverse_repayment", "repayment", repayment.id,
                       {"reversal_id": reversal.id, "amount": money(repayment.amount)})
        self.uow.emit(*events.repayment_reversed(loan, repayment, reversal, allocation), business_date=business_today)
        if closed is not None:  # DPD as close of business would have left it: from the last date closed
            self._set_dpd(loan, servicing.days_past_due(closed, dues), closed)

    # -- early repayment (提前还款) -------------------------------------------------------------
    @rpc
    def quote_prepayment(self, loan_id, data):
        """What paying the loan off on `paid_on` costs (docs/rules.md, Servicing): the same figure `prepay` then takes."""
        data = load(PrepaymentIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND")
        quote, _, rebuilt = self._prepayment(loan, data)
        return self._dump_quote(loan, data, quote, rebuilt)

    @rpc
    def prepay(self, loan_id, data, idempotency_key=None):
        """提前还款 at the quoted figure. In full it settles the loan (`loan.settled`); in part the schedule is
        rebuilt for the principal left, by `mode`. `loan.prepaid` either way."""
        data = load(PrepaymentIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)
        operation = f"prepayment:{loan.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        quote, lines, rebuilt = self._prepayment(loan, data)
        future = [line for line in lines if self._untouched(line, data["paid_on"])]
        if data["full"]:
            for index, line in enumerate(future):
                if index == 0:  # the interest accrued since the last due date is earned on the next installment
                    line.interest = line.paid_interest + quote.interest
                    line.paid_interest = line.interest
                else:  # interest of periods that will not run is not owed
                    line.interest = line.paid_interest
                # what the installment came to: its principal, repaid now, and the interest it earned
                lifecycles.INSTALLMENT.move(line, "prepaid", paid_principal=line.principal,
                                            total=line.principal + line.interest)
            lifecycles.LOAN.move(loan, "settled", settled_on=data["paid_on"], next_due_date=None)
        else:
            self._replace_future(loan, future, rebuilt)
        record = Prepayment(loan_id=loan.id, paid_on=data["paid_on"], amount=quote.amount, principal=quote.principal,
                            interest=quote.interest, fee=quote.fee, advance_used=quote.advance_used,
                            full=data["full"], mode=None if data["full"] else data["mode"] or "reduce_installment",
                            channel=data["channel"], recorded_by=self.uow.actor.user_id)
        self.uow.session.add(record)
        loan.outstanding_principal -= quote.principal
        loan.advance_balance -= quote.advance_used
        self.uow.session.flush()
        self.uow.audit("prepay", "loan", loan.id, {"amount": money(quote.amount), "full": data["full"]})
        self.uow.emit(*events.prepaid(loan, record), business_date=data["paid_on"])
        if data["full"]:
            self.uow.emit(*events.settled(loan, data["paid_on"]), business_date=data["paid_on"])
        result = {**self._dump_quote(loan, data, quote, rebuilt), "id": record.id, "loan_status": loan.status}
        return idempotency.remember(self.uow, idempotency_key, operation, data, result)

    def _prepayment(self, loan, data):
        """The quote, the loan's installment rows and (in part) the schedule rebuilt for what is left."""
        if not data["full"] and data["amount"] is None:
            raise field_error("amount", "the principal to repay early is required when full is false",
                              code="AMOUNT_REQUIRED")
        if loan.status != "active":
            raise Conflict(f"the loan is {loan.status}", code="LOAN_STATE",
                           extra={"reason": "not_active", "status": loan.status})
        business_today = self._business_today()
        closed = self.uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status == "done"))
        earliest = max(loan.disbursed_on, closed or loan.disbursed_on)
        if not earliest <= data["paid_on"] <= business_today:
            raise field_error("paid_on", f"must be between {earliest} (disbursement, or the last business date "
                              f"closed: penalty is accrued to it) and the business date ({business_today})",
                              code="PAID_ON_INVALID", extra={"reason": "prepayment", "earliest": str(earliest),
                                                             "business_date": str(business_today)})
        lines = self.uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                                         .order_by(Installment.no)).all()
        dues = [_due(line) for line in lines]
        terms = (loan.annual_rate, loan.disbursed_on, loan.prepayment_fee_rate, loan.prepayment_fee_free_after_months,
                 loan.advance_balance, business_today)
        if data["full"]:
            return servicing.full_prepayment(data["paid_on"], dues, loan.outstanding_principal, *terms), lines, []
        quote = servicing.partial_prepayment(data["paid_on"], dues, loan.outstanding_principal, data["amount"],
                                             *terms)
        future = [line for line in lines if self._untouched(line, data["paid_on"])]
        rebuilt = self._reamortised(loan, future, loan.outstanding_principal - quote.principal,
                                    data["mode"] or "reduce_installment")
        return quote, lines, rebuilt

    def _reamortised(self, loan, future, balance, mode, extra_months=0):
        """The future installments again, for `balance`: re-amortised from the last due date passed over the
        months left (+ `extra_months` for an extension), by `mode`, the first still due when it was."""
        first, anchor = future[0], self._anchor(loan)
        if loan.repayment_method == "bullet":  # interest from disbursement for the whole (extended) term
            months = loan.term_months + loan.extended_months + extra_months
            return servicing.reamortise(balance, loan.annual_rate, "bullet", loan.disbursed_on, months, anchor,
                                        first.no, mode, first_due_date=engine.add_months(first.due_date,
                                                                                         extra_months, anchor))
        start = engine.add_months(first.due_date, -1, anchor) if first.no > 1 else loan.disbursed_on
        return servicing.reamortise(balance, loan.annual_rate, loan.repayment_method, start,
                                    len(future) + extra_months, anchor, first.no, mode,
                                    installment=first.principal + first.interest, principal_part=first.principal,
                                    first_due_date=first.due_date)

    @staticmethod
    def _untouched(line, after):
        """An installment due after `after` with nothing paid on it: one a rebuilt schedule may replace."""
        return line.due_date > after and not (line.paid_principal or line.paid_interest or line.paid_penalty
                                              or line.paid_fees)

    @staticmethod
    def _anchor(loan):
        """The day of month the loan's installments fall due on (clamped to short months' ends)."""
        requested = loan.requested_first_due_date
        return requested.day if requested is not None and requested > loan.disbursed_on else loan.disbursed_on.day

    def _replace_future(self, loan, future, rebuilt):
        """Swap the installments not yet due for the rebuilt ones; the maturity and the next due date follow."""
        self._put_lines(loan, future, rebuilt)
        loan.maturity_date = rebuilt[-1].due_date
        self.uow.session.flush()
        loan.next_due_date = servicing.oldest_unpaid_due([_due(line) for line in self.uow.session.scalars(
            select(Installment).where(Installment.loan_id == loan.id))])

    @staticmethod
    def _dump_quote(loan, data, quote, rebuilt):
        result = {"loan_id": loan.id, "paid_on": data["paid_on"].isoformat(), "full": data["full"],
                  "principal": money(quote.principal), "interest": money(quote.interest), "fee": money(quote.fee),
                  "advance_used": money(quote.advance_used), "amount": money(quote.amount),
                  "accrued_days": quote.accrued_days}
        if not data["full"]:
            result["mode"] = data["mode"] or "reduce_installment"
            result["schedule_after"] = {
                "installments": len(rebuilt), "next_installment": money(rebuilt[0].total),
                "maturity_date": rebuilt[-1].due_date.isoformat(),
                "lines": [{"no": line.no, "due_date": line.due_date.isoformat(), "principal": money(line.principal),
                           "interest": money(line.interest), "total": money(line.total),
                           "balance_after": money(line.balance_after)} for line in rebuilt]}
        return result

    # -- debt transfer (债务转让) ---------------------------------------------------------------
    @rpc
    def request_transfer(self, loan_id, data):
        """The borrower changes to another customer, who must pass the application checks (exists, visible,
        not blacklisted, nor its legal representative); an approver decides."""
        data = load(TransferIn(), data)
        customer = self._customer(data["to_customer_id"])  # other services first, before our transaction
        verdict = ask(self.customers, "may_borrow", customer_id=customer["id"])
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)
        if loan.status != "active":
            raise Conflict(f"the loan is {loan.status}; only an active loan is transferred", code="LOAN_STATE",
                           extra={"reason": "not_active", "status": loan.status})
        if customer["id"] == loan.customer_id:
            raise field_error("to_customer_id", "the loan already belongs to this customer", code="SAME_CUSTOMER")
        if not verdict["may_borrow"]:
            raise RuleViolated("the new borrower is on the blacklist: " + "; ".join(verdict["reasons"]),
                               code="CUSTOMER_BLACKLISTED", errors={"to_customer_id": ["blacklisted"]},
                               extra={"blacklist_reasons": verdict["reasons"]})
        pending = self.uow.session.scalars(select(LoanTransfer.id).where(
            LoanTransfer.loan_id == loan.id, LoanTransfer.status == "pending")).first()
        if pending:
            raise Conflict("a transfer of this loan is already waiting for a decision", code="TRANSFER_PENDING",
                           extra={"existing_id": pending})
        transfer = LoanTransfer(loan_id=loan.id, from_customer_id=loan.customer_id, to_customer_id=customer["id"],
                                to_customer_name=customer["name"], reason=data["reason"], status="pending",
                                requested_by=self.uow.actor.user_id, officer_id=loan.officer_id,
                                department_id=loan.department_id)
        self.uow.session.add(transfer)
        self.uow.session.flush()
        self.uow.audit("request_transfer", "loan_transfer", transfer.id, {"to": customer["id"]})
        return self._dump_transfer(transfer)

    @rpc
    def decide_transfer(self, transfer_id, data, idempotency_key=None):
        """Approval makes the new customer the borrower (same contract number, a supplement number) and
        publishes `loan.transferred`: the collateral service moves the car and opens a new registration."""
        data = load(DecisionIn(), data)
        transfer = self._visible(LoanTransfer, transfer_id, "TRANSFER_NOT_FOUND", lock=True)
        operation = f"transfer_decision:{transfer.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        if not makerchecker.decide(transfer, self.uow.actor, data, "transfer", "TRANSFER"):
            self.uow.audit("reject_transfer", "loan_transfer", transfer.id, {"comment": data["comment"]})
            return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_transfer(transfer))
        loan = self.uow.session.get(Loan, transfer.loan_id, with_for_update=True)
        if loan.status != "active" or loan.customer_id != transfer.from_customer_id:
            raise Conflict("the loan changed since the request; request the transfer again", code="LOAN_STATE",
                           extra={"reason": "changed"})
        done = self.uow.session.scalar(select(func.count()).select_from(LoanTransfer).where(
            LoanTransfer.loan_id == loan.id, LoanTransfer.status == "approved"))
        lifecycles.TRANSFER.move(transfer, "approved", supplement_no=f"{loan.contract_no}-BC{done + 1:02d}")
        loan.customer_id, loan.customer_name = transfer.to_customer_id, transfer.to_customer_name
        self.uow.audit("approve_transfer", "loan_transfer", transfer.id, {"supplement_no": transfer.supplement_no})
        self.uow.emit(*events.transferred(loan, transfer))
        return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_transfer(transfer))

    @staticmethod
    def _dump_transfer(t):
        return {"id": t.id, "loan_id": t.loan_id, "from_customer_id": t.from_customer_id,
                "to_customer_id": t.to_customer_id, "to_customer_name": t.to_customer_name, "reason": t.reason,
                "status": t.status, "requested_by": t.requested_by, "decided_by": t.decided_by,
                "decided_at": iso(t.decided_at), "comment": t.comment, "supplement_no": t.supplement_no,
                "created_at": t.created_at.isoformat()}

    # -- extension (展期) ----------------------------------------------------------------------
    @rpc
    def request_extension(self, loan_id, data):
        """展期 request: before maturity, nothing overdue, within the 贷款通则 cumulative limit (checked again at
        approval); an approver decides."""
        data = load(ExtensionIn(), data)
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND", lock=True)
        if loan.status != "active":
            raise Conflict(f"the loan is {loan.status}; only an active loan is extended", code="LOAN_STATE",
                           extra={"reason": "not_active", "status": loan.status})
        self._check_extension(loan, data["extra_months"])
        pending = self.uow.session.scalars(select(LoanExtension.id).where(
            LoanExtension.loan_id == loan.id, LoanExtension.status == "pending")).first()
        if pending:
            raise Conflict("an extension of this loan is already waiting for a decision", code="EXTENSION_PENDING",
                           extra={"existing_id": pending})
        extension = LoanExtension(loan_id=loan.id, months=data["extra_months"], reason=data["reason"],
                                  status="pending", requested_by=self.uow.actor.user_id, officer_id=loan.officer_id,
                                  department_id=loan.department_id, maturity_before=loan.maturity_date)
        self.uow.session.add(extension)
        self.uow.session.flush()
        self.uow.audit("request_extension", "loan_extension", extension.id, {"months": extension.months})
        return self._dump_extension(extension)

    @rpc
    def decide_extension(self, extension_id, data, idempotency_key=None):
        """Approval re-amortises the remaining principal over the months left + the extension (same method),
        marks the loan restructured (重组) and publishes `loan.extended`."""
        data = load(DecisionIn(), data)
        extension = self._visible(LoanExtension, extension_id, "EXTENSION_NOT_FOUND", lock=True)
        operation = f"extension_decision:{extension.id}"
        replay = idempotency.replay(self.uow, idempotency_key, operation, data)
        if replay is not None:
            return replay
        if not makerchecker.decide(extension, self.uow.actor, data, "extension", "EXTENSION"):
            self.uow.audit("reject_extension", "loan_extension", extension.id, {"comment": data["comment"]})
            return idempotency.remember(self.uow, idempotency_key, operation, data, self._dump_extension(extension))
        loan = self.uow.session.get(Loan, extension.loan_id, with_for_update=True)
        if loan.status != "active":
            raise Conflict(f"the loan is {loan.status}", code="LOAN_STATE", extra={"status": loan.status})
        lines = self._check_extension(loan, extension.months)
        today = self._business_today()
        future = [line for line in lines if self._untouched(line, today - dt.timedelta(days=1))]
        rebuilt = self._reamortised(loan, future, loan.outstanding_principal, "reduce_installment", extension.months)
        self._replace_future(loan, future, rebuilt)
        loan.extended_months += extension.months
        loan.restructured = True
        lifecycles.EXTENSION.move(extension, "approved", maturity_after=loan.maturity_date)
        self.uow.audit("approve_extension", "loan_extension", extension.id, {"maturity": iso(loan.maturity_date)})
        self.uow.emit(*events.extended(loan, extension, rebuilt[0].total), business_date=today)
        return idempotency.remember(self.uow, idempotency_key, operation, data, {
            **self._dump_extension(extension), "next_installment": money(rebuilt[0].total),
            "installments": len(rebuilt)})

    def _check_extension(self, loan, months):
        lines = self.uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                                         .order_by(Installment.no)).all()
        servicing.check_extension(months, loan.term_months, loan.extended_months, self._business_today(),
                                  loan.maturity_date, [_due(line) for line in lines])
        return lines

    @rpc
    def list_extensions(self, loan_id):
        loan = self._visible(Loan, loan_id, "LOAN_NOT_FOUND")
        rows = self.uow.session.scalars(select(LoanExtension).where(LoanExtension.loan_id == loan.id)
                                        .order_by(LoanExtension.created_at)).all()
        return [self._dump_extension(row) for row in rows]

    @staticmethod
    def _dump_extension(e):
        return {"id": e.id, "loan_id": e.loan_id, "extra_months": e.months, "reason": e.reason, "status": e.status,
                "requested_by": e.requested_by, "decided_by": e.decided_by, "decided_at": iso(e.decided_at),
                "comment": e.comment, "maturity_before": e.maturity_before.isoformat(),
                "maturity_after": iso(e.maturity_after), "created_at": e.created_at.isoformat()}

    # -- the grade post-loan gives (五级分类) -----------------------------------------------------
    @subscribe("collection.classification_changed")
    def on_classification_changed(self, event):
        """The collection service grades loans; the loan shows the grade it was last given."""
        loan = self.uow.session.get(Loan, event.payload["loan_id"], with_for_update=True)
        if loan is None:
            raise LookupError(f"no loan {event.payload['loan_id']}")
        grade = event.payload["classification"]
        if grade not in GRADES:
            raise ValueError(f"unknown grade {grade!r}")
        loan.classification = grade

    # -- close of business (日终) ----------------------------------------------------------------
    @rpc
    def run_cob(self, data):
        """Close the books for each business date after the last one closed, up to `business_date`: advances
        applied, penalty interest after grace, DPD, with `loan.became_overdue`, `loan.dpd_changed` and
        `loan.became_current` (see `services/loan/cob.py`). The dates are queued, then closed in order, each in
        loan-id ranges (one transaction each) shared with every replica that joins. The call closes what it can
        within `CARLOAN_COB_SYNC_SECONDS` (8) and answers; the replicas' timers close the rest. A run that dies is
        simply run again."""
        day = load(CobIn(), data)["business_date"]
        session = self.uow.session
        done = session.scalars(select(CobRun).where(CobRun.status == "done")
                               .order_by(CobRun.business_date.desc())).first()
        if done is not None and day <= done.business_date:
            if day == done.business_date:
                return self._dump_cob(done)
            raise Conflict(f"business date {done.business_date} is already closed", code="COB_DATE_PASSED",
                           extra={"business_date": str(done.business_date)})
        start = done.business_date + dt.timedelta(days=1) if done is not None else day
        if (day - start).days > 366:
            raise field_error("business_date", "close at most a year of business dates at once",
                              code="COB_RANGE_TOO_LONG")
        for _ in range(3):  # another replica may queue a shorter range at the same moment: queue the rest after it
            if session.get(CobRun, day) is not None:
                break
            self._queue_dates(day)
        else:
            raise Conflict("the business dates are being queued by another request; try again", code="COB_BUSY")
        self.uow.audit("run_cob", "cob_run", day.isoformat(), {"from": start.isoformat(), "to": day.isoformat()})
        deadline = time.monotonic() + config.env_float("CARLOAN_COB_SYNC_SECONDS", 8)
        self._close_queued(day, deadline)
        return self._dump_cob(session.get(CobRun, day))

    @rpc
    def cob_status(self):
        """The date being closed, or the last one closed."""
        last = self.uow.session.scalars(select(CobRun).where(CobRun.status != "queued")
                                        .order_by(CobRun.business_date.desc())).first()
        return last and self._dump_cob(last)

    @timer(interval=config.env_float("CARLOAN_COB_TICK_SECONDS", 10))
    def cob_tick(self):
        """Every replica, every few seconds: go on with the dates queued and not closed yet (claiming loan-id
        ranges no one holds), or start tonight's close when `CARLOAN_COB_AT` (local time, e.g. 00:30) passed."""
        closed = self.uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status == "done"))
        if closed is not None:
            self._show_closed(closed)
        pending = self.uow.session.scalar(select(func.count()).select_from(CobRun).where(CobRun.status != "done"))
        if not pending:
            last = self.uow.session.scalar(select(func.max(CobRun.business_date)))
            day = cob.scheduled_date(dt.datetime.now(clock.zone()), config.env("CARLOAN_COB_AT", ""), last)
            if day is None:
                return
            self._queue_dates(day)
        self._close_queued(None, time.monotonic() + config.env_float("CARLOAN_COB_TICK_BUDGET_SECONDS", 120),
                           wait=False)

    # -- helpers: other services ---------------------------------------------------------------
    def _customer(self, customer_id):
        try:
            return ask(self.customers, "customer_brief", customer_id)
        except NotFound:
            raise RuleViolated("no such customer", code="CUSTOMER_NOT_FOUND",
                               errors={"customer_id": ["no such customer"]}) from None

    def _lending_value(self, vehicle_id, today):
        try:
            return ask(self.collateral, "lending_value", vehicle_id, as_of=today.isoformat())
        except NotFound:
            raise Refused("VEHICLE_NOT_FOUND", "no such vehicle", "vehicle_id") from None

    # -- helpers: close of business -----------------------------------------------------------
    def _queue_dates(self, day):
        """Queue every business date after the last one known up to `day`."""
        session = self.uow.session
        latest = session.scalar(select(func.max(CobRun.business_date)))
        first = latest + dt.timedelta(days=1) if latest is not None else day
        if first > day:
            return
        try:
            session.add_all(CobRun(business_date=first + dt.timedelta(days=n), status="queued",
                                   started_by=self.uow.actor.user_id) for n in range((day - first).days + 1))
            session.commit()
        except IntegrityError:  # another replica queued them at the same moment
            session.rollback()

    def _close_queued(self, until, deadline, wait=True):
        """Close the dates not closed yet, oldest first (up to `until`), until one cannot be finished now (its
        remaining ranges held by other replicas) or the deadline passes."""
        while time.monotonic() < deadline:
            query = select(CobRun.business_date).where(CobRun.status != "done").order_by(CobRun.business_date)
            if until is not None:
                query = query.where(CobRun.business_date <= until)
            day = self.uow.session.scalars(query).first()
            if day is None or self._close(day, wait=wait, deadline=deadline).status != "done":
                return

    def _start(self, day):
        """The date's run with its loan-id ranges, created once (by whichever replica gets there first)."""
        session = self.uow.session
        run = session.get(CobRun, day)
        if run is not None and run.status != "queued":
            return run
        ranges = cob.partitions(config.env_int("CARLOAN_COB_PARTITIONS", 16))
        try:
            if run is None:
                run = CobRun(business_date=day, status="running", started_by=self.uow.actor.user_id)
                session.add(run)
            lifecycles.COB_RUN.move(run, "running", started_at=utcnow())
            session.flush()  # the run first: its ranges refer to it
            session.add_all(CobPartition(business_date=day, part=k, low_id=low, high_id=high, status="pending")
                            for k, (low, high) in enumerate(ranges))
            session.commit()
        except IntegrityError:  # another replica started the date at the same moment
            session.rollback()
        return session.get(CobRun, day)

    def _close(self, day, wait=True, deadline=None):
        """Close `day`: claim its pending loan-id ranges one by one and close each in its own transaction; then,
        when every range is done (by this replica or others), the date is done."""
        session = self.uow.session
        run = self._start(day)
        deadline = deadline or time.monotonic() + config.env_float("CARLOAN_COB_WAIT_SECONDS", 300)
        while run.status != "done":
            part = None
            if time.monotonic() < deadline:
                part = session.scalars(select(CobPartition).where(
                    CobPartition.business_date == day, CobPartition.status == "pending")
                    .order_by(CobPartition.part).limit(1).with_for_update(skip_locked=True)).first()
            if part is not None:
                counts = cob.RangeClose(self.uow, day, part.low_id, part.high_id, self._apply_advance).run()
                lifecycles.COB_PARTITION.move(part, "done", worker=cob.WORKER, finished_at=utcnow())
                part.loans, part.overdue, part.events = counts["loans"], counts["overdue"], counts["events"]
                part.seconds = Decimal(f"{counts['seconds']:.3f}")
                session.commit()  # this range is closed for the date, whatever happens next
                continue
            session.rollback()
            left = session.scalar(select(func.count()).select_from(CobPartition).where(
                CobPartition.business_date == day, CobPartition.status != "done"))
            if left == 0:
                self._finish(day)
                run = session.get(CobRun, day)
                break
            if not wait or time.monotonic() > deadline:
                break
            time.sleep(0.2)  # ranges held by other replicas
        session.commit()
        return run

    def _finish(self, day):
        run = self.uow.session.get(CobRun, day, with_for_update=True)
        if run.status == "done":
            return
        loans, overdue, events = self.uow.session.execute(select(
            func.sum(CobPartition.loans), func.sum(CobPartition.overdue), func.sum(CobPartition.events))
            .where(CobPartition.business_date == day)).one()
        run.loans, run.overdue, run.events = loans or 0, overdue or 0, events or 0
        lifecycles.COB_RUN.move(run, "done", finished_at=utcnow())
        self.uow.audit("close_of_business", "cob_run", day.isoformat(), {"loans": run.loans})
        self.uow.session.commit()
        COB_SECONDS.observe((run.finished_at - run.started_at).total_seconds())
        self._show_closed(day)

    @staticmethod
    def _show_closed(day):
        COB_CLOSED.set(dt.datetime.combine(day, dt.time(), tzinfo=clock.zone()).timestamp())

    def _set_dpd(self, loan, dpd, day):
        """Record a new DPD and tell the others: dpd_changed, and became_overdue / became_current."""
        if dpd == loan.dpd:
            return
        for event_type, payload in events.dpd_events(events.loan_facts(loan), loan.dpd, dpd, day):
            self.uow.emit(event_type, payload, business_date=day)
        loan.dpd = dpd

    def _business_today(self):
        """Today, or the last business date closed if close of business ran ahead (as tests do)."""
        last = self.uow.session.scalar(select(func.max(CobRun.business_date)).where(CobRun.status != "queued"))
        return max(clock.today(), last) if last else clock.today()

    def _dump_cob(self, run):
        parts = self.uow.session.execute(select(CobPartition.status, func.count()).where(
            CobPartition.business_date == run.business_date).group_by(CobPartition.status)).all()
        return {"business_date": run.business_date.isoformat(), "status": run.status, "loans": run.loans,
                "overdue": run.overdue, "events": run.events, "started_by": run.started_by,
                "finished_at": iso(run.finished_at), "partitions": dict(parts)}

    # -- helpers: rules on this service's data -------------------------------------------------
    def _check_vehicle_free(self, vehicle_id):
        busy = self.uow.session.scalars(select(Application.id).where(
            Application.vehicle_id == vehicle_id, Application.status.in_(LIVE_APPLICATION))).first()
        pledged = self.uow.session.scalars(select(Loan.id).where(
            Loan.vehicle_id == vehicle_id, Loan.status.in_(LIVE_LOAN))).first()
        if busy or pledged:
            raise Refused("VEHICLE_ALREADY_PLEDGED", "this vehicle already secures another application or loan",
                          "vehicle_id")

    def _hold_credit(self, line_id, customer_id, amount, today):
        # The row lock makes concurrent draws on one line queue up: none can pass the limit.
        line = self.uow.session.get(CreditLine, line_id, with_for_update=True)
        if line is None:
            raise Refused("CREDIT_LINE_INVALID", "no such credit line", "credit_line_id", reason="not_found")
        facts = {"customer_id": line.customer_id, "status": line.status, "expires_on": line.expires_on}
        rules.check_credit_line(facts, customer_id, amount, today, self._available(line))

    def _available(self, line):
        sums = dict(self.uow.session.execute(
            select(CreditDraw.status, func.coalesce(func.sum(CreditDraw.amount), 0))
            .where(CreditDraw.credit_line_id == line.id).group_by(CreditDraw.status)).all())
        outstanding = self.uow.session.scalar(
            select(func.coalesce(func.sum(Loan.outstanding_principal), 0))
            .where(Loan.credit_line_id == line.id, Loan.status == "active"))
        return rules.available_credit(line.limit, line.revolving, Decimal(sums.get("held", 0)),
                                      Decimal(sums.get("drawn", 0)), Decimal(outstanding or 0))

    def _release_credit(self, application):
        draw = self.uow.session.scalars(select(CreditDraw).where(
            CreditDraw.application_id == application.id)).first()
        if draw is not None and draw.status == "held":
            lifecycles.CREDIT_DRAW.move(draw, "released")

    def _lpr_on(self, day):
        cache = self.__dict__.setdefault("_lpr_cache", {})  # a worker asks once per day, not once per row
        if day not in cache:
            row = self.uow.session.scalars(select(LprRate).where(LprRate.effective_on <= day)
                                           .order_by(LprRate.effective_on.desc())).first()
            cache[day] = row.one_year if row else None
        return cache[day]

    def _next_sequence(self, day):
        session = self.uow.session
        sequence = session.get(ContractSequence, day, with_for_update=True)
        if sequence is None:
            # The day's first contract: two signed at once would both insert the row, and the second would
            # fail with 409 CONCURRENT_CHANGE. The loser of the insert waits for the winner and takes the next.
            try:
                with session.begin_nested():
                    session.add(ContractSequence(day=day, last=0))
            except IntegrityError:
                pass
            sequence = session.get(ContractSequence, day, with_for_update=True, populate_existing=True)
        sequence.last += 1
        return sequence.last

    def _pay_out(self, loan, disbursement, data):
        if not data["voucher_no"]:
            raise field_error("voucher_no", "the payment voucher number is required to approve",
                              code="VOUCHER_REQUIRED")
        disbursed_on = data["disbursed_on"]
        if disbursed_on is None:
            raise field_error("disbursed_on", "the disbursement date is required to approve", code="DATE_REQUIRED")
        if not loan.signed_on <= disbursed_on <= clock.today():
            raise field_error("disbursed_on", f"must be between signing ({loan.signed_on}) and today",
                              code="DISBURSED_ON_INVALID", extra={"signed_on": str(loan.signed_on)})
        requested = loan.requested_first_due_date
        first_due = requested if requested is not None and requested > disbursed_on else None
        schedule = engine.build(loan.principal, loan.annual_rate, loan.term_months, loan.repayment_method,
                                disbursed_on, first_due, loan.fees_total)
        self._store_schedule(loan, schedule)
        lifecycles.DISBURSEMENT.move(disbursement, "approved", voucher_no=data["voucher_no"])
        disbursement.disbursed_on = disbursed_on
        lifecycles.LOAN.move(loan, "active", disbursed_on=disbursed_on, apr=schedule.apr)
        loan.first_due_date, loan.maturity_date = schedule.first_due_date, schedule.maturity_date
        loan.next_due_date, loan.classification = schedule.first_due_date, "normal"
        loan.outstanding_principal = loan.principal
        draw = self.uow.session.scalars(select(CreditDraw).where(
            CreditDraw.application_id == loan.application_id)).first()
        if draw is not None:
            lifecycles.CREDIT_DRAW.move(draw, "drawn", loan_id=loan.id)
        self.uow.audit("approve_disbursement", "disbursement", disbursement.id,
                       {"voucher_no": data["voucher_no"], "amount": money(disbursement.amount)})
        self.uow.emit(*events.disbursed(loan, disbursement, schedule), business_date=disbursed_on)

    def _store_schedule(self, loan, schedule):
        self._put_lines(loan, self.uow.session.scalars(select(Installment).where(Installment.loan_id == loan.id)),
                        schedule.installments)

    def _put_lines(self, loan, old, new):
        """Installment rows `old` out, schedule lines `new` in (nothing paid on them yet)."""
        for line in old:
            self.uow.session.delete(line)
        self.uow.session.flush()  # the new rows may reuse the old numbers
        self.uow.session.add_all(Installment(
            loan_id=loan.id, no=line.no, due_date=line.due_date, principal=line.principal, interest=line.interest,
            total=line.total, balance_after=line.balance_after, paid_principal=engine.ZERO,
            paid_interest=engine.ZERO, penalty=engine.ZERO, paid_penalty=engine.ZERO, fees=engine.ZERO,
            paid_fees=engine.ZERO, status="pending") for line in new)

    # -- helpers: loading and scope ------------------------------------------------------------
    def _product(self, product_id, field=None, lock=False, share=False):
        lock = {"read": True} if share else lock
        product = self.uow.session.get(Product, product_id, with_for_update=lock or None)
        if product is None:
            if field:
                raise Refused("PRODUCT_NOT_FOUND", "no such product", field)
            raise NotFound("no such product", code="PRODUCT_NOT_FOUND")
        return product

    @staticmethod
    def _fees(product):
        return [rules.Fee(f["name"], f["amount"] and Decimal(f["amount"]), f["rate"] and Decimal(f["rate"]))
                for f in json.loads(product.upfront_fees)]

    @staticmethod
    def _terms(product):
        return {"active": product.active, "min_amount": product.min_amount, "max_amount": product.max_amount,
                "min_term_months": product.min_term_months, "max_term_months": product.max_term_months}

    @staticmethod
    def _facts(application):
        return {"status": application.status, "officer_id": application.officer_id,
                "investigated_by": application.investigated_by, "first_decision_by": application.first_decision_by}

    def _visible(self, model, object_id, code, lock=False):
        return visible(self.uow.session, self.uow.actor, model, object_id, code, lock=lock)

    def _readable_loan(self, loan_id):
        """A loan to read: in the actor's data scope, or the subject of a collection task given to them."""
        loan = self.uow.session.get(Loan, loan_id)
        if loan is None or not (self.uow.actor.can_see(loan.officer_id, loan.department_id)
                                or granted_by_task(self.collection, self.uow.actor, loan_id=loan.id)):
            raise NotFound("no such loan", code="LOAN_NOT_FOUND")
        return loan

    def _latest_disbursement(self, loan_id):
        return self.uow.session.scalars(select(Disbursement).where(Disbursement.loan_id == loan_id)
                                        .order_by(Disbursement.registered_at.desc(), Disbursement.id)).first()

    def _step(self, application, step, outcome, comment=None):
        actor = self.uow.actor
        self.uow.session.add(ApplicationStep(application_id=application.id, step=step, outcome=outcome,
                                             comment=comment, actor_id=actor.user_id, actor_name=actor.username))
        self.uow.audit(step, "application", application.id, {"outcome": outcome, "comment": comment})

    # -- dumps ---------------------------------------------------------------------------------
    def _dump_product(self, product):
        fees = self._fees(product)
        corners = [(amount, term) for amount in (product.min_amount, product.max_amount)
                   for term in {product.min_term_months, product.max_term_months}]
        aprs = [engine.build(amount, product.annual_rate, term, product.repayment_method, clock.today(),
                             upfront_fee=rules.fees_on(fees, amount)[1]).apr for amount, term in corners]
        return {"id": product.id, "code": product.code, "name": product.name,
                "repayment_method": product.repayment_method,
                "repayment_method_label": engine.METHODS[product.repayment_method],
                "annual_rate": rate(product.annual_rate), "min_term_months": product.min_term_months,
                "max_term_months": product.max_term_months, "min_amount": money(product.min_amount),
                "max_amount": money(product.max_amount), "max_ltv": rate(product.max_ltv),
                "penalty_markup": rate(product.penalty_markup), "grace_days": product.grace_days,
                "prepayment_fee_rate": rate(product.prepayment_fee_rate),
                "prepayment_fee_free_after_months": product.prepayment_fee_free_after_months,
                "allocation": product.allocation, "compound_penalty": product.compound_penalty,
                "upfront_fees": [{"name": f.name, "amount": money(f.amount), "rate": rate(f.rate)} for f in fees],
                "apr": rate(max(aprs), "0.0001"),
                "apr_range": {"min": rate(min(aprs), "0.0001"), "max": rate(max(aprs), "0.0001")},
                "active": product.active, "created_at": product.created_at.isoformat()}

    @staticmethod
    def _dump_lpr(row):
        return {"effective_on": row.effective_on.isoformat(), "one_year": rate(row.one_year),
                "five_year": rate(row.five_year), "created_by": row.created_by}

    def _dump_credit_line(self, line):
        return {"id": line.id, "customer_id": line.customer_id, "limit": money(line.limit),
                "expires_on": line.expires_on.isoformat(), "revolving": line.revolving, "status": line.status,
                "expired": line.expires_on < clock.today(), "available": money(max(self._available(line), 0)),
                "officer_id": line.officer_id, "department_id": line.department_id, "decided_by": line.decided_by,
                "decided_at": iso(line.decided_at), "comment": line.comment, "created_at": line.created_at.isoformat()}

    def _dump_application(self, application):
        lpr = self._lpr_on(clock.today())
        cap = rules.interest_cap(lpr) if lpr is not None else None
        return {"id": application.id, "customer_id": application.customer_id,
                "customer_name": application.customer_name, "product_id": application.product_id,
                "vehicle_id": application.vehicle_id, "amount": money(application.amount),
                "term_months": application.term_months, "credit_line_id": application.credit_line_id,
                "status": application.status, "status_label": rules.APPLICATION_STATUSES[application.status],
                "officer_id": application.officer_id, "department_id": application.department_id,
                "valuation_id": application.valuation_id, "appraised_value": money(application.appraised_value),
                "apr": rate(application.apr, "0.0001"),
                "interest_cap": {"cap": rate(cap, "0.0001"), "exceeds": cap is not None and application.apr > cap,
                                 "overridden_by": application.cap_override_by,
                                 "override_reason": application.cap_override_reason},
                "investigated_by": application.investigated_by, "findings": application.findings,
                "recommendation": application.recommendation, "income_verified": application.income_verified,
                "home_visit": application.home_visit, "work_visit": application.work_visit,
                "first_decision_by": application.first_decision_by,
                "second_decision_by": application.second_decision_by, "loan_id": application.loan_id,
                "submitted_at": application.submitted_at.isoformat()}

    @staticmethod
    def _dump_loan(loan):
        return {"id": loan.id, "contract_no": loan.contract_no, "application_id": loan.application_id,
                "customer_id": loan.customer_id, "customer_name": loan.customer_name, "product_id": loan.product_id,
                "vehicle_id": loan.vehicle_id,
                "credit_line_id": loan.credit_line_id, "officer_id": loan.officer_id,
                "department_id": loan.department_id, "principal": money(loan.principal),
                "term_months": loan.term_months, "repayment_method": loan.repayment_method,
                "repayment_method_label": engine.METHODS[loan.repayment_method],
                "annual_rate": rate(loan.annual_rate), "apr": rate(loan.apr, "0.0001"),
                "penalty_markup": rate(loan.penalty_markup), "grace_days": loan.grace_days,
                "fees": [{"name": f["name"], "amount": money(Decimal(f["amount"]))} for f in json.loads(loan.fees)],
                "fees_total": money(loan.fees_total), "net_amount": money(loan.net_amount),
                "signed_on": iso(loan.signed_on), "disbursed_on": iso(loan.disbursed_on),
                "first_due_date": iso(loan.first_due_date), "maturity_date": iso(loan.maturity_date),
                "status": loan.status, "status_label": rules.LOAN_STATUSES[loan.status],
                "outstanding_principal": money(loan.outstanding_principal),
                "advance_balance": money(loan.advance_balance), "settled_on": iso(loan.settled_on), "dpd": loan.dpd,
                "classification": loan.classification,
                "classification_label": GRADE_LABELS.get(loan.classification), "restructured": loan.restructured,
                "extended_months": loan.extended_months, "created_at": loan.created_at.isoformat()}

    @staticmethod
    def _dump_repayment(repayment, loan, reversal=None):
        """A repayment as the clerk matches it to the bank statement: voucher number and payer; its status
        (`recorded` | `reversed`) and its latest reversal request, if any."""
        allocation = json.loads(repayment.allocation)
        return {"id": repayment.id, "loan_id": repayment.loan_id, "amount": money(repayment.amount),
                "paid_on": repayment.paid_on.isoformat(), "channel": repayment.channel,
                "payer_name": repayment.payer_name, "voucher_no": repayment.voucher_no,
                "status": repayment.status, "status_label": servicing.REPAYMENT_STATUSES[repayment.status],
                "reversal": reversal and LoanService._dump_reversal(reversal),
                "allocation": {k: money(Decimal(v)) for k, v in allocation.items() if k != "lines"},
                "lines": [{"no": int(no), **{k: money(Decimal(v)) for k, v in paid.items()}}
                          for no, paid in allocation["lines"].items()],
                "recorded_by": repayment.recorded_by, "created_at": repayment.created_at.isoformat(),
                "loan_status": loan.status, "outstanding_principal": money(loan.outstanding_principal),
                "advance_balance": money(loan.advance_balance)}

    @staticmethod
    def _dump_reversal(r):
        return {"id": r.id, "loan_id": r.loan_id, "repayment_id": r.repayment_id, "reason": r.reason,
                "status": r.status, "requested_by": r.requested_by, "decided_by": r.decided_by,
                "decided_at": iso(r.decided_at), "comment": r.comment, "reversed_on": iso(r.reversed_on),
                "created_at": r.created_at.isoformat()}

    def _dump_disbursement(self, d):
        return {"id": d.id, "loan_id": d.loan_id, "payee_name": d.payee_name,
                "payee_account": rules.mask_account(self.pii.decrypt(d.payee_account_enc)),
                "amount": money(d.amount), "status": d.status, "registered_by": d.registered_by,
                "registered_at": d.registered_at.isoformat(), "reviewed_by": d.reviewed_by,
                "reviewed_at": iso(d.reviewed_at), "voucher_no": d.voucher_no, "disbursed_on": iso(d.disbursed_on),
                "comment": d.comment}
