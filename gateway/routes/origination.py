"""业务中心 Loans, origination: products, LPR, the repayment calculator, credit lines (授信), applications through
investigation and approval, contracts (签约) and reviewed disbursement (放款登记 / 放款复核). Nested in the `loans`
blueprint (gateway/routes/loans.py) with servicing."""
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.auth import requires
from gateway.idempotency import idempotency_key, idempotent
from gateway.rpc import call
from gateway.schemas.common import PageArgs, ReviewSchema, page_of
from gateway.schemas.origination import (ApplicationListArgs, ApplicationSchema, ContractSchema, CreditLineListArgs,
                                         CreditLineSchema, DisbursementReviewSchema, DisbursementSchema,
                                         InvestigationSchema, LoanSchema, LprSchema, OverrideSchema, ProductListArgs,
                                         ProductPatchSchema, ProductSchema, ProductVersionSchema,
                                         ScheduleRequestSchema, ScheduleSchema)

blp = Blueprint("origination", __name__)


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
        """Correct a product: its name, `active` (no longer offered) and lending limits (amounts, terms, max LTV) in
        place; a change of the terms loans are priced by (repayment method, rate, penalty markup, grace days,
        prepayment fee, allocation, compounding, upfront fees) makes its next `version`, which new applications are
        priced by: applications made on an earlier version, and their loans, keep theirs. The product is checked as
        on creation (422 `PRODUCT_INVALID`). A field given with its present value changes nothing. Audited with
        before and after."""
        return call("loan", "update_product", product_id, data)


@blp.route("/products/<product_id>/versions")
class ProductVersions(MethodView):
    @blp.response(200, ProductVersionSchema(many=True))
    @requires("loan.view")
    def get(self, product_id):
        """产品版本: every version of the product's pricing terms, oldest first, which one is current and how many
        applications each prices."""
        return call("loan", "list_product_versions", product_id)


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


# -- disbursement --------------------------------------------------------------------------------
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
