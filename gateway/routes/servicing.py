"""业务中心 Loans, servicing (贷中): the loan book (贷款台账) and its schedules, repayments and their reversal (冲正),
early repayment, extensions (展期), debt transfers (债务转让) and the close of business (日终). Nested in the `loans`
blueprint (gateway/routes/loans.py) with origination."""
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.auth import requires
from gateway.idempotency import idempotency_key, idempotent
from gateway.rpc import call
from gateway.schemas.common import PageArgs, ReviewSchema, page_of
from gateway.schemas.origination import LoanSchema
from gateway.schemas.servicing import (CobRequestSchema, CobSchema, ExtensionReviewSchema, ExtensionSchema,
                                       LoanListArgs, LoanScheduleSchema, PrepaymentQuoteSchema, PrepaymentSchema,
                                       RepaymentSchema, ReversalRequestSchema, ReversalSchema, TransferSchema)

blp = Blueprint("servicing", __name__)


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
        """展期: ask for `extra_months` more, before maturity and with nothing overdue, with the `fee` agreed (422
        `EXTENSION_FEE_TOO_HIGH` above 10 % of the outstanding principal, with `max_fee`). Cumulative limits of
        《贷款通则》 art. 12 (422 `EXTENSION_LIMIT` with `max_months`); an approver decides."""
        return call("loan", "request_extension", loan_id, data)

    @blp.response(200, ExtensionSchema(many=True))
    @requires("loan.view")
    def get(self, loan_id):
        """The loan's extensions, oldest first."""
        return call("loan", "list_extensions", loan_id)


@blp.route("/extensions/<extension_id>/decision")
class ExtensionDecision(MethodView):
    @blp.arguments(ExtensionReviewSchema)
    @blp.response(200, ExtensionSchema)
    @idempotent()
    @requires("loan.servicing.approve")
    def post(self, data, extension_id):
        """Approve or reject, by someone other than who requested it. Approval re-amortises the remaining
        principal over the months left + the extension, marks the loan restructured, receives the fee (its
        `voucher_no`) and publishes `loan.extended`: finance posts the fee and shows the new maturity."""
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
