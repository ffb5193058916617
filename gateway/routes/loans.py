"""业务中心 Loans: products, the repayment calculator, credit lines (授信), applications through investigation and
approval, contracts (签约) and reviewed disbursement (放款登记 / 放款复核)."""
import uuid

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.rpc import call
from gateway.auth import requires
from gateway.schemas.common import PageArgs, ReviewSchema, page_of
from gateway.schemas.loans import (ApplicationListArgs, ApplicationSchema, CobRequestSchema, CobSchema, ContractSchema,
                                   CreditLineListArgs, CreditLineSchema, DisbursementReviewSchema, DisbursementSchema,
                                   ExtensionSchema, InvestigationSchema, LoanListArgs, LoanScheduleSchema, LoanSchema,
                                   LprSchema, OverrideSchema, PrepaymentQuoteSchema, PrepaymentSchema, ProductListArgs,
                                   ProductPatchSchema, ProductSchema, RepaymentSchema, ReversalRequestSchema,
                                   ReversalSchema, ScheduleRequestSchema, ScheduleSchema, TransferSchema)
from services.common.errors import field_error

blp = Blueprint("loans", __name__, url_prefix="/api/v1",
                description="业务中心 Loans: products, calculator, credit lines, applications, contracts, disbursement")

def idempotency_key():
    """The client's `Idempotency-Key`, or a fresh one of the gateway's own: every money-moving command reaches the
    loan service under a key, so a request the broker redelivers (the service died after committing, before
    replying) is answered from what was committed, never carried out twice."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return str(uuid.uuid4())
    if not 1 <= len(key) <= 200:
        raise field_error("Idempotency-Key", "1 to 200 characters", code="IDEMPOTENCY_KEY_INVALID")
    return key


def idempotent():
    """The OpenAPI description of the `Idempotency-Key` header a money-moving command takes."""
    return blp.doc(parameters=[{
        "in": "header", "name": "Idempotency-Key", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": "a replay returns the first response; the same key with another body (or from another user) "
                       "is 409 IDEMPOTENCY_KEY_REUSED. Without one the gateway makes one, so the command still runs "
                       "exactly once, but the client cannot replay it"}])


@blp.route("/calculator/schedule")
class Calculator(MethodView):
    @blp.arguments(ScheduleRequestSchema)
    @blp.response(200, ScheduleSchema)
    @requires("loan.calculate")
    def post(self, data):
        """还款试算: the schedule and APR of a loan, without side effects."""
        return call("loan", "calculate_schedule", data)


# -- products ------------------------------------------------------------------------------------
@blp.route("/products")
class Products(MethodView):
    @blp.arguments(ProductListArgs, location="query")
    @blp.response(200, page_of(ProductSchema))
    @requires("loan.view")
    def get(self, args):
        """Loan products (贷款产品) with their APR."""
        return call("loan", "list_products", active=args.get("active"), page=args["page"],
                    page_size=args["page_size"])

    @blp.arguments(ProductSchema)
    @blp.response(201, ProductSchema)
    @requires("loan.product.manage")
    def post(self, data):
        """Create a product: repayment method, rate, term and amount limits, max LTV, penalty markup, grace
        days, prepayment fee, allocation order and upfront fees."""
        return call("loan", "create_product", data)


@blp.route("/products/<product_id>")
class ProductDetail(MethodView):
    @blp.response(200, ProductSchema)
    @requires("loan.view")
    def get(self, product_id):
        """One product."""
        return call("loan", "get_product", product_id)

    @blp.arguments(ProductPatchSchema)
    @blp.response(200, ProductSchema)
    @requires("loan.product.manage")
    def patch(self, data, product_id):
        """Correct a product: its name, `active` (no longer offered) and lending limits (amounts, terms, max LTV) at
        any time; the terms loans are priced by (repayment method, rate, penalty markup, grace days, prepayment fee,
        allocation, compounding, upfront fees) only while no application other than a rejected one uses it (409
        `PRODUCT_IN_USE` with `fields`: make a new product instead). The product is checked as on creation (422
        `PRODUCT_INVALID`). A field given with its present value changes nothing. Audited with before and after."""
        return call("loan", "update_product", product_id, data)


@blp.route("/lpr")
class Lpr(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(LprSchema))
    @requires("loan.view")
    def get(self, args):
        """The dated one-year / five-year LPR table the interest cap (4 × one-year LPR) is checked against."""
        return call("loan", "list_lpr", page=args["page"], page_size=args["page_size"])

    @blp.arguments(LprSchema)
    @blp.response(201, LprSchema)
    @requires("loan.lpr.manage")
    def post(self, data):
        """Record a new LPR fixing."""
        return call("loan", "add_lpr", data)


# -- credit lines --------------------------------------------------------------------------------
@blp.route("/credit-lines")
class CreditLines(MethodView):
    @blp.arguments(CreditLineListArgs, location="query")
    @blp.response(200, page_of(CreditLineSchema))
    @requires("loan.view")
    def get(self, args):
        """Credit lines within the caller's data scope, with what is still available."""
        return call("loan", "list_credit_lines", customer_id=args.get("customer_id"), status=args.get("status"),
                    page=args["page"], page_size=args["page_size"])

    @blp.arguments(CreditLineSchema)
    @blp.response(201, CreditLineSchema)
    @requires("loan.credit_line.manage")
    def post(self, data):
        """Request a credit line (授信); status `pending` until another user decides."""
        return call("loan", "create_credit_line", data)


@blp.route("/credit-lines/<line_id>")
class CreditLineDetail(MethodView):
    @blp.response(200, CreditLineSchema)
    @requires("loan.view")
    def get(self, line_id):
        """One credit line."""
        return call("loan", "get_credit_line", line_id)


@blp.route("/credit-lines/<line_id>/decision")
class CreditLineDecision(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, CreditLineSchema)
    @requires("loan.credit_line.approve")
    def post(self, data, line_id):
        """Approve or reject, by someone other than who requested it."""
        return call("loan", "decide_credit_line", line_id, data)


# -- applications --------------------------------------------------------------------------------
@blp.route("/loan-applications")
class Applications(MethodView):
    @blp.arguments(ApplicationListArgs, location="query")
    @blp.response(200, page_of(ApplicationSchema))
    @requires("loan.view")
    def get(self, args):
        """Applications within the caller's data scope; `?status=investigated` is the reviewers' queue."""
        return call("loan", "list_applications", status=args.get("status"), customer_id=args.get("customer_id"),
                    page=args["page"], page_size=args["page_size"])

    @blp.arguments(ApplicationSchema)
    @blp.response(201, ApplicationSchema)
    @requires("loan.apply")
    def post(self, data):
        """Submit an application (贷款申请). 422 with a `code` when a rule refuses it: CUSTOMER_BLACKLISTED,
        AMOUNT_OUT_OF_RANGE, TERM_OUT_OF_RANGE, VALUATION_NOT_CURRENT, LTV_EXCEEDED, VEHICLE_NOT_OWNED,
        VEHICLE_ALREADY_PLEDGED, CREDIT_LINE_INSUFFICIENT, ..."""
        return call("loan", "submit_application", data)


@blp.route("/loan-applications/<application_id>")
class ApplicationDetail(MethodView):
    @blp.response(200, ApplicationSchema)
    @requires("loan.view")
    def get(self, application_id):
        """One application with every step: who, when, outcome and comment."""
        return call("loan", "get_application", application_id)


@blp.route("/loan-applications/<application_id>/investigation")
class Investigation(MethodView):
    @blp.arguments(InvestigationSchema)
    @blp.response(200, ApplicationSchema)
    @requires("loan.investigate")
    def post(self, data, application_id):
        """贷前调查 by someone other than the submitting officer; `status: investigated`."""
        return call("loan", "investigate", application_id, data)


@blp.route("/loan-applications/<application_id>/decision")
class Decision(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, ApplicationSchema)
    @requires("loan.approve.first", "loan.approve.second")
    def post(self, data, application_id):
        """审批: the first decision (risk reviewer, `loan.approve.first`), then above the threshold (default
        300,000.00) a second (approver, `loan.approve.second`). Nobody decides on what they submitted or
        investigated (403 `SEGREGATION_OF_DUTIES`)."""
        return call("loan", "decide", application_id, data)


@blp.route("/loan-applications/<application_id>/interest-cap-override")
class InterestCapOverride(MethodView):
    @blp.arguments(OverrideSchema)
    @blp.response(200, ApplicationSchema)
    @requires("loan.approve.second")
    def post(self, data, application_id):
        """An approver lets an application whose APR exceeds 4 × LPR be signed, with a reason."""
        return call("loan", "override_interest_cap", application_id, data)


@blp.route("/loan-applications/<application_id>/contract")
class Contract(MethodView):
    @blp.arguments(ContractSchema)
    @blp.response(201, LoanSchema)
    @requires("loan.contract.sign")
    def post(self, data, application_id):
        """签约: creates the loan (contract number, `status: signed`, schedule preview). 422
        `INTEREST_CAP_EXCEEDED` if the APR is above 4 × the one-year LPR on `signed_on` without an override."""
        return call("loan", "sign_contract", application_id, data)


# -- loans ---------------------------------------------------------------------------------------
@blp.route("/loans")
class Loans(MethodView):
    @blp.arguments(LoanListArgs, location="query")
    @blp.response(200, page_of(LoanSchema))
    @requires("loan.view")
    def get(self, args):
        """贷款台账: loans within the caller's data scope, by borrower, status, DPD range (`min_dpd` to `max_dpd`, both
        inclusive) and five-level grade. 422 `VALIDATION_FAILED` with the field at fault for a negative or
        non-integer DPD, `max_dpd` below `min_dpd` or an unknown grade."""
        return call("loan", "list_loans", customer_id=args.get("customer_id"), status=args.get("status"),
                    min_dpd=args.get("min_dpd"), max_dpd=args.get("max_dpd"),
                    classification=args.get("classification"), page=args["page"], page_size=args["page_size"])


@blp.route("/loans/<loan_id>")
class LoanDetail(MethodView):
    @blp.response(200, LoanSchema)
    @requires("loan.view")
    def get(self, loan_id):
        """One loan with its latest disbursement."""
        return call("loan", "get_loan", loan_id)


@blp.route("/loans/<loan_id>/schedule")
class LoanSchedule(MethodView):
    @blp.response(200, LoanScheduleSchema)
    @requires("loan.view")
    def get(self, loan_id):
        """还款计划: a preview while signed, fixed from the disbursement date once paid out."""
        return call("loan", "get_schedule", loan_id)


@blp.route("/loans/<loan_id>/disbursement")
class DisbursementRegistration(MethodView):
    @blp.arguments(DisbursementSchema)
    @blp.response(201, DisbursementSchema)
    @idempotent()
    @requires("loan.disbursement.register")
    def post(self, data, loan_id):
        """放款登记 by a finance clerk: `status: pending_review`. 422 `DISBURSEMENT_AMOUNT_MISMATCH` unless the
        amount is the principal less the deducted fees."""
        return call("loan", "register_disbursement", loan_id, data, idempotency_key=idempotency_key())


@blp.route("/loans/<loan_id>/disbursement/review")
class DisbursementReview(MethodView):
    @blp.arguments(DisbursementReviewSchema)
    @blp.response(200, DisbursementSchema)
    @idempotent()
    @requires("loan.disbursement.review")
    def post(self, data, loan_id):
        """放款复核 by a different user. Approval (`voucher_no`, `disbursed_on`) makes the loan `active`, fixes the
        schedule from `disbursed_on` and publishes `loan.disbursed`; a rejection returns to registration."""
        return call("loan", "review_disbursement", loan_id, data, idempotency_key=idempotency_key())


@blp.route("/loans/<loan_id>/repayments")
class Repayments(MethodView):
    @blp.arguments(RepaymentSchema)
    @blp.response(200, RepaymentSchema)
    @idempotent()
    @requires("loan.repayment.record")
    def post(self, data, loan_id):
        """还款登记: returns the allocation (fees, penalty, interest, principal by installment; the rest held as an
        advance). 422 `OVERPAYMENT` beyond everything the loan owes. A loan paid off is `settled`."""
        return call("loan", "record_repayment", loan_id, data, idempotency_key=idempotency_key())

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(RepaymentSchema))
    @requires("loan.view")
    def get(self, args, loan_id):
        """还款记录, newest first: each with its voucher number and payer (to match the bank statement), its
        status (`recorded` / `reversed`) and its latest reversal request."""
        return call("loan", "list_repayments", loan_id, page=args["page"], page_size=args["page_size"])


@blp.route("/cob")
class CloseOfBusiness(MethodView):
    @blp.arguments(CobRequestSchema)
    @blp.response(200, CobSchema)
    @blp.alt_response(202, schema=CobSchema, description="the dates are queued and being closed: `GET /cob` "
                                                          "shows the progress")
    @requires("loan.cob.run")
    def post(self, data):
        """日终批处理: close every business date up to `business_date`: advances applied, overdue installments, DPD,
        penalty interest (after grace), and their events. 200 when closed within the call; 202 when more dates
        remain, which the loan service's replicas go on closing. Running a closed date again changes nothing;
        409 for a date before the last one closed."""
        result = call("loan", "run_cob", data)
        return result, 200 if result["status"] == "done" else 202

    @blp.response(200, CobSchema)
    @requires("loan.view")
    def get(self):
        """The date being closed, or the last one closed."""
        return call("loan", "cob_status") or {}


@blp.route("/loans/<loan_id>/prepayment-quote")
class PrepaymentQuote(MethodView):
    @blp.arguments(PrepaymentSchema)
    @blp.response(200, PrepaymentQuoteSchema)
    @requires("loan.view")
    def post(self, data, loan_id):
        """提前还款试算: principal repaid + interest accrued on it since the last due date + prepayment fee (less
        any advance held); in part, also the schedule it leaves. Changes nothing. 422 `INSTALLMENTS_DUE` while
        anything due is unpaid."""
        return call("loan", "quote_prepayment", loan_id, data)


@blp.route("/loans/<loan_id>/prepayments")
class Prepayments(MethodView):
    @blp.arguments(PrepaymentSchema)
    @blp.response(200, PrepaymentQuoteSchema)
    @idempotent()
    @requires("loan.repayment.record")
    def post(self, data, loan_id):
        """提前还款 at the quoted figure: in full the loan is settled (`loan.prepaid`, `loan.settled`); in part
        the schedule is rebuilt by `mode` (`loan.prepaid`)."""
        return call("loan", "prepay", loan_id, data, idempotency_key=idempotency_key())


@blp.route("/loans/<loan_id>/extensions")
class Extensions(MethodView):
    @blp.arguments(ExtensionSchema)
    @blp.response(201, ExtensionSchema)
    @requires("loan.servicing.request")
    def post(self, data, loan_id):
        """展期: ask for `extra_months` more, before maturity and with nothing overdue. Cumulative limits of
        《贷款通则》 art. 12 (422 `EXTENSION_LIMIT` with `max_months`); an approver decides."""
        return call("loan", "request_extension", loan_id, data)

    @blp.response(200, ExtensionSchema(many=True))
    @requires("loan.view")
    def get(self, loan_id):
        """The loan's extensions, oldest first."""
        return call("loan", "list_extensions", loan_id)


@blp.route("/extensions/<extension_id>/decision")
class ExtensionDecision(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, ExtensionSchema)
    @idempotent()
    @requires("loan.servicing.approve")
    def post(self, data, extension_id):
        """Approve or reject, by someone other than who requested it. Approval re-amortises the remaining
        principal over the months left + the extension, marks the loan restructured and publishes
        `loan.extended`."""
        return call("loan", "decide_extension", extension_id, data, idempotency_key=idempotency_key())


@blp.route("/loans/<loan_id>/transfers")
class Transfers(MethodView):
    @blp.arguments(TransferSchema)
    @blp.response(201, TransferSchema)
    @requires("loan.servicing.request")
    def post(self, data, loan_id):
        """债务转让: ask to make another customer the borrower. 422 `CUSTOMER_BLACKLISTED` when the new borrower
        fails the application checks; an approver decides."""
        return call("loan", "request_transfer", loan_id, data)


@blp.route("/transfers/<transfer_id>/decision")
class TransferDecision(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, TransferSchema)
    @idempotent()
    @requires("loan.servicing.approve")
    def post(self, data, transfer_id):
        """Approve or reject, by someone other than who requested it. Approval keeps the contract number with a
        supplement number and publishes `loan.transferred` (the car's owner and mortgage follow)."""
        return call("loan", "decide_transfer", transfer_id, data, idempotency_key=idempotency_key())


@blp.route("/loans/<loan_id>/repayments/<repayment_id>/reversal")
class RepaymentReversalRequest(MethodView):
    @blp.arguments(ReversalRequestSchema)
    @blp.response(201, ReversalSchema)
    @idempotent()
    @requires("loan.repayment.reverse")
    def post(self, data, loan_id, repayment_id):
        """申请还款冲正: ask, with a reason, to undo a mistaken repayment; someone else approves it
        (`POST /repayment-reversals/{id}/decision`). Only the latest repayment of an active loan that nothing
        followed (409 `REVERSAL_NOT_LATEST`), never an advance applied at close of business
        (409 `REPAYMENT_NOT_REVERSIBLE`); one request waits per loan (409 `REVERSAL_PENDING`)."""
        return call("loan", "request_reversal", loan_id, repayment_id, data, idempotency_key=idempotency_key())


@blp.route("/loans/<loan_id>/repayment-reversals")
class RepaymentReversals(MethodView):
    @blp.response(200, ReversalSchema(many=True))
    @requires("loan.view")
    def get(self, loan_id):
        """The loan's reversal requests, oldest first."""
        return call("loan", "list_reversals", loan_id)


@blp.route("/repayment-reversals/<reversal_id>/decision")
class RepaymentReversalDecision(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, ReversalSchema)
    @idempotent()
    @requires("loan.repayment.reverse.approve")
    def post(self, data, reversal_id):
        """冲正复核 by someone who neither asked for the reversal nor recorded the repayment (403
        `SEGREGATION_OF_DUTIES`). Approval restores the installments, outstanding principal, advance, next due
        date and DPD as if the repayment had never been made, marks it `reversed` and publishes
        `loan.repayment_reversed`: finance posts the reversing entry (红字冲销) of its posting."""
        return call("loan", "decide_reversal", reversal_id, data, idempotency_key=idempotency_key())
